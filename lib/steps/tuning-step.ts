import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { bindJobStep } from './job-step';
import { JobStepProps, Step } from './step';
import { TrainingJobConfig, TrainingJobOptions } from './training-job-definition';
import { Join } from '../expressions';
import { toStringValue } from '../private/expression';
import { createPropertyTree, TuningJobProperties } from '../properties';

/** How a tuning job chooses hyperparameter values (`Strategy`). */
export enum TuningStrategy {
  /** Bayesian optimization. */
  BAYESIAN = 'Bayesian',
  /** Random search. */
  RANDOM = 'Random',
  /** Hyperband, which stops under-performing jobs using intermediate metrics. */
  HYPERBAND = 'Hyperband',
  /** Every combination of the categorical values. */
  GRID = 'Grid',
}

/** Whether the objective metric is maximized or minimized (`HyperParameterTuningJobObjective.Type`). */
export enum TuningObjectiveType {
  /** Higher is better. */
  MAXIMIZE = 'Maximize',
  /** Lower is better. */
  MINIMIZE = 'Minimize',
}

/** Whether the tuning job stops training jobs early (`TrainingJobEarlyStoppingType`). */
export enum TuningEarlyStopping {
  /** Training jobs run to completion. */
  OFF = 'Off',
  /** SageMaker stops jobs unlikely to beat the best so far. */
  AUTO = 'Auto',
}

/** How a hyperparameter range is searched (`ScalingType`). */
export enum ParameterScaling {
  /** SageMaker chooses. */
  AUTO = 'Auto',
  /** Linear scale. */
  LINEAR = 'Linear',
  /** Logarithmic scale; the range must be above 0. */
  LOGARITHMIC = 'Logarithmic',
  /** Reverse logarithmic scale, for continuous ranges within [0, 1). */
  REVERSE_LOGARITHMIC = 'ReverseLogarithmic',
}

/** How a tuning job reuses earlier tuning jobs (`WarmStartType`). */
export enum WarmStartType {
  /** Same data and algorithm as the parents. */
  IDENTICAL_DATA_AND_ALGORITHM = 'IdenticalDataAndAlgorithm',
  /** Different data, ranges or image than the parents. */
  TRANSFER_LEARNING = 'TransferLearning',
}

/**
 * The metric a tuning job optimizes (`HyperParameterTuningJobObjective`).
 */
export interface TuningObjective {
  /** Maximize or minimize the metric. */
  readonly type: TuningObjectiveType;
  /** Name of the metric (1-255 characters), one of the training job's `metricDefinitions` or a built-in algorithm's metric. */
  readonly metricName: string;
}

/**
 * A warm start from earlier tuning jobs (`WarmStartConfig`).
 */
export interface TuningWarmStart {
  /** How the parents are reused. */
  readonly type: WarmStartType;
  /** Names of 1-5 earlier tuning jobs (`ParentHyperParameterTuningJobs`). */
  readonly parents: string[];
}

/**
 * Options of a numeric hyperparameter range.
 */
export interface NumericParameterOptions {
  /** Lowest value (`MinValue`). A number, or a number parameter. */
  readonly minValue: number;
  /** Highest value (`MaxValue`). A number, or a number parameter. */
  readonly maxValue: number;
  /**
   * How the range is searched (`ScalingType`).
   * @default ParameterScaling.AUTO
   */
  readonly scaling?: ParameterScaling;
}

/** Which list of `ParameterRanges` a range goes in. */
type RangeKind = 'Continuous' | 'Integer' | 'Categorical';

/**
 * A hyperparameter range a tuning job searches (`ParameterRanges`).
 */
export abstract class ParameterRange {
  /** A range of real values (`ContinuousParameterRanges`). */
  public static continuous(name: string, options: NumericParameterOptions): ContinuousParameter {
    return new ContinuousParameter(name, options);
  }
  /** A range of integers (`IntegerParameterRanges`). */
  public static integer(name: string, options: NumericParameterOptions): IntegerParameter {
    return new IntegerParameter(name, options);
  }
  /** A list of values to choose from (`CategoricalParameterRanges`). */
  public static categorical(name: string, values: Array<string | number | boolean>): CategoricalParameter {
    return new CategoricalParameter(name, values);
  }

  /** @internal */
  public abstract readonly _kind: RangeKind;

  protected constructor(
    /** Name of the hyperparameter (1-256 characters). */
    public readonly name: string,
  ) {
    if (typeof name !== 'string' || Token.isUnresolved(name) || name.length < 1 || name.length > 256) {
      throw new Error(`${this.constructor.name}: the hyperparameter name must be 1-256 literal characters; received '${String(name)}'.`);
    }
  }

  /** @internal */
  public abstract _render(): Record<string, unknown>;
}

/**
 * Base of the numeric ranges: `ContinuousParameter` and `IntegerParameter`.
 */
export abstract class NumericParameter extends ParameterRange {
  /** The lower bound as the service takes it (`MinValue`, text). */
  protected readonly minText: string;
  /** The upper bound as the service takes it (`MaxValue`, text). */
  protected readonly maxText: string;
  /** How the tuner searches the range (`ScalingType`). */
  protected readonly scaling: ParameterScaling;

  protected constructor(name: string, options: NumericParameterOptions, integer: boolean) {
    super(name);
    const kind = this.constructor.name;
    const { minValue, maxValue } = options;
    for (const [prop, value] of [['minValue', minValue], ['maxValue', maxValue]] as const) {
      if (typeof value !== 'number') {
        throw new Error(`${kind} '${name}': ${prop} must be a number (or a number parameter); received ${typeof value}.`);
      }
      if (!Token.isUnresolved(value) && (!Number.isFinite(value) || (integer && !Number.isInteger(value)))) {
        throw new Error(`${kind} '${name}': ${prop} must be ${integer ? 'an integer' : 'a finite number'}; received ${value}.`);
      }
    }
    const literal = !Token.isUnresolved(minValue) && !Token.isUnresolved(maxValue);
    if (literal && minValue > maxValue) {
      throw new Error(`${kind} '${name}': minValue must not exceed maxValue; received minValue ${minValue} and maxValue ${maxValue}. Swap them.`);
    }
    this.scaling = options.scaling ?? ParameterScaling.AUTO;
    if (!Object.values(ParameterScaling).includes(this.scaling)) {
      throw new Error(`${kind} '${name}': scaling must be one of ${Object.values(ParameterScaling).join(', ')}; received '${this.scaling}'.`);
    }
    if (this.scaling === ParameterScaling.LOGARITHMIC && !Token.isUnresolved(minValue) && minValue <= 0) {
      throw new Error(`${kind} '${name}': logarithmic scaling needs a range above 0; received minValue ${minValue}. Raise minValue or use ParameterScaling.LINEAR.`);
    }
    if (this.scaling === ParameterScaling.REVERSE_LOGARITHMIC) {
      if (integer) {
        throw new Error(`${kind} '${name}': reverse logarithmic scaling applies only to continuous ranges; received it on an integer range. Use ParameterScaling.LOGARITHMIC or LINEAR.`);
      }
      if ((!Token.isUnresolved(maxValue) && maxValue >= 1) || (!Token.isUnresolved(minValue) && minValue < 0)) {
        throw new Error(`${kind} '${name}': reverse logarithmic scaling needs a range within [0, 1), i.e. 0 <= minValue and maxValue < 1; received minValue ${minValue} and maxValue ${maxValue}.`);
      }
    }
    this.minText = toStringValue(minValue);
    this.maxText = toStringValue(maxValue);
  }

  /** @internal */
  public _render(): Record<string, unknown> {
    return { Name: this.name, MinValue: this.minText, MaxValue: this.maxText, ScalingType: this.scaling };
  }
}

/**
 * A range of real values (`ContinuousParameterRange`); Min and Max are rendered as strings.
 */
export class ContinuousParameter extends NumericParameter {
  /** @internal */
  public readonly _kind: RangeKind = 'Continuous';
  constructor(name: string, options: NumericParameterOptions) {
    super(name, options, false);
  }
}

/**
 * A range of integers (`IntegerParameterRange`); Min and Max are rendered as strings.
 */
export class IntegerParameter extends NumericParameter {
  /** @internal */
  public readonly _kind: RangeKind = 'Integer';
  constructor(name: string, options: NumericParameterOptions) {
    super(name, options, true);
  }
}

/**
 * A list of values to choose from (`CategoricalParameterRange`), 1-30 values rendered as strings.
 */
export class CategoricalParameter extends ParameterRange {
  /** @internal */
  public readonly _kind: RangeKind = 'Categorical';
  private readonly values: string[];

  constructor(name: string, values: Array<string | number | boolean>) {
    super(name);
    if (!Array.isArray(values) || values.length < 1 || values.length > 30) {
      throw new Error(`CategoricalParameter '${name}': give 1-30 values; received ${Array.isArray(values) ? values.length : typeof values}.`);
    }
    this.values = values.map((value) => {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new Error(`CategoricalParameter '${name}': values must be strings, numbers or booleans; received ${value === null ? 'null' : typeof value}.`);
      }
      const text = toStringValue(value);
      if (!Token.isUnresolved(text) && (text.length < 1 || text.length > 256)) {
        throw new Error(`CategoricalParameter '${name}': values must be 1-256 characters; received '${text.slice(0, 40)}' (${text.length} characters).`);
      }
      return text;
    });
    const literal = this.values.filter((v) => !Token.isUnresolved(v));
    const duplicate = literal.find((v, i) => literal.indexOf(v) !== i);
    if (duplicate !== undefined) {
      throw new Error(`CategoricalParameter '${name}': value '${duplicate}' is given twice; values must be unique. List each value once.`);
    }
  }

  /** @internal */
  public _render(): Record<string, unknown> {
    return { Name: this.name, Values: [...this.values] };
  }
}

/**
 * One algorithm of a multi-algorithm tuning job (`TrainingJobDefinitions[]`): a training job
 * definition with its own objective and ranges.
 */
export interface TuningTrainingJobDefinition extends TrainingJobOptions {
  /** Name of the definition (`DefinitionName`), 1-64 letters, digits and hyphens, unique in the step. */
  readonly definitionName: string;
  /**
   * The metric this definition's jobs are ranked by (`TuningObjective`).
   * @default - none; required unless the strategy is Random or Grid
   */
  readonly objective?: TuningObjective;
  /**
   * The hyperparameters to tune for this definition (`HyperParameterRanges`).
   * @default - none
   */
  readonly hyperparameterRanges?: ParameterRange[];
}

/**
 * Props of a {@link TuningStep}. Give either `trainingJob` (with `objective` and
 * `hyperparameterRanges`) or `trainingJobDefinitions`.
 */
export interface TuningStepProps extends JobStepProps {
  /**
   * The training job each trial runs: the same options as a `TrainingStep`; its `hyperparameters`
   * are the static ones (`StaticHyperParameters`).
   * @default - none; then `trainingJobDefinitions` is required
   */
  readonly trainingJob?: TrainingJobOptions;
  /**
   * Several training job definitions, each with its own objective and ranges (1-10; multi-algorithm tuning).
   * @default - none; then `trainingJob` is required
   */
  readonly trainingJobDefinitions?: TuningTrainingJobDefinition[];
  /**
   * How hyperparameter values are chosen (`Strategy`).
   * @default TuningStrategy.BAYESIAN
   */
  readonly strategy?: TuningStrategy;
  /**
   * The metric the trials are ranked by (`HyperParameterTuningJobObjective`). Only with `trainingJob`.
   * @default - none; required unless the strategy is Random or Grid
   */
  readonly objective?: TuningObjective;
  /**
   * The hyperparameters to tune (`ParameterRanges`, at most 30). Only with `trainingJob`.
   * @default - none (all three range lists are emitted empty)
   */
  readonly hyperparameterRanges?: ParameterRange[];
  /**
   * Most training jobs to run in all (`ResourceLimits.MaxNumberOfTrainingJobs`).
   * @default - 1 (as the SageMaker SDK does); not set for the Grid strategy, where the grid decides
   */
  readonly maxNumberOfTrainingJobs?: number;
  /**
   * Most training jobs to run at once (`ResourceLimits.MaxParallelTrainingJobs`), at most `maxNumberOfTrainingJobs`.
   * @default 1
   */
  readonly maxParallelTrainingJobs?: number;
  /**
   * Most time the tuning job runs (`ResourceLimits.MaxRuntimeInSeconds`), 120 seconds to 15,768,000 seconds (182.5 days);
   * `Duration.seconds(param.valueAsNumber)` for an Integer parameter.
   * @default - no limit beyond the training jobs'
   */
  readonly maxRuntime?: Duration;
  /**
   * Stop training jobs early (`TrainingJobEarlyStoppingType`). Must be Off with Hyperband.
   * @default TuningEarlyStopping.OFF
   */
  readonly earlyStopping?: TuningEarlyStopping;
  /**
   * Start from earlier tuning jobs (`WarmStartConfig`).
   * @default - no warm start
   */
  readonly warmStart?: TuningWarmStart;
}

const DEFINITION_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}$/;
const TUNING_JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$/;

interface Definition {
  readonly config: TrainingJobConfig;
  readonly definitionName?: string;
  readonly objective?: TuningObjective;
  readonly ranges: ParameterRange[];
}

/**
 * A step that runs a SageMaker hyperparameter tuning job (`Type: Tuning`, a
 * CreateHyperParameterTuningJob request).
 *
 * Its `properties` join DescribeHyperParameterTuningJob and ListTrainingJobsForHyperParameterTuningJob:
 * `properties.BestTrainingJob.TrainingJobName`, `properties.TrainingJobSummaries[0].TrainingJobName`.
 */
export class TuningStep extends Step {
  /** @inheritdoc */
  public readonly stepType = 'Tuning';
  /** The tuning job's properties, for other steps to read. */
  public readonly properties: TuningJobProperties;
  /** The roles the training jobs run as (one per training job definition, possibly the same). */
  public readonly roles: iam.IRole[];

  private readonly props: TuningStepProps;
  private readonly strategy: TuningStrategy;
  private readonly definitions: Definition[];

  constructor(scope: Construct, id: string, props: TuningStepProps) {
    super(scope, id, props, { retry: 'all', cache: true });
    this._bindJobNamePrefix('HyperParameterTuningJobName', 32, props.jobNamePrefix);
    this.props = props;
    this.properties = createPropertyTree(this, 'Tuning') as TuningJobProperties;
    const where = this.node.path;

    this.strategy = props.strategy ?? TuningStrategy.BAYESIAN;
    if (!Object.values(TuningStrategy).includes(this.strategy)) {
      throw new Error(`${where}: strategy must be one of ${Object.values(TuningStrategy).join(', ')}; received '${this.strategy}'.`);
    }

    // resource limits
    for (const [prop, value] of [['maxNumberOfTrainingJobs', props.maxNumberOfTrainingJobs], ['maxParallelTrainingJobs', props.maxParallelTrainingJobs]] as const) {
      if (value !== undefined && !Token.isUnresolved(value) && (!Number.isSafeInteger(value) || value < 1)) {
        throw new Error(`${where}: ${prop} must be a positive integer; received ${value}.`);
      }
    }
    const maxJobs = this.maxNumberOfTrainingJobs;
    const maxParallel = props.maxParallelTrainingJobs ?? 1;
    if (maxJobs !== undefined && !Token.isUnresolved(maxJobs) && !Token.isUnresolved(maxParallel) && maxParallel > maxJobs) {
      throw new Error(`${where}: maxParallelTrainingJobs (${maxParallel}) exceeds maxNumberOfTrainingJobs (${maxJobs}); lower maxParallelTrainingJobs or raise maxNumberOfTrainingJobs.`);
    }
    if (props.maxRuntime !== undefined) {
      const seconds = props.maxRuntime.toSeconds();
      if (!Token.isUnresolved(seconds) && (seconds < 120 || seconds > 15768000)) {
        throw new Error(`${where}: maxRuntime must be from 120 seconds to 15,768,000 seconds (182.5 days); received ${seconds} seconds.`);
      }
    }

    // early stopping
    const earlyStopping = props.earlyStopping ?? TuningEarlyStopping.OFF;
    if (!Object.values(TuningEarlyStopping).includes(earlyStopping)) {
      throw new Error(`${where}: earlyStopping must be Off or Auto; received '${earlyStopping}'.`);
    }
    if (this.strategy === TuningStrategy.HYPERBAND && earlyStopping !== TuningEarlyStopping.OFF) {
      throw new Error(`${where}: earlyStopping must be Off with the Hyperband strategy, which stops jobs early itself; received '${earlyStopping}'. Remove earlyStopping or choose another strategy.`);
    }

    // warm start
    if (props.warmStart !== undefined) {
      const { type, parents } = props.warmStart;
      if (!Object.values(WarmStartType).includes(type)) {
        throw new Error(`${where}: warmStart.type must be one of ${Object.values(WarmStartType).join(', ')}; received '${type}'.`);
      }
      if (!Array.isArray(parents) || parents.length < 1 || parents.length > 5) {
        throw new Error(`${where}: warmStart.parents takes 1-5 tuning job names; received ${Array.isArray(parents) ? parents.length : typeof parents}.`);
      }
      for (const parent of parents) {
        if (typeof parent !== 'string' || (!Token.isUnresolved(parent) && !TUNING_JOB_NAME.test(parent))) {
          throw new Error(`${where}: warmStart.parents must be tuning job names (1-32 letters and digits, hyphens between them); received '${String(parent)}'.`);
        }
      }
    }

    // training job definitions
    if ((props.trainingJob === undefined) === (props.trainingJobDefinitions === undefined)) {
      throw new Error(`${where}: give exactly one of trainingJob and trainingJobDefinitions; received ${props.trainingJob === undefined ? 'neither' : 'both'}. Use trainingJob for one algorithm, trainingJobDefinitions for several.`);
    }
    if (props.trainingJob !== undefined) {
      const role = bindJobStep(this.pipeline, 'hyper-parameter-tuning-job', props.trainingJob.role);
      this.definitions = [{
        config: new TrainingJobConfig(this, props.trainingJob, role, '', 'trainingJob.'),
        objective: props.objective,
        ranges: props.hyperparameterRanges ?? [],
      }];
    } else {
      if (props.objective !== undefined || props.hyperparameterRanges !== undefined) {
        throw new Error(`${where}: with trainingJobDefinitions, give the objective and hyperparameterRanges in each definition; received ${props.objective !== undefined ? 'objective' : 'hyperparameterRanges'} on the step.`);
      }
      const list = props.trainingJobDefinitions!;
      if (list.length < 1 || list.length > 10) {
        throw new Error(`${where}: trainingJobDefinitions takes 1-10 definitions; received ${list.length}.`);
      }
      const names = new Set<string>();
      this.definitions = list.map((definition, i) => {
        const name = definition.definitionName;
        if (typeof name !== 'string' || Token.isUnresolved(name) || !DEFINITION_NAME.test(name)) {
          throw new Error(`${where}: trainingJobDefinitions[${i}].definitionName must be 1-64 letters and digits, with hyphens between them; received '${String(name)}'.`);
        }
        if (names.has(name)) {
          throw new Error(`${where}: definitionName '${name}' is used twice; definition names must be unique.`);
        }
        names.add(name);
        const role = bindJobStep(this.pipeline, 'hyper-parameter-tuning-job', definition.role);
        return {
          config: new TrainingJobConfig(this, definition, role, name, `trainingJobDefinitions[${i}].`),
          definitionName: name,
          objective: definition.objective,
          ranges: definition.hyperparameterRanges ?? [],
        };
      });
    }
    this.roles = [...new Set(this.definitions.map((d) => d.config.role))];

    for (const definition of this.definitions) {
      this.validateDefinition(definition, earlyStopping);
    }
  }

  /**
   * The S3 URI of the model of the `topK`-th best training job (0 is the best, at most 49), as the
   * SageMaker SDK's `get_top_model_s3_uri` builds it:
   * `s3://<bucket>/<prefix>/<training job name>/output/model.tar.gz`, a `Std:Join` on `/`.
   *
   * @param topK rank of the training job, 0-49
   * @param bucket the bucket of the training jobs' `outputPath` (a name, or `bucket.bucketName`)
   * @param prefix the key prefix of the `outputPath` within the bucket, without surrounding slashes
   */
  public topModelS3Uri(topK: number, bucket: string, prefix: string = ''): string {
    if (!Number.isInteger(topK) || topK < 0 || topK > 49) {
      throw new Error(`${this.node.path}: topModelS3Uri topK must be an integer from 0 to 49 (the service lists the 50 best training jobs); received ${topK}.`);
    }
    if (typeof bucket !== 'string' || bucket.length === 0) {
      throw new Error(`${this.node.path}: topModelS3Uri needs the bucket of the training output; received '${String(bucket)}'.`);
    }
    if (!Token.isUnresolved(prefix) && (prefix.startsWith('/') || prefix.endsWith('/'))) {
      throw new Error(`${this.node.path}: topModelS3Uri prefix is joined with '/'; received '${prefix}'. Remove the leading and trailing slashes.`);
    }
    return Join.of([
      's3:/',
      bucket,
      ...(prefix !== '' ? [prefix] : []),
      this.properties.TrainingJobSummaries[topK].TrainingJobName,
      'output/model.tar.gz',
    ], '/');
  }

  protected renderArguments(): Record<string, unknown> {
    const props = this.props;
    const single = props.trainingJob !== undefined;
    const config: Record<string, unknown> = {
      Strategy: this.strategy,
      ResourceLimits: {
        ...(this.maxNumberOfTrainingJobs !== undefined ? { MaxNumberOfTrainingJobs: this.maxNumberOfTrainingJobs } : {}),
        MaxParallelTrainingJobs: props.maxParallelTrainingJobs ?? 1,
        ...(props.maxRuntime !== undefined ? { MaxRuntimeInSeconds: props.maxRuntime.toSeconds() } : {}),
      },
      TrainingJobEarlyStoppingType: props.earlyStopping ?? TuningEarlyStopping.OFF,
    };
    if (single) {
      const definition = this.definitions[0];
      if (definition.objective !== undefined) {
        config.HyperParameterTuningJobObjective = renderObjective(definition.objective);
      }
      config.ParameterRanges = renderRanges(definition.ranges);
    }
    const args: Record<string, unknown> = { HyperParameterTuningJobConfig: config };
    if (single) {
      args.TrainingJobDefinition = this.renderDefinition(this.definitions[0]);
    } else {
      args.TrainingJobDefinitions = this.definitions.map((d) => this.renderDefinition(d));
    }
    if (props.warmStart !== undefined) {
      args.WarmStartConfig = {
        ParentHyperParameterTuningJobs: props.warmStart.parents.map((name) => ({ HyperParameterTuningJobName: name })),
        WarmStartType: props.warmStart.type,
      };
    }
    return args;
  }

  private get maxNumberOfTrainingJobs(): number | undefined {
    return this.props.maxNumberOfTrainingJobs ?? (this.strategy === TuningStrategy.GRID ? undefined : 1);
  }

  private validateDefinition(definition: Definition, earlyStopping: TuningEarlyStopping): void {
    const where = this.node.path;
    const { config, objective, ranges } = definition;
    const p = definition.definitionName !== undefined ? `definition '${definition.definitionName}': ` : '';

    if (objective === undefined) {
      if (this.strategy === TuningStrategy.BAYESIAN || this.strategy === TuningStrategy.HYPERBAND || earlyStopping === TuningEarlyStopping.AUTO) {
        throw new Error(`${where}: ${p}an objective is required with the ${this.strategy} strategy${earlyStopping === TuningEarlyStopping.AUTO ? ' and early stopping' : ''}; received none. Set objective: { type: TuningObjectiveType.MINIMIZE, metricName: 'validation:rmse' }.`);
      }
    } else {
      if (!Object.values(TuningObjectiveType).includes(objective.type)) {
        throw new Error(`${where}: ${p}objective.type must be Maximize or Minimize; received '${objective.type}'.`);
      }
      const metric = objective.metricName;
      if (typeof metric !== 'string' || Token.isUnresolved(metric) || metric.length < 1 || metric.length > 255) {
        throw new Error(`${where}: ${p}objective.metricName must be 1-255 literal characters; received '${String(metric)}'.`);
      }
      const known = config.metricNames;
      if (known.length > 0 && !known.includes(metric)) {
        throw new Error(`${where}: ${p}objective metric '${metric}' is not among the training job's metricDefinitions (${known.join(', ')}); add a definition for it or name one of them.`);
      }
      if (known.length === 0) {
        Annotations.of(this).addWarningV2('cdk-sagemaker-pipelines:tuningObjectiveUndefinedMetric',
          `${p}objective metric '${metric}' has no metricDefinitions entry; the tuning job fails unless the algorithm publishes it (built-in algorithms publish their own metrics). Add metricDefinitions: [{ name: '${metric}', regex: '...' }] for a custom container.`);
      }
    }

    if (!Array.isArray(ranges)) {
      throw new Error(`${where}: ${p}hyperparameterRanges must be a list of ParameterRange; received ${typeof ranges}.`);
    }
    if (ranges.length > 30) {
      throw new Error(`${where}: ${p}${ranges.length} hyperparameter ranges given; a tuning job searches at most 30.`);
    }
    const seen = new Set<string>();
    const statics = new Set(config.hyperparameterNames);
    for (const range of ranges) {
      if (!(range instanceof ParameterRange)) {
        throw new Error(`${where}: ${p}hyperparameterRanges must be ContinuousParameter, IntegerParameter or CategoricalParameter objects; received ${JSON.stringify(range)}.`);
      }
      if (seen.has(range.name)) {
        throw new Error(`${where}: ${p}hyperparameter '${range.name}' has two ranges; give one range per hyperparameter.`);
      }
      seen.add(range.name);
      if (statics.has(range.name)) {
        throw new Error(`${where}: ${p}hyperparameter '${range.name}' is both tuned and static; remove it from the training job's hyperparameters.`);
      }
      if (this.strategy === TuningStrategy.GRID && range._kind !== 'Categorical') {
        throw new Error(`${where}: ${p}the Grid strategy searches only categorical ranges; received ${range._kind.toLowerCase()} range '${range.name}'. Use CategoricalParameter with the values to try, or another strategy.`);
      }
    }
    if (this.strategy === TuningStrategy.GRID && ranges.length === 0) {
      throw new Error(`${where}: ${p}the Grid strategy needs at least one CategoricalParameter range; received none.`);
    }
  }

  private renderDefinition(definition: Definition): Record<string, unknown> {
    const { config } = definition;
    const out: Record<string, unknown> = {};
    if (definition.definitionName !== undefined) {
      out.DefinitionName = definition.definitionName;
      if (definition.objective !== undefined) {
        out.TuningObjective = renderObjective(definition.objective);
      }
      out.HyperParameterRanges = renderRanges(definition.ranges);
    }
    out.StaticHyperParameters = config.renderHyperparameters() ?? {};
    out.RoleArn = config.role.roleArn;
    out.OutputDataConfig = config.renderOutputDataConfig();
    out.ResourceConfig = config.renderResourceConfig();
    out.StoppingCondition = config.renderStoppingCondition();
    out.AlgorithmSpecification = config.renderAlgorithmSpecification();
    const inputs = config.renderInputDataConfig();
    if (inputs) {
      out.InputDataConfig = inputs;
    }
    const environment = config.renderEnvironment();
    if (environment) {
      out.Environment = environment;
    }
    Object.assign(out, config.renderOptionalKeys());
    return out;
  }
}

function renderObjective(objective: TuningObjective): Record<string, unknown> {
  return { Type: objective.type, MetricName: objective.metricName };
}

function renderRanges(ranges: ParameterRange[]): Record<string, unknown> {
  const of = (kind: RangeKind) => ranges.filter((r) => r._kind === kind).map((r) => r._render());
  return {
    ContinuousParameterRanges: of('Continuous'),
    CategoricalParameterRanges: of('Categorical'),
    IntegerParameterRanges: of('Integer'),
  };
}
