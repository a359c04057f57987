import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { Step } from './step';
import { bindLocation, BoundCheckJob, CheckFlags, CheckStepProps, pythonJson } from '../check-job-config';
import { ContainerImage } from '../container-image';
import { S3Access, S3Location, stageText } from '../inputs';
import { InstanceType } from '../instance-type';
import { checkRuntimeEnum } from '../private/enum-value';
import { refusePropertyProblem } from '../private/expression';
import { containsTokens } from '../private/renderer';
import { createFixedPropertyTree } from '../properties';

const CONFIG_DIR = '/opt/ml/processing/input/config';
const DATA_DIR = '/opt/ml/processing/input/data';
const OUTPUT_DIR = '/opt/ml/processing/output';

/** What a {@link ClarifyCheckStep} checks (`CheckType`). */
export enum ClarifyCheckType {
  /** Pre-training bias of a dataset. */
  DATA_BIAS = 'DATA_BIAS',
  /** Post-training bias of a model's predictions (runs a shadow endpoint of the model). */
  MODEL_BIAS = 'MODEL_BIAS',
  /** SHAP feature attributions of a model (runs a shadow endpoint of the model). */
  MODEL_EXPLAINABILITY = 'MODEL_EXPLAINABILITY',
}

/** Format of a Clarify dataset (`dataset_type`). */
export enum ClarifyDatasetType {
  /** CSV. */
  TEXT_CSV = 'text/csv',
  /** JSON Lines. */
  JSON_LINES = 'application/jsonlines',
  /** JSON. */
  JSON = 'application/json',
  /** Parquet. */
  PARQUET = 'application/x-parquet',
  /** Images. */
  IMAGE = 'application/x-image',
}

/** Aggregation of global SHAP values (`agg_method`). */
export enum ShapAggregationMethod {
  /** Mean of absolute values. */
  MEAN_ABS = 'mean_abs',
  /** Median. */
  MEDIAN = 'median',
  /** Mean of squares. */
  MEAN_SQ = 'mean_sq',
}

/**
 * The dataset a Clarify check reads and where it writes its results (the SDK's `DataConfig`).
 */
export interface ClarifyDataConfig {
  /**
   * The dataset (input `dataset`, at `/opt/ml/processing/input/data`): an `s3://` URI, a parameter,
   * a step property or an {@link S3Location}. The job role may read it when its bucket is known at synth.
   */
  readonly s3DataInputPath: string | S3Location;
  /**
   * Where the analysis results go (output `analysis_result`).
   * @default - unique per execution: `s3://<pipeline artifact bucket>/<pipeline name>/<execution id>/<step name>/clarify-check`
   */
  readonly s3OutputPath?: string | S3Location;
  /**
   * The target column: name or index for CSV, JSONPath for JSON Lines (`label`). Required for bias checks.
   * @default - none
   */
  readonly label?: string | number;
  /**
   * Column names of the dataset (`headers`).
   * @default - none
   */
  readonly headers?: string[];
  /**
   * JSONPath of the features in JSON Lines records (`features`).
   * @default - none
   */
  readonly features?: string;
  /**
   * Format of the dataset (`dataset_type`).
   * @default ClarifyDatasetType.TEXT_CSV
   */
  readonly datasetType?: ClarifyDatasetType;
  /**
   * How the dataset is spread over instances (`S3DataDistributionType`): `'FullyReplicated'` or `'ShardedByS3Key'`.
   * A literal, or an expression the service evaluates at run time such as a String parameter's
   * `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default 'FullyReplicated'
   */
  readonly s3DataDistributionType?: string;
  /**
   * Compression of the dataset (`S3CompressionType`): `'None'` or `'Gzip'`.
   * A literal, or an expression the service evaluates at run time such as a String parameter's
   * `valueAsString` (whose `enumValues`, if any, must be allowed values).
   * @default 'None'
   */
  readonly s3CompressionType?: string;
}

/** A sensitive attribute of a bias check (`facet`). */
export interface ClarifyFacet {
  /** Column name or index of the attribute (`name_or_index`). */
  readonly nameOrIndex: string | number;
  /**
   * The values that form the sensitive group, or the lower bound of a numeric one (`value_or_threshold`).
   * @default - every value is a sensitive group in turn
   */
  readonly valueOrThreshold?: Array<string | number> | number;
}

/** The sensitive groups of a bias check (the SDK's `BiasConfig`). */
export interface ClarifyBiasConfig {
  /** The label values of a positive outcome, or the threshold above which a label is positive (`label_values_or_threshold`). */
  readonly labelValuesOrThreshold: Array<string | number> | number;
  /** The sensitive attributes (`facet`), at least one. */
  readonly facets: ClarifyFacet[];
  /**
   * A group column for conditional demographic disparity (`group_variable`).
   * @default - none
   */
  readonly groupName?: string | number;
}

/** The model a model bias or explainability check runs on a shadow endpoint (the SDK's `ModelConfig`). */
export interface ClarifyModelConfig {
  /**
   * The model's name (`ModelName`): a literal, a parameter, or a model step's `ModelName` property.
   * It is not written into the analysis config, so it may be an expression.
   */
  readonly modelName: string;
  /**
   * Instance type of the shadow endpoint; must be fixed at synth.
   * @default InstanceType.M5_XLARGE
   */
  readonly instanceType?: InstanceType;
  /**
   * Number of instances of the shadow endpoint.
   * @default 1
   */
  readonly instanceCount?: number;
  /**
   * Format of the model's responses (`accept_type`): `text/csv` or `application/jsonlines`.
   * @default - as contentType
   */
  readonly acceptType?: string;
  /**
   * Format of the requests to the model (`content_type`): `text/csv` or `application/jsonlines`.
   * @default - the dataset's format
   */
  readonly contentType?: string;
  /**
   * Template of JSON Lines requests, with one `$features` placeholder (`content_template`).
   * @default - none
   */
  readonly contentTemplate?: string;
  /**
   * Prefix of the shadow endpoint's name (`endpoint_name_prefix`).
   * @default - generated
   */
  readonly endpointNamePrefix?: string;
}

/** How to read the predicted label from the model's output (the SDK's `ModelPredictedLabelConfig`). */
export interface ClarifyModelPredictedLabelConfig {
  /**
   * Index or JSONPath of the predicted label (`label`).
   * @default - the whole output
   */
  readonly label?: string | number;
  /**
   * Index or JSONPath of the predicted scores (`probability`).
   * @default - none
   */
  readonly probability?: string | number;
  /**
   * Threshold that turns a probability into a label (`probability_threshold`).
   * @default - the service default (0.5)
   */
  readonly probabilityThreshold?: number;
  /**
   * One label value per score of `probability` (`label_headers`).
   * @default - none
   */
  readonly labelHeaders?: string[];
}

/** Kernel SHAP settings of an explainability check (the SDK's `SHAPConfig`). */
export interface ClarifyShapConfig {
  /**
   * The baseline rows (feature values only), or the `s3://` URI of a baseline file (`baseline`).
   * @default - computed by Clarify
   */
  readonly baseline?: string | Array<Array<string | number>>;
  /**
   * Number of samples of the Kernel SHAP algorithm (`num_samples`).
   * @default - chosen by Clarify
   */
  readonly numSamples?: number;
  /** Aggregation of global SHAP values (`agg_method`). */
  readonly aggMethod: ShapAggregationMethod;
  /**
   * Apply the logit function to the predictions (`use_logit`).
   * @default false
   */
  readonly useLogit?: boolean;
  /**
   * Save the local SHAP value of each record (`save_local_shap_values`).
   * @default true
   */
  readonly saveLocalShapValues?: boolean;
  /**
   * Seed, for deterministic SHAP values (`seed`).
   * @default - none
   */
  readonly seed?: number;
}

/**
 * Props of a {@link ClarifyCheckStep}.
 */
export interface ClarifyCheckStepProps extends CheckStepProps {
  /** Data bias, model bias or model explainability. */
  readonly checkType: ClarifyCheckType;
  /** The dataset and the results location. */
  readonly dataConfig: ClarifyDataConfig;
  /**
   * The sensitive groups; required for DATA_BIAS and MODEL_BIAS.
   * @default - none
   */
  readonly biasConfig?: ClarifyBiasConfig;
  /**
   * The model; required for MODEL_BIAS and MODEL_EXPLAINABILITY.
   * @default - none
   */
  readonly modelConfig?: ClarifyModelConfig;
  /**
   * How to read the model's predicted label (MODEL_BIAS), or its scores to explain (MODEL_EXPLAINABILITY).
   * @default - the model output is the label (or the single score)
   */
  readonly modelPredictedLabelConfig?: ClarifyModelPredictedLabelConfig;
  /**
   * Kernel SHAP settings; required for MODEL_EXPLAINABILITY.
   * @default - none
   */
  readonly shapConfig?: ClarifyShapConfig;
  /**
   * The bias metrics to compute (for example `['CI', 'DPL']`); bias checks only.
   * @default 'all'
   */
  readonly methods?: string[];
}

/**
 * The properties of a Clarify check step: S3 URIs of constraints files, each a string token that
 * renders `{"Get": "Steps.<step>.<name>"}`.
 */
export interface ClarifyCheckProperties {
  /** The constraints the step calculated. */
  readonly CalculatedBaselineConstraints: string;
  /** The constraints the drift check used (supplied, from the model package group, or new). */
  readonly BaselineUsedForDriftCheckConstraints: string;
}

/**
 * A step that runs a SageMaker Clarify bias or explainability analysis and checks its constraints for
 * drift against a previous baseline (`Type: ClarifyCheck`). Accepts caching, not retries.
 *
 * The analysis config is written at synth into a content-hashed file asset (input `analysis_config`),
 * so it must be fixed when the pipeline is defined: no parameters, step properties or CloudFormation
 * values in labels, headers, facets, the model's instance settings or the SHAP baseline.
 */
export class ClarifyCheckStep extends Step {
  /** @inheritdoc */
  public readonly stepType = 'ClarifyCheck';
  /** The constraints files, for other steps (a model registration's drift-check baselines). */
  public readonly properties: ClarifyCheckProperties;
  /** The role the check job runs as. */
  public readonly role: iam.IRole;
  /** The analysis config, as written to the asset. */
  public readonly analysisConfig: Record<string, unknown>;
  /**
   * S3 URI of the analysis config file (a content-hashed asset), for example for a model
   * registration's `driftCheckBaselines.bias.configFile`.
   */
  public readonly analysisConfigS3Uri: string;
  /** @internal the staged analysis config file */
  public readonly _analysisConfigFile: string;

  private readonly props: ClarifyCheckStepProps;
  private readonly job: BoundCheckJob;
  private readonly flags: CheckFlags;
  private readonly imageUri: string;
  private readonly configUri: string;
  private readonly dataUri: string;
  private readonly outputUri: string;

  constructor(scope: Construct, id: string, props: ClarifyCheckStepProps) {
    super(scope, id, props, { retry: 'none', cache: true });
    this._bindJobNamePrefix('ProcessingJobName', 63, props.jobNamePrefix);
    this.props = props;
    this.properties = createFixedPropertyTree(this, {
      CalculatedBaselineConstraints: 'String',
      BaselineUsedForDriftCheckConstraints: 'String',
    }, 'ClarifyCheck step properties') as unknown as ClarifyCheckProperties;

    const types = Object.values(ClarifyCheckType) as string[];
    if (!types.includes(props.checkType)) {
      throw new Error(`${this.node.path}: checkType must be ClarifyCheckType.DATA_BIAS, MODEL_BIAS or MODEL_EXPLAINABILITY; received '${String(props.checkType)}'.`);
    }
    if (props.dataConfig === undefined) {
      throw new Error(`${this.node.path}: dataConfig is required; give at least { s3DataInputPath }.`);
    }
    this.analysisConfig = this.buildAnalysisConfig();
    refuseTokens(this, 'analysis config', this.analysisConfig);

    this.job = new BoundCheckJob(this, props.checkJobConfig, []);
    this.role = this.job.role;
    this.flags = new CheckFlags(this, props, this.role);
    refusePropertyProblem(() => `${this.node.path}: modelConfig.modelName`, props.modelConfig?.modelName);
    if (props.modelConfig !== undefined && typeof props.modelConfig.modelName !== 'string') {
      throw new Error(`${this.node.path}: modelConfig.modelName must be a string (a name, a parameter or a model step's ModelName property); received ${typeof props.modelConfig.modelName}.`);
    }
    this.imageUri = ContainerImage.clarify().bind(this, this.role).imageUri;

    // The Clarify container reads /opt/ml/processing/input/config/analysis_config.json: the file keeps
    // its name, so it is deployed unzipped into a content-hashed prefix rather than as a file asset
    // (whose object key is the hash).
    const file = stageText('analysis_config.json', pythonJson(this.analysisConfig));
    this._analysisConfigFile = file;
    const prefix = S3Location.fromAsset(path.dirname(file)).bind(this, { grantee: this.role, access: S3Access.READ }).s3Uri;
    this.configUri = prefix;
    this.analysisConfigS3Uri = `${prefix}${prefix.endsWith('/') ? '' : '/'}analysis_config.json`;
    checkRuntimeEnum(() => this.node.path, 'dataConfig.s3DataDistributionType', props.dataConfig.s3DataDistributionType, ['FullyReplicated', 'ShardedByS3Key']);
    checkRuntimeEnum(() => this.node.path, 'dataConfig.s3CompressionType', props.dataConfig.s3CompressionType, ['None', 'Gzip']);
    this.dataUri = bindLocation(this, 'dataConfig.s3DataInputPath', props.dataConfig.s3DataInputPath, S3Access.READ);
    this.outputUri = props.dataConfig.s3OutputPath === undefined
      ? this.pipeline.defaultOutputUri(this.stepName, ['clarify-check'], this.role)
      : bindLocation(this, 'dataConfig.s3OutputPath', props.dataConfig.s3OutputPath, S3Access.WRITE);
  }

  /** The network connections of the job's security groups (none when the job runs outside a VPC). */
  public get connections(): ec2.Connections {
    return this.job.connections;
  }

  /** The analysis config as the SageMaker SDK's ClarifyCheckStep composes it, in its key order. */
  private buildAnalysisConfig(): Record<string, unknown> {
    const props = this.props;
    const type = props.checkType;
    const data = props.dataConfig;
    const fail = (message: string): never => {
      throw new Error(`${this.node.path}: ${message}`);
    };
    const datasetTypes = Object.values(ClarifyDatasetType) as string[];
    const datasetType = data.datasetType ?? ClarifyDatasetType.TEXT_CSV;
    if (!datasetTypes.includes(datasetType)) {
      fail(`dataConfig.datasetType must be one of ${datasetTypes.join(', ')}; received '${String(datasetType)}'. Use ClarifyDatasetType.`);
    }
    const config: Record<string, unknown> = { dataset_type: datasetType };
    setIf(config, 'features', data.features);
    setIf(config, 'headers', data.headers === undefined ? undefined : [...data.headers]);
    setIf(config, 'label', data.label);

    const bias = props.biasConfig;
    const model = props.modelConfig;
    const isBias = type !== ClarifyCheckType.MODEL_EXPLAINABILITY;
    if (isBias) {
      if (bias === undefined) {
        fail(`a ${type} check needs biasConfig (labelValuesOrThreshold and facets); received none.`);
      }
      if (props.shapConfig !== undefined) {
        fail(`shapConfig applies only to ClarifyCheckType.MODEL_EXPLAINABILITY; received it with ${type}. Remove it.`);
      }
    } else {
      if (bias !== undefined) {
        fail('biasConfig applies only to bias checks (DATA_BIAS, MODEL_BIAS); received it with MODEL_EXPLAINABILITY. Remove it.');
      }
      if (props.methods !== undefined) {
        fail('methods selects bias metrics; received it with MODEL_EXPLAINABILITY. Remove it.');
      }
      if (props.shapConfig === undefined) {
        fail('a MODEL_EXPLAINABILITY check needs shapConfig (at least aggMethod); received none.');
      }
    }
    if (type === ClarifyCheckType.DATA_BIAS) {
      if (model !== undefined || props.modelPredictedLabelConfig !== undefined) {
        fail(`modelConfig and modelPredictedLabelConfig apply only to MODEL_BIAS and MODEL_EXPLAINABILITY; received ${model !== undefined ? 'modelConfig' : 'modelPredictedLabelConfig'} with DATA_BIAS. Remove it.`);
      }
    } else if (model === undefined) {
      fail(`a ${type} check needs modelConfig (at least modelName); received none.`);
    }
    if (props.methods !== undefined && props.methods.length === 0) {
      fail('methods must name at least one bias metric; received an empty list. Omit it to compute all.');
    }
    const methods: unknown = props.methods === undefined ? 'all' : [...props.methods];

    if (bias !== undefined) {
      if (!Array.isArray(bias.facets) || bias.facets.length === 0) {
        fail('biasConfig.facets must name at least one sensitive attribute; received none.');
      }
      config.label_values_or_threshold = Array.isArray(bias.labelValuesOrThreshold) ? [...bias.labelValuesOrThreshold] : bias.labelValuesOrThreshold;
      config.facet = bias.facets.map((f) => {
        const facet: Record<string, unknown> = { name_or_index: f.nameOrIndex };
        setIf(facet, 'value_or_threshold', Array.isArray(f.valueOrThreshold) ? [...f.valueOrThreshold] : f.valueOrThreshold);
        return facet;
      });
      setIf(config, 'group_variable', bias.groupName);
    }

    if (type === ClarifyCheckType.DATA_BIAS) {
      config.methods = { pre_training_bias: { methods } };
    } else if (type === ClarifyCheckType.MODEL_BIAS) {
      const { threshold, predictor } = this.predictedLabel();
      Object.assign(predictor, this.predictorConfig(model!));
      config.methods = { post_training_bias: { methods } };
      config.predictor = predictor;
      setIf(config, 'probability_threshold', threshold);
    } else {
      const { threshold, predictor: labelConfig } = this.predictedLabel();
      const predictor = this.predictorConfig(model!);
      setIf(config, 'probability_threshold', threshold);
      Object.assign(predictor, labelConfig);
      config.methods = { shap: this.shapConfig(props.shapConfig!) };
      config.predictor = predictor;
    }
    (config.methods as Record<string, unknown>).report = { name: 'report', title: 'Analysis Report' };
    return config;
  }

  private predictedLabel(): { threshold?: number; predictor: Record<string, unknown> } {
    const c = this.props.modelPredictedLabelConfig;
    const predictor: Record<string, unknown> = {};
    if (c === undefined) {
      return { predictor };
    }
    setIf(predictor, 'label', c.label);
    setIf(predictor, 'probability', c.probability);
    setIf(predictor, 'label_headers', c.labelHeaders === undefined ? undefined : [...c.labelHeaders]);
    if (c.probabilityThreshold !== undefined && (typeof c.probabilityThreshold !== 'number' || !Number.isFinite(c.probabilityThreshold))) {
      throw new Error(`${this.node.path}: modelPredictedLabelConfig.probabilityThreshold must be a number; received ${String(c.probabilityThreshold)}.`);
    }
    return { threshold: c.probabilityThreshold, predictor };
  }

  /** The model's part of `predictor`, without `model_name` (the service fills it from `ModelName`). */
  private predictorConfig(model: ClarifyModelConfig): Record<string, unknown> {
    const count = model.instanceCount ?? 1;
    if (!Token.isUnresolved(count) && (!Number.isInteger(count) || count < 1)) {
      throw new Error(`${this.node.path}: modelConfig.instanceCount must be a positive integer; received ${count}.`);
    }
    const predictor: Record<string, unknown> = {
      instance_type: (model.instanceType ?? InstanceType.M5_XLARGE).toString(),
      initial_instance_count: count,
    };
    if (model.endpointNamePrefix !== undefined) {
      if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/.test(model.endpointNamePrefix)) {
        throw new Error(`${this.node.path}: modelConfig.endpointNamePrefix must be letters and digits with hyphens between them; received '${model.endpointNamePrefix}'.`);
      }
      predictor.endpoint_name_prefix = model.endpointNamePrefix;
    }
    for (const [prop, key, value] of [['acceptType', 'accept_type', model.acceptType], ['contentType', 'content_type', model.contentType]] as const) {
      if (value !== undefined) {
        if (value !== 'text/csv' && value !== 'application/jsonlines') {
          throw new Error(`${this.node.path}: modelConfig.${prop} must be 'text/csv' or 'application/jsonlines'; received '${value}'.`);
        }
        predictor[key] = value;
      }
    }
    if (model.contentTemplate !== undefined) {
      if (!model.contentTemplate.includes('$features')) {
        throw new Error(`${this.node.path}: modelConfig.contentTemplate must contain the placeholder $features; received '${model.contentTemplate}'.`);
      }
      predictor.content_template = model.contentTemplate;
    }
    return predictor;
  }

  private shapConfig(shap: ClarifyShapConfig): Record<string, unknown> {
    const methods = Object.values(ShapAggregationMethod) as string[];
    if (!methods.includes(shap.aggMethod)) {
      throw new Error(`${this.node.path}: shapConfig.aggMethod must be one of ${methods.join(', ')}; received '${String(shap.aggMethod)}'. Use ShapAggregationMethod.`);
    }
    if (shap.numSamples !== undefined && (!Number.isInteger(shap.numSamples) || shap.numSamples < 1)) {
      throw new Error(`${this.node.path}: shapConfig.numSamples must be a positive integer; received ${shap.numSamples}.`);
    }
    if (typeof shap.baseline === 'string' && !Token.isUnresolved(shap.baseline) && !shap.baseline.startsWith('s3://')) {
      throw new Error(`${this.node.path}: shapConfig.baseline must be an s3:// URI or a list of rows; received '${shap.baseline}'.`);
    }
    const config: Record<string, unknown> = {};
    setIf(config, 'baseline', Array.isArray(shap.baseline) ? shap.baseline.map((row) => [...row]) : shap.baseline);
    setIf(config, 'num_samples', shap.numSamples);
    config.agg_method = shap.aggMethod;
    config.use_logit = shap.useLogit ?? false;
    config.save_local_shap_values = shap.saveLocalShapValues ?? true;
    setIf(config, 'seed', shap.seed);
    return config;
  }

  protected renderArguments(): Record<string, unknown> {
    const data = this.props.dataConfig;
    const inputs = [
      BoundCheckJob.input('analysis_config', this.configUri, CONFIG_DIR),
      BoundCheckJob.input('dataset', this.dataUri, DATA_DIR, data.s3DataDistributionType ?? 'FullyReplicated', data.s3CompressionType ?? 'None'),
    ];
    return this.job.renderRequest(this.imageUri, inputs, BoundCheckJob.output('analysis_result', this.outputUri, OUTPUT_DIR), {});
  }

  protected renderExtraKeys(): Record<string, unknown> {
    const keys: Record<string, unknown> = {
      CheckType: this.props.checkType,
      ModelPackageGroupName: this.flags.modelPackageGroupName ?? null,
      SkipCheck: this.flags.skipCheck,
      FailOnViolation: this.flags.failOnViolation,
      RegisterNewBaseline: this.flags.registerNewBaseline,
      SuppliedBaselineConstraints: this.props.suppliedBaselineConstraints ?? null,
    };
    if (this.props.checkType !== ClarifyCheckType.DATA_BIAS) {
      keys.ModelName = this.props.modelConfig!.modelName;
    }
    return keys;
  }
}

function setIf(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined && value !== null) {
    target[key] = value;
  }
}

/** The analysis config is a static file: no pipeline expressions, no CloudFormation values. */
function refuseTokens(scope: Construct, where: string, value: unknown): void {
  if (typeof value === 'string' ? containsTokens(value) : typeof value === 'number' && Token.isUnresolved(value)) {
    throw new Error(`${scope.node.path}: the Clarify analysis config is a file written when the app is synthesized, so its values must be fixed; ${where} received a pipeline expression or CloudFormation value (${String(value)}).`
      + ' Use literal labels, headers, facets, model instance settings and SHAP baseline (only the dataset, the output location, ModelName and the check flags accept expressions).');
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => refuseTokens(scope, `${where}[${i}]`, v));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      refuseTokens(scope, `${where}.${k}`, v);
    }
  }
}
