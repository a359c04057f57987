import { IResolvable } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { RetryableStepProps, Step } from './step';
import type { TrainingStep } from './training-step';
import { bindModelContainer, checkContainers, ContainerMode, InferenceExecutionMode, ModelContainer } from '../model';
import { bindInferenceCode } from '../private/inference-code';
import { JobVpc } from '../private/job-vpc';
import { grantModelCreation } from '../private/step-grants';
import { createPropertyTree, ModelProperties } from '../properties';
import { RetryPolicy } from '../retry-policy';

/**
 * A container of a model that a {@link ModelStep} creates (CreateModel `ContainerDefinition`).
 */
export interface ModelStepContainer extends ModelContainer {
  /**
   * Whether the container hosts one model or many (`Mode`).
   * @default - not set (the service's default, `SingleModel`)
   */
  readonly mode?: ContainerMode;
}

/**
 * Props of a {@link ModelStep}: give exactly one of `container` and `containers`.
 */
export interface ModelStepProps extends RetryableStepProps {
  /**
   * The model's only container (`PrimaryContainer`).
   * @default - none: give `containers`
   */
  readonly container?: ModelStepContainer;
  /**
   * The containers of an inference pipeline model (`Containers`, 1-15), invoked as
   * `inferenceExecutionMode` says, like the SageMaker SDK's `PipelineModel(models=[...])`.
   * @default - none: give `container`
   */
  readonly containers?: ModelStepContainer[];
  /**
   * How the containers of an inference pipeline model are invoked (`InferenceExecutionConfig`).
   * Only with `containers`.
   * @default - not set (the service's default, `Serial`)
   */
  readonly inferenceExecutionMode?: InferenceExecutionMode;
  /**
   * The role the model runs as (`ExecutionRoleArn`), also the role of transform jobs and endpoints
   * that use the model. It is granted the pull of the images and read access to model data whose
   * bucket is known at synth; the pipeline role may pass it to SageMaker only.
   * @default - the pipeline's shared job role
   */
  readonly executionRole?: iam.IRole;
  /**
   * VPC for the model's containers (`VpcConfig`). The execution role is granted the EC2
   * network-interface actions SageMaker needs in a VPC.
   * @default - no VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of `vpc` (`VpcConfig.Subnets`, 1-16). Only with `vpc`.
   * @default - the VPC's private subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * Security groups of the containers (`VpcConfig.SecurityGroupIds`, 1-5). Only with `vpc`.
   * @default - a new security group that allows all outbound traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Block the containers' network access (`EnableNetworkIsolation`).
   * Accepts a `ParameterBoolean` (or another Boolean expression), evaluated when the job starts.
   * @default - not set (the service's default, false)
   */
  readonly enableNetworkIsolation?: boolean | IResolvable;
  /**
   * Retry policies of the repack steps that containers with inference code may need (see
   * `ModelContainer.codePackaging`), like the SDK's `repack_model_retry_policies`. Job policies
   * (`RetryPolicy.sageMakerJob`) are accepted: a repack step runs a training job.
   * @default - no retries
   */
  readonly repackRetryPolicies?: RetryPolicy[];
  /**
   * Prefix of the model's name (`ModelName`), rendered only when the pipeline's
   * `useCustomJobPrefix` is true (the SDK requires `ModelName` then): 1-63 letters, digits and
   * hyphens, starting and ending with a letter or digit. The service appends a suffix.
   * @default - with `useCustomJobPrefix`, the step name with other characters turned into hyphens;
   * otherwise none (the service names the model)
   */
  readonly modelNamePrefix?: string;
}

/**
 * A step that creates a SageMaker model (`Type: Model`, a CreateModel request without
 * `ModelName`; the service names the model). Its `properties.ModelName` feeds a `TransformStep`'s
 * `modelName`.
 *
 * Accepts step retry policies only (`RetryPolicy.step`), and no caching. The pipeline role is
 * granted `sagemaker:CreateModel`, `DescribeModel` and `AddTags` on models, and `iam:PassRole` on
 * the execution role with `iam:PassedToService` `sagemaker.amazonaws.com`.
 *
 * Containers with inference code (`entryPoint`, `sourceDir`) whose model data is only known at run
 * time, or that run with network isolation, get a repack step each
 * (`<step>-RepackModel-<hostname or index>`, see `repackSteps`), a training job that runs as the
 * execution role and puts the code into the model archive; the step's `dependsOn` moves to them.
 */
export class ModelStep extends Step implements ec2.IConnectable {
  /** @inheritdoc */
  public readonly stepType = 'Model';
  /** The model's properties (DescribeModel), e.g. `ModelName` for a transform step. */
  public readonly properties: ModelProperties;
  /** The role the model runs as (also the role of its repack jobs). */
  public readonly executionRole: iam.IRole;
  /**
   * The repack steps added for containers whose inference code goes into the model archive,
   * named `<step name>-RepackModel-<hostname or index>` (training steps: `addRetryPolicy`,
   * `addDependsOn` work on them). Empty when no container needs one.
   */
  public readonly repackSteps: TrainingStep[];

  private readonly props: ModelStepProps;
  private readonly renderedContainers: Record<string, unknown>[];
  private readonly jobVpc: JobVpc;

  constructor(scope: Construct, id: string, props: ModelStepProps) {
    super(scope, id, props, { retry: 'step', cache: false });
    this._bindJobNamePrefix('ModelName', 63, props.modelNamePrefix, 'modelNamePrefix');
    this.props = props;
    this.properties = createPropertyTree(this, 'Model') as ModelProperties;

    const containers = checkContainers(this, props.container, props.containers);
    containers.forEach((c, i) => {
      if (c.mode !== undefined && !Object.values(ContainerMode).includes(c.mode)) {
        throw new Error(`${this.node.path}: ${props.container ? 'container' : `containers[${i}]`}.mode must be a ContainerMode; received '${String(c.mode)}'.`);
      }
    });
    if (props.inferenceExecutionMode !== undefined) {
      if (props.containers === undefined) {
        throw new Error(`${this.node.path}: inferenceExecutionMode applies only to an inference pipeline model (containers); received it with container. Remove it or give containers.`);
      }
      if (!Object.values(InferenceExecutionMode).includes(props.inferenceExecutionMode)) {
        throw new Error(`${this.node.path}: inferenceExecutionMode must be InferenceExecutionMode.SERIAL or DIRECT; received '${String(props.inferenceExecutionMode)}'.`);
      }
    }

    // IAM: the pipeline role creates the model and passes its role.
    this.executionRole = props.executionRole ?? this.pipeline.defaultJobRole;
    this.pipeline._grantPassRole(this.executionRole);
    grantModelCreation(this.pipeline);

    // VPC
    this.jobVpc = JobVpc.bind(this, props, {
      prefix: '',
      securityGroupId: 'SecurityGroup',
      description: () => `SageMaker model of ${this.node.path}`,
    });
    this.jobVpc.grant(this.executionRole);

    // Inference code: a source-directory asset, or a repack step per container that needs one.
    const code = bindInferenceCode(this, containers, props.container !== undefined, {
      repackRole: this.executionRole,
      codeReaders: [this.executionRole],
      // A parameter may turn isolation on, and then the container cannot download a source directory.
      networkIsolation: props.enableNetworkIsolation !== undefined && props.enableNetworkIsolation !== false,
      retryPolicies: props.repackRetryPolicies,
      vpc: props.vpc !== undefined ? { vpc: props.vpc, subnets: props.subnets, securityGroups: this.jobVpc.securityGroups } : undefined,
    });
    this.repackSteps = code.repackSteps;
    this.redirectDependsOn(this.repackSteps);

    this.renderedContainers = code.containers.map((c) => {
      const common = bindModelContainer(this, c, this.executionRole, this.executionRole);
      // CreateModel's ContainerDefinition order: ContainerHostname, Image, Mode, ModelDataUrl, Environment.
      const { ContainerHostname, Image, ...rest } = common;
      return {
        ...(ContainerHostname !== undefined ? { ContainerHostname } : {}),
        Image,
        ...(c.mode !== undefined ? { Mode: c.mode } : {}),
        ...rest,
      };
    });
  }

  /** @internal */
  public _companionSteps(): Step[] {
    return [...this.repackSteps];
  }

  /**
   * The network connections of the model's security groups (none outside a VPC).
   */
  public get connections(): ec2.Connections {
    return this.jobVpc.connections;
  }

  protected renderArguments(): Record<string, unknown> {
    const props = this.props;
    const args: Record<string, unknown> = {};
    if (props.container !== undefined) {
      args.PrimaryContainer = this.renderedContainers[0];
    } else {
      args.Containers = this.renderedContainers;
    }
    if (props.inferenceExecutionMode !== undefined) {
      args.InferenceExecutionConfig = { Mode: props.inferenceExecutionMode };
    }
    args.ExecutionRoleArn = this.executionRole.roleArn;
    const vpcConfig = this.jobVpc.renderVpcConfig();
    if (vpcConfig !== undefined) {
      args.VpcConfig = vpcConfig;
    }
    if (props.enableNetworkIsolation !== undefined) {
      args.EnableNetworkIsolation = props.enableNetworkIsolation;
    }
    return args;
  }
}
