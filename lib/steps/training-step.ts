import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { bindJobStep } from './job-step';
import { JobStepProps, Step } from './step';
import { TrainingJobConfig, TrainingJobOptions } from './training-job-definition';
import { createPropertyTree, TrainingJobProperties } from '../properties';

export {
  TrainingCompressionType, TrainingInput, TrainingInputMode, TrainingRecordWrapperType, TrainingS3DataDistribution, TrainingS3DataType,
} from './training-job-definition';
export type {
  MetricDefinition, TrainingInputOptions, TrainingJobOptions, TrainingRetryStrategy, TrainingShuffleConfig,
} from './training-job-definition';

/**
 * Props of a {@link TrainingStep}: the training job's options (give exactly one of `image` and
 * `algorithmName`) and the step's retry and cache settings.
 */
export interface TrainingStepProps extends JobStepProps, TrainingJobOptions {}

/**
 * A step that runs a SageMaker training job (`Type: Training`, a CreateTrainingJob request).
 */
export class TrainingStep extends Step implements ec2.IConnectable {
  /** @inheritdoc */
  public readonly stepType = 'Training';
  /** The training job's properties (DescribeTrainingJob), for other steps to read, e.g. `ModelArtifacts.S3ModelArtifacts`. */
  public readonly properties: TrainingJobProperties;
  /** The role the job runs as. */
  public readonly role: iam.IRole;

  private readonly config: TrainingJobConfig;

  constructor(scope: Construct, id: string, props: TrainingStepProps) {
    super(scope, id, props, { retry: 'all', cache: true });
    this._bindJobNamePrefix('TrainingJobName', 63, props.jobNamePrefix);
    this.properties = createPropertyTree(this, 'Training') as TrainingJobProperties;
    this.role = bindJobStep(this.pipeline, 'training-job', props.role);
    this.config = new TrainingJobConfig(this, props, this.role);
  }

  /**
   * The network connections of the job's security groups (none when the job runs outside a VPC),
   * for example to let it reach a database: `db.connections.allowDefaultPortFrom(train)`.
   */
  public get connections(): ec2.Connections {
    return new ec2.Connections({ securityGroups: this.config.securityGroups });
  }

  protected renderArguments(): Record<string, unknown> {
    const config = this.config;
    const args: Record<string, unknown> = {
      AlgorithmSpecification: config.renderAlgorithmSpecification(),
      OutputDataConfig: config.renderOutputDataConfig(),
      StoppingCondition: config.renderStoppingCondition(),
      ResourceConfig: config.renderResourceConfig(),
      RoleArn: this.role.roleArn,
    };
    const inputs = config.renderInputDataConfig();
    if (inputs) {
      args.InputDataConfig = inputs;
    }
    const hyperparameters = config.renderHyperparameters();
    if (hyperparameters) {
      args.HyperParameters = hyperparameters;
    }
    const environment = config.renderEnvironment();
    if (environment) {
      args.Environment = environment;
    }
    Object.assign(args, config.renderOptionalKeys());
    return args;
  }
}
