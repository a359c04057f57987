import * as crypto from 'crypto';
import type { StepSimulationInputs } from './options';
import { isObject } from '../validator/context';

type Json = Record<string, unknown>;

/** What deriving a step's properties needs to know about the execution. */
export interface PropertyContext {
  /** `Execution.PipelineExecutionId`. */
  readonly executionId: string;
  /** Region of generated ARNs. */
  readonly region: string;
  /** Account of generated ARNs. */
  readonly account: string;
}

/** A step about to run: its name, type, resolved arguments and resolved type-specific keys. */
export interface ResolvedStep {
  /** Step name. */
  readonly name: string;
  /** Step `Type`. */
  readonly type: string;
  /** The step's `Arguments` with every expression resolved. */
  readonly arguments: Json;
  /** The step's other keys (PropertyFiles, OutputParameters, check-step keys), expressions resolved. */
  readonly envelope: Json;
}

/**
 * The name the service gives a job or model it starts for a pipeline step: `pipelines-<execution
 * id>-<step name>-<suffix>` within the service's length limit. The service's suffix is random; here
 * it is a hash of the execution id and step name, so that runs are repeatable.
 */
export function generatedName(context: PropertyContext, stepName: string, maxLength = 63): string {
  const suffix = hash(`${context.executionId}/${stepName}`, 10);
  const prefix = `pipelines-${context.executionId}-`;
  const room = Math.max(0, maxLength - prefix.length - suffix.length - 1);
  const name = `${prefix}${stepName.slice(0, room)}-${suffix}`;
  return name.length <= maxLength ? name : `${prefix.slice(0, maxLength - suffix.length - 1)}-${suffix}`.slice(0, maxLength);
}

function hash(text: string, length: number): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, length);
}

function arn(context: PropertyContext, resource: string): string {
  return `arn:aws:sagemaker:${context.region}:${context.account}:${resource}`;
}

function trimSlash(uri: unknown): string {
  return typeof uri === 'string' ? uri.replace(/\/+$/, '') : String(uri);
}

/**
 * A step's properties as the service would report them (its `Describe*` response, or the type's
 * own properties), derived from its resolved arguments and the simulation's inputs, then overridden
 * by `inputs.properties`.
 */
export function deriveProperties(step: ResolvedStep, context: PropertyContext, inputs: StepSimulationInputs = {}): Json {
  const derived = deriveByType(step, context, inputs);
  if (inputs.properties === undefined) {
    return derived;
  }
  const merged = merge(derived, inputs.properties) as Json;
  // A registered version other than 1: the ARN follows it unless given too.
  if (step.type === 'RegisterModel' && inputs.properties.ModelPackageVersion !== undefined && inputs.properties.ModelPackageArn === undefined
    && typeof merged.ModelPackageGroupName === 'string') {
    merged.ModelPackageArn = arn(context, `model-package/${merged.ModelPackageGroupName}/${String(merged.ModelPackageVersion)}`);
  }
  return merged;
}

function deriveByType(step: ResolvedStep, context: PropertyContext, inputs: StepSimulationInputs): Json {
  const args = step.arguments;
  const metrics = inputs.metrics ?? {};
  switch (step.type) {
    case 'Processing': {
      const name = generatedName(context, step.name);
      return { ...args, ProcessingJobName: name, ProcessingJobArn: arn(context, `processing-job/${name.toLowerCase()}`), ProcessingJobStatus: 'Completed' };
    }
    case 'Training': {
      const name = generatedName(context, step.name);
      const output = isObject(args.OutputDataConfig) ? args.OutputDataConfig.S3OutputPath : undefined;
      return {
        ...args,
        TrainingJobName: name,
        TrainingJobArn: arn(context, `training-job/${name.toLowerCase()}`),
        TrainingJobStatus: 'Completed',
        SecondaryStatus: 'Completed',
        ...(output !== undefined ? { ModelArtifacts: { S3ModelArtifacts: `${trimSlash(output)}/${name}/output/model.tar.gz` } } : {}),
        FinalMetricDataList: Object.entries(metrics).map(([MetricName, Value]) => ({ MetricName, Value })),
      };
    }
    case 'Tuning':
      return tuningProperties(step, context, metrics);
    case 'Transform': {
      const name = generatedName(context, step.name);
      return { ...args, TransformJobName: name, TransformJobArn: arn(context, `transform-job/${name.toLowerCase()}`), TransformJobStatus: 'Completed' };
    }
    case 'Model': {
      const name = generatedName(context, step.name);
      return { ...args, ModelName: name, ModelArn: arn(context, `model/${name.toLowerCase()}`) };
    }
    case 'RegisterModel': {
      const group = typeof args.ModelPackageGroupName === 'string' ? args.ModelPackageGroupName.replace(/^arn:.*:model-package-group\//, '') : undefined;
      const version = 1;
      return {
        ...args,
        ModelApprovalStatus: args.ModelApprovalStatus ?? 'PendingManualApproval',
        ...(group !== undefined ? {
          ModelPackageGroupName: group,
          ModelPackageName: group,
          ModelPackageVersion: version,
          ModelPackageArn: arn(context, `model-package/${group}/${version}`),
        } : {
          ModelPackageArn: arn(context, `model-package/${String(args.ModelPackageName ?? step.name).toLowerCase()}`),
        }),
        ModelPackageStatus: 'Completed',
      };
    }
    case 'AutoML':
      return autoMLProperties(step, context, metrics);
    case 'EMR': {
      const jar = isObject(args.StepConfig) && isObject(args.StepConfig.HadoopJarStep) ? args.StepConfig.HadoopJarStep : {};
      const properties = Array.isArray(jar.Properties)
        ? Object.fromEntries(jar.Properties.filter(isObject).map((p) => [String(p.Key), p.Value]))
        : undefined;
      return {
        Id: `s-${hash(`${context.executionId}/${step.name}`, 13).toUpperCase()}`,
        Name: step.name,
        Config: {
          Jar: jar.Jar,
          ...(properties !== undefined ? { Properties: properties } : {}),
          ...(jar.MainClass !== undefined ? { MainClass: jar.MainClass } : {}),
          Args: jar.Args ?? [],
        },
        ActionOnFailure: 'CONTINUE',
        Status: { State: 'COMPLETED' },
        ...(args.ExecutionRoleArn !== undefined ? { ExecutionRoleArn: args.ExecutionRoleArn } : {}),
      };
    }
    case 'QualityCheck':
    case 'ClarifyCheck':
      return checkProperties(step);
    case 'Lambda':
    case 'Callback':
      return { OutputParameters: { ...(inputs.outputParameters ?? {}) } };
    default:
      return {};
  }
}

function tuningProperties(step: ResolvedStep, context: PropertyContext, metrics: Record<string, number>): Json {
  const args = step.arguments;
  const config = isObject(args.HyperParameterTuningJobConfig) ? args.HyperParameterTuningJobConfig : {};
  const objective = isObject(config.HyperParameterTuningJobObjective) ? config.HyperParameterTuningJobObjective : {};
  const limits = isObject(config.ResourceLimits) ? config.ResourceLimits : {};
  const max = typeof limits.MaxNumberOfTrainingJobs === 'number' ? limits.MaxNumberOfTrainingJobs : 1;
  // The service keeps up to 50 summaries; the best comes first (what get_top_model_s3_uri assumes).
  const count = Math.max(1, Math.min(50, Math.floor(max)));
  const name = `pipelines-${context.executionId}-${hash(`${context.executionId}/${step.name}`, 8)}`.slice(0, 32);
  const metricName = typeof objective.MetricName === 'string' ? objective.MetricName : undefined;
  const value = metricName !== undefined && metrics[metricName] !== undefined ? metrics[metricName] : Object.values(metrics)[0];
  const summaries = Array.from({ length: count }, (_, i) => {
    const jobName = `${name}-${String(i + 1).padStart(3, '0')}-${hash(`${name}/${i}`, 8)}`;
    return {
      TrainingJobName: jobName,
      TrainingJobArn: arn(context, `training-job/${jobName.toLowerCase()}`),
      TrainingJobStatus: 'Completed',
      ...(i === 0 && value !== undefined && metricName !== undefined
        ? { FinalHyperParameterTuningJobObjectiveMetric: { MetricName: metricName, Value: value } } : {}),
    };
  });
  return {
    ...args,
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobArn: arn(context, `hyper-parameter-tuning-job/${name.toLowerCase()}`),
    HyperParameterTuningJobStatus: 'Completed',
    TrainingJobStatusCounters: { Completed: count, InProgress: 0, RetryableError: 0, NonRetryableError: 0, Stopped: 0 },
    ObjectiveStatusCounters: { Succeeded: count, Pending: 0, Failed: 0 },
    BestTrainingJob: summaries[0],
    TrainingJobSummaries: summaries,
  };
}

function autoMLProperties(step: ResolvedStep, context: PropertyContext, metrics: Record<string, number>): Json {
  const args = step.arguments;
  const name = `pipelines-${context.executionId}-${hash(`${context.executionId}/${step.name}`, 8)}`.slice(0, 32);
  const objective = isObject(args.AutoMLJobObjective) ? args.AutoMLJobObjective : {};
  const metricName = typeof objective.MetricName === 'string' ? objective.MetricName : undefined;
  const value = metricName !== undefined && metrics[metricName] !== undefined ? metrics[metricName] : Object.values(metrics)[0];
  const output = trimSlash(isObject(args.OutputDataConfig) ? args.OutputDataConfig.S3OutputPath : undefined);
  const explainability = `${output}/${name}/documentation/explainability/output`;
  const insights = `${output}/${name}/documentation/model_monitor/output`;
  return {
    ...args,
    AutoMLJobName: name,
    AutoMLJobArn: arn(context, `automl-job/${name.toLowerCase()}`),
    AutoMLJobStatus: 'Completed',
    AutoMLJobSecondaryStatus: 'Completed',
    BestCandidate: {
      CandidateName: `${name}-best`,
      CandidateStatus: 'Completed',
      ObjectiveStatus: 'Succeeded',
      ...(value !== undefined
        ? { FinalAutoMLJobObjectiveMetric: { ...(metricName !== undefined ? { MetricName: metricName } : {}), Value: value } } : {}),
      CandidateProperties: { CandidateArtifactLocations: { Explainability: explainability, ModelInsights: insights } },
    },
    BestCandidateProperties: {
      ExplainabilityJsonReportPath: `${explainability}/analysis.json`,
      ModelInsightsJsonReportPath: `${insights}/report.json`,
    },
  };
}

/**
 * Check steps: the calculated baselines are the check job's output files; the baselines used for
 * the drift check are the calculated ones when `RegisterNewBaseline` is true or no baseline was
 * supplied, else the supplied ones.
 */
function checkProperties(step: ResolvedStep): Json {
  const outputs = isObject(step.arguments.ProcessingOutputConfig) && Array.isArray(step.arguments.ProcessingOutputConfig.Outputs)
    ? step.arguments.ProcessingOutputConfig.Outputs.filter(isObject) : [];
  const first = outputs[0];
  const uri = trimSlash(first !== undefined && isObject(first.S3Output) ? first.S3Output.S3Uri : undefined);
  const envelope = step.envelope;
  const renew = envelope.RegisterNewBaseline === true;
  const pick = (supplied: unknown, calculated: string): unknown => (!renew && typeof supplied === 'string' && supplied !== '' ? supplied : calculated);
  if (step.type === 'ClarifyCheck') {
    const constraints = `${uri}/analysis.json`;
    return {
      CalculatedBaselineConstraints: constraints,
      BaselineUsedForDriftCheckConstraints: pick(envelope.SuppliedBaselineConstraints, constraints),
    };
  }
  const constraints = `${uri}/constraints.json`;
  const statistics = `${uri}/statistics.json`;
  return {
    CalculatedBaselineConstraints: constraints,
    CalculatedBaselineStatistics: statistics,
    BaselineUsedForDriftCheckConstraints: pick(envelope.SuppliedBaselineConstraints, constraints),
    BaselineUsedForDriftCheckStatistics: pick(envelope.SuppliedBaselineStatistics, statistics),
  };
}

/** `base` with `override` merged in: objects member by member, anything else replaced. */
export function merge(base: unknown, override: unknown): unknown {
  if (!isObject(base) || !isObject(override)) {
    return override;
  }
  const result: Json = { ...base };
  for (const [key, value] of Object.entries(override)) {
    result[key] = key in result ? merge(result[key], value) : value;
  }
  return result;
}
