import { Duration, IResolvable, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { checkBooleanValue, checkInteger, checkS3Uri, renderEnvironment, renderMaxRuntime } from './job-step';
import type { Step } from './step';
import { ContainerImage } from '../container-image';
import { S3Access, S3Location } from '../inputs';
import { InstanceType } from '../instance-type';
import { checkRuntimeEnum } from '../private/enum-value';
import { toStringValue } from '../private/expression';
import { JobVpc } from '../private/job-vpc';
import { grantS3Uri } from '../private/s3-grants';
import { stackOf } from '../private/stack-lookup';

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

/** How a channel's records are wrapped (`RecordWrapperType`). */
export enum TrainingRecordWrapperType {
  /** The records are passed as they are. */
  NONE = 'None',
  /** Each record is wrapped in a RecordIO header (the data is not RecordIO already). */
  RECORD_IO = 'RecordIO',
}

/**
 * Shuffling of a channel's data (`ShuffleConfig`).
 */
export interface TrainingShuffleConfig {
  /** Seed of the shuffle (`Seed`), an integer. */
  readonly seed: number;
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
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default TrainingS3DataType.S3_PREFIX
   */
  readonly s3DataType?: TrainingS3DataType | string;
  /**
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default TrainingS3DataDistribution.FULLY_REPLICATED
   */
  readonly distribution?: TrainingS3DataDistribution | string;
  /**
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default - none
   */
  readonly compressionType?: TrainingCompressionType | string;
  /**
   * Input mode of this channel, overriding the job's.
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default - the job's input mode
   */
  readonly inputMode?: TrainingInputMode | string;
  /**
   * Whether SageMaker wraps each record in a RecordIO header (`RecordWrapperType`).
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default - none (the service treats the data as not wrapped)
   */
  readonly recordWrapperType?: TrainingRecordWrapperType | string;
  /**
   * Shuffle the objects of an `S3Prefix` channel, or the lines of a manifest, before each epoch (`ShuffleConfig`).
   * @default - no shuffling
   */
  readonly shuffle?: TrainingShuffleConfig;
  /**
   * Attributes of an augmented manifest file to pass to the container (`S3DataSource.AttributeNames`),
   * at most 16. Only with `s3DataType: TrainingS3DataType.AUGMENTED_MANIFEST_FILE`.
   * @default - none
   */
  readonly attributeNames?: string[];
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
  public static s3(channelName: string, s3Uri: string | S3Location, options: TrainingInputOptions = {}): TrainingInput {
    return new TrainingInput(channelName, s3Uri, options);
  }

  private constructor(
    /** Name of the channel (`ChannelName`); the container reads it from `/opt/ml/input/data/<name>`. */
    public readonly channelName: string,
    /** The data's location: an S3 URI, or an `S3Location` (a bucket prefix or a local file or folder). */
    public readonly s3Uri: string | S3Location,
    private readonly options: TrainingInputOptions,
  ) {
    if (Token.isUnresolved(channelName) || !/^[A-Za-z0-9\.\-_]{1,64}$/.test(channelName)) {
      throw new Error(`TrainingInput channel name must be 1-64 characters of A-Z, a-z, 0-9, '.', '-' and '_'; received '${channelName}'. Rename the channel, e.g. '${typeof channelName === 'string' && !Token.isUnresolved(channelName) ? (channelName.replace(/[^A-Za-z0-9.\-_]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'train') : 'train'}' (it becomes /opt/ml/input/data/<channel> in the container).`);
    }
    const seed = options.shuffle?.seed;
    if (options.shuffle !== undefined && (typeof seed !== 'number' || (!Token.isUnresolved(seed) && !Number.isSafeInteger(seed)))) {
      throw new Error(`TrainingInput '${channelName}': shuffle.seed must be an integer; received ${String(seed)}. Pass e.g. { shuffle: { seed: 42 } }.`);
    }
    const attributes = options.attributeNames;
    if (attributes !== undefined) {
      const dataType = options.s3DataType ?? TrainingS3DataType.S3_PREFIX;
      // A data type chosen at run time (a parameter) is checked by the service.
      if (!Token.isUnresolved(dataType) && dataType !== TrainingS3DataType.AUGMENTED_MANIFEST_FILE) {
        throw new Error(`TrainingInput '${channelName}': attributeNames apply only to augmented manifest files; received s3DataType ${options.s3DataType ?? TrainingS3DataType.S3_PREFIX}. Set s3DataType: TrainingS3DataType.AUGMENTED_MANIFEST_FILE or remove attributeNames.`);
      }
      if (attributes.length < 1 || attributes.length > 16) {
        throw new Error(`TrainingInput '${channelName}': attributeNames takes 1-16 names; received ${attributes.length}.`);
      }
      for (const name of attributes) {
        if (!Token.isUnresolved(name) && (name.length < 1 || name.length > 256)) {
          throw new Error(`TrainingInput '${channelName}': attribute names are 1-256 characters; received '${name.slice(0, 40)}' (${name.length} characters).`);
        }
      }
    }
  }

  /**
   * @internal
   * The channel's URI for the step that reads it, granting `role` read access there.
   */
  public _bind(step: Construct, role: iam.IRole): string {
    const o = this.options;
    // Written only into errors: the construct path is recomputed from the scope chain on every read.
    const where = (): string => `${step.node.path}: input '${this.channelName}'`;
    checkRuntimeEnum(where, 's3DataType', o.s3DataType, TrainingS3DataType);
    checkRuntimeEnum(where, 'distribution', o.distribution, TrainingS3DataDistribution);
    checkRuntimeEnum(where, 'compressionType', o.compressionType, TrainingCompressionType);
    checkRuntimeEnum(where, 'inputMode', o.inputMode, TrainingInputMode);
    checkRuntimeEnum(where, 'recordWrapperType', o.recordWrapperType, TrainingRecordWrapperType);
    if (this.s3Uri instanceof S3Location) {
      return this.s3Uri.bind(step as Step, { grantee: role, access: S3Access.READ }).s3Uri;
    }
    if (typeof this.s3Uri === 'string') {
      grantS3Uri(role, stackOf(step), this.s3Uri, 'read');
    }
    // Anything else (a property-tree node reached through `any`) renders as an expression and is
    // reported by the pipeline's validation.
    return this.s3Uri;
  }

  /** @internal */
  public _render(s3Uri: string): Record<string, unknown> {
    // Keys assigned one by one in request order (spreading optional parts costs more than the rest of the render).
    const o = this.options;
    const source: Record<string, unknown> = {
      S3DataType: o.s3DataType ?? TrainingS3DataType.S3_PREFIX,
      S3Uri: s3Uri,
      S3DataDistributionType: o.distribution ?? TrainingS3DataDistribution.FULLY_REPLICATED,
    };
    if (o.attributeNames !== undefined) {
      source.AttributeNames = [...o.attributeNames];
    }
    const channel: Record<string, unknown> = { DataSource: { S3DataSource: source } };
    if (o.contentType !== undefined) {
      channel.ContentType = o.contentType;
    }
    if (o.compressionType !== undefined) {
      channel.CompressionType = o.compressionType;
    }
    if (o.inputMode !== undefined) {
      channel.InputMode = o.inputMode;
    }
    channel.ChannelName = this.channelName;
    if (o.recordWrapperType !== undefined) {
      channel.RecordWrapperType = o.recordWrapperType;
    }
    if (o.shuffle !== undefined) {
      channel.ShuffleConfig = { Seed: o.shuffle.seed };
    }
    return channel;
  }
}

/**
 * A metric the training container writes to its log, found with a regular expression (`MetricDefinition`).
 */
export interface MetricDefinition {
  /** Name of the metric (1-255 characters), for example `validation:rmse`. */
  readonly name: string;
  /** Regular expression whose first group captures the value (1-500 characters), for example `rmse=([0-9\\.]+)`. */
  readonly regex: string;
}

/**
 * How SageMaker retries a training job that fails with an internal error (`RetryStrategy`).
 */
export interface TrainingRetryStrategy {
  /** Number of times to retry the job (`MaximumRetryAttempts`), 1-30. */
  readonly maximumRetryAttempts: number;
}

/**
 * Options of a SageMaker training job, shared by `TrainingStep` (a CreateTrainingJob request) and
 * `TuningStep` (the training job definition of a CreateHyperParameterTuningJob request).
 */
export interface TrainingJobOptions {
  /**
   * The container image that runs the training code (`AlgorithmSpecification.TrainingImage`).
   * Give exactly one of `image` and `algorithmName`.
   * @default - none; then `algorithmName` is required
   */
  readonly image?: ContainerImage;
  /**
   * Name or ARN of an algorithm resource (a SageMaker or AWS Marketplace algorithm) to train with
   * instead of an image (`AlgorithmSpecification.AlgorithmName`). Give exactly one of `image` and `algorithmName`.
   * @default - none; then `image` is required
   */
  readonly algorithmName?: string;
  /**
   * Where the model artifacts go (`OutputDataConfig.S3OutputPath`). When the bucket is known at
   * synth, the job role is granted read and write access to the key prefix.
   * @default - unique per execution in the pipeline's artifact bucket:
   * `s3://<artifactBucket>/<pipeline name>/<execution id>/<step name>/output`
   */
  readonly outputPath?: string;
  /**
   * Training data channels (at most 20).
   * @default - none
   */
  readonly inputs?: TrainingInput[];
  /**
   * Hyperparameters (at most 100); for a tuning job these are the static ones, passed to every
   * training job unchanged. Values may be literals, parameters or step properties; numbers
   * and booleans are passed as text, and number expressions are wrapped in `Std:Join` as the
   * SageMaker SDK does, since the service takes only strings.
   * @default - none
   */
  readonly hyperparameters?: Record<string, string | number | boolean>;
  /**
   * Input mode of the job's channels (`AlgorithmSpecification.TrainingInputMode`).
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default TrainingInputMode.FILE
   */
  readonly inputMode?: TrainingInputMode | string;
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
   * Maximum run time of the job (`StoppingCondition.MaxRuntimeInSeconds`), at most 28 days. For an
   * Integer parameter (seconds), use `Duration.seconds(param.valueAsNumber)`.
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
  /**
   * Metrics the container writes to its log (`AlgorithmSpecification.MetricDefinitions`), at most 40.
   * A tuning objective names one of them.
   * @default - none (built-in algorithms publish their own metrics)
   */
  readonly metricDefinitions?: MetricDefinition[];
  /**
   * KMS key that encrypts the model artifacts (`OutputDataConfig.KmsKeyId`). The job role is
   * granted encrypt and decrypt on it.
   * @default - the bucket's default encryption
   */
  readonly outputKmsKey?: kms.IKey;
  /**
   * KMS key that encrypts the instances' storage volumes (`ResourceConfig.VolumeKmsKeyId`). The job
   * role is granted encrypt and decrypt on it.
   * @default - an AWS managed key
   */
  readonly volumeKmsKey?: kms.IKey;
  /**
   * Train on managed spot instances (`EnableManagedSpotTraining`). `true` requires `maxWait`; use
   * `checkpointS3Uri` so an interrupted job resumes. A `ParameterBoolean` renders
   * `{"Get": "Parameters.<name>"}` as the SageMaker SDK does, and then `maxWait` is optional (give
   * it for executions that turn spot on: the service needs `MaxWaitTimeInSeconds` with spot).
   * Accepts a `ParameterBoolean` (or another Boolean expression), evaluated when the job starts.
   * @default false
   */
  readonly useSpotInstances?: boolean | IResolvable;
  /**
   * How long to wait for spot capacity and training together (`StoppingCondition.MaxWaitTimeInSeconds`),
   * at least `maxRuntime`; `Duration.seconds(param.valueAsNumber)` for an Integer parameter. Only with `useSpotInstances`; required when it is `true`, optional when
   * it is a parameter.
   * @default - none
   */
  readonly maxWait?: Duration;
  /**
   * Where the container's checkpoints are copied (`CheckpointConfig.S3Uri`). The job role is granted
   * read and write access to the key prefix.
   * @default - no checkpoints
   */
  readonly checkpointS3Uri?: string;
  /**
   * Where the container writes checkpoints (`CheckpointConfig.LocalPath`). Only with `checkpointS3Uri`.
   * @default - `/opt/ml/checkpoints` (the service's default)
   */
  readonly checkpointLocalPath?: string;
  /**
   * VPC to run the job in (`VpcConfig`). The job role is granted the EC2 network-interface actions
   * SageMaker needs in a VPC.
   * @default - no VPC (the job runs in the SageMaker service network)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of `vpc` to place the job in (`VpcConfig.Subnets`). Only with `vpc`.
   * @default - the VPC's private subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * Security groups of the job (`VpcConfig.SecurityGroupIds`), at most 5. Only with `vpc`.
   * @default - a new security group that allows all outbound traffic and traffic between the job's instances
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Block the containers' network access (`EnableNetworkIsolation`).
   * Accepts a `ParameterBoolean` (or another Boolean expression), evaluated when the job starts.
   * @default - not set (the service's default, false)
   */
  readonly enableNetworkIsolation?: boolean | IResolvable;
  /**
   * Encrypt the traffic between the instances of a distributed job (`EnableInterContainerTrafficEncryption`).
   * Accepts a `ParameterBoolean` (or another Boolean expression), evaluated when the job starts.
   * @default - not set (the service's default, false)
   */
  readonly enableInterContainerTrafficEncryption?: boolean | IResolvable;
  /**
   * Retry the job on internal errors (`RetryStrategy`).
   * @default - no retries by the service (step `retryPolicies` still apply)
   */
  readonly retryStrategy?: TrainingRetryStrategy;
}


const MAX_TRAINING_RUNTIME = Duration.days(28);
/** The default `maxRuntime` (one day), one object for every job. */
const DEFAULT_TRAINING_RUNTIME = Duration.days(1);

/**
 * A validated training job configuration: checks the options when created, grants the job role
 * what they need, creates a security group when needed, and renders the parts of a CreateTrainingJob
 * request or of a tuning job's training job definition.
 * @internal
 */
export class TrainingJobConfig {
  /** The security groups of the job, when it runs in a VPC. */
  public readonly securityGroups: ec2.ISecurityGroup[];

  private readonly imageUri?: string;
  private readonly hyperparameters?: Record<string, string>;
  private readonly jobVpc: JobVpc;
  private readonly maxRuntimeSeconds: number;
  private readonly channelUris: string[] = [];
  private readonly outputPath: string;

  /**
   * @param scope the step (errors name its path; a new security group is created in it)
   * @param idPrefix prefix of the ids of constructs created in `scope`
   * @param prop how errors name the options (`''` for a step's own props, `trainingJobDefinitions[0].` ...)
   */
  constructor(
    private readonly scope: Construct,
    public readonly options: TrainingJobOptions,
    public readonly role: iam.IRole,
    idPrefix: string = '',
    private readonly prop: string = '',
  ) {
    const o = options;
    const p = prop;
    // Written only into errors: the construct path is recomputed from the scope chain on every read.
    const where = (): string => scope.node.path;
    const stack = stackOf(scope);

    if ((o.image === undefined) === (o.algorithmName === undefined)) {
      throw new Error(`${where()}: give exactly one of ${p}image and ${p}algorithmName; received ${o.image === undefined ? 'neither' : 'both'}. Use image: ContainerImage.fromRegistry(uri) for a container, or algorithmName for an algorithm resource.`);
    }
    if (o.algorithmName !== undefined && !Token.isUnresolved(o.algorithmName) && (o.algorithmName.length < 1 || o.algorithmName.length > 170)) {
      throw new Error(`${where()}: ${p}algorithmName must be 1-170 characters (a name or ARN); received ${o.algorithmName.length} characters.`);
    }
    checkInteger(scope, `${p}instanceCount`, o.instanceCount, 1, 100000);
    checkInteger(scope, `${p}volumeSizeInGB`, o.volumeSizeInGB, 1, 16384);
    renderEnvironment(scope, o.environment);
    this.maxRuntimeSeconds = renderMaxRuntime(scope, o.maxRuntime, DEFAULT_TRAINING_RUNTIME, MAX_TRAINING_RUNTIME);

    // metric definitions
    const metrics = o.metricDefinitions ?? [];
    if (metrics.length > 40) {
      throw new Error(`${where()}: ${p}metricDefinitions has ${metrics.length} entries; a training job takes at most 40. Keep the metrics you use.`);
    }
    const metricNames = new Set<string>();
    for (const metric of metrics) {
      if (typeof metric?.name !== 'string' || metric.name.length < 1 || metric.name.length > 255) {
        throw new Error(`${where()}: ${p}metricDefinitions names must be 1-255 characters; received '${String(metric?.name)}'. Give each metric a name such as 'validation:rmse'.`);
      }
      if (typeof metric.regex !== 'string' || metric.regex.length < 1 || metric.regex.length > 500) {
        throw new Error(`${where()}: ${p}metricDefinitions['${metric.name}'].regex must be 1-500 characters; received ${typeof metric.regex === 'string' ? `${metric.regex.length} characters` : String(metric.regex)}.`);
      }
      if (metricNames.has(metric.name)) {
        throw new Error(`${where()}: ${p}metricDefinitions names metric '${metric.name}' twice; names must be unique. Remove one of the definitions, or rename one if they capture different values.`);
      }
      metricNames.add(metric.name);
    }

    // spot training: a literal true needs maxWait; an expression is decided when the job starts,
    // so maxWait is optional (the service requires MaxWaitTimeInSeconds only when spot is on).
    checkBooleanValue(scope, `${p}useSpotInstances`, o.useSpotInstances);
    const spot = o.useSpotInstances === undefined || typeof o.useSpotInstances === 'boolean' ? o.useSpotInstances === true : 'runtime';
    if (spot === 'runtime') {
      const wait = o.maxWait?.toSeconds();
      if (wait !== undefined && !Token.isUnresolved(wait) && !Token.isUnresolved(this.maxRuntimeSeconds) && wait < this.maxRuntimeSeconds) {
        throw new Error(`${where()}: ${p}maxWait must be at least ${p}maxRuntime (${this.maxRuntimeSeconds} seconds); received ${wait} seconds. Increase maxWait or decrease maxRuntime.`);
      }
    } else if (spot) {
      if (o.maxWait === undefined) {
        throw new Error(`${where()}: ${p}useSpotInstances requires ${p}maxWait (how long to wait for spot capacity and training together); received none. Set e.g. maxWait: Duration.hours(2), at least maxRuntime (${this.maxRuntimeSeconds} seconds).`);
      }
      const wait = o.maxWait.toSeconds();
      if (!Token.isUnresolved(wait) && !Token.isUnresolved(this.maxRuntimeSeconds) && wait < this.maxRuntimeSeconds) {
        throw new Error(`${where()}: ${p}maxWait must be at least ${p}maxRuntime (${this.maxRuntimeSeconds} seconds); received ${wait} seconds. Increase maxWait or decrease maxRuntime.`);
      }
    } else if (o.maxWait !== undefined) {
      throw new Error(`${where()}: ${p}maxWait applies only to managed spot training; received maxWait without useSpotInstances: true. Set useSpotInstances to true or a ParameterBoolean, or remove maxWait.`);
    }

    // checkpoints
    if (o.checkpointLocalPath !== undefined && o.checkpointS3Uri === undefined) {
      throw new Error(`${where()}: ${p}checkpointLocalPath requires ${p}checkpointS3Uri; received only the local path. Set checkpointS3Uri to where checkpoints are copied.`);
    }
    if (o.checkpointS3Uri !== undefined) {
      checkS3Uri(scope, `${p}checkpointS3Uri`, o.checkpointS3Uri);
      grantS3Uri(role, stack, o.checkpointS3Uri, 'readWrite');
    }
    if (o.checkpointLocalPath !== undefined && !Token.isUnresolved(o.checkpointLocalPath)
      && (!o.checkpointLocalPath.startsWith('/') || o.checkpointLocalPath.length > 4096)) {
      throw new Error(`${where()}: ${p}checkpointLocalPath must be an absolute path of at most 4,096 characters; received '${o.checkpointLocalPath}'.`);
    }

    // retry strategy
    if (o.retryStrategy !== undefined) {
      const attempts = o.retryStrategy.maximumRetryAttempts;
      if (typeof attempts !== 'number') {
        throw new Error(`${where()}: ${p}retryStrategy.maximumRetryAttempts must be an integer from 1 to 30; received ${String(attempts)}.`);
      }
      checkInteger(scope, `${p}retryStrategy.maximumRetryAttempts`, attempts, 1, 30);
    }

    // VPC
    this.jobVpc = JobVpc.bind(scope, o, {
      prefix: p,
      securityGroupId: `${idPrefix}SecurityGroup`,
      description: () => `SageMaker training jobs of ${where()}`,
      internalTraffic: 'Traffic between the instances of a distributed training job',
    });
    this.securityGroups = this.jobVpc.securityGroups;
    this.jobVpc.grant(role);

    // KMS
    o.outputKmsKey?.grantEncryptDecrypt(role);
    o.volumeKmsKey?.grantEncryptDecrypt(role);

    // inputs and outputs
    checkRuntimeEnum(where, `${p}inputMode`, o.inputMode, TrainingInputMode);
    const inputs = o.inputs ?? [];
    if (inputs.length > 20) {
      throw new Error(`${where()}: a training job takes at most 20 channels; received ${inputs.length}.`);
    }
    const channels = new Set<string>();
    for (const input of inputs) {
      if (!(input instanceof TrainingInput)) {
        throw new Error(`${where()}: inputs must be created with TrainingInput.s3(channelName, s3Uri); received ${JSON.stringify(input)}.`);
      }
      if (channels.has(input.channelName)) {
        throw new Error(`${where()}: channel '${input.channelName}' is given twice; channel names must be unique. Rename one channel (e.g. 'validation'), or remove the duplicate; to read several S3 prefixes in one channel, use a manifest file.`);
      }
      channels.add(input.channelName);
      this.channelUris.push(input._bind(scope, role));
    }
    if (o.outputPath !== undefined) {
      checkS3Uri(scope, `${p}outputPath`, o.outputPath);
      grantS3Uri(role, stack, o.outputPath, 'readWrite');
      this.outputPath = o.outputPath;
    } else {
      const step = scope as Step;
      this.outputPath = step.pipeline.defaultOutputUri(step.stepName, ['output'], role);
    }
    this.hyperparameters = renderHyperparameters(scope, o.hyperparameters);
    this.imageUri = o.image?.bind(scope, role).imageUri;
  }

  /** Names of the static hyperparameters. */
  public get hyperparameterNames(): string[] {
    return Object.keys(this.hyperparameters ?? {});
  }

  /** Names of the metric definitions. */
  public get metricNames(): string[] {
    return (this.options.metricDefinitions ?? []).map((m) => m.name);
  }

  /** `AlgorithmSpecification` (also valid as a `HyperParameterAlgorithmSpecification`). */
  public renderAlgorithmSpecification(): Record<string, unknown> {
    // Keys assigned one by one in request order (spreading optional parts costs more than the rest of the render).
    const o = this.options;
    const spec: Record<string, unknown> = {};
    if (this.imageUri !== undefined) {
      spec.TrainingImage = this.imageUri;
    }
    if (o.algorithmName !== undefined) {
      spec.AlgorithmName = o.algorithmName;
    }
    spec.TrainingInputMode = o.inputMode ?? TrainingInputMode.FILE;
    if ((o.metricDefinitions ?? []).length > 0) {
      spec.MetricDefinitions = o.metricDefinitions!.map((m) => ({ Name: m.name, Regex: m.regex }));
    }
    return spec;
  }

  /** `OutputDataConfig`. */
  public renderOutputDataConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { S3OutputPath: this.outputPath };
    if (this.options.outputKmsKey !== undefined) {
      config.KmsKeyId = this.options.outputKmsKey.keyArn;
    }
    return config;
  }

  /** `StoppingCondition`. */
  public renderStoppingCondition(): Record<string, unknown> {
    const condition: Record<string, unknown> = { MaxRuntimeInSeconds: this.maxRuntimeSeconds };
    if (this.options.maxWait !== undefined) {
      condition.MaxWaitTimeInSeconds = this.options.maxWait.toSeconds();
    }
    return condition;
  }

  /** `ResourceConfig`. */
  public renderResourceConfig(): Record<string, unknown> {
    const o = this.options;
    const config: Record<string, unknown> = {
      VolumeSizeInGB: o.volumeSizeInGB ?? 30,
      InstanceCount: o.instanceCount ?? 1,
      InstanceType: (o.instanceType ?? InstanceType.M5_XLARGE).toString(),
    };
    if (o.volumeKmsKey !== undefined) {
      config.VolumeKmsKeyId = o.volumeKmsKey.keyArn;
    }
    return config;
  }

  /** `InputDataConfig`, or undefined when there are no channels. */
  public renderInputDataConfig(): Record<string, unknown>[] | undefined {
    const inputs = this.options.inputs ?? [];
    return inputs.length > 0 ? inputs.map((i, index) => i._render(this.channelUris[index])) : undefined;
  }

  /** The hyperparameters as strings, or undefined when there are none. */
  public renderHyperparameters(): Record<string, string> | undefined {
    return this.hyperparameters;
  }

  /** `Environment`, or undefined when empty. */
  public renderEnvironment(): Record<string, string> | undefined {
    return renderEnvironment(this.scope, this.options.environment);
  }

  /**
   * The optional keys added by the newer options, in request order: `VpcConfig`,
   * `EnableNetworkIsolation`, `EnableInterContainerTrafficEncryption`, `EnableManagedSpotTraining`,
   * `CheckpointConfig`, `RetryStrategy`. Only the keys that are set.
   */
  public renderOptionalKeys(): Record<string, unknown> {
    const o = this.options;
    const out: Record<string, unknown> = {};
    const vpcConfig = this.jobVpc.renderVpcConfig();
    if (vpcConfig !== undefined) {
      out.VpcConfig = vpcConfig;
    }
    if (o.enableNetworkIsolation !== undefined) {
      out.EnableNetworkIsolation = o.enableNetworkIsolation;
    }
    if (o.enableInterContainerTrafficEncryption !== undefined) {
      out.EnableInterContainerTrafficEncryption = o.enableInterContainerTrafficEncryption;
    }
    if (o.useSpotInstances !== undefined) {
      out.EnableManagedSpotTraining = o.useSpotInstances;
    }
    if (o.checkpointS3Uri !== undefined) {
      out.CheckpointConfig = {
        S3Uri: o.checkpointS3Uri,
        ...(o.checkpointLocalPath !== undefined ? { LocalPath: o.checkpointLocalPath } : {}),
      };
    }
    if (o.retryStrategy !== undefined) {
      out.RetryStrategy = { MaximumRetryAttempts: o.retryStrategy.maximumRetryAttempts };
    }
    return out;
  }

  /** Prefix for error messages about these options. */
  public get propPrefix(): string {
    return this.prop;
  }
}


/**
 * Validates and renders hyperparameters as strings.
 * @internal
 */
export function renderHyperparameters(
  scope: Construct,
  hyperparameters: Record<string, string | number | boolean> | undefined,
): Record<string, string> | undefined {
  if (hyperparameters === undefined) {
    return undefined;
  }
  const entries = Object.entries(hyperparameters);
  if (entries.length > 100) {
    throw new Error(`${scope.node.path}: ${entries.length} hyperparameters given; SageMaker accepts at most 100. Remove ${entries.length - 100} of them (those left at the algorithm's default), or pass the rest in a configuration file through a training input channel.`);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new Error(`${scope.node.path}: hyperparameter '${key}' must be a string, number or boolean (or a parameter or step property); received ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}. Serialize structured values yourself, e.g. JSON.stringify(value).`);
    }
    if (typeof value === 'number' && !Number.isFinite(value) && !Token.isUnresolved(value)) {
      throw new Error(`${scope.node.path}: hyperparameter '${key}' must be a finite number; received ${value}. Pass a finite number, or remove the hyperparameter to use the algorithm's default.`);
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
