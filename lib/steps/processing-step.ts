import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { bindJobStep, checkInteger, renderEnvironment, renderMaxRuntime, requireLiteral } from './job-step';
import { JobStepProps, Step } from './step';
import { ContainerImage } from '../container-image';
import { PropertyFile } from '../expressions';
import { InstanceType } from '../instance-type';
import { grantS3Uri } from '../private/s3-grants';
import { createPropertyTree, ProcessingJobProperties } from '../properties';

/** Local folder under which the code input is mounted, as the SageMaker SDK's script processors do. */
const CODE_DIR = '/opt/ml/processing/input/code';

/** How an S3 input is interpreted (`S3DataType`). */
export enum ProcessingS3DataType {
  /** Every object under the URI prefix. */
  S3_PREFIX = 'S3Prefix',
  /** A manifest file listing the objects. */
  MANIFEST_FILE = 'ManifestFile',
}

/** How input data reaches the container (`S3InputMode`). */
export enum ProcessingS3InputMode {
  /** Downloaded to the local path before the job starts. */
  FILE = 'File',
  /** Streamed through a pipe. */
  PIPE = 'Pipe',
}

/** How input data is spread over instances (`S3DataDistributionType`). */
export enum ProcessingS3DataDistributionType {
  /** Every instance gets all the data. */
  FULLY_REPLICATED = 'FullyReplicated',
  /** Each instance gets a share of the objects. */
  SHARDED_BY_S3_KEY = 'ShardedByS3Key',
}

/** Compression of input data (`S3CompressionType`). */
export enum ProcessingS3CompressionType {
  /** Not compressed. */
  NONE = 'None',
  /** Gzip-compressed (Pipe mode only). */
  GZIP = 'Gzip',
}

/** When output data is uploaded (`S3UploadMode`). */
export enum ProcessingS3UploadMode {
  /** Once, when the job ends. */
  END_OF_JOB = 'EndOfJob',
  /** Continuously while the job runs. */
  CONTINUOUS = 'Continuous',
}

/**
 * An input of a processing job (`ProcessingInputs[]`).
 */
export interface ProcessingInput {
  /** Name of the input, unique within the step (`InputName`). */
  readonly inputName: string;
  /**
   * Where the data is (`S3Input.S3Uri`): an `s3://` URI, a parameter, a step property, or a
   * concatenation of them. When its bucket is known at synth, the job role is granted read access
   * to the URI's key prefix.
   */
  readonly s3Uri: string;
  /** Where the container finds the data (`S3Input.LocalPath`), under `/opt/ml/processing/`. */
  readonly localPath: string;
  /**
   * @default ProcessingS3DataType.S3_PREFIX
   */
  readonly s3DataType?: ProcessingS3DataType;
  /**
   * @default ProcessingS3InputMode.FILE
   */
  readonly s3InputMode?: ProcessingS3InputMode;
  /**
   * @default ProcessingS3DataDistributionType.FULLY_REPLICATED
   */
  readonly s3DataDistributionType?: ProcessingS3DataDistributionType;
  /**
   * @default ProcessingS3CompressionType.NONE
   */
  readonly s3CompressionType?: ProcessingS3CompressionType;
}

/**
 * An output of a processing job (`ProcessingOutputConfig.Outputs[]`).
 */
export interface ProcessingOutput {
  /** Name of the output, unique within the step (`OutputName`); `Outputs['<name>']` reads it. */
  readonly outputName: string;
  /** Folder in the container whose files are uploaded (`S3Output.LocalPath`). */
  readonly localPath: string;
  /**
   * Where the files go (`S3Output.S3Uri`). When its bucket is known at synth, the job role is
   * granted read and write access to the URI's key prefix.
   */
  readonly s3Uri: string;
  /**
   * @default ProcessingS3UploadMode.END_OF_JOB
   */
  readonly s3UploadMode?: ProcessingS3UploadMode;
}

/**
 * Props of a {@link ProcessingStep}.
 */
export interface ProcessingStepProps extends JobStepProps {
  /** The container image the job runs. */
  readonly image: ContainerImage;
  /**
   * A local script that the job runs: uploaded as a content-hashed asset, mounted at
   * `/opt/ml/processing/input/code/` (input `code`), and appended to `containerEntrypoint`.
   * @default - no script: the image's entrypoint (or `containerEntrypoint`) runs
   */
  readonly code?: string;
  /**
   * The command that runs in the container (`AppSpecification.ContainerEntrypoint`). With `code`,
   * the command that runs the script (the script path is appended).
   * @default - `['python3']` with `code`, the image's entrypoint without
   */
  readonly containerEntrypoint?: string[];
  /**
   * Arguments for the entrypoint (`AppSpecification.ContainerArguments`); each at most 256 characters.
   * @default - none
   */
  readonly containerArguments?: string[];
  /**
   * Instance type of the job's cluster. Accepts a String parameter through `InstanceType.of`.
   * @default InstanceType.M5_XLARGE
   */
  readonly instanceType?: InstanceType;
  /**
   * Number of instances (1-100).
   * @default 1
   */
  readonly instanceCount?: number;
  /**
   * Size of each instance's storage volume in GB (1-16,384).
   * @default 30
   */
  readonly volumeSizeInGB?: number;
  /**
   * Data the job reads (at most 10, including the `code` input).
   * @default - none
   */
  readonly inputs?: ProcessingInput[];
  /**
   * Data the job writes.
   * @default - none
   */
  readonly outputs?: ProcessingOutput[];
  /**
   * Environment variables of the container (at most 100).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * The role the job runs as.
   * @default - the pipeline's shared job role, granted only what this step's inputs, outputs and code need
   */
  readonly role?: iam.IRole;
  /**
   * Maximum run time of the job (`StoppingCondition.MaxRuntimeInSeconds`), at most 7 days.
   * @default - no limit set (the service default)
   */
  readonly maxRuntime?: Duration;
  /**
   * JSON files among the outputs whose values later steps read with `JsonGet.fromPropertyFile`.
   * @default - none
   */
  readonly propertyFiles?: PropertyFile[];
}

/**
 * A step that runs a SageMaker processing job (`Type: Processing`, a CreateProcessingJob request).
 */
export class ProcessingStep extends Step {
  /** @inheritdoc */
  public readonly stepType = 'Processing';
  /** The processing job's properties (DescribeProcessingJob), for other steps to read. */
  public readonly properties: ProcessingJobProperties;
  /** The role the job runs as. */
  public readonly role: iam.IRole;

  private readonly props: ProcessingStepProps;
  private readonly imageUri: string;
  private readonly codeInput?: Record<string, unknown>;
  private readonly entrypoint?: string[];
  private readonly propertyFiles: PropertyFile[];

  constructor(scope: Construct, id: string, props: ProcessingStepProps) {
    super(scope, id, props, { retry: 'all', cache: true });
    this.props = props;
    this.properties = createPropertyTree(this, 'Processing') as ProcessingJobProperties;
    this.role = bindJobStep(this.pipeline, 'processing-job', props.role);
    const stack = Stack.of(this);

    checkInteger(this, 'instanceCount', props.instanceCount, 1, 100);
    checkInteger(this, 'volumeSizeInGB', props.volumeSizeInGB, 1, 16384);
    for (const arg of [...(props.containerEntrypoint ?? []), ...(props.containerArguments ?? [])]) {
      if (!Token.isUnresolved(arg) && arg.length > 256) {
        throw new Error(`${this.node.path}: containerEntrypoint and containerArguments items are at most 256 characters; received one of ${arg.length}: '${arg.slice(0, 40)}...'.`);
      }
    }
    renderEnvironment(this, props.environment);

    const inputs = props.inputs ?? [];
    const total = inputs.length + (props.code !== undefined ? 1 : 0);
    if (total > 10) {
      throw new Error(`${this.node.path}: a processing job takes at most 10 inputs; received ${total} (${inputs.map((i) => i.inputName).join(', ')}${props.code !== undefined ? ', code' : ''}). Combine inputs under one S3 prefix.`);
    }
    checkUnique(this, 'inputName', [...inputs.map((i) => i.inputName), ...(props.code !== undefined ? ['code'] : [])]);
    checkUnique(this, 'outputName', (props.outputs ?? []).map((o) => o.outputName));
    for (const input of inputs) {
      requireLiteral(this, `input ${input.inputName} localPath`, input.localPath);
      grantS3Uri(this.role, stack, input.s3Uri, 'read');
    }
    for (const output of props.outputs ?? []) {
      requireLiteral(this, `output ${output.outputName} localPath`, output.localPath);
      grantS3Uri(this.role, stack, output.s3Uri, 'readWrite');
    }

    this.imageUri = props.image.bind(this, this.role).imageUri;

    if (props.code !== undefined) {
      const codePath = path.resolve(props.code);
      if (!fs.existsSync(codePath) || !fs.statSync(codePath).isFile()) {
        throw new Error(`${this.node.path}: code must be the path of a local script file; '${props.code}' (resolved to ${codePath}) is not a file.`);
      }
      const asset = new s3assets.Asset(this, 'Code', { path: codePath });
      asset.grantRead(this.role);
      const fileName = `${asset.assetHash}${path.extname(codePath)}`;
      this.codeInput = {
        InputName: 'code',
        AppManaged: false,
        S3Input: {
          S3Uri: asset.s3ObjectUrl,
          LocalPath: CODE_DIR,
          S3DataType: 'S3Prefix',
          S3InputMode: 'File',
          S3DataDistributionType: 'FullyReplicated',
          S3CompressionType: 'None',
        },
      };
      this.entrypoint = [...(props.containerEntrypoint ?? ['python3']), `${CODE_DIR}/${fileName}`];
    } else {
      this.entrypoint = props.containerEntrypoint;
    }

    this.propertyFiles = [...(props.propertyFiles ?? [])];
    checkUnique(this, 'propertyFileName', this.propertyFiles.map((p) => p.propertyFileName));
    const outputNames = new Set((props.outputs ?? []).map((o) => o.outputName));
    for (const file of this.propertyFiles) {
      if (!outputNames.has(file.outputName)) {
        throw new Error(`${this.node.path}: property file '${file.propertyFileName}' names output '${file.outputName}', which this step does not have (outputs: ${[...outputNames].join(', ') || 'none'}). Name one of the step's outputs.`);
      }
      file._declareOn(this);
    }
  }

  protected renderArguments(): Record<string, unknown> {
    const props = this.props;
    const inputs = (props.inputs ?? []).map((input) => ({
      InputName: input.inputName,
      AppManaged: false,
      S3Input: {
        S3Uri: input.s3Uri,
        LocalPath: input.localPath,
        S3DataType: input.s3DataType ?? ProcessingS3DataType.S3_PREFIX,
        S3InputMode: input.s3InputMode ?? ProcessingS3InputMode.FILE,
        S3DataDistributionType: input.s3DataDistributionType ?? ProcessingS3DataDistributionType.FULLY_REPLICATED,
        S3CompressionType: input.s3CompressionType ?? ProcessingS3CompressionType.NONE,
      },
    }));
    if (this.codeInput) {
      inputs.push(this.codeInput as (typeof inputs)[number]);
    }
    const outputs = (props.outputs ?? []).map((output) => ({
      OutputName: output.outputName,
      AppManaged: false,
      S3Output: {
        S3Uri: output.s3Uri,
        LocalPath: output.localPath,
        S3UploadMode: output.s3UploadMode ?? ProcessingS3UploadMode.END_OF_JOB,
      },
    }));
    const args: Record<string, unknown> = {
      ProcessingResources: {
        ClusterConfig: {
          InstanceType: (props.instanceType ?? InstanceType.M5_XLARGE).toString(),
          InstanceCount: props.instanceCount ?? 1,
          VolumeSizeInGB: props.volumeSizeInGB ?? 30,
        },
      },
      AppSpecification: {
        ImageUri: this.imageUri,
        ...(this.entrypoint ? { ContainerEntrypoint: this.entrypoint } : {}),
        ...(props.containerArguments ? { ContainerArguments: props.containerArguments } : {}),
      },
      RoleArn: this.role.roleArn,
    };
    if (inputs.length > 0) {
      args.ProcessingInputs = inputs;
    }
    if (outputs.length > 0) {
      args.ProcessingOutputConfig = { Outputs: outputs };
    }
    const environment = renderEnvironment(this, props.environment);
    if (environment) {
      args.Environment = environment;
    }
    if (props.maxRuntime) {
      args.StoppingCondition = { MaxRuntimeInSeconds: renderMaxRuntime(this, props.maxRuntime, props.maxRuntime, Duration.days(7)) };
    }
    return args;
  }

  protected renderExtraKeys(): Record<string, unknown> {
    return this.propertyFiles.length > 0 ? { PropertyFiles: this.propertyFiles.map((f) => f._render()) } : {};
  }
}

function checkUnique(scope: Construct, what: string, names: string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      throw new Error(`${scope.node.path}: ${what} '${name}' is used twice${name === 'code' ? " ('code' is the input that carries the step's script)" : ''}; names must be unique within the step.`);
    }
    seen.add(name);
  }
}
