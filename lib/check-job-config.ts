import { Duration, IResolvable, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { checkS3UriText, S3Access, S3Location } from './inputs';
import { InstanceType } from './instance-type';
import { expressionOf, refusePropertyProblem } from './private/expression';
import { JobVpc } from './private/job-vpc';
import { grantS3Uri } from './private/s3-grants';
import { grantCheckBaselines } from './private/step-grants';
import { bindJobStep, checkBooleanValue, checkInteger, renderEnvironment, renderMaxRuntime } from './steps/job-step';
import type { ProcessingNetworkConfig } from './steps/processing-step';
import { CacheableStepProps, JobNamePrefixProps, Step } from './steps/step';


/**
 * The processing job that a check step runs (the SageMaker SDK's `CheckJobConfig`).
 */
export interface CheckJobConfig {
  /**
   * The role the check job runs as.
   * @default - the pipeline's shared job role, granted only what this step's inputs, outputs and scripts need
   */
  readonly role?: iam.IRole;
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
   * KMS key that encrypts the check's results (`ProcessingOutputConfig.KmsKeyId`). The job role may
   * encrypt and decrypt with it.
   * @default - the bucket's default encryption
   */
  readonly outputKmsKey?: kms.IKey;
  /**
   * Maximum run time of the job (`StoppingCondition.MaxRuntimeInSeconds`), at most 7 days;
   * `Duration.seconds(param.valueAsNumber)` for an Integer parameter.
   * @default - no limit set (the service default)
   */
  readonly maxRuntime?: Duration;
  /**
   * Extra environment variables of the container (at most 100 in all). They must not use the names
   * that the step sets itself (for a quality check: `dataset_format`, `dataset_source`, `output_path`, ...).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Network settings of the job (`NetworkConfig`).
   * @default - no VPC, no network isolation, no inter-container encryption
   */
  readonly networkConfig?: ProcessingNetworkConfig;
}

/**
 * A model package group, as check steps name it: anything with a `modelPackageGroupName`, such as
 * `aws-cdk-lib/aws-sagemaker`'s `CfnModelPackageGroup`.
 */
export interface IModelPackageGroupRef {
  /** Name of the model package group. */
  readonly modelPackageGroupName: string;
}

/**
 * Props every check step (`QualityCheckStep`, `ClarifyCheckStep`) takes.
 */
export interface CheckStepProps extends CacheableStepProps, JobNamePrefixProps {
  /**
   * The processing job that runs the check.
   * @default - the pipeline's shared job role, one ml.m5.xlarge instance with 30 GB of storage
   */
  readonly checkJobConfig?: CheckJobConfig;
  /**
   * Whether to skip the drift check against the previous baseline (`SkipCheck`); the step still
   * calculates a new baseline. Accepts a Boolean parameter.
   * @default false
   */
  readonly skipCheck?: boolean | IResolvable;
  /**
   * Whether the step fails when the check finds a violation (`FailOnViolation`). Accepts a Boolean parameter.
   * @default true
   */
  readonly failOnViolation?: boolean | IResolvable;
  /**
   * Whether the newly calculated baseline becomes the one that `BaselineUsedForDriftCheck*` reports
   * (`RegisterNewBaseline`), for registering with the model. Accepts a Boolean parameter.
   * @default false
   */
  readonly registerNewBaseline?: boolean | IResolvable;
  /**
   * The model package group whose latest approved model package supplies the baseline to check
   * against (`ModelPackageGroupName`): a name (literal or expression) or a group object. The
   * pipeline role may list and describe that group's model packages.
   * @default - none
   */
  readonly modelPackageGroupName?: string | IModelPackageGroupRef;
  /**
   * S3 URI of the constraints file to check against (`SuppliedBaselineConstraints`), for example
   * a parameter or a previous step's baseline property. When its bucket is known at synth, the job
   * role may read it.
   * @default - none (the baseline of `modelPackageGroupName`, if any)
   */
  readonly suppliedBaselineConstraints?: string;
}

/**
 * A check step's job, bound: validated settings, role and network.
 * @internal
 */
export class BoundCheckJob {
  /** An `S3Input` of the check job, as the SDK's `ProcessingInput` renders it. */
  public static input(inputName: string, s3Uri: string, localPath: string, distribution = 'FullyReplicated', compression = 'None'): Record<string, unknown> {
    return {
      InputName: inputName,
      AppManaged: false,
      S3Input: {
        S3Uri: s3Uri,
        LocalPath: localPath,
        S3DataType: 'S3Prefix',
        S3InputMode: 'File',
        S3DataDistributionType: distribution,
        S3CompressionType: compression,
      },
    };
  }

  /** The check job's one output. */
  public static output(outputName: string, s3Uri: string, localPath: string): Record<string, unknown> {
    return { OutputName: outputName, AppManaged: false, S3Output: { S3Uri: s3Uri, LocalPath: localPath, S3UploadMode: 'EndOfJob' } };
  }

  /** The role the job runs as. */
  public readonly role: iam.IRole;
  private readonly config: CheckJobConfig;
  private readonly maxRuntimeSeconds?: number;
  private readonly jobVpc: JobVpc;

  constructor(step: Step, config: CheckJobConfig | undefined, reservedEnvironment: readonly string[]) {
    this.config = config ?? {};
    const c = this.config;
    this.role = bindJobStep(step.pipeline, 'processing-job', c.role);
    checkInteger(step, 'checkJobConfig.instanceCount', c.instanceCount, 1, 100);
    checkInteger(step, 'checkJobConfig.volumeSizeInGB', c.volumeSizeInGB, 1, 16384);
    renderEnvironment(step, c.environment);
    for (const key of Object.keys(c.environment ?? {})) {
      if (reservedEnvironment.includes(key)) {
        throw new Error(`${step.node.path}: checkJobConfig.environment must not set '${key}'; received it. The step sets ${reservedEnvironment.join(', ')} itself; use the step's props instead.`);
      }
    }
    if (c.maxRuntime !== undefined) {
      this.maxRuntimeSeconds = renderMaxRuntime(step, c.maxRuntime, c.maxRuntime, Duration.days(7));
    }
    c.volumeKmsKey?.grantEncryptDecrypt(this.role);
    c.outputKmsKey?.grantEncryptDecrypt(this.role);

    this.jobVpc = JobVpc.bind(step, c.networkConfig ?? {}, {
      prefix: 'checkJobConfig.networkConfig.',
      applyOnlyNames: ['checkJobConfig.networkConfig.subnets', 'securityGroups', 'networkConfig.vpc'],
      securityGroupId: 'SecurityGroup',
      description: () => `SageMaker check jobs of ${step.node.path}`,
      internalTraffic: 'Traffic between the instances of a distributed check job',
    });
    this.jobVpc.grant(this.role);
  }

  /** The network connections of the job's security groups (none outside a VPC). */
  public get connections(): ec2.Connections {
    return this.jobVpc.connections;
  }

  /**
   * The CreateProcessingJob request, in the SageMaker SDK's key order. `environment` holds the
   * step's own variables, which follow the user's.
   */
  public renderRequest(
    imageUri: string, inputs: Array<Record<string, unknown>>, output: Record<string, unknown>, environment: Record<string, unknown>,
  ): Record<string, unknown> {
    const c = this.config;
    const args: Record<string, unknown> = {
      ProcessingResources: {
        ClusterConfig: {
          InstanceType: (c.instanceType ?? InstanceType.M5_XLARGE).toString(),
          InstanceCount: c.instanceCount ?? 1,
          VolumeSizeInGB: c.volumeSizeInGB ?? 30,
          ...(c.volumeKmsKey !== undefined ? { VolumeKmsKeyId: c.volumeKmsKey.keyArn } : {}),
        },
      },
      AppSpecification: { ImageUri: imageUri },
      RoleArn: this.role.roleArn,
      ProcessingInputs: inputs,
      ProcessingOutputConfig: {
        Outputs: [output],
        ...(c.outputKmsKey !== undefined ? { KmsKeyId: c.outputKmsKey.keyArn } : {}),
      },
    };
    const env = { ...(c.environment ?? {}), ...environment };
    if (Object.keys(env).length > 0) {
      args.Environment = env;
    }
    if (this.maxRuntimeSeconds !== undefined) {
      args.StoppingCondition = { MaxRuntimeInSeconds: this.maxRuntimeSeconds };
    }
    const networkConfig = this.jobVpc.renderNetworkConfig(c.networkConfig ?? {});
    if (networkConfig !== undefined) {
      args.NetworkConfig = networkConfig;
    }
    return args;
  }
}

/**
 * The check keys common to both check steps, validated, with the grants they imply.
 * @internal
 */
export class CheckFlags {
  public readonly modelPackageGroupName?: string;
  public readonly skipCheck: boolean | IResolvable;
  public readonly failOnViolation: boolean | IResolvable;
  public readonly registerNewBaseline: boolean | IResolvable;

  constructor(step: Step, props: CheckStepProps, jobRole: iam.IRole) {
    this.skipCheck = checkFlag(step, 'skipCheck', props.skipCheck, false);
    this.failOnViolation = checkFlag(step, 'failOnViolation', props.failOnViolation, true);
    this.registerNewBaseline = checkFlag(step, 'registerNewBaseline', props.registerNewBaseline, false);

    const group = props.modelPackageGroupName;
    const name = typeof group === 'object' && group !== null ? group.modelPackageGroupName : group;
    if (name !== undefined) {
      if (typeof name !== 'string' || (!Token.isUnresolved(name) && !/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(name))) {
        throw new Error(`${step.node.path}: modelPackageGroupName must be 1-63 letters and digits with hyphens between them; received '${String(name)}'. Pass the group's name or the group itself.`);
      }
      grantCheckBaselines(step.pipeline, Token.isUnresolved(name) ? undefined : name);
    }
    this.modelPackageGroupName = name;
    checkSuppliedBaseline(step, 'suppliedBaselineConstraints', props.suppliedBaselineConstraints, jobRole);
  }
}

/**
 * Validates a supplied baseline URI (an `s3://` URI or an expression) and lets the job role read it.
 * @internal
 */
export function checkSuppliedBaseline(step: Step, prop: string, uri: string | undefined, jobRole: iam.IRole): void {
  if (uri === undefined) {
    return;
  }
  try {
    checkS3UriText(`${step.node.path}: ${prop}`, uri);
  } catch (e) {
    throw new Error(`${(e as Error).message} Pass the S3 URI of the baseline JSON file, a parameter, or a step's baseline property.`);
  }
  grantS3Uri(jobRole, Stack.of(step), uri, 'read');
}

function checkFlag(scope: Construct, prop: string, value: boolean | IResolvable | undefined, fallback: boolean): boolean | IResolvable {
  if (value === undefined) {
    return fallback;
  }
  checkBooleanValue(scope, prop, value);
  return value;
}

/**
 * Binds an input or output location: a URI string or an S3Location.
 * @internal
 */
export function bindLocation(step: Step & { readonly role: iam.IRole }, prop: string, location: string | S3Location, access: S3Access): string {
  if (location instanceof S3Location) {
    return location.bind(step, { grantee: step.role, access }).s3Uri;
  }
  refusePropertyProblem(() => `${step.node.path}: ${prop}`, location);
  if (typeof location !== 'string') {
    throw new Error(`${step.node.path}: ${prop} must be an s3:// URI, an expression or an S3Location; received ${typeof location}.`);
  }
  try {
    return S3Location.fromUri(location).bind(step, { grantee: step.role, access }).s3Uri;
  } catch (e) {
    throw new Error(`${step.node.path}: ${prop}: ${(e as Error).message}`);
  }
}

/**
 * JSON text spaced as Python's `json.dumps` writes it (`", "` and `": "`), so that the text is the
 * same as the SageMaker SDK's.
 * @internal
 */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map((v) => pythonJson(v)).join(', ')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`).join(', ')}}`;
  }
  if (expressionOf(value) !== undefined) {
    throw new Error('pythonJson: cannot write a pipeline expression into static JSON text');
  }
  return JSON.stringify(value);
}
