import * as fs from 'fs';
import * as path from 'path';
import { Duration, IResolvable, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { bindJobStep, checkInteger, renderEnvironment, renderMaxRuntime, requireLiteral } from './job-step';
import { JobStepProps, Step } from './step';
import { ContainerImage } from '../container-image';
import { PropertyFile } from '../expressions';
import { S3Access, S3AssetLocationOptions, S3Location, stageText } from '../inputs';
import { InstanceType } from '../instance-type';
import { checkRuntimeEnum } from '../private/enum-value';
import { JobVpc } from '../private/job-vpc';
import { grantS3Uri } from '../private/s3-grants';
import { stackOf } from '../private/stack-lookup';
import { Processor, ProcessorConfig, PySparkProcessorProps, SparkJarProcessorProps } from '../processors';
import { createPropertyTree, ProcessingJobProperties } from '../properties';

/** Local folder under which the code input is mounted, as the SageMaker SDK's script processors do. */
const CODE_DIR = '/opt/ml/processing/input/code';
/** Local folder of the wrapper script of a `sourceDir` (the SDK's FrameworkProcessor `entrypoint` input). */
const ENTRYPOINT_DIR = '/opt/ml/processing/input/entrypoint';
/** Default local folders of the `ProcessingInput` / `ProcessingOutput` factories. */
const INPUT_DIR = '/opt/ml/processing/input';
const OUTPUT_DIR = '/opt/ml/processing/output';
/** The longest `maxRuntime` of a processing job. */
const MAX_PROCESSING_RUNTIME = Duration.days(7);


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
 * An input of a processing job (`ProcessingInputs[]`). Write it as a plain object, or with the
 * factories `ProcessingInput.fromS3Uri`, `.fromBucket` and `.fromAsset`.
 */
export interface ProcessingInput {
  /** Name of the input, unique within the step (`InputName`). */
  readonly inputName: string;
  /**
   * Where the data is (`S3Input.S3Uri`): an `s3://` URI, a parameter, a step property, or a
   * concatenation of them; or an {@link S3Location} (a bucket and key prefix, or a local file or
   * folder). When its bucket is known at synth, the job role is granted read access to the URI's
   * key prefix.
   */
  readonly s3Uri: string | S3Location;
  /** Where the container finds the data (`S3Input.LocalPath`), under `/opt/ml/processing/`. */
  readonly localPath: string;
  /**
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default ProcessingS3DataType.S3_PREFIX
   */
  readonly s3DataType?: ProcessingS3DataType | string;
  /**
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default ProcessingS3InputMode.FILE
   */
  readonly s3InputMode?: ProcessingS3InputMode | string;
  /**
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default ProcessingS3DataDistributionType.FULLY_REPLICATED
   */
  readonly s3DataDistributionType?: ProcessingS3DataDistributionType | string;
  /**
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default ProcessingS3CompressionType.NONE
   */
  readonly s3CompressionType?: ProcessingS3CompressionType | string;
}

/**
 * Options of the `ProcessingInput` factories.
 */
export interface ProcessingInputOptions {
  /**
   * Where the container finds the data (`S3Input.LocalPath`).
   * @default - `/opt/ml/processing/input/<inputName>`
   */
  readonly localPath?: string;
  /**
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default ProcessingS3DataType.S3_PREFIX
   */
  readonly s3DataType?: ProcessingS3DataType | string;
  /**
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default ProcessingS3InputMode.FILE
   */
  readonly s3InputMode?: ProcessingS3InputMode | string;
  /**
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default ProcessingS3DataDistributionType.FULLY_REPLICATED
   */
  readonly s3DataDistributionType?: ProcessingS3DataDistributionType | string;
  /**
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default ProcessingS3CompressionType.NONE
   */
  readonly s3CompressionType?: ProcessingS3CompressionType | string;
}

/** Factories of {@link ProcessingInput}s. */
// eslint-disable-next-line @typescript-eslint/no-redeclare
export const ProcessingInput = {
  /**
   * Data at an `s3://` URI or expression (parameter, step property, `Join`).
   */
  fromS3Uri(inputName: string, s3Uri: string, options: ProcessingInputOptions = {}): ProcessingInput {
    return inputOf(inputName, S3Location.fromUri(s3Uri), options);
  },
  /**
   * Objects under `keyPrefix` in `bucket`; the job role gets `bucket.grantRead(role, keyPrefix + '*')`.
   */
  fromBucket(inputName: string, bucket: s3.IBucket, keyPrefix: string = '', options: ProcessingInputOptions = {}): ProcessingInput {
    return inputOf(inputName, S3Location.fromBucket(bucket, keyPrefix), options);
  },
  /**
   * A local file (a content-hashed CDK asset, found in the local folder as `<sha256>.<ext>`) or folder
   * (deployed with its file names into the artifact bucket under a content-hashed prefix); see
   * {@link S3Location.fromAsset}.
   */
  fromAsset(inputName: string, assetPath: string, options: ProcessingInputOptions & S3AssetLocationOptions = {}): ProcessingInput {
    return inputOf(inputName, S3Location.fromAsset(assetPath, { exclude: options.exclude }), options);
  },
};

function inputOf(inputName: string, s3Uri: S3Location, options: ProcessingInputOptions): ProcessingInput {
  return {
    inputName,
    s3Uri,
    localPath: options.localPath ?? `${INPUT_DIR}/${inputName}`,
    s3DataType: options.s3DataType,
    s3InputMode: options.s3InputMode,
    s3DataDistributionType: options.s3DataDistributionType,
    s3CompressionType: options.s3CompressionType,
  };
}

/**
 * An output of a processing job (`ProcessingOutputConfig.Outputs[]`). Write it as a plain object, or
 * with `ProcessingOutput.toS3Uri`, `.toBucket` and `.default`.
 */
export interface ProcessingOutput {
  /** Name of the output, unique within the step (`OutputName`); `Outputs['<name>']` reads it. */
  readonly outputName: string;
  /** Folder in the container whose files are uploaded (`S3Output.LocalPath`). */
  readonly localPath: string;
  /**
   * Where the files go (`S3Output.S3Uri`): an `s3://` URI or expression, or an {@link S3Location}
   * (`S3Location.fromBucket`). When its bucket is known at synth, the job role is granted access to
   * the URI's key prefix (read and write for a URI, `bucket.grantPut` for a bucket).
   * @default - unique per execution: `s3://<pipeline artifact bucket>/<pipeline name>/<execution id>/<step name>/output/<outputName>`
   * (`pipeline.defaultOutputUri`); the job role may read and write under `<pipeline name>/`
   */
  readonly s3Uri?: string | S3Location;
  /**
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default ProcessingS3UploadMode.END_OF_JOB
   */
  readonly s3UploadMode?: ProcessingS3UploadMode | string;
}

/**
 * Options of the `ProcessingOutput` factories.
 */
export interface ProcessingOutputOptions {
  /**
   * Folder in the container whose files are uploaded (`S3Output.LocalPath`).
   * @default - `/opt/ml/processing/output/<outputName>`
   */
  readonly localPath?: string;
  /**
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default ProcessingS3UploadMode.END_OF_JOB
   */
  readonly s3UploadMode?: ProcessingS3UploadMode | string;
}

/** Factories of {@link ProcessingOutput}s. */
// eslint-disable-next-line @typescript-eslint/no-redeclare
export const ProcessingOutput = {
  /** Files go to an `s3://` URI or expression. */
  toS3Uri(outputName: string, s3Uri: string, options: ProcessingOutputOptions = {}): ProcessingOutput {
    return outputOf(outputName, S3Location.fromUri(s3Uri), options);
  },
  /** Files go under `keyPrefix` in `bucket`; the job role gets `bucket.grantPut(role, keyPrefix + '*')`. */
  toBucket(outputName: string, bucket: s3.IBucket, keyPrefix: string = '', options: ProcessingOutputOptions = {}): ProcessingOutput {
    return outputOf(outputName, S3Location.fromBucket(bucket, keyPrefix), options);
  },
  /**
   * Files go to a location unique per execution in the pipeline's artifact bucket:
   * `s3://<bucket>/<pipeline name>/<execution id>/<step name>/output/<outputName>`.
   */
  default(outputName: string, options: ProcessingOutputOptions = {}): ProcessingOutput {
    return outputOf(outputName, undefined, options);
  },
};

function outputOf(outputName: string, s3Uri: S3Location | undefined, options: ProcessingOutputOptions): ProcessingOutput {
  return {
    outputName,
    localPath: options.localPath ?? `${OUTPUT_DIR}/${outputName}`,
    ...(s3Uri !== undefined ? { s3Uri } : {}),
    s3UploadMode: options.s3UploadMode,
  };
}

/**
 * Network settings of a processing job (`NetworkConfig`).
 */
export interface ProcessingNetworkConfig {
  /**
   * VPC to run the job in (`VpcConfig`). The job role is granted the EC2 network-interface actions
   * SageMaker needs in a VPC.
   * @default - no VPC (the job runs in the SageMaker service network)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of `vpc` to place the job in (`VpcConfig.Subnets`, 1-16). Only with `vpc`.
   * @default - the VPC's private subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * Security groups of the job (`VpcConfig.SecurityGroupIds`), 1-5. Only with `vpc`.
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
}

/**
 * Props of a {@link ProcessingStep}.
 */
export interface ProcessingStepProps extends JobStepProps {
  /**
   * The container image the job runs. Required unless `processor` gives one.
   * @default - the processor's image
   */
  readonly image?: ContainerImage;
  /**
   * A processor that sets up the job as the SageMaker SDK's processors do: image, command, and the
   * inputs and outputs they generate (`Processor.sklearn`, `Processor.pySpark`, `Processor.sparkJar`).
   * @default - none: `image`, `code` and `containerEntrypoint` describe the job
   */
  readonly processor?: Processor;
  /**
   * The script that the job runs: a local file, uploaded as a content-hashed asset, mounted at
   * `/opt/ml/processing/input/code/` (input `code`) and appended to `containerEntrypoint`; or an
   * `s3://` URI (appended as `/opt/ml/processing/input/code/<file name>`). With `sourceDir`, the
   * entry point's path relative to that folder.
   * @default - no script: the image's entrypoint (or `containerEntrypoint`) runs
   */
  readonly code?: string;
  /**
   * A local folder of code that `code` (relative to it) belongs to, as the SDK's FrameworkProcessor
   * `source_dir`: the folder is uploaded as a content-hashed zip asset (input `code` at
   * `/opt/ml/processing/input/code/`), and a generated content-hashed `runproc.sh` (input `entrypoint`
   * at `/opt/ml/processing/input/entrypoint/`) unzips it there, runs `pip install -r requirements.txt`
   * when the folder has one, and runs `<command> <code> <containerArguments>`. The entrypoint becomes
   * `['/bin/bash', '/opt/ml/processing/input/entrypoint/<sha256>.sh']`; the image needs bash and
   * `unzip` or `python3`.
   * @default - `code` is a single file
   */
  readonly sourceDir?: string;
  /**
   * The command that runs in the container (`AppSpecification.ContainerEntrypoint`). With `code`,
   * the command that runs the script (the script path is appended).
   * @default - `['python3']` with `code` (or the processor's command), the image's entrypoint without
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
   * KMS key that encrypts the instances' storage volumes (`ClusterConfig.VolumeKmsKeyId`). The job
   * role may encrypt and decrypt with it.
   * @default - the service's default encryption
   */
  readonly volumeKmsKey?: kms.IKey;
  /**
   * Data the job reads (at most 10, including the `code`, `entrypoint` and processor-generated inputs).
   * @default - none
   */
  readonly inputs?: ProcessingInput[];
  /**
   * Data the job writes.
   * @default - none
   */
  readonly outputs?: ProcessingOutput[];
  /**
   * KMS key that encrypts the outputs (`ProcessingOutputConfig.KmsKeyId`). The job role may encrypt
   * and decrypt with it. Only with outputs.
   * @default - the bucket's default encryption
   */
  readonly outputKmsKey?: kms.IKey;
  /**
   * Environment variables of the container (at most 100).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Network settings of the job (`NetworkConfig`).
   * @default - no VPC, no network isolation, no inter-container encryption
   */
  readonly networkConfig?: ProcessingNetworkConfig;
  /**
   * The role the job runs as.
   * @default - the pipeline's shared job role, granted only what this step's inputs, outputs and code need
   */
  readonly role?: iam.IRole;
  /**
   * Maximum run time of the job (`StoppingCondition.MaxRuntimeInSeconds`), at most 7 days;
   * `Duration.seconds(param.valueAsNumber)` for an Integer parameter.
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
 * Props of {@link ProcessingStep.sklearn}: the job runs `python3 <code>` in the SageMaker
 * Scikit-learn image, as `SKLearnProcessor(framework_version, ...).run(code=...)` does.
 */
export interface SKLearnProcessingStepProps extends Omit<ProcessingStepProps, 'image' | 'processor' | 'code'> {
  /** The Scikit-learn image version, for example `1.2-1`. */
  readonly frameworkVersion: string;
  /** The script (a local file or `s3://` URI; with `sourceDir`, its path in that folder). */
  readonly code: string;
  /**
   * An image to run instead of the SageMaker Scikit-learn image.
   * @default ContainerImage.sklearn(frameworkVersion)
   */
  readonly image?: ContainerImage;
}

/**
 * Props of {@link ProcessingStep.pySpark}: as `PySparkProcessor(...).run(submit_app=...)`.
 */
export interface PySparkProcessingStepProps extends Omit<ProcessingStepProps, 'image' | 'processor' | 'code' | 'sourceDir' | 'containerEntrypoint'>, PySparkProcessorProps {
  /**
   * An image to run instead of the SageMaker Spark processing image.
   * @default ContainerImage.spark(frameworkVersion, { pythonVersion, containerVersion })
   */
  readonly image?: ContainerImage;
}

/**
 * Props of {@link ProcessingStep.sparkJar}: as `SparkJarProcessor(...).run(submit_app=..., submit_class=...)`.
 */
export interface SparkJarProcessingStepProps extends Omit<ProcessingStepProps, 'image' | 'processor' | 'code' | 'sourceDir' | 'containerEntrypoint'>, SparkJarProcessorProps {
  /**
   * An image to run instead of the SageMaker Spark processing image.
   * @default ContainerImage.spark(frameworkVersion, { pythonVersion, containerVersion })
   */
  readonly image?: ContainerImage;
}

/** An input as rendered, its S3 URI bound. */
interface BoundInput {
  readonly input: ProcessingInput;
  readonly s3Uri: string;
}

/** An output as rendered, its S3 URI bound. */
interface BoundOutput {
  readonly output: ProcessingOutput;
  readonly s3Uri: string;
}

/**
 * A step that runs a SageMaker processing job (`Type: Processing`, a CreateProcessingJob request).
 */
export class ProcessingStep extends Step {
  /**
   * A step that runs a script in the SageMaker Scikit-learn image (`SKLearnProcessor`).
   */
  public static sklearn(scope: Construct, id: string, props: SKLearnProcessingStepProps): ProcessingStep {
    const { frameworkVersion, ...rest } = props;
    return new ProcessingStep(scope, id, { ...rest, processor: Processor.sklearn({ frameworkVersion }) });
  }

  /**
   * A step that runs a PySpark application in the SageMaker Spark processing image (`PySparkProcessor`).
   */
  public static pySpark(scope: Construct, id: string, props: PySparkProcessingStepProps): ProcessingStep {
    const {
      frameworkVersion, pythonVersion, containerVersion, submitApp, submitPyFiles, submitJars, submitFiles, configuration,
      sparkEventLogsS3Uri, ...rest
    } = props;
    const processor = Processor.pySpark({
      frameworkVersion, pythonVersion, containerVersion, submitApp, submitPyFiles, submitJars, submitFiles, configuration, sparkEventLogsS3Uri,
    });
    return new ProcessingStep(scope, id, { ...rest, processor });
  }

  /**
   * A step that runs a Spark application jar in the SageMaker Spark processing image (`SparkJarProcessor`).
   */
  public static sparkJar(scope: Construct, id: string, props: SparkJarProcessingStepProps): ProcessingStep {
    const {
      frameworkVersion, pythonVersion, containerVersion, submitApp, mainClass, submitJars, submitFiles, configuration,
      sparkEventLogsS3Uri, ...rest
    } = props;
    const processor = Processor.sparkJar({
      frameworkVersion, pythonVersion, containerVersion, submitApp, mainClass, submitJars, submitFiles, configuration, sparkEventLogsS3Uri,
    });
    return new ProcessingStep(scope, id, { ...rest, processor });
  }

  /** @inheritdoc */
  public readonly stepType = 'Processing';
  /** The processing job's properties (DescribeProcessingJob), for other steps to read. */
  public readonly properties: ProcessingJobProperties;
  /** The role the job runs as. */
  public readonly role: iam.IRole;

  private readonly props: ProcessingStepProps;
  private readonly imageUri: string;
  private readonly inputs: BoundInput[] = [];
  private readonly codeInputs: Array<Record<string, unknown>> = [];
  private readonly outputs: BoundOutput[] = [];
  private readonly entrypoint?: string[];
  private readonly propertyFiles: PropertyFile[];
  private readonly jobVpc: JobVpc;
  private readonly maxRuntimeSeconds?: number;

  constructor(scope: Construct, id: string, props: ProcessingStepProps) {
    super(scope, id, props, { retry: 'all', cache: true });
    this._bindJobNamePrefix('ProcessingJobName', 63, props.jobNamePrefix);
    this.props = props;
    this.properties = createPropertyTree(this, 'Processing') as ProcessingJobProperties;
    this.role = bindJobStep(this.pipeline, 'processing-job', props.role);
    const stack = stackOf(this);

    checkInteger(this, 'instanceCount', props.instanceCount, 1, 100);
    checkInteger(this, 'volumeSizeInGB', props.volumeSizeInGB, 1, 16384);
    for (const arg of [...(props.containerEntrypoint ?? []), ...(props.containerArguments ?? [])]) {
      if (!Token.isUnresolved(arg) && arg.length > 256) {
        throw new Error(`${this.node.path}: containerEntrypoint and containerArguments items are at most 256 characters; received one of ${arg.length}: '${arg.slice(0, 40)}...'. Shorten it, split it into several arguments, or put the value in a file input or an environment variable and pass its path or name instead.`);
      }
    }
    renderEnvironment(this, props.environment);
    if (props.maxRuntime) {
      this.maxRuntimeSeconds = renderMaxRuntime(this, props.maxRuntime, props.maxRuntime, MAX_PROCESSING_RUNTIME);
    }

    let processor: ProcessorConfig | undefined;
    try {
      processor = props.processor?.bind(this);
    } catch (e) {
      const message = (e as Error).message;
      throw new Error(message.startsWith(`${this.node.path}:`) ? message : `${this.node.path}: ${message}`);
    }
    if (props.image === undefined && processor === undefined) {
      throw new Error(`${this.node.path}: give an image (ContainerImage.fromRegistry, .sklearn, ...) or a processor (Processor.sklearn, .pySpark, ...); received neither.`);
    }
    if (processor?.code !== undefined && props.code !== undefined) {
      throw new Error(`${this.node.path}: the processor already names the application to run (submitApp); remove code.`);
    }
    const code = props.code ?? processor?.code;
    if (processor?.requiresCode && code === undefined) {
      throw new Error(`${this.node.path}: this processor runs a script; set code to a local script file or an s3:// URI.`);
    }
    if (props.sourceDir !== undefined && code === undefined) {
      throw new Error(`${this.node.path}: sourceDir needs code, the entry point's path inside the folder (for example 'preprocess.py').`);
    }

    const inputs = [...(props.inputs ?? []), ...(processor?.inputs ?? [])];
    const codeNames = code === undefined ? [] : props.sourceDir !== undefined ? ['code', 'entrypoint'] : ['code'];
    const total = inputs.length + codeNames.length;
    if (total > 10) {
      throw new Error(`${this.node.path}: a processing job takes at most 10 inputs; received ${total} (${[...inputs.map((i) => i.inputName), ...codeNames].join(', ')}). Combine inputs under one S3 prefix.`);
    }
    checkUnique(this, 'inputName', [...inputs.map((i) => i.inputName), ...codeNames]);
    const outputs = [...(props.outputs ?? []), ...(processor?.outputs ?? [])];
    checkUnique(this, 'outputName', outputs.map((o) => o.outputName));
    const where = (): string => this.node.path;
    for (const input of inputs) {
      checkRuntimeEnum(where, `input ${input.inputName} s3DataType`, input.s3DataType, ProcessingS3DataType);
      checkRuntimeEnum(where, `input ${input.inputName} s3InputMode`, input.s3InputMode, ProcessingS3InputMode);
      checkRuntimeEnum(where, `input ${input.inputName} s3DataDistributionType`, input.s3DataDistributionType, ProcessingS3DataDistributionType);
      checkRuntimeEnum(where, `input ${input.inputName} s3CompressionType`, input.s3CompressionType, ProcessingS3CompressionType);
      requireLiteral(this, `input ${input.inputName} localPath`, input.localPath);
      checkLocalPath(this, `input ${input.inputName}`, input.localPath);
      this.inputs.push({ input, s3Uri: bindLocation(this, input.s3Uri, S3Access.READ) });
    }
    for (const output of outputs) {
      checkRuntimeEnum(where, `output ${output.outputName} s3UploadMode`, output.s3UploadMode, ProcessingS3UploadMode);
      requireLiteral(this, `output ${output.outputName} localPath`, output.localPath);
      checkLocalPath(this, `output ${output.outputName}`, output.localPath);
      const s3Uri = output.s3Uri === undefined
        ? this.pipeline.defaultOutputUri(this.stepName, ['output', output.outputName], this.role)
        : bindLocation(this, output.s3Uri, S3Access.WRITE);
      this.outputs.push({ output, s3Uri });
    }
    if (props.outputKmsKey !== undefined && outputs.length === 0) {
      throw new Error(`${this.node.path}: outputKmsKey encrypts outputs, and this step has none; add outputs or remove outputKmsKey.`);
    }
    props.outputKmsKey?.grantEncryptDecrypt(this.role);
    props.volumeKmsKey?.grantEncryptDecrypt(this.role);

    this.jobVpc = JobVpc.bind(this, props.networkConfig ?? {}, {
      prefix: 'networkConfig.',
      securityGroupId: 'SecurityGroup',
      description: () => `SageMaker processing jobs of ${this.node.path}`,
      internalTraffic: 'Traffic between the instances of a distributed processing job',
    });
    this.jobVpc.grant(this.role);

    this.imageUri = (props.image ?? processor!.image).bind(this, this.role).imageUri;

    const command = props.containerEntrypoint ?? processor?.command ?? ['python3'];
    if (code === undefined) {
      this.entrypoint = props.containerEntrypoint;
    } else if (props.sourceDir !== undefined) {
      this.entrypoint = this.bindSourceDir(props.sourceDir, code, command);
    } else if (!Token.isUnresolved(code) && code.startsWith('s3://')) {
      const fileName = code.split('/').pop() ?? '';
      if (fileName.length === 0) {
        throw new Error(`${this.node.path}: code must name a file; '${code}' ends with '/'.`);
      }
      grantS3Uri(this.role, stack, code, 'read');
      this.codeInputs.push(codeInput('code', code, CODE_DIR));
      this.entrypoint = [...command, `${CODE_DIR}/${fileName}`];
    } else {
      const codePath = path.resolve(code);
      if (!fs.existsSync(codePath) || !fs.statSync(codePath).isFile()) {
        throw new Error(`${this.node.path}: code must be the path of a local script file; '${code}' (resolved to ${codePath}) is not a file. Pass the path of an existing script (relative paths resolve against the current directory, so prefer path.join(__dirname, 'preprocess.py')), or an s3:// URI of the script.`);
      }
      const asset = new s3assets.Asset(this, 'Code', { path: codePath });
      asset.grantRead(this.role);
      const fileName = `${asset.assetHash}${path.extname(codePath)}`;
      this.codeInputs.push(codeInput('code', asset.s3ObjectUrl, CODE_DIR));
      this.entrypoint = [...command, `${CODE_DIR}/${fileName}`];
    }

    this.propertyFiles = [...(props.propertyFiles ?? [])];
    checkUnique(this, 'propertyFileName', this.propertyFiles.map((p) => p.propertyFileName));
    const outputNames = new Set(outputs.map((o) => o.outputName));
    for (const file of this.propertyFiles) {
      if (!outputNames.has(file.outputName)) {
        throw new Error(`${this.node.path}: property file '${file.propertyFileName}' names output '${file.outputName}', which this step does not have (outputs: ${[...outputNames].join(', ') || 'none'}). Name one of the step's outputs.`);
      }
      file._declareOn(this);
    }
  }

  /**
   * The network connections of the job's security groups (none when the job runs outside a VPC),
   * for example to let it reach a database: `db.connections.allowDefaultPortFrom(step)`.
   */
  public get connections(): ec2.Connections {
    return this.jobVpc.connections;
  }

  /** The SDK FrameworkProcessor's layout: the folder as input `code`, a wrapper script as input `entrypoint`. */
  private bindSourceDir(sourceDir: string, entryPoint: string, command: string[]): string[] {
    const dir = path.resolve(sourceDir);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new Error(`${this.node.path}: sourceDir must be a local folder; '${sourceDir}' (resolved to ${dir}) is not one.`);
    }
    const entry = path.resolve(dir, entryPoint);
    const inside = !Token.isUnresolved(entryPoint) && !path.isAbsolute(entryPoint) && entry.startsWith(dir + path.sep);
    if (!inside || !fs.existsSync(entry) || !fs.statSync(entry).isFile()) {
      throw new Error(`${this.node.path}: with sourceDir, code is the entry point's relative path inside the folder; '${entryPoint}' is not a file in ${dir}.`);
    }
    const relative = path.relative(dir, entry).split(path.sep).join('/');
    const bundle = new s3assets.Asset(this, 'Code', { path: dir });
    bundle.grantRead(this.role);
    const zip = `${bundle.assetHash}.zip`;
    const script = runprocScript(zip, command, relative);
    const wrapper = new s3assets.Asset(this, 'Entrypoint', { path: stageText('runproc.sh', script) });
    wrapper.grantRead(this.role);
    this.codeInputs.push(codeInput('code', bundle.s3ObjectUrl, CODE_DIR));
    this.codeInputs.push(codeInput('entrypoint', wrapper.s3ObjectUrl, ENTRYPOINT_DIR));
    return ['/bin/bash', `${ENTRYPOINT_DIR}/${wrapper.assetHash}.sh`];
  }

  protected renderArguments(): Record<string, unknown> {
    const props = this.props;
    const inputs: Array<Record<string, unknown>> = this.inputs.map(({ input, s3Uri }) => ({
      InputName: input.inputName,
      AppManaged: false,
      S3Input: {
        S3Uri: s3Uri,
        LocalPath: input.localPath,
        S3DataType: input.s3DataType ?? ProcessingS3DataType.S3_PREFIX,
        S3InputMode: input.s3InputMode ?? ProcessingS3InputMode.FILE,
        S3DataDistributionType: input.s3DataDistributionType ?? ProcessingS3DataDistributionType.FULLY_REPLICATED,
        S3CompressionType: input.s3CompressionType ?? ProcessingS3CompressionType.NONE,
      },
    }));
    inputs.push(...this.codeInputs);
    const outputs = this.outputs.map(({ output, s3Uri }) => ({
      OutputName: output.outputName,
      AppManaged: false,
      S3Output: {
        S3Uri: s3Uri,
        LocalPath: output.localPath,
        S3UploadMode: output.s3UploadMode ?? ProcessingS3UploadMode.END_OF_JOB,
      },
    }));
    // Optional keys assigned one by one in request order (spreading optional parts costs more than the rest of the render).
    const clusterConfig: Record<string, unknown> = {
      InstanceType: (props.instanceType ?? InstanceType.M5_XLARGE).toString(),
      InstanceCount: props.instanceCount ?? 1,
      VolumeSizeInGB: props.volumeSizeInGB ?? 30,
    };
    if (props.volumeKmsKey !== undefined) {
      clusterConfig.VolumeKmsKeyId = props.volumeKmsKey.keyArn;
    }
    const appSpecification: Record<string, unknown> = { ImageUri: this.imageUri };
    if (this.entrypoint) {
      appSpecification.ContainerEntrypoint = this.entrypoint;
    }
    if (props.containerArguments) {
      appSpecification.ContainerArguments = props.containerArguments;
    }
    const args: Record<string, unknown> = {
      ProcessingResources: { ClusterConfig: clusterConfig },
      AppSpecification: appSpecification,
      RoleArn: this.role.roleArn,
    };
    if (inputs.length > 0) {
      args.ProcessingInputs = inputs;
    }
    if (outputs.length > 0) {
      const outputConfig: Record<string, unknown> = { Outputs: outputs };
      if (props.outputKmsKey !== undefined) {
        outputConfig.KmsKeyId = props.outputKmsKey.keyArn;
      }
      args.ProcessingOutputConfig = outputConfig;
    }
    const environment = renderEnvironment(this, props.environment);
    if (environment) {
      args.Environment = environment;
    }
    if (this.maxRuntimeSeconds !== undefined) {
      args.StoppingCondition = { MaxRuntimeInSeconds: this.maxRuntimeSeconds };
    }
    const networkConfig = this.jobVpc.renderNetworkConfig(props.networkConfig ?? {});
    if (networkConfig !== undefined) {
      args.NetworkConfig = networkConfig;
    }
    return args;
  }

  protected renderExtraKeys(): Record<string, unknown> {
    return this.propertyFiles.length > 0 ? { PropertyFiles: this.propertyFiles.map((f) => f._render()) } : {};
  }
}

/** A plain URI (granted as before) or an S3Location (bound). */
function bindLocation(step: Step, location: string | S3Location, access: S3Access): string {
  if (location instanceof S3Location) {
    return location.bind(step, { grantee: (step as ProcessingStep).role, access }).s3Uri;
  }
  grantS3Uri((step as ProcessingStep).role, stackOf(step), location, access === S3Access.READ ? 'read' : 'readWrite');
  return location;
}

/** `LocalPath` of inputs and outputs: an absolute container path of at most 256 characters. */
function checkLocalPath(scope: Construct, what: string, localPath: string): void {
  if (typeof localPath !== 'string' || localPath.length === 0 || localPath.length > 256 || !localPath.startsWith('/')) {
    throw new Error(`${scope.node.path}: ${what} localPath must be an absolute container path of at most 256 characters, such as '/opt/ml/processing/input/data'; received '${String(localPath).slice(0, 60)}'. Use an absolute path under /opt/ml/processing${typeof localPath === 'string' && localPath.length > 0 && !localPath.startsWith('/') && localPath.length < 200 ? `, e.g. '/opt/ml/processing/${localPath.replace(/^\.?\/+/, '')}'` : ''}.`);
  }
}

function codeInput(inputName: string, s3Uri: string, localPath: string): Record<string, unknown> {
  return {
    InputName: inputName,
    AppManaged: false,
    S3Input: {
      S3Uri: s3Uri,
      LocalPath: localPath,
      S3DataType: 'S3Prefix',
      S3InputMode: 'File',
      S3DataDistributionType: 'FullyReplicated',
      S3CompressionType: 'None',
    },
  };
}

/**
 * The wrapper that the SDK's FrameworkProcessor generates (`runproc.sh`), for a zip instead of a
 * tarball: unpack the code, install its requirements, run the entry point with the job's arguments.
 */
function runprocScript(zip: string, command: string[], entryPoint: string): string {
  const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  return [
    '#!/bin/bash',
    '# Generated by cdk-sagemaker-pipelines (sourceDir): unpacks the code and runs the entry point.',
    'set -e',
    `cd ${CODE_DIR}/`,
    'if command -v unzip >/dev/null 2>&1; then',
    `  unzip -oq ${zip}`,
    'else',
    `  python3 -m zipfile -e ${zip} .`,
    'fi',
    "if [[ -f 'requirements.txt' ]]; then",
    '  pip install -r requirements.txt',
    'fi',
    `exec ${command.map(quote).join(' ')} ${quote(entryPoint)} "$@"`,
    '',
  ].join('\n');
}

function checkUnique(scope: Construct, what: string, names: string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      throw new Error(`${scope.node.path}: ${what} '${name}' is used twice${name === 'code' ? " ('code' is the input that carries the step's script)" : ''}${name === 'entrypoint' ? " ('entrypoint' is the input that carries the sourceDir wrapper script)" : ''}; names must be unique within the step. Rename one of them${name === 'code' || name === 'entrypoint' ? ` (choose a name other than '${name}')` : ''}.`);
    }
    seen.add(name);
  }
}
