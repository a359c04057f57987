import { Duration, IResolvable, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import type { Pipeline } from '../pipeline';
import { expressionOf, isNumberToken, refusePropertyProblem } from '../private/expression';

/**
 * The SageMaker resource kinds that job steps create, with the actions the pipeline role needs on them.
 */
const JOB_ACTIONS: Record<string, string[]> = {
  'processing-job': ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob'],
  'training-job': ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob'],
  'hyper-parameter-tuning-job': ['sagemaker:CreateHyperParameterTuningJob', 'sagemaker:DescribeHyperParameterTuningJob', 'sagemaker:StopHyperParameterTuningJob', 'sagemaker:ListTrainingJobsForHyperParameterTuningJob'],
  'transform-job': ['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:StopTransformJob'],
  'automl-job': ['sagemaker:CreateAutoMLJob', 'sagemaker:DescribeAutoMLJob', 'sagemaker:StopAutoMLJob'],
};

/**
 * Binds a job step to its pipeline: returns the role its job runs as (the step's own or the
 * pipeline's shared job role), lets the pipeline role pass that role to SageMaker only, and grants
 * the pipeline role the actions for this job type on this job type's ARNs.
 * @internal
 */
export function bindJobStep(pipeline: Pipeline, resourceType: keyof typeof JOB_ACTIONS & string, role: iam.IRole | undefined): iam.IRole {
  const jobRole = role ?? pipeline.defaultJobRole;
  pipeline._grantPassRole(jobRole);
  grantJobActions(pipeline, resourceType);
  return jobRole;
}

/** Pipeline -> the job types whose actions its role has been granted. */
const GRANTED_JOB_TYPES = new WeakMap<Pipeline, Set<string>>();

/**
 * Grants the pipeline role the actions for one job type (create, describe, stop, tag) on that job
 * type's ARNs, and nothing else: no `iam:PassRole`. Used alone by steps whose request names no
 * role (a transform job runs as its model's role).
 * @internal
 */
export function grantJobActions(pipeline: Pipeline, resourceType: keyof typeof JOB_ACTIONS & string): void {
  // Every job step of a pipeline asks for the same grant: skip the ARN formatting after the first.
  let granted = GRANTED_JOB_TYPES.get(pipeline);
  if (granted === undefined) {
    granted = new Set();
    GRANTED_JOB_TYPES.set(pipeline, granted);
  }
  if (granted.has(resourceType)) {
    return;
  }
  granted.add(resourceType);
  const stack = Stack.of(pipeline);
  pipeline._grantPipelineRole(
    [...JOB_ACTIONS[resourceType], 'sagemaker:AddTags'],
    [stack.formatArn({ service: 'sagemaker', resource: resourceType, resourceName: '*' })],
  );
}

/**
 * Validates a number prop: integral, within [min, max], unless it is a token.
 * @internal
 */
export function checkInteger(scope: IConstruct, prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || (typeof value === 'number' ? isNumberToken(value) : Token.isUnresolved(value))) {
    return;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${scope.node.path}: ${prop} must be an integer from ${min} to ${max}; received ${value}. Set ${prop} to an integer in that range, e.g. ${Math.min(max, Math.max(min, 1))}.`);
  }
}

/**
 * Validates and renders an environment map: at most 100 entries, keys and values at most 256
 * characters (literal ones), keys matching the service pattern.
 * @internal
 */
export function renderEnvironment(scope: IConstruct, environment: Record<string, string> | undefined): Record<string, string> | undefined {
  if (environment === undefined) {
    return undefined;
  }
  const entries = Object.entries(environment);
  if (entries.length > 100) {
    throw new Error(`${scope.node.path}: environment has ${entries.length} entries; SageMaker jobs accept at most 100. Remove ${entries.length - 100} of them, or combine related settings into one variable (e.g. a JSON string) or a file input.`);
  }
  for (const [key, value] of entries) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]{0,255}$/.test(key)) {
      throw new Error(`${scope.node.path}: environment variable name '${key}' is invalid; names are up to 256 letters, digits and underscores, not starting with a digit. Rename it, e.g. '${key.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^([0-9])/, '_$1').slice(0, 256) || 'MY_VAR'}'.`);
    }
    refusePropertyProblem(() => `${scope.node.path}: environment variable '${key}'`, value);
    if (typeof value !== 'string') {
      throw new Error(`${scope.node.path}: environment variable '${key}' must be a string; received ${typeof value}. Convert numbers with String(), or use a parameter's valueAsString.`);
    }
    if (!Token.isUnresolved(value) && value.length > 256) {
      throw new Error(`${scope.node.path}: environment variable '${key}' is ${value.length} characters; values are at most 256. Shorten it, or put the value in a file input and pass its path instead.`);
    }
  }
  return entries.length > 0 ? { ...environment } : undefined;
}

/** The seconds of the durations used as defaults and limits, computed once each. */
const SECONDS = new WeakMap<Duration, number>();

/**
 * `duration.toSeconds()`, remembered: the defaults and limits of every job step are module
 * constants, and `toSeconds` checks its amount for tokens (which allocates) on every call.
 * Durations are immutable, so the remembered value stays right.
 */
function secondsOf(duration: Duration): number {
  let seconds = SECONDS.get(duration);
  if (seconds === undefined) {
    seconds = duration.toSeconds();
    SECONDS.set(duration, seconds);
  }
  return seconds;
}

/**
 * Renders `StoppingCondition.MaxRuntimeInSeconds`. A duration made from a number token
 * (`Duration.seconds(param.valueAsNumber)`) renders as that expression, unchecked.
 * @internal
 */
export function renderMaxRuntime(scope: IConstruct, maxRuntime: Duration | undefined, fallback: Duration, limit: Duration): number {
  const seconds = maxRuntime !== undefined ? maxRuntime.toSeconds() : secondsOf(fallback);
  // `Duration.seconds(param.valueAsNumber)`: an Integer parameter the service reads when the job starts.
  if (isNumberToken(seconds)) {
    return seconds;
  }
  if (seconds < 1 || seconds > secondsOf(limit)) {
    throw new Error(`${scope.node.path}: maxRuntime must be between 1 second and ${limit.toHumanString()}; received ${seconds} seconds. ${seconds < 1 ? 'Raise' : 'Lower'} maxRuntime to within that range, e.g. maxRuntime: Duration.hours(${seconds < 1 ? 1 : Math.floor(limit.toHours({ integral: false }))})${seconds < 1 ? '' : ', or split the work into several steps'}.`);
  }
  return seconds;
}

/**
 * Checks that a value the service needs as literal text is not a pipeline expression.
 * @internal
 */
export function requireLiteral(scope: IConstruct, prop: string, value: string | undefined): void {
  if (value !== undefined && expressionOf(value) !== undefined) {
    throw new Error(`${scope.node.path}: ${prop} must be fixed when the pipeline is defined; received a pipeline expression. Only run-time values such as S3 URIs, instance types and counts accept parameters and step properties. Pass literal text for ${prop} (e.g. '/opt/ml/processing/output'), and use the parameter or step property in a field that accepts one, such as the S3 URI.`);
  }
}

/**
 * Validates and renders job tags (`Tags`): at most 50, keys 1-128 characters not starting with
 * `aws:`, values at most 256 characters.
 * @internal
 */
export function renderTags(
  scope: IConstruct, tags: Record<string, string> | undefined, reserved: readonly string[] = [],
): Array<{ Key: string; Value: string }> | undefined {
  if (tags === undefined) {
    return undefined;
  }
  const entries = Object.entries(tags);
  if (entries.length + reserved.length > 50) {
    throw new Error(`${scope.node.path}: tags has ${entries.length} entries; a job takes at most ${50 - reserved.length}${reserved.length > 0 ? ` besides the ${reserved.length} the step adds` : ''}.`);
  }
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > 128 || key.toLowerCase().startsWith('aws:')) {
      throw new Error(`${scope.node.path}: tag key '${key.slice(0, 40)}' is invalid; keys are 1-128 characters and must not start with 'aws:'.`);
    }
    if (reserved.includes(key)) {
      throw new Error(`${scope.node.path}: tag key '${key}' is set by the step itself; received it in tags. Remove it.`);
    }
    if (typeof value !== 'string') {
      throw new Error(`${scope.node.path}: tag '${key}' must have a string value; received ${typeof value}.`);
    }
    if (!Token.isUnresolved(value) && value.length > 256) {
      throw new Error(`${scope.node.path}: tag '${key}' is ${value.length} characters; values are at most 256. Shorten the tag value.`);
    }
  }
  return entries.length > 0 ? entries.map(([Key, Value]) => ({ Key, Value })) : undefined;
}

/**
 * Checks an S3 URI prop: a string, and when literal an `s3://` URI (or, with `allowHttps`, an
 * `https://` one) of at most 1,024 characters. Tokens and pipeline expressions pass.
 * @internal
 */
export function checkS3Uri(scope: IConstruct, prop: string, uri: string, allowHttps: boolean = true): void {
  refusePropertyProblem(() => `${scope.node.path}: ${prop}`, uri);
  if (typeof uri !== 'string') {
    throw new Error(`${scope.node.path}: ${prop} must be an s3:// URI; received ${typeof uri}. Pass a string such as 's3://my-bucket/prefix', or a parameter's valueAsString.`);
  }
  if (Token.isUnresolved(uri)) {
    return;
  }
  if (!(allowHttps ? /^(https|s3):\/\/[^/]+/ : /^s3:\/\/[^/]+/).test(uri) || uri.length > 1024) {
    throw new Error(`${scope.node.path}: ${prop} must be an s3:// URI of at most 1,024 characters; received '${uri.slice(0, 100)}'. Use e.g. ${!uri.includes('://') && /^[a-z0-9][a-z0-9.-]*[a-z0-9]\//.test(uri) && uri.length < 1000 ? `'s3://${uri}'` : `\`s3://\${bucket.bucketName}/${prop.replace(/^.*\./, '').replace(/S3Uri$|Path$/, '').toLowerCase() || 'prefix'}\``}.`);
  }
}

/**
 * Checks a flag the service evaluates at run time: `true`, `false`, or a Boolean expression (a
 * `ParameterBoolean`, a Boolean Lambda output, a condition's `Outcome`).
 * @internal
 */
export function checkBooleanValue(scope: IConstruct, prop: string, value: boolean | IResolvable | undefined): void {
  if (value === undefined || typeof value === 'boolean') {
    return;
  }
  const expression = expressionOf(value);
  if (expression === undefined || (expression.kind !== 'Boolean' && expression.kind !== 'Unknown')) {
    throw new Error(`${scope.node.path}: ${prop} must be true, false or a Boolean expression (a ParameterBoolean); received ${expression ? `${/^[AEIOU]/.test(expression.kind) ? 'an' : 'a'} ${expression.kind} expression` : typeof value === 'object' && value !== null ? 'an object that is not a pipeline expression' : String(value)}. Pass a ParameterBoolean (not its valueAsString).`);
  }
}
