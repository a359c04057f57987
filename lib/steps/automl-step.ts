import { Duration, IResolvable, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { bindJobStep, checkInteger, checkS3Uri, renderTags } from './job-step';
import { ModelStep, ModelStepProps } from './model-step';
import { JobStepProps, Step } from './step';
import { ContainerImage } from '../container-image';
import { checkRuntimeEnum } from '../private/enum-value';
import { expressionOf, refusePropertyProblem } from '../private/expression';
import { JobVpc } from '../private/job-vpc';
import { noteLibraryS3Grant } from '../private/nag';
import { grantS3Uri } from '../private/s3-grants';
import { AutoMLJobProperties, createPropertyTree, StepPropertyReference } from '../properties';

/**
 * The training mode of an AutoML job (`AutoMLJobConfig.Mode`).
 *
 * Pipelines run AutoML jobs in `ENSEMBLING` mode only: the service rejects an AutoML step in `AUTO`
 * or `HYPERPARAMETER_TUNING` mode (the SageMaker SDK raises `AutoMLStepInvalidModeError` for them).
 */
export enum AutoMLMode {
  /** Trains several base models with AutoGluon and combines them into a stacked ensemble. */
  ENSEMBLING = 'ENSEMBLING',
}

/** The kind of supervised learning problem (`ProblemType`). */
export enum AutoMLProblemType {
  /** Two classes. */
  BINARY_CLASSIFICATION = 'BinaryClassification',
  /** More than two classes. */
  MULTICLASS_CLASSIFICATION = 'MulticlassClassification',
  /** A numeric target. */
  REGRESSION = 'Regression',
}

/** The objective metric of the candidates (`AutoMLJobObjective.MetricName`), for tabular problems. */
export enum AutoMLMetricName {
  /** Share of correct predictions (classification). */
  ACCURACY = 'Accuracy',
  /** Area under the ROC curve (binary classification). */
  AUC = 'AUC',
  /** Mean of the per-class recalls (classification). */
  BALANCED_ACCURACY = 'BalancedAccuracy',
  /** F1 score (binary classification). */
  F1 = 'F1',
  /** Mean of the per-class F1 scores (multiclass classification). */
  F1_MACRO = 'F1macro',
  /** Mean absolute error (regression). */
  MAE = 'MAE',
  /** Mean squared error (regression). */
  MSE = 'MSE',
  /** Precision (binary classification). */
  PRECISION = 'Precision',
  /** Mean of the per-class precisions (multiclass classification). */
  PRECISION_MACRO = 'PrecisionMacro',
  /** Coefficient of determination (regression). */
  R2 = 'R2',
  /** Recall (binary classification). */
  RECALL = 'Recall',
  /** Mean of the per-class recalls (multiclass classification). */
  RECALL_MACRO = 'RecallMacro',
  /** Root mean squared error (regression). */
  RMSE = 'RMSE',
}

/** Metrics that apply only to regression. */
const REGRESSION_METRICS: readonly string[] = [AutoMLMetricName.MAE, AutoMLMetricName.MSE, AutoMLMetricName.R2, AutoMLMetricName.RMSE];
/** Metrics that apply only to binary classification. */
const BINARY_METRICS: readonly string[] = [AutoMLMetricName.AUC, AutoMLMetricName.F1, AutoMLMetricName.PRECISION, AutoMLMetricName.RECALL];

/** The algorithms an AutoML job may train in `ENSEMBLING` mode (`AutoMLAlgorithms`). */
export enum AutoMLAlgorithm {
  /** CatBoost gradient-boosted trees. */
  CATBOOST = 'catboost',
  /** Extremely randomized trees. */
  EXTRA_TREES = 'extra-trees',
  /** fast.ai neural networks. */
  FASTAI = 'fastai',
  /** LightGBM gradient-boosted trees. */
  LIGHTGBM = 'lightgbm',
  /** PyTorch neural networks. */
  NN_TORCH = 'nn-torch',
  /** Random forests. */
  RANDOM_FOREST = 'randomforest',
  /** XGBoost gradient-boosted trees. */
  XGBOOST = 'xgboost',
}

/** How an input's S3 location is interpreted (`S3DataSource.S3DataType`). */
export enum AutoMLS3DataType {
  /** Every object under the URI prefix (or the one object the URI names). */
  S3_PREFIX = 'S3Prefix',
  /** A manifest file listing the objects. */
  MANIFEST_FILE = 'ManifestFile',
  /** An augmented manifest file. */
  AUGMENTED_MANIFEST_FILE = 'AugmentedManifestFile',
}

/** Compression of an input's data (`CompressionType`). */
export enum AutoMLCompressionType {
  /** Not compressed. */
  NONE = 'None',
  /** Gzip-compressed. */
  GZIP = 'Gzip',
}

/** What an input's data is used for (`ChannelType`). */
export enum AutoMLChannelType {
  /** Training data (the service's default). */
  TRAINING = 'training',
  /** Validation data; the job then does not split the training data. */
  VALIDATION = 'validation',
}

/**
 * Options of an {@link AutoMLInput}.
 */
export interface AutoMLInputOptions {
  /**
   * How the S3 location is interpreted.
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default AutoMLS3DataType.S3_PREFIX
   */
  readonly s3DataType?: AutoMLS3DataType | string;
  /**
   * MIME type of the data (`ContentType`): `text/csv;header=present` or `x-application/vnd.amazon+parquet`.
   * Training and validation inputs must have the same content type.
   * @default - none set: the service assumes `text/csv;header=present`
   */
  readonly contentType?: string;
  /**
   * Compression of the data.
   * A member of the enum, or an expression the service evaluates at run time such as a String
   * parameter's `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default - none set: the service treats the data as uncompressed
   */
  readonly compressionType?: AutoMLCompressionType | string;
  /**
   * What the data is used for.
   * @default - none set: the service treats it as training data
   */
  readonly channelType?: AutoMLChannelType;
}

/**
 * An input data set of an AutoML job (`InputDataConfig[]`, an `AutoMLChannel`).
 */
export class AutoMLInput {
  /**
   * Data at an S3 URI: an `s3://` URI, a parameter, a step property such as
   * `prep.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri`, or a concatenation.
   * When the bucket is known at synth, the job role is granted read access to the key prefix.
   */
  public static s3(s3Uri: string, options: AutoMLInputOptions = {}): AutoMLInput {
    return new AutoMLInput(s3Uri, options);
  }

  private constructor(
    /** The data's S3 URI. */
    public readonly s3Uri: string,
    /** The input's options. */
    public readonly options: AutoMLInputOptions,
  ) {
    refusePropertyProblem('AutoMLInput.s3: s3Uri', s3Uri);
    if (typeof s3Uri !== 'string') {
      throw new Error(`AutoMLInput.s3: s3Uri must be an s3:// URI; received ${typeof s3Uri}.`);
    }
    if (!Token.isUnresolved(s3Uri) && (!/^s3:\/\/[^/]+/.test(s3Uri) || s3Uri.length > 1024)) {
      throw new Error(`AutoMLInput.s3: s3Uri must be an s3:// URI of at most 1,024 characters; received '${s3Uri.slice(0, 100)}'. Use e.g. \`s3://\${bucket.bucketName}/train.csv\`.`);
    }
    const contentType = options.contentType;
    if (contentType !== undefined && !Token.isUnresolved(contentType) && (contentType.length < 1 || contentType.length > 256)) {
      throw new Error(`AutoMLInput.s3: contentType must be 1-256 characters; received '${contentType.slice(0, 40)}'.`);
    }
  }

  /** @internal */
  public _render(targetAttributeName: string, sampleWeightAttributeName: string | undefined): Record<string, unknown> {
    const o = this.options;
    return {
      DataSource: { S3DataSource: { S3DataType: o.s3DataType ?? AutoMLS3DataType.S3_PREFIX, S3Uri: this.s3Uri } },
      TargetAttributeName: targetAttributeName,
      ...(o.compressionType !== undefined ? { CompressionType: o.compressionType } : {}),
      ...(o.contentType !== undefined ? { ContentType: o.contentType } : {}),
      ...(o.channelType !== undefined ? { ChannelType: o.channelType } : {}),
      ...(sampleWeightAttributeName !== undefined ? { SampleWeightAttributeName: sampleWeightAttributeName } : {}),
    };
  }
}

/**
 * Props of an {@link AutoMLStep}: a CreateAutoMLJob request (minus `AutoMLJobName`,
 * `ModelDeployConfig` and `GenerateCandidateDefinitionsOnly`, which pipelines do not take) and the
 * step's retry and cache settings.
 */
export interface AutoMLStepProps extends JobStepProps {
  /**
   * The data sets (`InputDataConfig`): one training input, and optionally one validation input
   * (`channelType: AutoMLChannelType.VALIDATION`).
   */
  readonly inputs: AutoMLInput[];
  /**
   * Name of the column to predict (`TargetAttributeName` of every input), 1-256 characters.
   */
  readonly targetAttributeName: string;
  /**
   * Name of the column holding each row's weight (`SampleWeightAttributeName` of every input),
   * 1-256 characters.
   * @default - rows are not weighted
   */
  readonly sampleWeightAttributeName?: string;
  /**
   * Where the job writes its artifacts (`OutputDataConfig.S3OutputPath`). When the bucket is known
   * at synth, the job role is granted read and write access to the key prefix.
   * @default - unique per execution: `s3://<artifact bucket>/<pipeline>/<execution id>/<step>/automl`
   */
  readonly outputPath?: string;
  /**
   * KMS key that encrypts the output (`OutputDataConfig.KmsKeyId`). The job role is granted
   * encrypt and decrypt on it.
   * @default - the bucket's default encryption
   */
  readonly outputKmsKey?: kms.IKey;
  /**
   * The kind of problem (`ProblemType`). Give it together with `objectiveMetric`, or neither.
   * @default - the job infers it from the target column
   */
  readonly problemType?: AutoMLProblemType;
  /**
   * The metric the job optimizes (`AutoMLJobObjective.MetricName`). Give it together with
   * `problemType`, or neither.
   * @default - the problem type's default metric (F1 for binary, Accuracy for multiclass classification, MSE for regression)
   */
  readonly objectiveMetric?: AutoMLMetricName;
  /**
   * The training mode (`AutoMLJobConfig.Mode`). Pipelines accept only `ENSEMBLING`, which is
   * always rendered; any other value is an error.
   * @default AutoMLMode.ENSEMBLING
   */
  readonly mode?: AutoMLMode;
  /**
   * Maximum number of candidates (training jobs) the job tries (`CompletionCriteria.MaxCandidates`).
   * @default - the service default (250)
   */
  readonly maxCandidates?: number;
  /**
   * Maximum run time of each training job (`CompletionCriteria.MaxRuntimePerTrainingJobInSeconds`),
   * at most the job's maximum run time.
   * @default - the service default (1 day)
   */
  readonly maxRuntimePerTrainingJob?: Duration;
  /**
   * Maximum run time of the whole AutoML job (`CompletionCriteria.MaxAutoMLJobRuntimeInSeconds`).
   * @default - the service default (30 days)
   */
  readonly maxAutoMLJobRuntime?: Duration;
  /**
   * KMS key that encrypts the storage volumes of the job's instances (`SecurityConfig.VolumeKmsKeyId`).
   * The job role is granted encrypt and decrypt on it.
   * @default - an AWS managed key
   */
  readonly volumeKmsKey?: kms.IKey;
  /**
   * Encrypt the traffic between the instances of the job's training jobs
   * (`SecurityConfig.EnableInterContainerTrafficEncryption`).
   * Accepts a `ParameterBoolean` (or another Boolean expression), evaluated when the job starts.
   * @default - not set (the service's default, false)
   */
  readonly enableInterContainerTrafficEncryption?: boolean | IResolvable;
  /**
   * VPC to run the job's jobs in (`SecurityConfig.VpcConfig`). The job role is granted the EC2
   * network-interface actions SageMaker needs in a VPC.
   * @default - no VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of `vpc` (`VpcConfig.Subnets`), 1-16. Only with `vpc`.
   * @default - the VPC's private subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * Security groups (`VpcConfig.SecurityGroupIds`), 1-5. Only with `vpc`.
   * @default - a new security group that allows all outbound traffic and traffic within itself
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Share of the training data held out for validation (`DataSplitConfig.ValidationFraction`),
   * greater than 0 and less than 1.
   * @default - the service default (0.2)
   */
  readonly validationFraction?: number;
  /**
   * S3 URI of a JSON file `{"FeatureAttributeNames": [...]}` naming the columns to use
   * (`CandidateGenerationConfig.FeatureSpecificationS3Uri`). The job role is granted read access.
   * @default - all columns
   */
  readonly featureSpecificationS3Uri?: string;
  /**
   * Algorithms to train (`CandidateGenerationConfig.AlgorithmsConfig[0].AutoMLAlgorithms`).
   * @default - all algorithms of `ENSEMBLING` mode
   */
  readonly algorithms?: AutoMLAlgorithm[];
  /**
   * Tags of the AutoML job (`Tags`), at most 50.
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * The role the AutoML job runs as (`RoleArn`).
   * @default - the pipeline's shared job role, granted only what this step's inputs and output need
   */
  readonly role?: iam.IRole;
}

/**
 * The synthetic properties of an AutoML step's best candidate, which the service fills in
 * (`Steps.<step>.BestCandidateProperties.<name>`).
 */
export interface AutoMLBestCandidateProperties {
  /** S3 URI of the best candidate's model insights report (JSON). */
  readonly ModelInsightsJsonReportPath: string;
  /** S3 URI of the best candidate's explainability report (JSON). */
  readonly ExplainabilityJsonReportPath: string;
}

/**
 * An inference container of the best candidate, as property references.
 */
export interface AutoMLCandidateContainer {
  /** The container image URI (`BestCandidate.InferenceContainers[i].Image`). */
  readonly image: string;
  /** S3 URI of the model artifacts (`BestCandidate.InferenceContainers[i].ModelDataUrl`). */
  readonly modelDataUrl: string;
  /**
   * The container's environment, one property reference per variable that Autopilot sets
   * (`BestCandidate.InferenceContainers[i].Environment['<name>']`), as the SageMaker SDK's
   * `get_best_auto_ml_model` reads them.
   */
  readonly environment: Record<string, string>;
}

/**
 * Options of {@link AutoMLStep.createBestModelStep}: those of a {@link ModelStep} except its containers.
 */
export interface AutoMLBestModelOptions extends Omit<ModelStepProps, 'container' | 'containers' | 'inferenceExecutionMode'> {}

/** The environment variables the SageMaker SDK copies from the best candidate's container. */
const BEST_CANDIDATE_ENVIRONMENT = [
  'MODEL_NAME', 'SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT', 'SAGEMAKER_PROGRAM', 'SAGEMAKER_SUBMIT_DIRECTORY',
  'SAGEMAKER_INFERENCE_SUPPORTED', 'SAGEMAKER_INFERENCE_OUTPUT',
];


/**
 * A step that runs a SageMaker Autopilot job (`Type: AutoML`, a CreateAutoMLJob request) in
 * `ENSEMBLING` mode, the only mode pipelines accept. Accepts step and SageMaker job retry policies
 * and caching.
 *
 * The pipeline role is granted `sagemaker:CreateAutoMLJob`, `DescribeAutoMLJob`, `StopAutoMLJob`
 * and `AddTags` on `automl-job/*`, and `iam:PassRole` on the job role (for SageMaker only).
 */
export class AutoMLStep extends Step implements ec2.IConnectable {
  /** @inheritdoc */
  public readonly stepType = 'AutoML';
  /** The AutoML job's properties (DescribeAutoMLJob), e.g. `BestCandidate.CandidateName`. */
  public readonly properties: AutoMLJobProperties;
  /** The best candidate's report locations, which the service adds to the AutoML job's properties. */
  public readonly bestCandidateProperties: AutoMLBestCandidateProperties;
  /** The role the job runs as. */
  public readonly role: iam.IRole;
  /** The security groups of the job (none outside a VPC). */
  public readonly securityGroups: ec2.ISecurityGroup[];

  private readonly props: AutoMLStepProps;
  private readonly outputPath: string;
  private readonly jobVpc: JobVpc;

  constructor(scope: Construct, id: string, props: AutoMLStepProps) {
    super(scope, id, props, { retry: 'all', cache: true });
    this._bindJobNamePrefix('AutoMLJobName', 32, props.jobNamePrefix);
    this.props = props;
    const where = this.node.path;
    const stack = Stack.of(this);
    this.properties = createPropertyTree(this, 'AutoML') as AutoMLJobProperties;
    this.bestCandidateProperties = {
      ModelInsightsJsonReportPath: Token.asString(new StepPropertyReference(this, 'BestCandidateProperties.ModelInsightsJsonReportPath', 'String')),
      ExplainabilityJsonReportPath: Token.asString(new StepPropertyReference(this, 'BestCandidateProperties.ExplainabilityJsonReportPath', 'String')),
    };

    // mode
    if (props.mode !== undefined && (props.mode as string) !== AutoMLMode.ENSEMBLING) {
      throw new Error(`${where}: mode must be ENSEMBLING; received ${describe(props.mode)}. SageMaker pipelines run AutoML jobs only in ENSEMBLING mode (AUTO and HYPERPARAMETER_TUNING are rejected by the service); remove mode or set AutoMLMode.ENSEMBLING.`);
    }

    // inputs
    this.validateInputs(props);
    checkAttributeName(this, 'targetAttributeName', props.targetAttributeName, true);
    checkAttributeName(this, 'sampleWeightAttributeName', props.sampleWeightAttributeName, false);

    // objective
    if ((props.problemType === undefined) !== (props.objectiveMetric === undefined)) {
      throw new Error(`${where}: give problemType and objectiveMetric together, or neither; received only ${props.problemType !== undefined ? `problemType ${props.problemType}` : `objectiveMetric ${props.objectiveMetric}`}. The service needs both to skip problem type inference.`);
    }
    if (props.problemType !== undefined && props.objectiveMetric !== undefined) {
      checkEnum(this, 'problemType', props.problemType, Object.values(AutoMLProblemType));
      checkEnum(this, 'objectiveMetric', props.objectiveMetric, Object.values(AutoMLMetricName));
      checkMetric(this, props.problemType, props.objectiveMetric);
    }

    // completion criteria
    checkInteger(this, 'maxCandidates', props.maxCandidates, 1, 2147483647);
    const perJob = durationSeconds(this, 'maxRuntimePerTrainingJob', props.maxRuntimePerTrainingJob);
    const total = durationSeconds(this, 'maxAutoMLJobRuntime', props.maxAutoMLJobRuntime);
    if (perJob !== undefined && total !== undefined && !Token.isUnresolved(perJob) && !Token.isUnresolved(total) && perJob > total) {
      throw new Error(`${where}: maxRuntimePerTrainingJob (${perJob} seconds) must not exceed maxAutoMLJobRuntime (${total} seconds); increase maxAutoMLJobRuntime or decrease maxRuntimePerTrainingJob.`);
    }

    // data split
    const fraction = props.validationFraction;
    if (fraction !== undefined && !Token.isUnresolved(fraction) && (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1))) {
      throw new Error(`${where}: validationFraction must be greater than 0 and less than 1; received ${String(fraction)}. For example 0.2 holds out 20% of the training data. Pass a fraction in that range, or omit validationFraction for the default.`);
    }

    // candidate generation
    if (props.algorithms !== undefined) {
      if (props.algorithms.length < 1) {
        throw new Error(`${where}: algorithms must name at least one algorithm; received an empty list. Remove it to train all algorithms.`);
      }
      const allowed = Object.values(AutoMLAlgorithm) as string[];
      for (const algorithm of props.algorithms) {
        if (!allowed.includes(algorithm)) {
          throw new Error(`${where}: algorithm '${String(algorithm)}' is not available in ENSEMBLING mode; received it in algorithms. Choose from ${allowed.join(', ')}.`);
        }
      }
      if (new Set(props.algorithms).size !== props.algorithms.length) {
        throw new Error(`${where}: algorithms names an algorithm twice; received ${props.algorithms.join(', ')}. List each once.`);
      }
    }
    if (props.featureSpecificationS3Uri !== undefined) {
      checkS3Uri(this, 'featureSpecificationS3Uri', props.featureSpecificationS3Uri, false);
    }
    renderTags(this, props.tags);

    // VPC
    this.jobVpc = JobVpc.bind(this, props, {
      prefix: '',
      securityGroupId: 'SecurityGroup',
      description: () => `SageMaker AutoML jobs of ${where}`,
      internalTraffic: 'Traffic between the instances of the AutoML job\'s training jobs',
    });
    this.securityGroups = this.jobVpc.securityGroups;

    // IAM: bind, then grant the job role what its inputs and outputs need
    this.role = bindJobStep(this.pipeline, 'automl-job', props.role);
    props.inputs.forEach((input, i) => {
      checkRuntimeEnum(() => this.node.path, `inputs[${i}].s3DataType`, input.options.s3DataType, AutoMLS3DataType);
      checkRuntimeEnum(() => this.node.path, `inputs[${i}].compressionType`, input.options.compressionType, AutoMLCompressionType);
    });
    for (const input of props.inputs) {
      grantS3Uri(this.role, stack, input.s3Uri, 'read');
    }
    if (props.featureSpecificationS3Uri !== undefined) {
      grantS3Uri(this.role, stack, props.featureSpecificationS3Uri, 'read');
    }
    if (props.outputPath !== undefined) {
      checkS3Uri(this, 'outputPath', props.outputPath, false);
      grantS3Uri(this.role, stack, props.outputPath, 'readWrite');
      this.outputPath = props.outputPath;
    } else {
      this.outputPath = this.pipeline.defaultOutputUri(this.stepName, ['automl'], this.role);
    }
    props.outputKmsKey?.grantEncryptDecrypt(this.role);
    props.volumeKmsKey?.grantEncryptDecrypt(this.role);
    this.jobVpc.grant(this.role);
  }

  /**
   * The network connections of the job's security groups (none when the job runs outside a VPC).
   */
  public get connections(): ec2.Connections {
    return new ec2.Connections({ securityGroups: this.securityGroups });
  }

  /**
   * The best candidate's inference container at `index` (`BestCandidate.InferenceContainers[index]`):
   * image, model data and the environment variables Autopilot sets, as property references, ready
   * for a model step (the SageMaker SDK's `get_best_auto_ml_model`). Autopilot's ensembling models
   * have one container, so index 0 is the usual choice.
   *
   * @param index position of the container, a non-negative integer
   */
  public bestCandidateContainer(index: number = 0): AutoMLCandidateContainer {
    if (!Number.isInteger(index) || index < 0) {
      throw new Error(`${this.node.path}: bestCandidateContainer index must be a non-negative integer; received ${index}.`);
    }
    const container = this.properties.BestCandidate.InferenceContainers[index];
    const environment: Record<string, string> = {};
    for (const name of BEST_CANDIDATE_ENVIRONMENT) {
      environment[name] = container.Environment[name];
    }
    return { image: container.Image, modelDataUrl: container.ModelDataUrl, environment };
  }

  /**
   * A {@link ModelStep} that creates a model from the best candidate's first inference container
   * (image, model data and environment as property references, like the SageMaker SDK's
   * `get_best_auto_ml_model`). It runs after this step, since it reads its properties.
   *
   * The model's execution role (`options.executionRole`, else the pipeline's shared job role) may
   * read the AutoML job's output, where the model data is.
   *
   * @param scope the pipeline, or a construct beneath it
   * @param id the construct id (and default step name) of the model step
   * @param options the model step's other options
   */
  public createBestModelStep(scope: Construct, id: string, options: AutoMLBestModelOptions = {}): ModelStep {
    const container = this.bestCandidateContainer(0);
    if (options.executionRole !== undefined) {
      if (this.props.outputPath !== undefined) {
        grantS3Uri(options.executionRole, Stack.of(this), this.props.outputPath, 'read');
      } else {
        this.pipeline.artifactBucket.grantRead(options.executionRole, `${this.pipeline.pipelineName}/*`);
        noteLibraryS3Grant(options.executionRole, this.pipeline.artifactBucket.arnForObjects(`${this.pipeline.pipelineName}/*`));
      }
    }
    return new ModelStep(scope, id, {
      ...options,
      container: {
        image: ContainerImage.fromRegistry(container.image),
        modelData: container.modelDataUrl,
        environment: container.environment,
      },
    });
  }

  protected renderArguments(): Record<string, unknown> {
    const p = this.props;
    const args: Record<string, unknown> = {
      InputDataConfig: p.inputs.map((i) => i._render(p.targetAttributeName, p.sampleWeightAttributeName)),
      OutputDataConfig: {
        S3OutputPath: this.outputPath,
        ...(p.outputKmsKey !== undefined ? { KmsKeyId: p.outputKmsKey.keyArn } : {}),
      },
      RoleArn: this.role.roleArn,
    };
    if (p.problemType !== undefined) {
      args.ProblemType = p.problemType;
    }
    if (p.objectiveMetric !== undefined) {
      args.AutoMLJobObjective = { MetricName: p.objectiveMetric };
    }
    const config: Record<string, unknown> = {};
    const criteria: Record<string, unknown> = {};
    if (p.maxCandidates !== undefined) {
      criteria.MaxCandidates = p.maxCandidates;
    }
    if (p.maxRuntimePerTrainingJob !== undefined) {
      criteria.MaxRuntimePerTrainingJobInSeconds = p.maxRuntimePerTrainingJob.toSeconds();
    }
    if (p.maxAutoMLJobRuntime !== undefined) {
      criteria.MaxAutoMLJobRuntimeInSeconds = p.maxAutoMLJobRuntime.toSeconds();
    }
    if (Object.keys(criteria).length > 0) {
      config.CompletionCriteria = criteria;
    }
    const security: Record<string, unknown> = {};
    if (p.volumeKmsKey !== undefined) {
      security.VolumeKmsKeyId = p.volumeKmsKey.keyArn;
    }
    if (p.enableInterContainerTrafficEncryption !== undefined) {
      security.EnableInterContainerTrafficEncryption = p.enableInterContainerTrafficEncryption;
    }
    const vpcConfig = this.jobVpc.renderVpcConfig();
    if (vpcConfig !== undefined) {
      security.VpcConfig = vpcConfig;
    }
    if (Object.keys(security).length > 0) {
      config.SecurityConfig = security;
    }
    const generation: Record<string, unknown> = {};
    if (p.featureSpecificationS3Uri !== undefined) {
      generation.FeatureSpecificationS3Uri = p.featureSpecificationS3Uri;
    }
    if (p.algorithms !== undefined) {
      generation.AlgorithmsConfig = [{ AutoMLAlgorithms: [...p.algorithms] }];
    }
    if (Object.keys(generation).length > 0) {
      config.CandidateGenerationConfig = generation;
    }
    if (p.validationFraction !== undefined) {
      config.DataSplitConfig = { ValidationFraction: p.validationFraction };
    }
    config.Mode = AutoMLMode.ENSEMBLING;
    args.AutoMLJobConfig = config;
    const tags = renderTags(this, p.tags);
    if (tags !== undefined) {
      args.Tags = tags;
    }
    return args;
  }

  private validateInputs(props: AutoMLStepProps): void {
    const where = this.node.path;
    const inputs = props.inputs;
    if (!Array.isArray(inputs) || inputs.length < 1 || inputs.length > 2) {
      throw new Error(`${where}: inputs takes one training input and at most one validation input; received ${Array.isArray(inputs) ? `${inputs.length} inputs` : String(inputs)}. Use inputs: [AutoMLInput.s3(trainUri)].`);
    }
    for (const input of inputs) {
      if (!(input instanceof AutoMLInput)) {
        throw new Error(`${where}: inputs must be created with AutoMLInput.s3(s3Uri, options); received ${JSON.stringify(input)}.`);
      }
    }
    const types = inputs.map((i) => i.options.channelType ?? AutoMLChannelType.TRAINING);
    const training = types.filter((t) => t === AutoMLChannelType.TRAINING).length;
    const validation = types.filter((t) => t === AutoMLChannelType.VALIDATION).length;
    if (training !== 1 || validation > 1 || training + validation !== inputs.length) {
      throw new Error(`${where}: inputs must be one training input and at most one validation input; received channel types ${types.join(', ')}. Mark the second input channelType: AutoMLChannelType.VALIDATION.`);
    }
    const contentTypes = new Set(inputs.map((i) => i.options.contentType));
    if (contentTypes.size > 1) {
      throw new Error(`${where}: the training and validation inputs must have the same contentType; received ${[...contentTypes].map((c) => c ?? '(none)').join(' and ')}.`);
    }
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return expressionOf(value) !== undefined ? 'a pipeline expression' : `'${value}'`;
  }
  return String(value);
}

function checkEnum(scope: IConstruct, prop: string, value: string, allowed: string[]): void {
  if (!allowed.includes(value)) {
    throw new Error(`${scope.node.path}: ${prop} must be one of ${allowed.join(', ')}; received ${describe(value)}.`);
  }
}

function checkMetric(scope: IConstruct, problemType: AutoMLProblemType, metric: AutoMLMetricName): void {
  const isRegressionMetric = REGRESSION_METRICS.includes(metric);
  if ((problemType === AutoMLProblemType.REGRESSION) !== isRegressionMetric) {
    throw new Error(`${scope.node.path}: objectiveMetric ${metric} does not apply to problemType ${problemType}; received both. ${problemType === AutoMLProblemType.REGRESSION ? `Regression takes ${REGRESSION_METRICS.join(', ')}.` : `Use a classification metric such as Accuracy, F1 or BalancedAccuracy; ${REGRESSION_METRICS.join(', ')} are for regression.`}`);
  }
  if (problemType === AutoMLProblemType.MULTICLASS_CLASSIFICATION && BINARY_METRICS.includes(metric)) {
    throw new Error(`${scope.node.path}: objectiveMetric ${metric} applies to binary classification only; received it with problemType ${problemType}. Use Accuracy, BalancedAccuracy, F1macro, PrecisionMacro or RecallMacro.`);
  }
}

function checkAttributeName(scope: IConstruct, prop: string, value: string | undefined, required: boolean): void {
  if (value === undefined) {
    if (required) {
      throw new Error(`${scope.node.path}: ${prop} is required; received none. Name the column to predict, e.g. 'churn'.`);
    }
    return;
  }
  if (typeof value !== 'string') {
    throw new Error(`${scope.node.path}: ${prop} must be a column name; received ${typeof value}.`);
  }
  if (!Token.isUnresolved(value) && (value.length < 1 || value.length > 256)) {
    throw new Error(`${scope.node.path}: ${prop} must be 1-256 characters; received '${value.slice(0, 40)}' (${value.length} characters).`);
  }
}

function durationSeconds(scope: IConstruct, prop: string, duration: Duration | undefined): number | undefined {
  if (duration === undefined) {
    return undefined;
  }
  const seconds = duration.toSeconds({ integral: false });
  if (!Token.isUnresolved(seconds) && (!Number.isInteger(seconds) || seconds < 1)) {
    throw new Error(`${scope.node.path}: ${prop} must be a whole number of seconds, at least 1; received ${seconds} seconds.`);
  }
  return seconds;
}

