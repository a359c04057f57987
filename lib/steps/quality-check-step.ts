import * as fs from 'fs';
import * as path from 'path';
import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { requireLiteral } from './job-step';
import { Step } from './step';
import { bindLocation, BoundCheckJob, CheckFlags, CheckStepProps, checkSuppliedBaseline, pythonJson } from '../check-job-config';
import { ContainerImage } from '../container-image';
import { S3Access, S3Location } from '../inputs';
import { toStringValue } from '../private/expression';
import { grantS3Uri } from '../private/s3-grants';
import { createFixedPropertyTree } from '../properties';

const INPUT_DIR = '/opt/ml/processing/input';
const OUTPUT_DIR = '/opt/ml/processing/output';
const BASELINE_DATASET_INPUT = 'baseline_dataset_input';
const POST_ANALYTICS_INPUT = 'post_analytics_processor_script_input';
const RECORD_PREPROCESSOR_INPUT = 'record_preprocessor_script_input';
const OUTPUT_NAME = 'quality_check_output';

/** Environment variables that a quality check step sets itself (Model Monitor's analyzer contract). */
const RESERVED_ENVIRONMENT = [
  'output_path', 'publish_cloudwatch_metrics', 'dataset_format', 'record_preprocessor_script', 'post_analytics_processor_script',
  'dataset_source', 'analysis_type', 'problem_type', 'inference_attribute', 'probability_attribute', 'ground_truth_attribute',
  'probability_threshold_attribute',
];

/** What a {@link QualityCheckStep} checks (`CheckType`). */
export enum QualityCheckType {
  /** Statistics and constraints of a dataset's features (Model Monitor data quality). */
  DATA_QUALITY = 'DATA_QUALITY',
  /** Metrics of a model's predictions against ground truth (Model Monitor model quality). */
  MODEL_QUALITY = 'MODEL_QUALITY',
}

/** The machine-learning problem of a model quality check (`problem_type`). */
export enum ModelQualityProblemType {
  /** Two classes. */
  BINARY_CLASSIFICATION = 'BinaryClassification',
  /** More than two classes. */
  MULTICLASS_CLASSIFICATION = 'MulticlassClassification',
  /** A numeric target. */
  REGRESSION = 'Regression',
}

/** Options of {@link DatasetFormat.csv}. */
export interface CsvDatasetFormatOptions {
  /**
   * Whether the files have a header row.
   * @default true
   */
  readonly header?: boolean;
  /**
   * Where the model's output columns are (`output_columns_position`): `START` or `END`.
   * @default 'START'
   */
  readonly outputColumnsPosition?: 'START' | 'END';
}

/** Options of {@link DatasetFormat.json}. */
export interface JsonDatasetFormatOptions {
  /**
   * Whether each line is one JSON record (JSON Lines).
   * @default true
   */
  readonly lines?: boolean;
}

/**
 * The format of a quality check's baseline dataset (the `dataset_format` environment variable of
 * the Model Monitor analyzer), as the SageMaker SDK's `DatasetFormat` writes it.
 */
export class DatasetFormat {
  /** CSV files: `{"csv": {"header": true, "output_columns_position": "START"}}`. */
  public static csv(options: CsvDatasetFormatOptions = {}): DatasetFormat {
    const position = options.outputColumnsPosition ?? 'START';
    if (position !== 'START' && position !== 'END') {
      throw new Error(`DatasetFormat.csv: outputColumnsPosition must be 'START' or 'END'; received '${String(position)}'.`);
    }
    return new DatasetFormat({ csv: { header: options.header ?? true, output_columns_position: position } });
  }

  /** JSON files: `{"json": {"lines": true}}`. */
  public static json(options: JsonDatasetFormatOptions = {}): DatasetFormat {
    return new DatasetFormat({ json: { lines: options.lines ?? true } });
  }

  /** Parquet files: `{"parquet": {}}`. */
  public static parquet(): DatasetFormat {
    return new DatasetFormat({ parquet: {} });
  }

  private constructor(private readonly format: Record<string, Record<string, unknown>>) {}

  /** The JSON text of the format, spaced as Python's `json.dumps` writes it. */
  public toJsonText(): string {
    return pythonJson(this.format);
  }
}

/**
 * Props of a {@link QualityCheckStep}.
 */
export interface QualityCheckStepProps extends CheckStepProps {
  /** Data quality or model quality. */
  readonly checkType: QualityCheckType;
  /**
   * The dataset to calculate the baseline from (input `baseline_dataset_input`): an `s3://` URI, a
   * parameter, a step property (for example a transform step's output), or an {@link S3Location}.
   * The job role may read it when its bucket is known at synth.
   */
  readonly baselineDataset: string | S3Location;
  /** Format of the baseline dataset. */
  readonly datasetFormat: DatasetFormat;
  /**
   * Where the job writes the statistics and constraints (output `quality_check_output`).
   * @default - unique per execution: `s3://<pipeline artifact bucket>/<pipeline name>/<execution id>/<step name>/quality-check`
   */
  readonly outputS3Uri?: string | S3Location;
  /**
   * A script run on the analysis results (`post_analytics_processor_script`): a local file (a
   * content-hashed asset) or an `s3://` URI; not an expression.
   * @default - none
   */
  readonly postAnalyticsProcessorScript?: string;
  /**
   * A script that transforms each record before analysis (`record_preprocessor_script`), data
   * quality only: a local file (a content-hashed asset) or an `s3://` URI; not an expression.
   * @default - none
   */
  readonly recordPreprocessorScript?: string;
  /**
   * The problem type of the model (`problem_type`); required for model quality, see
   * {@link ModelQualityProblemType}. Accepts a String parameter.
   * @default - none (required for MODEL_QUALITY)
   */
  readonly problemType?: string;
  /**
   * Index or JSONPath of the predicted label in the dataset (`inference_attribute`), model quality
   * only: a JSONPath, or a column index as a number (rendered as its text, `0` -> `"0"`). Accepts a
   * parameter.
   * @default - none
   */
  readonly inferenceAttribute?: string | number;
  /**
   * Index or JSONPath of the probability in the dataset (`probability_attribute`), model quality
   * only: a JSONPath, or a column index as a number (rendered as its text). Accepts a parameter.
   * @default - none
   */
  readonly probabilityAttribute?: string | number;
  /**
   * Index or JSONPath of the ground-truth label (`ground_truth_attribute`), model quality only.
   * A JSONPath, or a column index as a number (rendered as its text). Accepts a parameter.
   * @default - none
   */
  readonly groundTruthAttribute?: string | number;
  /**
   * Threshold that turns probabilities into labels (`probability_threshold_attribute`), model
   * quality only. Accepts a parameter.
   * @default - none
   */
  readonly probabilityThresholdAttribute?: string | number;
  /**
   * S3 URI of the statistics file to check against (`SuppliedBaselineStatistics`). When its bucket
   * is known at synth, the job role may read it.
   * @default - none (the baseline of `modelPackageGroupName`, if any)
   */
  readonly suppliedBaselineStatistics?: string;
}

/**
 * The properties of a quality check step: S3 URIs of baseline files, each a string token that
 * renders `{"Get": "Steps.<step>.<name>"}`.
 */
export interface QualityCheckProperties {
  /** The constraints the step calculated. */
  readonly CalculatedBaselineConstraints: string;
  /** The statistics the step calculated. */
  readonly CalculatedBaselineStatistics: string;
  /** The statistics the drift check used (supplied, from the model package group, or new). */
  readonly BaselineUsedForDriftCheckStatistics: string;
  /** The constraints the drift check used (supplied, from the model package group, or new). */
  readonly BaselineUsedForDriftCheckConstraints: string;
}

/**
 * A step that calculates a data or model quality baseline with the SageMaker Model Monitor
 * analyzer and checks it for drift against a previous one (`Type: QualityCheck`). Accepts caching,
 * not retries.
 */
export class QualityCheckStep extends Step {
  /** @inheritdoc */
  public readonly stepType = 'QualityCheck';
  /** The baseline files, for other steps (a model registration's drift-check baselines). */
  public readonly properties: QualityCheckProperties;
  /** The role the check job runs as. */
  public readonly role: iam.IRole;

  private readonly props: QualityCheckStepProps;
  private readonly job: BoundCheckJob;
  private readonly flags: CheckFlags;
  private readonly imageUri: string;
  private readonly inputs: Array<Record<string, unknown>> = [];
  private readonly outputUri: string;
  private readonly scriptPaths: { record?: string; postAnalytics?: string } = {};

  constructor(scope: Construct, id: string, props: QualityCheckStepProps) {
    super(scope, id, props, { retry: 'none', cache: true });
    this._bindJobNamePrefix('ProcessingJobName', 63, props.jobNamePrefix);
    this.props = props;
    this.properties = createFixedPropertyTree(this, {
      CalculatedBaselineConstraints: 'String',
      CalculatedBaselineStatistics: 'String',
      BaselineUsedForDriftCheckStatistics: 'String',
      BaselineUsedForDriftCheckConstraints: 'String',
    }, 'QualityCheck step properties') as unknown as QualityCheckProperties;

    const types = Object.values(QualityCheckType) as string[];
    if (!types.includes(props.checkType)) {
      throw new Error(`${this.node.path}: checkType must be QualityCheckType.DATA_QUALITY or QualityCheckType.MODEL_QUALITY; received '${String(props.checkType)}'.`);
    }
    if (!(props.datasetFormat instanceof DatasetFormat)) {
      throw new Error(`${this.node.path}: datasetFormat must be DatasetFormat.csv(), .json() or .parquet(); received ${String(props.datasetFormat)}.`);
    }
    this.checkModelQualityProps();

    this.job = new BoundCheckJob(this, props.checkJobConfig, RESERVED_ENVIRONMENT);
    this.role = this.job.role;
    this.flags = new CheckFlags(this, props, this.role);
    checkSuppliedBaseline(this, 'suppliedBaselineStatistics', props.suppliedBaselineStatistics, this.role);
    this.imageUri = ContainerImage.modelMonitor().bind(this, this.role).imageUri;

    const dataset = bindLocation(this, 'baselineDataset', props.baselineDataset, S3Access.READ);
    this.inputs.push(BoundCheckJob.input(BASELINE_DATASET_INPUT, dataset, `${INPUT_DIR}/${BASELINE_DATASET_INPUT}`));
    if (props.postAnalyticsProcessorScript !== undefined) {
      this.scriptPaths.postAnalytics = this.bindScript('postAnalyticsProcessorScript', 'PostAnalyticsProcessorScript', props.postAnalyticsProcessorScript, POST_ANALYTICS_INPUT);
    }
    if (props.recordPreprocessorScript !== undefined) {
      this.scriptPaths.record = this.bindScript('recordPreprocessorScript', 'RecordPreprocessorScript', props.recordPreprocessorScript, RECORD_PREPROCESSOR_INPUT);
    }
    this.outputUri = props.outputS3Uri === undefined
      ? this.pipeline.defaultOutputUri(this.stepName, ['quality-check'], this.role)
      : bindLocation(this, 'outputS3Uri', props.outputS3Uri, S3Access.WRITE);
  }

  /** The network connections of the job's security groups (none when the job runs outside a VPC). */
  public get connections(): ec2.Connections {
    return this.job.connections;
  }

  private checkModelQualityProps(): void {
    const props = this.props;
    const modelOnly: Array<[string, unknown]> = [
      ['problemType', props.problemType], ['inferenceAttribute', props.inferenceAttribute], ['probabilityAttribute', props.probabilityAttribute],
      ['groundTruthAttribute', props.groundTruthAttribute], ['probabilityThresholdAttribute', props.probabilityThresholdAttribute],
    ];
    if (props.checkType === QualityCheckType.DATA_QUALITY) {
      const given = modelOnly.filter(([, v]) => v !== undefined).map(([k]) => k);
      if (given.length > 0) {
        throw new Error(`${this.node.path}: ${given.join(', ')} apply only to QualityCheckType.MODEL_QUALITY; received them with DATA_QUALITY. Remove them or check model quality.`);
      }
      return;
    }
    if (props.recordPreprocessorScript !== undefined) {
      throw new Error(`${this.node.path}: recordPreprocessorScript applies only to QualityCheckType.DATA_QUALITY; received it with MODEL_QUALITY. Remove it.`);
    }
    const problemType = props.problemType;
    if (problemType === undefined) {
      throw new Error(`${this.node.path}: a MODEL_QUALITY check needs problemType (ModelQualityProblemType.BINARY_CLASSIFICATION, MULTICLASS_CLASSIFICATION or REGRESSION, or a String parameter); received none.`);
    }
    const problemTypes = Object.values(ModelQualityProblemType) as string[];
    if (!Token.isUnresolved(problemType) && !problemTypes.includes(problemType)) {
      throw new Error(`${this.node.path}: problemType must be one of ${problemTypes.join(', ')}; received '${problemType}'. Use ModelQualityProblemType.`);
    }
    for (const [key, value] of modelOnly.slice(1)) {
      if (value !== undefined && typeof value !== 'string' && typeof value !== 'number') {
        throw new Error(`${this.node.path}: ${key} must be a string (an index or JSONPath) or a parameter; received ${typeof value}.`);
      }
      if (key !== 'probabilityThresholdAttribute' && typeof value === 'number' && !Token.isUnresolved(value) && !(Number.isInteger(value) && value >= 0)) {
        throw new Error(`${this.node.path}: ${key} as a number is a column index, a whole number from 0; received ${value}. Pass e.g. 0 for the first column, or a JSONPath string.`);
      }
    }
  }

  /** A script: a local file as an asset, or an `s3://` URI. Returns its path in the container. */
  private bindScript(prop: string, id: string, script: string, inputName: string): string {
    requireLiteral(this, prop, script);
    const localDir = `${INPUT_DIR}/${inputName}`;
    let s3Uri: string;
    let fileName: string;
    if (Token.isUnresolved(script)) {
      throw new Error(`${this.node.path}: ${prop} must be a local file or a literal s3:// URI; received a token.`);
    }
    if (script.startsWith('s3://')) {
      fileName = script.split('/').pop() ?? '';
      if (fileName.length === 0) {
        throw new Error(`${this.node.path}: ${prop} must name a file; '${script}' ends with '/'.`);
      }
      grantS3Uri(this.role, Stack.of(this), script, 'read');
      s3Uri = script;
    } else {
      const file = path.resolve(script);
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
        throw new Error(`${this.node.path}: ${prop} must be a local script file or an s3:// URI; '${script}' (resolved to ${file}) is not a file.`);
      }
      const asset = new s3assets.Asset(this, id, { path: file });
      asset.grantRead(this.role);
      s3Uri = asset.s3ObjectUrl;
      fileName = `${asset.assetHash}${path.extname(file)}`;
    }
    this.inputs.push(BoundCheckJob.input(inputName, s3Uri, localDir));
    return `${localDir}/${fileName}`;
  }

  protected renderArguments(): Record<string, unknown> {
    const props = this.props;
    const env: Record<string, unknown> = {
      output_path: OUTPUT_DIR,
      publish_cloudwatch_metrics: 'Disabled',
      dataset_format: props.datasetFormat.toJsonText(),
    };
    if (this.scriptPaths.record !== undefined) {
      env.record_preprocessor_script = this.scriptPaths.record;
    }
    if (this.scriptPaths.postAnalytics !== undefined) {
      env.post_analytics_processor_script = this.scriptPaths.postAnalytics;
    }
    env.dataset_source = `${INPUT_DIR}/${BASELINE_DATASET_INPUT}`;
    if (props.checkType === QualityCheckType.MODEL_QUALITY) {
      env.analysis_type = 'MODEL_QUALITY';
      env.problem_type = props.problemType;
      const attributes: Array<[string, string | number | undefined]> = [
        ['inference_attribute', props.inferenceAttribute],
        ['probability_attribute', props.probabilityAttribute],
        ['ground_truth_attribute', props.groundTruthAttribute],
        ['probability_threshold_attribute', props.probabilityThresholdAttribute],
      ];
      for (const [key, value] of attributes) {
        if (value !== undefined) {
          env[key] = toStringValue(value);
        }
      }
    }
    const inputs = [...this.inputs];
    return this.job.renderRequest(this.imageUri, inputs, BoundCheckJob.output(OUTPUT_NAME, this.outputUri, OUTPUT_DIR), env);
  }

  protected renderExtraKeys(): Record<string, unknown> {
    return {
      CheckType: this.props.checkType,
      ModelPackageGroupName: this.flags.modelPackageGroupName ?? null,
      SkipCheck: this.flags.skipCheck,
      FailOnViolation: this.flags.failOnViolation,
      RegisterNewBaseline: this.flags.registerNewBaseline,
      SuppliedBaselineStatistics: this.props.suppliedBaselineStatistics ?? null,
      SuppliedBaselineConstraints: this.props.suppliedBaselineConstraints ?? null,
    };
  }
}
