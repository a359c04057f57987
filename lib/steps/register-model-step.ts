import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { RetryableStepProps, Step } from './step';
import type { TrainingStep } from './training-step';
import { InstanceType } from '../instance-type';
import { bindModelContainer, checkContainers, checkS3UriProp, ModelContainer } from '../model';
import { IModelPackageGroup, ModelPackageGroup } from '../model-package-group';
import { expressionOf } from '../private/expression';
import { bindInferenceCode } from '../private/inference-code';
import { grantRegisterInAnyGroup } from '../private/step-grants';
import { createPropertyTree, ModelPackageProperties } from '../properties';
import { RetryPolicy } from '../retry-policy';

/**
 * A container of a registered model (CreateModelPackage `ModelPackageContainerDefinition`).
 */
export interface ModelPackageContainer extends ModelContainer {
  /**
   * Machine learning framework of the model (`Framework`), for example `XGBOOST`, `SKLEARN`, `PYTORCH`.
   * @default - none
   */
  readonly framework?: string;
  /**
   * Version of the framework (`FrameworkVersion`, 3-10 characters like `1.7` or `2.1.0`).
   * @default - none
   */
  readonly frameworkVersion?: string;
  /**
   * Name of a pre-trained model that is closest to this one (`NearestModelName`), used by
   * Inference Recommender.
   * @default - none
   */
  readonly nearestModelName?: string;
}

/**
 * The approval status of a registered model version (`ModelApprovalStatus`).
 *
 * Use a constant, or `ModelApprovalStatus.of(param.valueAsString)` to choose it per execution with
 * a String parameter.
 */
export class ModelApprovalStatus {
  /** The model is approved (deployment pipelines may pick it up). */
  public static readonly APPROVED = new ModelApprovalStatus('Approved');
  /** The model is rejected. */
  public static readonly REJECTED = new ModelApprovalStatus('Rejected');
  /** The model waits for a person to approve or reject it. */
  public static readonly PENDING_MANUAL_APPROVAL = new ModelApprovalStatus('PendingManualApproval');

  /**
   * A status by name (`Approved`, `Rejected`, `PendingManualApproval`) or a String parameter's
   * `valueAsString` (declare it with those `enumValues` so bad values fail when the execution starts).
   */
  public static of(status: string): ModelApprovalStatus {
    return new ModelApprovalStatus(status);
  }

  private constructor(private readonly value: string) {
    if (typeof value !== 'string') {
      throw new Error(`ModelApprovalStatus must be a string; received ${typeof value}. Use ModelApprovalStatus.APPROVED, or ModelApprovalStatus.of(param.valueAsString) for a String parameter.`);
    }
    if (!Token.isUnresolved(value) && !['Approved', 'Rejected', 'PendingManualApproval'].includes(value)) {
      throw new Error(`ModelApprovalStatus must be Approved, Rejected or PendingManualApproval; received '${value}'. Use ModelApprovalStatus.APPROVED, ModelApprovalStatus.REJECTED or ModelApprovalStatus.PENDING_MANUAL_APPROVAL${['approved', 'rejected', 'pendingmanualapproval'].includes(value.toLowerCase().replace(/[^a-z]/g, '')) ? ` (the names are case-sensitive: '${['Approved', 'Rejected', 'PendingManualApproval'].find((s) => s.toLowerCase() === value.toLowerCase().replace(/[^a-z]/g, ''))}')` : ''}.`);
    }
  }

  /** The status name, or the parameter token. */
  public toString(): string {
    return this.value;
  }
}

/**
 * A metrics or baseline file in S3 (`MetricsSource`, or `FileSource` for configuration files).
 */
export interface MetricsSource {
  /**
   * Where the file is: an `s3://` URI, a parameter, a step property, or a concatenation such as
   * `` `${evaluate.properties.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri}/evaluation.json` ``.
   */
  readonly s3Uri: string;
  /**
   * MIME type of the file (`ContentType`, at most 256 characters).
   * @default 'application/json'
   */
  readonly contentType?: string;
}

/** Statistics and constraints of a model or its data (`ModelQuality`, `ModelDataQuality`, and their drift-check baselines). */
export interface QualityMetrics {
  /**
   * Statistics (`Statistics`).
   * @default - none
   */
  readonly statistics?: MetricsSource;
  /**
   * Constraints (`Constraints`).
   * @default - none
   */
  readonly constraints?: MetricsSource;
}

/** Bias reports of a model (`ModelMetrics.Bias`). */
export interface BiasMetrics {
  /**
   * The bias report (`Report`).
   * @default - none
   */
  readonly report?: MetricsSource;
  /**
   * The pre-training bias report (`PreTrainingReport`).
   * @default - none
   */
  readonly preTrainingReport?: MetricsSource;
  /**
   * The post-training bias report (`PostTrainingReport`).
   * @default - none
   */
  readonly postTrainingReport?: MetricsSource;
}

/** Explainability report of a model (`ModelMetrics.Explainability`). */
export interface ExplainabilityMetrics {
  /**
   * The explainability report (`Report`).
   * @default - none
   */
  readonly report?: MetricsSource;
}

/** Metrics of a registered model version (`ModelMetrics`). */
export interface ModelMetrics {
  /**
   * Model quality statistics and constraints (`ModelQuality`), e.g. an evaluation report.
   * @default - none
   */
  readonly modelQuality?: QualityMetrics;
  /**
   * Data quality statistics and constraints (`ModelDataQuality`).
   * @default - none
   */
  readonly modelDataQuality?: QualityMetrics;
  /**
   * Bias reports (`Bias`).
   * @default - none
   */
  readonly bias?: BiasMetrics;
  /**
   * Explainability report (`Explainability`).
   * @default - none
   */
  readonly explainability?: ExplainabilityMetrics;
}

/** Bias drift-check baselines (`DriftCheckBaselines.Bias`). */
export interface DriftCheckBias {
  /**
   * The Clarify analysis configuration (`ConfigFile`, a `FileSource`).
   * @default - none
   */
  readonly configFile?: MetricsSource;
  /**
   * Pre-training constraints (`PreTrainingConstraints`).
   * @default - none
   */
  readonly preTrainingConstraints?: MetricsSource;
  /**
   * Post-training constraints (`PostTrainingConstraints`).
   * @default - none
   */
  readonly postTrainingConstraints?: MetricsSource;
}

/** Explainability drift-check baselines (`DriftCheckBaselines.Explainability`). */
export interface DriftCheckExplainability {
  /**
   * Constraints (`Constraints`).
   * @default - none
   */
  readonly constraints?: MetricsSource;
  /**
   * The Clarify analysis configuration (`ConfigFile`, a `FileSource`).
   * @default - none
   */
  readonly configFile?: MetricsSource;
}

/** Baselines that drift checks of a registered model compare with (`DriftCheckBaselines`). */
export interface DriftCheckBaselines {
  /**
   * Bias baselines (`Bias`).
   * @default - none
   */
  readonly bias?: DriftCheckBias;
  /**
   * Explainability baselines (`Explainability`).
   * @default - none
   */
  readonly explainability?: DriftCheckExplainability;
  /**
   * Model quality baselines (`ModelQuality`).
   * @default - none
   */
  readonly modelQuality?: QualityMetrics;
  /**
   * Data quality baselines (`ModelDataQuality`).
   * @default - none
   */
  readonly modelDataQuality?: QualityMetrics;
}

/**
 * Props of a {@link RegisterModelStep}: give exactly one of `container` and `containers`, and
 * exactly one of `modelPackageGroup` and `modelPackageGroupName`.
 */
export interface RegisterModelStepProps extends RetryableStepProps {
  /**
   * The model's container (`InferenceSpecification.Containers[0]`).
   * @default - none: give `containers`
   */
  readonly container?: ModelPackageContainer;
  /**
   * The containers of an inference pipeline model (`InferenceSpecification.Containers`, 1-15).
   * @default - none: give `container`
   */
  readonly containers?: ModelPackageContainer[];
  /**
   * The group to register the model version in. The pipeline role may register in it and in no
   * other group.
   * @default - none: give `modelPackageGroupName`
   */
  readonly modelPackageGroup?: IModelPackageGroup;
  /**
   * Name of the group to register the model version in (1-63 letters, digits and hyphens), in this
   * account and region. A String parameter is accepted, but then the pipeline role may register
   * in every group of the account (a warning says so).
   * @default - none: give `modelPackageGroup`
   */
  readonly modelPackageGroupName?: string;
  /**
   * The approval status of the new version.
   * @default ModelApprovalStatus.PENDING_MANUAL_APPROVAL
   */
  readonly modelApprovalStatus?: ModelApprovalStatus;
  /**
   * Description of the model version (`ModelPackageDescription`, at most 1,024 characters).
   * @default - none
   */
  readonly modelPackageDescription?: string;
  /**
   * MIME types the model accepts (`SupportedContentTypes`), e.g. `text/csv`. Optional in the
   * CreateModelPackage API (the SageMaker SDK asks for it).
   * @default - none
   */
  readonly supportedContentTypes?: string[];
  /**
   * MIME types the model responds with (`SupportedResponseMIMETypes`), e.g. `text/csv`.
   * @default - none
   */
  readonly supportedResponseMIMETypes?: string[];
  /**
   * Instance types for real-time endpoints of the model (`SupportedRealtimeInferenceInstanceTypes`).
   * @default - none
   */
  readonly supportedRealtimeInferenceInstanceTypes?: InstanceType[];
  /**
   * Instance types for batch transform jobs of the model (`SupportedTransformInstanceTypes`, at least one when set).
   * @default - none
   */
  readonly supportedTransformInstanceTypes?: InstanceType[];
  /**
   * Metrics of the model (`ModelMetrics`), e.g. an evaluation step's report.
   * @default - none
   */
  readonly modelMetrics?: ModelMetrics;
  /**
   * Baselines for drift checks (`DriftCheckBaselines`).
   * @default - none
   */
  readonly driftCheckBaselines?: DriftCheckBaselines;
  /**
   * Free-form metadata of the version (`CustomerMetadataProperties`, 1-50 entries; keys at most 128
   * characters, values at most 256).
   * @default - none
   */
  readonly customerMetadataProperties?: Record<string, string>;
  /**
   * Machine learning domain of the model (`Domain`), e.g. `MACHINE_LEARNING`, `COMPUTER_VISION`.
   * @default - none
   */
  readonly domain?: string;
  /**
   * Machine learning task of the model (`Task`), e.g. `CLASSIFICATION`, `REGRESSION`.
   * @default - none
   */
  readonly task?: string;
  /**
   * S3 location of a sample payload for Inference Recommender (`SamplePayloadUrl`, a `.tar.gz`).
   * @default - none
   */
  readonly samplePayloadUrl?: string;
  /**
   * Retry policies of the repack steps that containers with inference code may need (see
   * `ModelContainer.codePackaging`), like the SDK's `repack_model_retry_policies`. Job policies
   * (`RetryPolicy.sageMakerJob`) are accepted: a repack step runs a training job.
   * @default - no retries
   */
  readonly repackRetryPolicies?: RetryPolicy[];
  /**
   * The role the repack jobs run as. It is granted read access to the repack code and read/write
   * access to the repack output under the pipeline's artifact bucket.
   * @default - the pipeline's shared job role
   */
  readonly repackRole?: iam.IRole;
}

/** `CustomerMetadataProperties` keys and values: letters, spaces, digits and `_.:/=+-@`. */
const METADATA_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const FRAMEWORK_VERSION = /^[0-9]\.[A-Za-z0-9.-]+$/;
const MIME_RESPONSE = /^[-\w]+\/.+$/;

/**
 * A step that registers a model version in a model package group (`Type: RegisterModel`, a
 * CreateModelPackage request without `CertifyForMarketplace`). The group is referenced by name.
 *
 * Accepts step retry policies only (`RetryPolicy.step`), and no caching. The pipeline role may
 * create model packages in this group and no other (`sagemaker:CreateModelPackage`,
 * `DescribeModelPackage` and `AddTags` on `model-package/<group>/*`), and pull
 * the containers' images from ECR (the registry resolves their digests); it passes no role.
 *
 * Containers with inference code (`entryPoint`, `sourceDir`) whose model data is only known at run
 * time get a repack step each (`<step>-RepackModel-<hostname or index>`, see `repackSteps`), which
 * runs a training job as `repackRole` (the pipeline role may pass that role and run training jobs).
 */
export class RegisterModelStep extends Step {
  /** @inheritdoc */
  public readonly stepType = 'RegisterModel';
  /** The model package's properties (DescribeModelPackage), e.g. `ModelPackageArn`. */
  public readonly properties: ModelPackageProperties;
  /** Name of the group the step registers in. */
  public readonly modelPackageGroupName: string;
  /**
   * The repack steps added for containers whose inference code goes into the model archive,
   * named `<step name>-RepackModel-<hostname or index>`. Empty when no container needs one.
   */
  public readonly repackSteps: TrainingStep[];

  private readonly props: RegisterModelStepProps;
  private readonly renderedContainers: Record<string, unknown>[];
  private readonly codeAssets: s3assets.Asset[];

  constructor(scope: Construct, id: string, props: RegisterModelStepProps) {
    super(scope, id, props, { retry: 'step', cache: false });
    this.props = props;
    this.properties = createPropertyTree(this, 'RegisterModel') as ModelPackageProperties;

    const containers = checkContainers(this, props.container, props.containers);
    containers.forEach((c, i) => {
      const where = props.container ? 'container' : `containers[${i}]`;
      const version = c.frameworkVersion;
      if (version !== undefined && !Token.isUnresolved(version) && (version.length < 3 || version.length > 10 || !FRAMEWORK_VERSION.test(version))) {
        throw new Error(`${this.node.path}: ${where}.frameworkVersion must be 3-10 characters like '1.7' or '2.1.0'; received '${version}'.`);
      }
      if (c.framework !== undefined && !Token.isUnresolved(c.framework) && c.framework.length === 0) {
        throw new Error(`${this.node.path}: ${where}.framework is empty; name the framework, e.g. 'XGBOOST', or omit it.`);
      }
    });

    // The group, by construct or by name.
    if ((props.modelPackageGroup === undefined) === (props.modelPackageGroupName === undefined)) {
      throw new Error(`${this.node.path}: give exactly one of modelPackageGroup and modelPackageGroupName; received ${props.modelPackageGroup === undefined ? 'neither' : 'both'}.`);
    }
    const pipelineRole = this.pipeline.role;
    if (props.modelPackageGroup !== undefined) {
      this.modelPackageGroupName = props.modelPackageGroup.modelPackageGroupName;
      props.modelPackageGroup.grantRegisterModel(pipelineRole);
      if (props.modelPackageGroup instanceof ModelPackageGroup && Stack.of(props.modelPackageGroup) === Stack.of(this.pipeline)) {
        // The definition names the group literally: make the pipeline deploy after it.
        this.pipeline.cfnPipeline.node.addDependency(props.modelPackageGroup);
      }
    } else {
      const name = props.modelPackageGroupName!;
      this.modelPackageGroupName = name;
      if (expressionOf(name) !== undefined) {
        grantRegisterInAnyGroup(this.pipeline);
        Annotations.of(this).addWarningV2('cdk-sagemaker-pipelines:modelPackageGroupNameParameter',
          'modelPackageGroupName is a pipeline parameter, so the pipeline role may register models in every model package group of this account and region. Give a fixed name or a ModelPackageGroup to limit it to one group.');
      } else {
        ModelPackageGroup.fromModelPackageGroupName(this, 'ModelPackageGroup', name).grantRegisterModel(pipelineRole);
      }
    }

    const status = props.modelApprovalStatus;
    if (status !== undefined && !(status instanceof ModelApprovalStatus)) {
      throw new Error(`${this.node.path}: modelApprovalStatus must be a ModelApprovalStatus (APPROVED, REJECTED, PENDING_MANUAL_APPROVAL, or ModelApprovalStatus.of(param.valueAsString)); received ${JSON.stringify(status)}.`);
    }
    const description = props.modelPackageDescription;
    if (description !== undefined && !Token.isUnresolved(description) && description.length > 1024) {
      throw new Error(`${this.node.path}: modelPackageDescription must be at most 1,024 characters; received ${description.length}.`);
    }
    this.checkStrings('supportedContentTypes', props.supportedContentTypes, 256);
    this.checkStrings('supportedResponseMIMETypes', props.supportedResponseMIMETypes, 1024, MIME_RESPONSE);
    this.checkInstanceTypes('supportedRealtimeInferenceInstanceTypes', props.supportedRealtimeInferenceInstanceTypes);
    this.checkInstanceTypes('supportedTransformInstanceTypes', props.supportedTransformInstanceTypes);
    this.checkMetadata(props.customerMetadataProperties);
    checkS3UriProp(this, 'samplePayloadUrl', props.samplePayloadUrl);
    for (const [prop, value] of [['domain', props.domain], ['task', props.task]] as const) {
      if (value !== undefined && !Token.isUnresolved(value) && value.length === 0) {
        throw new Error(`${this.node.path}: ${prop} is empty; give a value or omit it.`);
      }
    }
    this.forEachSource((prop, source) => {
      if (source === null || typeof source !== 'object') {
        throw new Error(`${this.node.path}: ${prop} must be { s3Uri, contentType? }; received ${String(source)}.`);
      }
      if (source.s3Uri === undefined) {
        throw new Error(`${this.node.path}: ${prop}.s3Uri is missing; give the S3 URI of the file.`);
      }
      checkS3UriProp(this, `${prop}.s3Uri`, source.s3Uri);
      const ct = source.contentType;
      if (ct !== undefined && !Token.isUnresolved(ct) && (ct.length < 1 || ct.length > 256)) {
        throw new Error(`${this.node.path}: ${prop}.contentType must be 1-256 characters, e.g. 'application/json'; received '${ct}'.`);
      }
    });

    // Inference code: a source-directory asset, or a repack step per container that needs one.
    const repackRole = props.repackRole ?? this.pipeline.defaultJobRole;
    const code = bindInferenceCode(this, containers, props.container !== undefined, {
      repackRole,
      codeReaders: [],
      networkIsolation: false,
      retryPolicies: props.repackRetryPolicies,
    });
    this.repackSteps = code.repackSteps;
    this.codeAssets = code.codeAssets;
    this.redirectDependsOn(this.repackSteps);

    // The model registry resolves the images' digests: the pipeline role pulls them.
    this.renderedContainers = code.containers.map((c) => {
      const common = bindModelContainer(this, c, pipelineRole);
      return {
        ...common,
        ...(c.framework !== undefined ? { Framework: c.framework } : {}),
        ...(c.frameworkVersion !== undefined ? { FrameworkVersion: c.frameworkVersion } : {}),
        ...(c.nearestModelName !== undefined ? { NearestModelName: c.nearestModelName } : {}),
      };
    });
  }

  /**
   * Lets `grantee` read the source-directory assets of containers whose inference code the
   * container downloads (`SAGEMAKER_SUBMIT_DIRECTORY=s3://...`): give it to the execution role of
   * models deployed from this package. Repacked code is inside the model archive and needs no grant.
   */
  public grantReadInferenceCode(grantee: iam.IGrantable): void {
    this.codeAssets.forEach((asset) => asset.grantRead(grantee));
  }

  /** @internal */
  public _companionSteps(): Step[] {
    return [...this.repackSteps];
  }

  protected renderArguments(): Record<string, unknown> {
    const props = this.props;
    const args: Record<string, unknown> = {
      ModelPackageGroupName: this.modelPackageGroupName,
    };
    if (props.modelPackageDescription !== undefined) {
      args.ModelPackageDescription = props.modelPackageDescription;
    }
    args.InferenceSpecification = {
      Containers: this.renderedContainers,
      ...(props.supportedTransformInstanceTypes !== undefined
        ? { SupportedTransformInstanceTypes: props.supportedTransformInstanceTypes.map(String) } : {}),
      ...(props.supportedRealtimeInferenceInstanceTypes !== undefined
        ? { SupportedRealtimeInferenceInstanceTypes: props.supportedRealtimeInferenceInstanceTypes.map(String) } : {}),
      ...(props.supportedContentTypes !== undefined ? { SupportedContentTypes: [...props.supportedContentTypes] } : {}),
      ...(props.supportedResponseMIMETypes !== undefined ? { SupportedResponseMIMETypes: [...props.supportedResponseMIMETypes] } : {}),
    };
    args.ModelApprovalStatus = (props.modelApprovalStatus ?? ModelApprovalStatus.PENDING_MANUAL_APPROVAL).toString();
    const metrics = renderGroups({
      ModelQuality: quality(props.modelMetrics?.modelQuality),
      ModelDataQuality: quality(props.modelMetrics?.modelDataQuality),
      Bias: renderGroups({
        Report: renderSource(props.modelMetrics?.bias?.report),
        PreTrainingReport: renderSource(props.modelMetrics?.bias?.preTrainingReport),
        PostTrainingReport: renderSource(props.modelMetrics?.bias?.postTrainingReport),
      }),
      Explainability: renderGroups({ Report: renderSource(props.modelMetrics?.explainability?.report) }),
    });
    if (metrics !== undefined) {
      args.ModelMetrics = metrics;
    }
    if (props.domain !== undefined) {
      args.Domain = props.domain;
    }
    if (props.task !== undefined) {
      args.Task = props.task;
    }
    if (props.samplePayloadUrl !== undefined) {
      args.SamplePayloadUrl = props.samplePayloadUrl;
    }
    if (props.customerMetadataProperties !== undefined && Object.keys(props.customerMetadataProperties).length > 0) {
      args.CustomerMetadataProperties = { ...props.customerMetadataProperties };
    }
    const d = props.driftCheckBaselines;
    const drift = renderGroups({
      Bias: renderGroups({
        ConfigFile: renderSource(d?.bias?.configFile),
        PreTrainingConstraints: renderSource(d?.bias?.preTrainingConstraints),
        PostTrainingConstraints: renderSource(d?.bias?.postTrainingConstraints),
      }),
      Explainability: renderGroups({
        Constraints: renderSource(d?.explainability?.constraints),
        ConfigFile: renderSource(d?.explainability?.configFile),
      }),
      ModelQuality: quality(d?.modelQuality),
      ModelDataQuality: quality(d?.modelDataQuality),
    });
    if (drift !== undefined) {
      args.DriftCheckBaselines = drift;
    }
    return args;
  }

  private forEachSource(visit: (prop: string, source: MetricsSource) => void): void {
    const groups: Record<string, object | undefined> = {
      'modelMetrics.modelQuality': this.props.modelMetrics?.modelQuality,
      'modelMetrics.modelDataQuality': this.props.modelMetrics?.modelDataQuality,
      'modelMetrics.bias': this.props.modelMetrics?.bias,
      'modelMetrics.explainability': this.props.modelMetrics?.explainability,
      'driftCheckBaselines.bias': this.props.driftCheckBaselines?.bias,
      'driftCheckBaselines.explainability': this.props.driftCheckBaselines?.explainability,
      'driftCheckBaselines.modelQuality': this.props.driftCheckBaselines?.modelQuality,
      'driftCheckBaselines.modelDataQuality': this.props.driftCheckBaselines?.modelDataQuality,
    };
    for (const [prefix, group] of Object.entries(groups)) {
      for (const [key, value] of Object.entries(group ?? {})) {
        if (value !== undefined) {
          visit(`${prefix}.${key}`, value as MetricsSource);
        }
      }
    }
  }

  private checkStrings(prop: string, values: string[] | undefined, max: number, pattern?: RegExp): void {
    if (values === undefined) {
      return;
    }
    if (!Array.isArray(values) || values.length === 0) {
      throw new Error(`${this.node.path}: ${prop} must be a non-empty list; received ${Array.isArray(values) ? '[]' : typeof values}. Omit it instead.`);
    }
    for (const value of values) {
      if (typeof value !== 'string') {
        throw new Error(`${this.node.path}: ${prop} must list strings; received ${typeof value}.`);
      }
      if (!Token.isUnresolved(value) && (value.length < 1 || value.length > max || (pattern !== undefined && !pattern.test(value)))) {
        throw new Error(`${this.node.path}: ${prop} lists '${value}', which is not a MIME type of at most ${max} characters like 'text/csv'.`);
      }
    }
  }

  private checkInstanceTypes(prop: string, values: InstanceType[] | undefined): void {
    if (values === undefined) {
      return;
    }
    if (!Array.isArray(values) || values.length === 0) {
      throw new Error(`${this.node.path}: ${prop} must be a non-empty list of InstanceType; received ${Array.isArray(values) ? '[]' : typeof values}. Omit it instead.`);
    }
    for (const value of values) {
      if (!(value instanceof InstanceType)) {
        throw new Error(`${this.node.path}: ${prop} must list InstanceType values (InstanceType.M5_LARGE, InstanceType.of('ml.c5.xlarge')); received ${JSON.stringify(value)}.`);
      }
    }
  }

  private checkMetadata(metadata: Record<string, string> | undefined): void {
    if (metadata === undefined) {
      return;
    }
    const entries = Object.entries(metadata);
    if (entries.length < 1 || entries.length > 50) {
      throw new Error(`${this.node.path}: customerMetadataProperties takes 1-50 entries; received ${entries.length}.`);
    }
    for (const [key, value] of entries) {
      if (key.length < 1 || key.length > 128 || !METADATA_TEXT.test(key)) {
        throw new Error(`${this.node.path}: customerMetadataProperties key '${key}' must be 1-128 letters, digits, spaces and _.:/=+-@.`);
      }
      if (typeof value !== 'string') {
        throw new Error(`${this.node.path}: customerMetadataProperties '${key}' must be a string; received ${typeof value}.`);
      }
      if (!Token.isUnresolved(value) && (value.length < 1 || value.length > 256 || !METADATA_TEXT.test(value))) {
        throw new Error(`${this.node.path}: customerMetadataProperties '${key}' must be 1-256 letters, digits, spaces and _.:/=+-@; received '${value}'.`);
      }
    }
  }
}

function renderSource(s: MetricsSource | undefined): Record<string, unknown> | undefined {
  return s === undefined ? undefined : { ContentType: s.contentType ?? 'application/json', S3Uri: s.s3Uri };
}

function quality(q: QualityMetrics | undefined): Record<string, unknown> | undefined {
  return renderGroups({ Statistics: renderSource(q?.statistics), Constraints: renderSource(q?.constraints) });
}

/** The defined members of `groups`, or undefined when none is. */
function renderGroups(groups: Record<string, Record<string, unknown> | undefined>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(groups)) {
    if (value !== undefined) {
      out[key] = value;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
