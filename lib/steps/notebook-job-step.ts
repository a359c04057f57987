import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, FileSystem, IResolvable, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, IConstruct } from 'constructs';
import { bindJobStep, checkInteger, renderTags } from './job-step';
import { RetryableStepProps, Step } from './step';
import { TrainingJobConfig } from './training-job-definition';
import { ContainerImage } from '../container-image';
import { deployFiles } from '../inputs';
import { InstanceType } from '../instance-type';
import { StepPropertyReference } from '../properties';

/** Name of the input channel that holds the notebook and its files. */
const INPUT_CHANNEL = 'sagemaker_headless_execution_pipelinestep';
/** Service pattern for notebook job names (checked by the SageMaker SDK). */
const NOTEBOOK_JOB_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9_-]*$/;
/** Environment variables the step sets itself. */
const SYSTEM_ENVIRONMENT = [
  'AWS_DEFAULT_REGION', 'SM_JOB_DEF_VERSION', 'SM_ENV_NAME', 'SM_SKIP_EFS_SIMULATION', 'SM_EXECUTION_INPUT_PATH',
  'SM_KERNEL_NAME', 'SM_INPUT_NOTEBOOK_NAME', 'SM_OUTPUT_NOTEBOOK_NAME', 'SM_INIT_SCRIPT',
];
/** Tags the step sets itself. */
const SYSTEM_TAGS = ['sagemaker:name', 'sagemaker:notebook-name', 'sagemaker:notebook-job-origin', 'sagemaker:is-studio-archived'];

/**
 * Props of a {@link NotebookJobStep}.
 */
export interface NotebookJobStepProps extends RetryableStepProps {
  /**
   * Local path of the Jupyter notebook to run (`.ipynb`). It is uploaded with `initializationScript`
   * and `additionalDependencies` (see {@link NotebookJobStep}).
   */
  readonly notebook: string;
  /**
   * The image that runs the notebook: a SageMaker Distribution image (or another image with the
   * headless notebook scheduler, `amazon_sagemaker_scheduler`), in the stack's region
   * (`AlgorithmSpecification.TrainingImage`). The job role is granted pull access where the image kind allows.
   */
  readonly image: ContainerImage;
  /**
   * Name of the Jupyter kernel that runs the notebook (`SM_KERNEL_NAME`), for example `python3`.
   */
  readonly kernelName: string;
  /**
   * Name of the notebook job: starts with a letter; letters, digits, `-` and `_`. SageMaker Studio
   * shows it (tag `sagemaker:name`), and the training job name prefix is made from it
   * (`TrainingJobName`, with `_` turned into `-`).
   * @default - the step name
   */
  readonly notebookJobName?: string;
  /**
   * Local path of a shell script run before the notebook (`SM_INIT_SCRIPT`), for example to install packages.
   * @default - none
   */
  readonly initializationScript?: string;
  /**
   * Local files and folders uploaded next to the notebook (folders as sub-folders of their own
   * name), which the notebook can open by relative path.
   * @default - none
   */
  readonly additionalDependencies?: string[];
  /**
   * Notebook parameters (`HyperParameters`), injected into the notebook's `parameters` cell. Values
   * may be literals, parameters or step properties; numbers and booleans are passed as text.
   * @default - none
   */
  readonly parameters?: Record<string, string | number | boolean>;
  /**
   * Environment variables of the notebook (`Environment`), besides those the step sets
   * (`AWS_DEFAULT_REGION` and the `SM_*` variables of the scheduler), which cannot be overridden.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Instance type. Accepts a String parameter through `InstanceType.of`.
   * @default InstanceType.M5_LARGE
   */
  readonly instanceType?: InstanceType;
  /**
   * Size of the instance's storage volume in GB.
   * @default 30
   */
  readonly volumeSizeInGB?: number;
  /**
   * KMS key that encrypts the instance's storage volume (`ResourceConfig.VolumeKmsKeyId`). The job
   * role is granted encrypt and decrypt on it.
   * @default - an AWS managed key
   */
  readonly volumeKmsKey?: kms.IKey;
  /**
   * Where the executed notebook and its outputs go (`OutputDataConfig.S3OutputPath`). When the bucket
   * is known at synth, the job role is granted read and write access to the key prefix.
   * @default - unique per execution: `s3://<artifact bucket>/<pipeline>/<execution id>/<step>`
   */
  readonly outputPath?: string;
  /**
   * KMS key that encrypts the output (`OutputDataConfig.KmsKeyId`). The job role is granted encrypt
   * and decrypt on it.
   * @default - the bucket's default encryption
   */
  readonly outputKmsKey?: kms.IKey;
  /**
   * Encrypt traffic between instances (`EnableInterContainerTrafficEncryption`).
   * Accepts a `ParameterBoolean` (or another Boolean expression), evaluated when the job starts.
   * @default true
   */
  readonly enableInterContainerTrafficEncryption?: boolean | IResolvable;
  /**
   * VPC to run the job in (`VpcConfig`). The job role is granted the EC2 network-interface actions
   * SageMaker needs in a VPC.
   * @default - no VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of `vpc` (`VpcConfig.Subnets`). Only with `vpc`.
   * @default - the VPC's private subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * Security groups (`VpcConfig.SecurityGroupIds`), 1-5. Only with `vpc`.
   * @default - a new security group that allows all outbound traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * How often SageMaker retries the job after an internal error (`RetryStrategy.MaximumRetryAttempts`), 1-30.
   * @default 1
   */
  readonly maxRetryAttempts?: number;
  /**
   * Maximum run time of each attempt (`StoppingCondition.MaxRuntimeInSeconds`), at most 28 days.
   * @default Duration.days(2)
   */
  readonly maxRuntime?: Duration;
  /**
   * Tags of the training job (`Tags`), besides the four `sagemaker:` tags the step adds so that
   * SageMaker Studio lists the job. Add the Studio domain and user profile tags to show it to them.
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * The role the job runs as.
   * @default - the pipeline's shared job role, granted only what this step needs
   */
  readonly role?: iam.IRole;
}

/**
 * The properties of a notebook job step: aliases over its training job's properties.
 */
export interface NotebookJobProperties {
  /** Name of the training job that ran the notebook (`TrainingJobName`). */
  readonly ComputingJobName: string;
  /** Status of that training job (`TrainingJobStatus`). */
  readonly ComputingJobStatus: string;
  /** S3 URI of the uploaded notebook folder (`InputDataConfig[0].DataSource.S3DataSource.S3Uri`). */
  readonly NotebookJobInputLocation: string;
  /** S3 URI under which the job writes the executed notebook (`OutputDataConfig.S3OutputPath`). */
  readonly NotebookJobOutputLocationPrefix: string;
  /** File name of the input notebook (`Environment['SM_INPUT_NOTEBOOK_NAME']`). */
  readonly InputNotebookName: string;
  /** File name of the executed notebook (`Environment['SM_OUTPUT_NOTEBOOK_NAME']`). */
  readonly OutputNotebookName: string;
}

/**
 * A step that runs a Jupyter notebook as a SageMaker notebook job: a training job of the headless
 * notebook scheduler (`Type: Training`), as the SageMaker SDK's `NotebookJobStep` renders it. Accepts
 * step and SageMaker job retry policies; no caching.
 *
 * **How the notebook reaches the job.** The job reads its files from the input channel
 * `sagemaker_headless_execution_pipelinestep`, an `S3Prefix` channel: the service copies every object
 * under the prefix, with its name, into the container. A CDK folder asset is a single zip object,
 * which would arrive as a zip file, so the step instead stages the notebook, the initialization
 * script and the additional dependencies into one local folder named by the hash of its content,
 * and an `s3deploy.BucketDeployment` (a CloudFormation custom resource backed by a Lambda function)
 * copies that folder, unzipped, into the pipeline's artifact bucket under `assets/<hash>/`. The
 * pipeline resource depends on the deployment, so the files are there before an execution can
 * start; a change of content gives a new prefix (and a new step definition). Old prefixes are kept.
 *
 * The pipeline role is granted the training-job actions and `iam:PassRole` on the job role; the job
 * role may read the staged files and write the output.
 */
export class NotebookJobStep extends Step implements ec2.IConnectable {
  /** @inheritdoc */
  public readonly stepType = 'Training';
  /** The notebook job's properties, aliases over the training job's. */
  public readonly properties: NotebookJobProperties;
  /** The role the job runs as. */
  public readonly role: iam.IRole;
  /** The notebook job name (tag `sagemaker:name`). */
  public readonly notebookJobName: string;
  /** The S3 URI of the staged notebook folder. */
  public readonly inputLocation: string;

  private readonly config: TrainingJobConfig;
  private readonly jobNamePrefix: string;
  private readonly notebookName: string;
  private readonly tags?: Array<{ Key: string; Value: string }>;

  constructor(scope: Construct, id: string, props: NotebookJobStepProps) {
    super(scope, id, props, { retry: 'all', cache: false });
    const where = this.node.path;
    this.properties = {
      ComputingJobName: this.alias('TrainingJobName'),
      ComputingJobStatus: this.alias('TrainingJobStatus'),
      NotebookJobInputLocation: this.alias('InputDataConfig[0].DataSource.S3DataSource.S3Uri'),
      NotebookJobOutputLocationPrefix: this.alias('OutputDataConfig.S3OutputPath'),
      InputNotebookName: this.alias("Environment['SM_INPUT_NOTEBOOK_NAME']"),
      OutputNotebookName: this.alias("Environment['SM_OUTPUT_NOTEBOOK_NAME']"),
    };

    // names
    const name = props.notebookJobName ?? this.stepName;
    if (typeof name !== 'string' || Token.isUnresolved(name) || !NOTEBOOK_JOB_NAME_PATTERN.test(name) || name.length > 63) {
      const what = props.notebookJobName === undefined ? `the step name '${name}' (the default notebookJobName)` : `'${String(name)}'`;
      throw new Error(`${where}: notebookJobName must start with a letter and contain only letters, digits, hyphens and underscores (at most 63 characters); received ${what}. Set notebookJobName, e.g. 'nightly-report'.`);
    }
    this.notebookJobName = name;
    this.jobNamePrefix = name.replace(/^[^a-zA-Z0-9]+/, '').replace(/[^a-zA-Z0-9-]/g, '-');

    // files
    const notebook = requireFile(this, 'notebook', props.notebook);
    const initScript = props.initializationScript === undefined ? undefined : requireFile(this, 'initializationScript', props.initializationScript);
    const dependencies = (props.additionalDependencies ?? []).map((dependency, i) => {
      const resolved = typeof dependency === 'string' ? path.resolve(dependency) : '';
      if (resolved === '' || !fs.existsSync(resolved)) {
        throw new Error(`${where}: additionalDependencies[${i}] must be an existing local file or folder; received '${String(dependency)}'. Pass the path of an existing file or folder, e.g. path.join(__dirname, 'utils.py'), or remove it from additionalDependencies.`);
      }
      return resolved;
    });
    this.notebookName = path.basename(notebook);

    // what the step sets itself
    if (typeof props.kernelName !== 'string' || (!Token.isUnresolved(props.kernelName) && props.kernelName.trim().length === 0)) {
      throw new Error(`${where}: kernelName is required; received ${props.kernelName === undefined ? 'none' : `'${String(props.kernelName)}'`}. Name the notebook's Jupyter kernel, e.g. 'python3'.`);
    }
    for (const key of Object.keys(props.environment ?? {})) {
      if (SYSTEM_ENVIRONMENT.includes(key)) {
        throw new Error(`${where}: environment variable '${key}' is set by the notebook job step itself; received it in environment. Remove it (use kernelName, notebook or initializationScript instead).`);
      }
    }
    const environment: Record<string, string> = {
      ...props.environment,
      AWS_DEFAULT_REGION: Stack.of(this).region,
      SM_JOB_DEF_VERSION: '1.0',
      SM_ENV_NAME: 'sagemaker-default-env',
      SM_SKIP_EFS_SIMULATION: 'true',
      SM_EXECUTION_INPUT_PATH: `/opt/ml/input/data/${INPUT_CHANNEL}`,
      SM_KERNEL_NAME: props.kernelName,
      SM_INPUT_NOTEBOOK_NAME: this.notebookName,
      SM_OUTPUT_NOTEBOOK_NAME: `${this.jobNamePrefix}.ipynb`,
      ...(initScript !== undefined ? { SM_INIT_SCRIPT: path.basename(initScript) } : {}),
    };
    this.tags = [
      ...(renderTags(this, props.tags, SYSTEM_TAGS) ?? []),
      { Key: 'sagemaker:name', Value: name },
      { Key: 'sagemaker:notebook-name', Value: this.notebookName },
      { Key: 'sagemaker:notebook-job-origin', Value: 'PIPELINE_STEP' },
      { Key: 'sagemaker:is-studio-archived', Value: 'false' },
    ];
    if (props.maxRetryAttempts !== undefined && typeof props.maxRetryAttempts !== 'number') {
      throw new Error(`${where}: maxRetryAttempts must be an integer from 1 to 30; received ${String(props.maxRetryAttempts)}.`);
    }
    checkInteger(this, 'maxRetryAttempts', props.maxRetryAttempts, 1, 30);

    // IAM, upload, output
    this.role = bindJobStep(this.pipeline, 'training-job', props.role);
    const staged = stageNotebookFolder(this, [notebook, ...(initScript !== undefined ? [initScript] : []), ...dependencies]);
    this.inputLocation = deployFiles(this, [s3deploy.Source.asset(staged.directory)], staged.hash, this.role);
    const outputPath = props.outputPath ?? this.pipeline.defaultOutputUri(this.stepName, [], this.role);

    this.config = new TrainingJobConfig(this, {
      image: props.image,
      outputPath,
      hyperparameters: props.parameters,
      instanceType: props.instanceType ?? InstanceType.M5_LARGE,
      instanceCount: 1,
      volumeSizeInGB: props.volumeSizeInGB ?? 30,
      maxRuntime: props.maxRuntime ?? Duration.days(2),
      environment,
      role: this.role,
      outputKmsKey: props.outputKmsKey,
      volumeKmsKey: props.volumeKmsKey,
      vpc: props.vpc,
      subnets: props.subnets,
      securityGroups: props.securityGroups,
      enableInterContainerTrafficEncryption: props.enableInterContainerTrafficEncryption ?? true,
      retryStrategy: { maximumRetryAttempts: props.maxRetryAttempts ?? 1 },
    }, this.role);

    // the image must be in the stack's region (the SDK's check)
    const imageUri = this.config.renderAlgorithmSpecification().TrainingImage;
    const region = Stack.of(this).region;
    if (typeof imageUri === 'string' && !Token.isUnresolved(imageUri) && !Token.isUnresolved(region) && !imageUri.includes(region)) {
      throw new Error(`${where}: image must be hosted in the stack's region ${region}; received '${imageUri}'. Use the SageMaker Distribution image URI of ${region}.`);
    }
  }

  /**
   * The network connections of the job's security groups (none when the job runs outside a VPC).
   */
  public get connections(): ec2.Connections {
    return new ec2.Connections({ securityGroups: this.config.securityGroups });
  }

  protected renderArguments(): Record<string, unknown> {
    const config = this.config;
    const optional = config.renderOptionalKeys();
    const args: Record<string, unknown> = {
      TrainingJobName: this.jobNamePrefix,
      RoleArn: this.role.roleArn,
      RetryStrategy: optional.RetryStrategy,
      StoppingCondition: config.renderStoppingCondition(),
      EnableInterContainerTrafficEncryption: optional.EnableInterContainerTrafficEncryption,
      AlgorithmSpecification: { ...config.renderAlgorithmSpecification(), ContainerEntrypoint: ['amazon_sagemaker_scheduler'] },
      InputDataConfig: [{
        ChannelName: INPUT_CHANNEL,
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: this.inputLocation, S3DataDistributionType: 'FullyReplicated' } },
      }],
      OutputDataConfig: config.renderOutputDataConfig(),
      ResourceConfig: config.renderResourceConfig(),
    };
    if (optional.VpcConfig !== undefined) {
      args.VpcConfig = optional.VpcConfig;
    }
    args.Tags = this.tags;
    args.Environment = config.renderEnvironment();
    const hyperparameters = config.renderHyperparameters();
    if (hyperparameters) {
      args.HyperParameters = hyperparameters;
    }
    return args;
  }

  private alias(trainingPath: string): string {
    return Token.asString(new StepPropertyReference(this, trainingPath, 'String'));
  }
}

function requireFile(scope: IConstruct, prop: string, file: string): string {
  const resolved = typeof file === 'string' ? path.resolve(file) : '';
  if (resolved === '' || !fs.existsSync(resolved) || !fs.statSync(resolved).isFile()) {
    throw new Error(`${scope.node.path}: ${prop} must be an existing local file; received '${String(file)}'${resolved !== '' ? ` (resolved to ${resolved})` : ''}. Pass the path of an existing file; relative paths resolve against the current directory, so prefer path.join(__dirname, '${typeof file === 'string' && file.length > 0 ? path.basename(file) : 'report.ipynb'}').`);
  }
  return resolved;
}

/**
 * Copies the notebook's files (files by name, folders as sub-folders of their name) into a folder
 * named by the fingerprint of its content, under the OS temp folder, once; returns it and the hash.
 */
function stageNotebookFolder(scope: IConstruct, paths: string[]): { directory: string; hash: string } {
  const names = new Set<string>();
  for (const p of paths) {
    const name = path.basename(p);
    if (names.has(name)) {
      throw new Error(`${scope.node.path}: two of the notebook's files are named '${name}'; they would overwrite each other in the job's input folder. Rename one.`);
    }
    names.add(name);
  }
  const root = path.join(os.tmpdir(), 'cdk-sagemaker-pipelines', 'notebook-staging');
  fs.mkdirSync(root, { recursive: true });
  const temporary = fs.mkdtempSync(path.join(root, 'tmp-'));
  for (const p of paths) {
    const target = path.join(temporary, path.basename(p));
    if (fs.statSync(p).isDirectory()) {
      fs.cpSync(p, target, { recursive: true, dereference: true });
    } else {
      fs.copyFileSync(p, target);
    }
  }
  const hash = FileSystem.fingerprint(temporary);
  const directory = path.join(root, hash);
  if (fs.existsSync(directory)) {
    fs.rmSync(temporary, { recursive: true, force: true });
  } else {
    try {
      fs.renameSync(temporary, directory);
    } catch {
      fs.rmSync(temporary, { recursive: true, force: true });
    }
  }
  return { directory, hash };
}
