import type { SimulationTrace } from './trace';

/** A value of a pipeline parameter, a Lambda or Callback output, or a resolved expression. */
export type SimulationValue = string | number | boolean;

/**
 * A failure to inject into a step, as the service would report it when the step's job (or call)
 * fails. Retry policies whose `ExceptionType` names `exceptionType` retry the step.
 */
export interface InjectedFailure {
  /**
   * The exception type: one of the retry policy types (`SageMaker.CAPACITY_ERROR`,
   * `SageMaker.JOB_INTERNAL_ERROR`, `SageMaker.RESOURCE_LIMIT`, `Step.SERVICE_FAULT`,
   * `Step.THROTTLING`) or any other text for a failure no policy retries (e.g. `ClientError`).
   */
  readonly exceptionType: string;
  /**
   * Which attempts fail: a number N fails the first N attempts (so attempt N + 1 succeeds if a retry
   * policy allows it); a list fails exactly those attempts (1-based).
   * @default - every attempt fails
   */
  readonly attempts?: number | readonly number[];
  /**
   * The failure message the step reports.
   * @default - `<exceptionType> (injected by the simulation)`
   */
  readonly message?: string;
}

/**
 * What the outside world does for one step in a simulated execution: what its Lambda function or
 * callback returns, the contents of the property files its job writes, its metrics, failures, and
 * any property to report differently from what the simulator derives.
 */
export interface StepSimulationInputs {
  /**
   * Output parameters of a Lambda or Callback step, by `OutputName`. Strings are converted to the
   * declared `OutputType` (Integer, Float, Boolean) as the service does.
   * @default - none (a reference to an output fails the referencing step, as in the service)
   */
  readonly outputParameters?: Record<string, SimulationValue>;
  /**
   * Contents of the property files of a Processing step, by `PropertyFileName` (the parsed JSON).
   * @default - none (a `Std:JsonGet` of a property file not given is a {@link SimulationInputError})
   */
  readonly propertyFiles?: Record<string, unknown>;
  /**
   * Metric values by metric name: a Training step's `FinalMetricDataList`, a Tuning step's best
   * objective metric (`BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric`), an AutoML step's
   * `BestCandidate.FinalAutoMLJobObjectiveMetric`.
   * @default - none
   */
  readonly metrics?: Record<string, number>;
  /**
   * Properties to report instead of (or in addition to) those the simulator derives from the step's
   * resolved arguments, in the shape of the step's `Describe*` response, e.g.
   * `{ ModelPackageVersion: 3 }` or `{ BestCandidate: { InferenceContainers: [{ Image: '...' }] } }`.
   * Objects are merged member by member; lists and values replace.
   * @default - the derived properties
   */
  readonly properties?: Record<string, unknown>;
  /**
   * Failures to inject.
   * @default - the step succeeds
   */
  readonly failures?: readonly InjectedFailure[];
  /**
   * How long one attempt of the step takes in the simulated clock (it counts toward a retry
   * policy's `ExpireAfterMin` and `Execution.CurrentDateTime`).
   * @default 0
   */
  readonly durationSeconds?: number;
}

/**
 * Values of the execution variables (`{"Get": "Execution.<Name>"}`). Those not given are fixed,
 * deterministic values: the pipeline ARN from the region, account and pipeline name (lower-cased, as
 * the service forms it), the execution ARN from it and the execution id.
 */
export interface ExecutionVariableValues {
  /**
   * `Execution.PipelineExecutionId`.
   * @default 'simulated001'
   */
  readonly PipelineExecutionId?: string;
  /**
   * `Execution.PipelineExecutionArn`.
   * @default - `<PipelineArn>/execution/<PipelineExecutionId>`
   */
  readonly PipelineExecutionArn?: string;
  /**
   * `Execution.PipelineName`.
   * @default - the pipeline's name (from the construct or template), else 'simulated-pipeline'
   */
  readonly PipelineName?: string;
  /**
   * `Execution.PipelineArn`.
   * @default - `arn:aws:sagemaker:<region>:<account>:pipeline/<pipeline name in lower case>`
   */
  readonly PipelineArn?: string;
  /**
   * `Execution.StartDateTime`, ISO-8601.
   * @default '2026-01-01T00:00:00.000Z'
   */
  readonly StartDateTime?: string;
  /**
   * `Execution.CurrentDateTime`, ISO-8601.
   * @default - the start time plus the simulated time at which the reading step starts
   */
  readonly CurrentDateTime?: string;
}

/**
 * Inputs of a simulated execution: what `StartPipelineExecution` would be given, and what the outside
 * world returns per step.
 */
export interface SimulationOptions {
  /**
   * Which pipeline, when the source holds several: construct id, path or pipeline name (a construct),
   * or the logical id or `PipelineName` (a template or `cdk.out` folder).
   * @default - the only pipeline
   */
  readonly pipeline?: string;
  /**
   * Values of CloudFormation values inside a template's definition, keyed by placeholder or logical id
   * (see `loadDefinition`).
   * @default - readable placeholders such as `${Ref:Bucket83908E77}`
   */
  readonly values?: Record<string, string>;
  /**
   * Values of pipeline parameters, by name, checked as `StartPipelineExecution` checks them (declared
   * name, type, `EnumValues`). Strings are converted to the declared type (`"2"` for an Integer).
   * @default - every parameter takes its `DefaultValue`
   */
  readonly parameters?: Record<string, SimulationValue>;
  /**
   * Values of execution variables.
   * @default - fixed, deterministic values
   */
  readonly executionVariables?: ExecutionVariableValues;
  /**
   * Region of the pipeline ARN and generated ARNs.
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * Account of the pipeline ARN and generated ARNs.
   * @default '123456789012'
   */
  readonly account?: string;
  /**
   * Maximum number of steps that run at the same time (`ParallelismConfiguration`).
   * @default - the pipeline's `ParallelismConfiguration`, else no limit
   */
  readonly maxParallelExecutionSteps?: number;
  /**
   * What the outside world does per step, by step name.
   * @default - every step succeeds on its first attempt
   */
  readonly steps?: Record<string, StepSimulationInputs>;
  /**
   * JSON documents at S3 URIs, read by `Std:JsonGet` with an `S3Uri` (and, when a property file is
   * not given in `steps`, by `Std:JsonGet` of a property file at `<output S3Uri>/<FilePath>`).
   * @default - none
   */
  readonly s3Objects?: Record<string, unknown>;
  /**
   * The trace of an earlier simulated execution: steps with `CacheConfig.Enabled` whose resolved
   * arguments are unchanged, and whose earlier run succeeded within `ExpireAfter` of this execution's
   * start, are reported as `CacheHit` with the earlier properties.
   * @default - no cache
   */
  readonly previousExecution?: SimulationTrace;
}
