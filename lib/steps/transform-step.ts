import { Duration, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { checkInteger, grantJobActions } from './job-step';
import { JobStepProps, Step } from './step';
import { InstanceType } from '../instance-type';
import { checkRuntimeEnum } from '../private/enum-value';
import { refusePropertyProblem } from '../private/expression';
import { createPropertyTree, TransformJobProperties } from '../properties';

/** How the input S3 location is interpreted (`TransformInput.DataSource.S3DataSource.S3DataType`). */
export enum TransformS3DataType {
  /** Every object under the URI prefix. */
  S3_PREFIX = 'S3Prefix',
  /** A manifest file listing the objects. */
  MANIFEST_FILE = 'ManifestFile',
  /** An augmented manifest file (JSON Lines with the data inline or as S3 references). */
  AUGMENTED_MANIFEST_FILE = 'AugmentedManifestFile',
}

/** How input files are split into records (`TransformInput.SplitType`). */
export enum TransformSplitType {
  /** Each file is one record. */
  NONE = 'None',
  /** Each line is a record. */
  LINE = 'Line',
  /** RecordIO records. */
  RECORD_IO = 'RecordIO',
  /** TFRecord records. */
  TF_RECORD = 'TFRecord',
}

/** Compression of the input data (`TransformInput.CompressionType`). */
export enum TransformCompressionType {
  /** Not compressed. */
  NONE = 'None',
  /** Gzip-compressed; the job decompresses it before inference. */
  GZIP = 'Gzip',
}

/** How results of one input file are assembled into its output file (`TransformOutput.AssembleWith`). */
export enum TransformAssemblyType {
  /** Results are concatenated as they are. */
  NONE = 'None',
  /** Each result is followed by a newline. */
  LINE = 'Line',
}

/** How many records go into one inference request (`BatchStrategy`). */
export enum TransformBatchStrategy {
  /** As many records as fit in `maxPayloadInMB`. */
  MULTI_RECORD = 'MultiRecord',
  /** One record per request. */
  SINGLE_RECORD = 'SingleRecord',
}

/** Which data is joined to each result (`DataProcessing.JoinSource`). */
export enum TransformJoinSource {
  /** The input record is joined with its result. */
  INPUT = 'Input',
  /** Results only. */
  NONE = 'None',
}

/**
 * Filtering and joining of records around inference (`DataProcessing`).
 */
export interface TransformDataProcessing {
  /**
   * JSONPath selecting the part of each input record sent to the model (`InputFilter`), at most
   * 63 characters, for example `$[1:]` to drop the first CSV column.
   * @default - the whole record (`$`)
   */
  readonly inputFilter?: string;
  /**
   * JSONPath selecting the part of the (joined) result written out (`OutputFilter`), at most 63
   * characters, for example `$[0,-1]`.
   * @default - the whole result (`$`)
   */
  readonly outputFilter?: string;
  /**
   * Whether the input record is joined to its result (`JoinSource`).
   * @default TransformJoinSource.NONE
   */
  readonly joinSource?: TransformJoinSource;
}

/**
 * Timeouts and retries of the calls the job makes to the model container (`ModelClientConfig`).
 */
export interface TransformModelClientConfig {
  /**
   * Timeout of one invocation (`InvocationsTimeoutInSeconds`), whole seconds from 1 second to 1 hour.
   * @default - the service default (600 seconds)
   */
  readonly invocationsTimeout?: Duration;
  /**
   * Retries of a failed invocation (`InvocationsMaxRetries`), 0-3.
   * @default - the service default (3)
   */
  readonly invocationsMaxRetries?: number;
}

/**
 * Props of a {@link TransformStep}.
 *
 * A transform job runs as the execution role of its model, not as a role named in the request
 * (CreateTransformJob has no `RoleArn`). The step therefore grants no job role anything: the
 * model's execution role must be able to read `inputS3Uri`, write `outputPath`, and use
 * `outputKmsKey` and `volumeKmsKey` (`kms:Encrypt`, `kms:GenerateDataKey*`, `kms:CreateGrant`).
 */
export interface TransformStepProps extends JobStepProps {
  /**
   * Name of the SageMaker model that runs inference (`ModelName`, at most 63 letters, digits and
   * hyphens): a literal, a String parameter, or a property of the step that created the model.
   */
  readonly modelName: string;
  /**
   * Where the input data is (`TransformInput.DataSource.S3DataSource.S3Uri`): an `s3://` URI, a
   * parameter, a step property such as
   * `prep.properties.ProcessingOutputConfig.Outputs['batch'].S3Output.S3Uri`, or a concatenation.
   * The model's execution role must be able to read it.
   */
  readonly inputS3Uri: string;
  /**
   * How `inputS3Uri` is interpreted.
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default TransformS3DataType.S3_PREFIX
   */
  readonly s3DataType?: TransformS3DataType | string;
  /**
   * MIME type of the input data (`TransformInput.ContentType`), at most 256 characters, for example `text/csv`.
   * @default - none: the model container decides
   */
  readonly contentType?: string;
  /**
   * How input files are split into records.
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default - none set: the service treats each file as one record (`None`)
   */
  readonly splitType?: TransformSplitType | string;
  /**
   * Compression of the input data.
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default - none set: the service treats the data as uncompressed (`None`)
   */
  readonly compressionType?: TransformCompressionType | string;
  /**
   * Where the results go (`TransformOutput.S3OutputPath`): an `s3://` URI, a parameter, a step
   * property, or a concatenation. Include `ExecutionVariable.PIPELINE_EXECUTION_ID` to keep the
   * results of each execution apart. The model's execution role must be able to write to it.
   * @default - unique per execution, as the SageMaker SDK lays it out:
   * `s3://<artifactBucket>/<pipeline name>/<execution id>/<step name>`; the pipeline's shared job
   * role (the default execution role of models) is granted read and write there
   */
  readonly outputPath?: string;
  /**
   * MIME type of the results (`TransformOutput.Accept`), at most 256 characters, for example `text/csv`.
   * @default - none: the model container decides
   */
  readonly accept?: string;
  /**
   * How the results of one input file are assembled.
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default - none set: the service concatenates results as they are (`None`)
   */
  readonly assembleWith?: TransformAssemblyType | string;
  /**
   * KMS key that encrypts the results in S3 (`TransformOutput.KmsKeyId`, the key ARN). Nothing is
   * granted: the model's execution role needs `kms:Encrypt` and `kms:GenerateDataKey*` on it.
   * @default - the bucket's default encryption
   */
  readonly outputKmsKey?: kms.IKey;
  /**
   * Instance type of the job. Accepts a String parameter through `InstanceType.of`.
   * @default InstanceType.M5_XLARGE
   */
  readonly instanceType?: InstanceType;
  /**
   * Number of instances (at least 1). Accepts an Integer parameter's `valueAsNumber`.
   * @default 1
   */
  readonly instanceCount?: number;
  /**
   * KMS key that encrypts the instances' storage volumes (`TransformResources.VolumeKmsKeyId`, the
   * key ARN). Nothing is granted: the model's execution role needs `kms:CreateGrant` on it.
   * @default - the volumes are encrypted with an AWS managed key
   */
  readonly volumeKmsKey?: kms.IKey;
  /**
   * How many records go into one request to the model.
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default - none set: the service default (the algorithm's execution parameters, else `MultiRecord`)
   */
  readonly batchStrategy?: TransformBatchStrategy | string;
  /**
   * Maximum size of one request's payload in MB (`MaxPayloadInMB`), 0-100; 0 streams arbitrarily
   * large payloads with HTTP chunked encoding (not supported by the built-in algorithms). With
   * `maxConcurrentTransforms`, their product must not exceed 100.
   * @default - the service default (6 MB)
   */
  readonly maxPayloadInMB?: number;
  /**
   * Maximum number of parallel requests to each instance (`MaxConcurrentTransforms`, at least 0;
   * 0 lets the algorithm's execution parameters decide).
   * @default - the algorithm's execution parameters, else 1
   */
  readonly maxConcurrentTransforms?: number;
  /**
   * Environment variables of the model container (at most 16 for a transform job; names at most
   * 1,024 characters, values at most 10,240).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Filtering of input records and joining of inputs to results.
   * @default - whole records in, results only out
   */
  readonly dataProcessing?: TransformDataProcessing;
  /**
   * Timeouts and retries of invocations of the model container.
   * @default - the service defaults
   */
  readonly modelClientConfig?: TransformModelClientConfig;
}

/**
 * A step that runs a SageMaker batch transform job (`Type: Transform`, a CreateTransformJob
 * request without `TransformJobName`).
 *
 * The pipeline role is granted create, describe, stop and tag on transform jobs, and no
 * `iam:PassRole`: the job runs as its model's execution role, which must already have access to
 * the input, the output location and any KMS keys.
 */
export class TransformStep extends Step {
  /** @inheritdoc */
  public readonly stepType = 'Transform';
  /** The transform job's properties (DescribeTransformJob), for other steps to read, e.g. `TransformOutput.S3OutputPath`. */
  public readonly properties: TransformJobProperties;

  private readonly props: TransformStepProps;
  private readonly outputPath: string;
  private readonly environment?: Record<string, string>;

  constructor(scope: Construct, id: string, props: TransformStepProps) {
    super(scope, id, props, { retry: 'all', cache: true });
    this._bindJobNamePrefix('TransformJobName', 63, props.jobNamePrefix);
    this.props = props;
    this.properties = createPropertyTree(this, 'Transform') as TransformJobProperties;
    grantJobActions(this.pipeline, 'transform-job');

    checkModelName(this, props.modelName);
    checkS3Uri(this, 'inputS3Uri', props.inputS3Uri);
    if (props.outputPath !== undefined) {
      checkS3Uri(this, 'outputPath', props.outputPath);
    }
    this.outputPath = props.outputPath ?? this.pipeline.defaultOutputUri(this.stepName, [], this.pipeline.defaultJobRole);
    checkRuntimeEnum(() => this.node.path, 's3DataType', props.s3DataType, TransformS3DataType);
    checkRuntimeEnum(() => this.node.path, 'splitType', props.splitType, TransformSplitType);
    checkRuntimeEnum(() => this.node.path, 'compressionType', props.compressionType, TransformCompressionType);
    checkRuntimeEnum(() => this.node.path, 'assembleWith', props.assembleWith, TransformAssemblyType);
    checkRuntimeEnum(() => this.node.path, 'batchStrategy', props.batchStrategy, TransformBatchStrategy);
    checkMimeType(this, 'contentType', props.contentType);
    checkMimeType(this, 'accept', props.accept);
    checkAtLeast(this, 'instanceCount', props.instanceCount, 1);
    checkInteger(this, 'maxPayloadInMB', props.maxPayloadInMB, 0, 100);
    checkAtLeast(this, 'maxConcurrentTransforms', props.maxConcurrentTransforms, 0);
    const payload = props.maxPayloadInMB;
    const concurrency = props.maxConcurrentTransforms;
    if (payload !== undefined && concurrency !== undefined && !Token.isUnresolved(payload) && !Token.isUnresolved(concurrency)
      && payload * concurrency > 100) {
      throw new Error(`${this.node.path}: maxConcurrentTransforms x maxPayloadInMB must be at most 100 MB; received ${concurrency} x ${payload} = ${concurrency * payload}. Lower one of them.`);
    }
    this.environment = checkEnvironment(this, props.environment);
    const dataProcessing = props.dataProcessing;
    if (dataProcessing !== undefined) {
      checkJsonPath(this, 'dataProcessing.inputFilter', dataProcessing.inputFilter);
      checkJsonPath(this, 'dataProcessing.outputFilter', dataProcessing.outputFilter);
      checkEnum(this, 'dataProcessing.joinSource', dataProcessing.joinSource, TransformJoinSource);
    }
    invocationsTimeoutSeconds(this, props.modelClientConfig?.invocationsTimeout);
    checkInteger(this, 'modelClientConfig.invocationsMaxRetries', props.modelClientConfig?.invocationsMaxRetries, 0, 3);
  }

  protected renderArguments(): Record<string, unknown> {
    const props = this.props;
    const args: Record<string, unknown> = {
      ModelName: props.modelName,
      TransformInput: {
        DataSource: {
          S3DataSource: {
            S3DataType: props.s3DataType ?? TransformS3DataType.S3_PREFIX,
            S3Uri: props.inputS3Uri,
          },
        },
        ...(props.contentType !== undefined ? { ContentType: props.contentType } : {}),
        ...(props.compressionType !== undefined ? { CompressionType: props.compressionType } : {}),
        ...(props.splitType !== undefined ? { SplitType: props.splitType } : {}),
      },
      TransformOutput: {
        S3OutputPath: this.outputPath,
        ...(props.accept !== undefined ? { Accept: props.accept } : {}),
        ...(props.assembleWith !== undefined ? { AssembleWith: props.assembleWith } : {}),
        ...(props.outputKmsKey !== undefined ? { KmsKeyId: props.outputKmsKey.keyArn } : {}),
      },
      TransformResources: {
        InstanceType: (props.instanceType ?? InstanceType.M5_XLARGE).toString(),
        InstanceCount: props.instanceCount ?? 1,
        ...(props.volumeKmsKey !== undefined ? { VolumeKmsKeyId: props.volumeKmsKey.keyArn } : {}),
      },
    };
    if (props.batchStrategy !== undefined) {
      args.BatchStrategy = props.batchStrategy;
    }
    if (props.maxConcurrentTransforms !== undefined) {
      args.MaxConcurrentTransforms = props.maxConcurrentTransforms;
    }
    if (props.maxPayloadInMB !== undefined) {
      args.MaxPayloadInMB = props.maxPayloadInMB;
    }
    if (this.environment) {
      args.Environment = this.environment;
    }
    const dp = props.dataProcessing;
    if (dp !== undefined && (dp.inputFilter !== undefined || dp.outputFilter !== undefined || dp.joinSource !== undefined)) {
      args.DataProcessing = {
        ...(dp.inputFilter !== undefined ? { InputFilter: dp.inputFilter } : {}),
        ...(dp.outputFilter !== undefined ? { OutputFilter: dp.outputFilter } : {}),
        ...(dp.joinSource !== undefined ? { JoinSource: dp.joinSource } : {}),
      };
    }
    const mcc = props.modelClientConfig;
    if (mcc !== undefined && (mcc.invocationsTimeout !== undefined || mcc.invocationsMaxRetries !== undefined)) {
      args.ModelClientConfig = {
        ...(mcc.invocationsTimeout !== undefined ? { InvocationsTimeoutInSeconds: invocationsTimeoutSeconds(this, mcc.invocationsTimeout) } : {}),
        ...(mcc.invocationsMaxRetries !== undefined ? { InvocationsMaxRetries: mcc.invocationsMaxRetries } : {}),
      };
    }
    return args;
  }
}

/** The service pattern of `ModelName`. */
const MODEL_NAME = /^[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
/** The service pattern of `S3Uri` (input and output). */
const S3_URI = /^(https|s3):\/\/([^/]+)\/?(.*)$/;

function checkModelName(scope: Construct, modelName: string): void {
  refusePropertyProblem(() => `${scope.node.path}: modelName`, modelName);
  if (typeof modelName !== 'string') {
    throw new Error(`${scope.node.path}: modelName must be a string (a literal, a String parameter or a step property); received ${typeof modelName}.`);
  }
  if (Token.isUnresolved(modelName)) {
    return;
  }
  if (modelName.length < 1 || modelName.length > 63 || !MODEL_NAME.test(modelName)) {
    throw new Error(`${scope.node.path}: modelName must be 1-63 letters, digits and hyphens, starting and ending with a letter or digit; received '${modelName}'. Name an existing SageMaker model, e.g. 'churn-xgboost-v3'.`);
  }
}

function checkS3Uri(scope: Construct, prop: string, uri: string): void {
  refusePropertyProblem(() => `${scope.node.path}: ${prop}`, uri);
  if (typeof uri !== 'string') {
    throw new Error(`${scope.node.path}: ${prop} must be an S3 URI string (a literal, a parameter, a step property or a concatenation); received ${typeof uri}.`);
  }
  if (Token.isUnresolved(uri)) {
    return;
  }
  if (uri.length > 1024 || !S3_URI.test(uri)) {
    throw new Error(`${scope.node.path}: ${prop} must be an S3 URI of at most 1,024 characters such as 's3://bucket/prefix'; received '${uri.length > 80 ? `${uri.slice(0, 80)}...` : uri}'.`);
  }
}

function checkEnum(scope: Construct, prop: string, value: string | undefined, allowed: Record<string, string>): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  const values = Object.values(allowed);
  if (!values.includes(value)) {
    throw new Error(`${scope.node.path}: ${prop} must be one of ${values.join(', ')}; received '${value}'.`);
  }
}

function checkMimeType(scope: Construct, prop: string, value: string | undefined): void {
  if (value !== undefined && !Token.isUnresolved(value) && value.length > 256) {
    throw new Error(`${scope.node.path}: ${prop} must be a MIME type of at most 256 characters; received ${value.length} characters.`);
  }
}

function checkAtLeast(scope: Construct, prop: string, value: number | undefined, min: number): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`${scope.node.path}: ${prop} must be an integer of at least ${min}; received ${value}.`);
  }
}

function checkJsonPath(scope: Construct, prop: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (value.length === 0 || value.length > 63 || !value.startsWith('$')) {
    throw new Error(`${scope.node.path}: ${prop} must be a JSONPath of 1-63 characters starting with '$' (for example '$[1:]' or '$.features'); received '${value}'. Use a JSONPath starting with '$'${value.length > 0 && value.length < 62 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value) ? `, e.g. '$.${value}'` : ''}, or omit ${prop} to use the whole record.`);
  }
}

/**
 * Validates a transform job's environment: at most 16 entries, names at most 1,024 characters
 * matching the service pattern, values strings of at most 10,240 characters (literal ones).
 */
function checkEnvironment(scope: Construct, environment: Record<string, string> | undefined): Record<string, string> | undefined {
  if (environment === undefined) {
    return undefined;
  }
  const entries = Object.entries(environment);
  if (entries.length > 16) {
    throw new Error(`${scope.node.path}: environment has ${entries.length} entries; a transform job accepts at most 16. Set the others in the model's container environment.`);
  }
  for (const [key, value] of entries) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]{0,1023}$/.test(key)) {
      throw new Error(`${scope.node.path}: environment variable name '${key.length > 40 ? `${key.slice(0, 40)}...` : key}' is invalid; names are up to 1,024 letters, digits and underscores, not starting with a digit.`);
    }
    refusePropertyProblem(() => `${scope.node.path}: environment variable '${key}'`, value);
    if (typeof value !== 'string') {
      throw new Error(`${scope.node.path}: environment variable '${key}' must be a string; received ${typeof value}. Convert numbers with String(), or use a parameter's valueAsString.`);
    }
    if (!Token.isUnresolved(value) && value.length > 10240) {
      throw new Error(`${scope.node.path}: environment variable '${key}' is ${value.length} characters; values are at most 10,240.`);
    }
  }
  return entries.length > 0 ? { ...environment } : undefined;
}

function invocationsTimeoutSeconds(scope: Construct, timeout: Duration | undefined): number | undefined {
  if (timeout === undefined) {
    return undefined;
  }
  const seconds = timeout.toSeconds({ integral: false });
  if (Token.isUnresolved(seconds)) {
    return seconds;
  }
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) {
    throw new Error(`${scope.node.path}: modelClientConfig.invocationsTimeout must be whole seconds from 1 second to 1 hour; received ${seconds} seconds.`);
  }
  return seconds;
}
