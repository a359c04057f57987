import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { bindJobStep, checkInteger, renderEnvironment, renderMaxRuntime } from './job-step';
import { JobStepProps, Step } from './step';
import { ContainerImage } from '../container-image';
import { InstanceType } from '../instance-type';
import { toStringValue } from '../private/expression';
import { grantS3Uri } from '../private/s3-grants';
import { createPropertyTree, TrainingJobProperties } from '../properties';

/** How a training channel's S3 location is interpreted (`S3DataType`). */
export enum TrainingS3DataType {
  /** Every object under the URI prefix. */
  S3_PREFIX = 'S3Prefix',
  /** A manifest file listing the objects. */
  MANIFEST_FILE = 'ManifestFile',
  /** An augmented manifest file. */
  AUGMENTED_MANIFEST_FILE = 'AugmentedManifestFile',
}

/** How a channel's data is spread over instances (`S3DataDistributionType`). */
export enum TrainingS3DataDistribution {
  /** Every instance gets all the data. */
  FULLY_REPLICATED = 'FullyReplicated',
  /** Each instance gets a share of the objects. */
  SHARDED_BY_S3_KEY = 'ShardedByS3Key',
}

/** How training data reaches the container (`TrainingInputMode`). */
export enum TrainingInputMode {
  /** Downloaded before training starts. */
  FILE = 'File',
  /** Streamed through a pipe. */
  PIPE = 'Pipe',
  /** Streamed from S3 on demand. */
  FAST_FILE = 'FastFile',
}

/** Compression of a channel's data (`CompressionType`). */
export enum TrainingCompressionType {
  /** Not compressed. */
  NONE = 'None',
  /** Gzip-compressed. */
  GZIP = 'Gzip',
}

/**
 * Options of a training channel.
 */
export interface TrainingInputOptions {
  /**
   * MIME type of the data (`ContentType`), for example `text/csv`.
   * @default - none
   */
  readonly contentType?: string;
  /**
   * @default TrainingS3DataType.S3_PREFIX
   */
  readonly s3DataType?: TrainingS3DataType;
  /**
   * @default TrainingS3DataDistribution.FULLY_REPLICATED
   */
  readonly distribution?: TrainingS3DataDistribution;
  /**
   * @default - none
   */
  readonly compressionType?: TrainingCompressionType;
  /**
   * Input mode of this channel, overriding the job's.
   * @default - the job's input mode
   */
  readonly inputMode?: TrainingInputMode;
}

/**
 * A channel of training data (`InputDataConfig[]`).
 */
export class TrainingInput {
  /**
   * A channel whose data is at an S3 URI: an `s3://` URI, a parameter, a step property such as
   * `prep.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri`, or a concatenation.
   * When the bucket is known at synth, the job role is granted read access to the key prefix.
   */
  public static s3(channelName: string, s3Uri: string, options: TrainingInputOptions = {}): TrainingInput {
    return new TrainingInput(channelName, s3Uri, options);
  }

  private constructor(
    /** Name of the channel (`ChannelName`); the container reads it from `/opt/ml/input/data/<name>`. */
    public readonly channelName: string,
    /** The data's S3 URI. */
    public readonly s3Uri: string,
    private readonly options: TrainingInputOptions,
  ) {
    if (Token.isUnresolved(channelName) || !/^[A-Za-z0-9\.\-_]{1,64}$/.test(channelName)) {
      throw new Error(`TrainingInput channel name must be 1-64 characters of A-Z, a-z, 0-9, '.', '-' and '_'; received '${channelName}'.`);
    }
  }

  /** @internal */
  public _render(): Record<string, unknown> {
    const o = this.options;
    return {
      DataSource: {
        S3DataSource: {
          S3DataType: o.s3DataType ?? TrainingS3DataType.S3_PREFIX,
          S3Uri: this.s3Uri,
          S3DataDistributionType: o.distribution ?? TrainingS3DataDistribution.FULLY_REPLICATED,
        },
      },
      ...(o.contentType !== undefined ? { ContentType: o.contentType } : {}),
      ...(o.compressionType !== undefined ? { CompressionType: o.compressionType } : {}),
      ...(o.inputMode !== undefined ? { InputMode: o.inputMode } : {}),
      ChannelName: this.channelName,
    };
  }
}

/**
 * Props of a {@link TrainingStep}.
 */
export interface TrainingStepProps extends JobStepProps {
  /** The container image that runs the training code. */
  readonly image: ContainerImage;
  /**
   * Where the model artifacts go (`OutputDataConfig.S3OutputPath`). When the bucket is known at
   * synth, the job role is granted read and write access to the key prefix.
   */
  readonly outputPath: string;
  /**
   * Training data channels (at most 20).
   * @default - none
   */
  readonly inputs?: TrainingInput[];
  /**
   * Hyperparameters (at most 100). Values may be literals, parameters or step properties; numbers
   * and booleans are passed as text, and number expressions are wrapped in `Std:Join` as the
   * SageMaker SDK does, since the service takes only strings.
   * @default - none
   */
  readonly hyperparameters?: Record<string, string | number | boolean>;
  /**
   * Input mode of the job's channels (`AlgorithmSpecification.TrainingInputMode`).
   * @default TrainingInputMode.FILE
   */
  readonly inputMode?: TrainingInputMode;
  /**
   * Instance type. Accepts a String parameter through `InstanceType.of`.
   * @default InstanceType.M5_XLARGE
   */
  readonly instanceType?: InstanceType;
  /**
   * Number of instances.
   * @default 1
   */
  readonly instanceCount?: number;
  /**
   * Size of each instance's storage volume in GB.
   * @default 30
   */
  readonly volumeSizeInGB?: number;
  /**
   * Maximum run time of the job (`StoppingCondition.MaxRuntimeInSeconds`), at most 28 days.
   * @default Duration.days(1)
   */
  readonly maxRuntime?: Duration;
  /**
   * Environment variables of the container (at most 100).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * The role the job runs as.
   * @default - the pipeline's shared job role, granted only what this step's inputs and output need
   */
  readonly role?: iam.IRole;
}

/**
 * A step that runs a SageMaker training job (`Type: Training`, a CreateTrainingJob request).
 */
export class TrainingStep extends Step {
  /** @inheritdoc */
  public readonly stepType = 'Training';
  /** The training job's properties (DescribeTrainingJob), for other steps to read, e.g. `ModelArtifacts.S3ModelArtifacts`. */
  public readonly properties: TrainingJobProperties;
  /** The role the job runs as. */
  public readonly role: iam.IRole;

  private readonly props: TrainingStepProps;
  private readonly imageUri: string;
  private readonly hyperparameters?: Record<string, string>;

  constructor(scope: Construct, id: string, props: TrainingStepProps) {
    super(scope, id, props, { retry: 'all', cache: true });
    this.props = props;
    this.properties = createPropertyTree(this, 'Training') as TrainingJobProperties;
    this.role = bindJobStep(this.pipeline, 'training-job', props.role);
    const stack = Stack.of(this);

    checkInteger(this, 'instanceCount', props.instanceCount, 1, 100000);
    checkInteger(this, 'volumeSizeInGB', props.volumeSizeInGB, 1, 16384);
    renderEnvironment(this, props.environment);
    renderMaxRuntime(this, props.maxRuntime, Duration.days(1), Duration.days(28));

    const inputs = props.inputs ?? [];
    if (inputs.length > 20) {
      throw new Error(`${this.node.path}: a training job takes at most 20 channels; received ${inputs.length}.`);
    }
    const channels = new Set<string>();
    for (const input of inputs) {
      if (!(input instanceof TrainingInput)) {
        throw new Error(`${this.node.path}: inputs must be created with TrainingInput.s3(channelName, s3Uri); received ${JSON.stringify(input)}.`);
      }
      if (channels.has(input.channelName)) {
        throw new Error(`${this.node.path}: channel '${input.channelName}' is given twice; channel names must be unique.`);
      }
      channels.add(input.channelName);
      grantS3Uri(this.role, stack, input.s3Uri, 'read');
    }
    grantS3Uri(this.role, stack, props.outputPath, 'readWrite');
    this.hyperparameters = renderHyperparameters(this, props.hyperparameters);
    this.imageUri = props.image.bind(this, this.role).imageUri;
  }

  protected renderArguments(): Record<string, unknown> {
    const props = this.props;
    const args: Record<string, unknown> = {
      AlgorithmSpecification: { TrainingImage: this.imageUri, TrainingInputMode: props.inputMode ?? TrainingInputMode.FILE },
      OutputDataConfig: { S3OutputPath: props.outputPath },
      StoppingCondition: { MaxRuntimeInSeconds: renderMaxRuntime(this, props.maxRuntime, Duration.days(1), Duration.days(28)) },
      ResourceConfig: {
        VolumeSizeInGB: props.volumeSizeInGB ?? 30,
        InstanceCount: props.instanceCount ?? 1,
        InstanceType: (props.instanceType ?? InstanceType.M5_XLARGE).toString(),
      },
      RoleArn: this.role.roleArn,
    };
    if ((props.inputs ?? []).length > 0) {
      args.InputDataConfig = props.inputs!.map((i) => i._render());
    }
    if (this.hyperparameters) {
      args.HyperParameters = this.hyperparameters;
    }
    const environment = renderEnvironment(this, props.environment);
    if (environment) {
      args.Environment = environment;
    }
    return args;
  }
}

function renderHyperparameters(
  scope: Construct,
  hyperparameters: Record<string, string | number | boolean> | undefined,
): Record<string, string> | undefined {
  if (hyperparameters === undefined) {
    return undefined;
  }
  const entries = Object.entries(hyperparameters);
  if (entries.length > 100) {
    throw new Error(`${scope.node.path}: ${entries.length} hyperparameters given; SageMaker accepts at most 100.`);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new Error(`${scope.node.path}: hyperparameter '${key}' must be a string, number or boolean (or a parameter or step property); received ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}. Serialize structured values yourself, e.g. JSON.stringify(value).`);
    }
    if (typeof value === 'number' && !Token.isUnresolved(value) && !Number.isFinite(value)) {
      throw new Error(`${scope.node.path}: hyperparameter '${key}' must be a finite number; received ${value}.`);
    }
    if (key.length > 256) {
      throw new Error(`${scope.node.path}: hyperparameter name '${key.slice(0, 40)}...' is ${key.length} characters; names are at most 256.`);
    }
    const text = toStringValue(value);
    if (!Token.isUnresolved(text) && text.length > 2500) {
      throw new Error(`${scope.node.path}: hyperparameter '${key}' is ${text.length} characters; values are at most 2,500.`);
    }
    out[key] = text;
  }
  return entries.length > 0 ? out : undefined;
}
