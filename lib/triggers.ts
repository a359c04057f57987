import { Annotations, Duration, Names, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { Pipeline } from './pipeline';

/** Most parameters one StartPipelineExecution takes (API; EventBridge and Scheduler targets). */
const MAX_PARAMETERS = 200;
/** Longest parameter value at start time. */
const MAX_VALUE_LENGTH = 1024;
/** Parameter names at start time (API `Parameter.Name`). */
const PARAMETER_NAME_PATTERN = /^[A-Za-z0-9\-_]{1,256}$/;

/**
 * Props of a {@link PipelineTarget}.
 */
export interface PipelineTargetProps {
  /**
   * Pipeline parameters to start each execution with, by name (`SageMakerPipelineParameters.PipelineParameterList`):
   * at most 200, values at most 1,024 characters. For a pipeline of this app, every name must be one
   * the pipeline declares (checked at synth); parameters left out take their defaults.
   * @default - none: every parameter takes its default
   */
  readonly parameters?: Record<string, string>;
  /**
   * The role EventBridge assumes to start executions; it is granted `sagemaker:StartPipelineExecution`
   * on the pipeline.
   * @default - a role trusted by `events.amazonaws.com`, created once per rule and shared by its targets
   */
  readonly role?: iam.IRole;
  /**
   * Queue for events that could not be delivered after all retries. The queue's resource policy
   * lets the rule send to it.
   * @default - no dead-letter queue
   */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * How many times EventBridge retries a failed start (0-185).
   * @default 185
   */
  readonly retryAttempts?: number;
  /**
   * How long EventBridge keeps retrying an event (60 seconds to 24 hours).
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;
}

/**
 * An EventBridge rule target that starts an execution of a SageMaker pipeline, with parameters
 * (`aws-events-targets` has none for SageMaker pipelines).
 *
 * ```ts
 * new events.Rule(stack, 'OnUpload', {
 *   eventPattern: { source: ['aws.s3'], detailType: ['Object Created'] },
 *   targets: [new PipelineTarget(pipeline, { parameters: { TrainingInstanceCount: '2' } })],
 * });
 * ```
 *
 * For a {@link Pipeline} of this app the parameter names are checked at synth against the
 * parameters the pipeline declares; imported pipelines are not checked.
 */
export class PipelineTarget implements events.IRuleTarget {
  private readonly parameterList: Array<{ Name: string; Value: string }>;

  constructor(private readonly pipeline: sagemaker.IPipeline, private readonly props: PipelineTargetProps = {}) {
    const where = `PipelineTarget for pipeline ${pathOf(pipeline)}`;
    this.parameterList = toParameterList(where, props.parameters).map((p) => ({ Name: p.name, Value: p.value }));
    const retries = props.retryAttempts;
    if (retries !== undefined && !Token.isUnresolved(retries) && (!Number.isInteger(retries) || retries < 0 || retries > 185)) {
      throw new Error(`${where}: retryAttempts must be an integer from 0 to 185; received ${retries}. Use an integer in that range, e.g. retryAttempts: ${retries > 185 ? 185 : 0}, or omit it for the default.`);
    }
    const age = props.maxEventAge;
    if (age !== undefined && !age.isUnresolved() && (age.toSeconds() < 60 || age.toSeconds() > 86400)) {
      throw new Error(`${where}: maxEventAge must be from 60 seconds to 24 hours; received ${age.toHumanString()}.`);
    }
  }

  /** Binds the target to `rule`: grants the role, adds the parameters and the synth-time parameter check. */
  public bind(rule: events.IRule, id?: string): events.RuleTargetConfig {
    const cfnRule = rule.node.defaultChild;
    const index = /^Target(\d+)$/.exec(id ?? '');
    if (!(cfnRule instanceof events.CfnRule) || index === null) {
      throw new Error(`PipelineTarget for pipeline ${pathOf(this.pipeline)}: can only be added to an events.Rule of this app (rule.addTarget or the targets prop); received ${rule.node.path}${id ? ` with target id ${id}` : ''}.`);
    }
    const role = this.props.role ?? eventsRole(rule);
    this.pipeline.grantStartPipelineExecution(role);

    if (this.parameterList.length > 0) {
      // events.RuleTargetConfig has no SageMaker parameters: set them on the target this bind creates.
      cfnRule.addPropertyOverride(`Targets.${index[1]}.SageMakerPipelineParameters`, { PipelineParameterList: this.parameterList });
    }
    const names = this.parameterList.map((p) => p.Name);
    rule.node.addValidation({ validate: () => checkAgainstPipeline(rule, this.pipeline, names, 'PipelineTarget') });

    let deadLetterConfig: events.CfnRule.DeadLetterConfigProperty | undefined;
    if (this.props.deadLetterQueue !== undefined) {
      const queue = this.props.deadLetterQueue;
      deadLetterConfig = { arn: queue.queueArn };
      queue.addToResourcePolicy(new iam.PolicyStatement({
        sid: `AllowEventRule${Names.nodeUniqueId(rule.node)}`,
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
      }));
    }
    const retryPolicy = this.props.retryAttempts !== undefined || this.props.maxEventAge !== undefined
      ? { maximumRetryAttempts: this.props.retryAttempts, maximumEventAgeInSeconds: this.props.maxEventAge?.toSeconds() }
      : undefined;

    return { arn: this.pipeline.pipelineArn, role, deadLetterConfig, retryPolicy };
  }
}

/**
 * Props of a {@link PipelineScheduleTarget}.
 */
export interface PipelineScheduleTargetProps extends schedulerTargets.ScheduleTargetBaseProps {
  /**
   * Pipeline parameters to start each execution with, by name (`SageMakerPipelineParameters.PipelineParameterList`):
   * at most 200, values at most 1,024 characters. For a pipeline of this app, every name must be one
   * the pipeline declares (checked at synth); parameters left out take their defaults.
   * @default - none: every parameter takes its default
   */
  readonly parameters?: Record<string, string>;
}

/**
 * An EventBridge Scheduler target that starts an execution of a SageMaker pipeline: the
 * `aws-scheduler-targets` `SageMakerStartPipelineExecution` target, with parameters given by name
 * and, for a {@link Pipeline} of this app, checked at synth against the parameters it declares.
 *
 * ```ts
 * new scheduler.Schedule(stack, 'Nightly', {
 *   schedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0' }),
 *   target: new PipelineScheduleTarget(pipeline, { parameters: { Mode: 'full' } }),
 * });
 * ```
 */
export class PipelineScheduleTarget extends schedulerTargets.SageMakerStartPipelineExecution {
  private readonly targetPipeline: sagemaker.IPipeline;
  private readonly parameterNames: string[];

  constructor(pipeline: sagemaker.IPipeline, props: PipelineScheduleTargetProps = {}) {
    const list = toParameterList(`PipelineScheduleTarget for pipeline ${pathOf(pipeline)}`, props.parameters);
    const { parameters: _parameters, ...base } = props;
    super(pipeline, { ...base, pipelineParameterList: list.length > 0 ? list : undefined });
    this.targetPipeline = pipeline;
    this.parameterNames = list.map((p) => p.name);
  }

  /** Binds the target to `schedule` and adds the synth-time parameter check to it. */
  public bind(schedule: scheduler.ISchedule): scheduler.ScheduleTargetConfig {
    const names = this.parameterNames;
    schedule.node.addValidation({ validate: () => checkAgainstPipeline(schedule, this.targetPipeline, names, 'PipelineScheduleTarget') });
    return super.bind(schedule);
  }
}

/** Validates a parameter map eagerly (count, names, value types and lengths) and turns it into a list. */
function toParameterList(where: string, parameters: Record<string, string> | undefined): Array<{ name: string; value: string }> {
  if (parameters === undefined) {
    return [];
  }
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
    throw new Error(`${where}: parameters must be an object of parameter names to values, e.g. { InputData: 's3://bucket/new.csv' }; received ${String(parameters)}.`);
  }
  const entries = Object.entries(parameters);
  if (entries.length > MAX_PARAMETERS) {
    throw new Error(`${where}: an execution starts with at most ${MAX_PARAMETERS} parameters; received ${entries.length}. Pass only the parameters whose defaults you override.`);
  }
  for (const [name, value] of entries) {
    if (!PARAMETER_NAME_PATTERN.test(name)) {
      throw new Error(`${where}: parameter name '${name}' is invalid; names are 1-256 characters of A-Z, a-z, 0-9, - and _.`);
    }
    if (typeof value !== 'string') {
      throw new Error(`${where}: the value of parameter '${name}' must be a string (executions receive every parameter as text); received ${typeof value} ${String(value)}. Pass String(${String(value)}).`);
    }
    if (!Token.isUnresolved(value) && value.length > MAX_VALUE_LENGTH) {
      throw new Error(`${where}: the value of parameter '${name}' is ${value.length} characters; values are at most ${MAX_VALUE_LENGTH}.`);
    }
  }
  return entries.map(([name, value]) => ({ name, value }));
}

/**
 * The synth-time check of a trigger against a pipeline of this app: every name passed is declared.
 * Declared parameters without a default that the trigger does not pass draw a warning.
 */
function checkAgainstPipeline(trigger: IConstruct, pipeline: sagemaker.IPipeline, names: string[], kind: string): string[] {
  if (!Pipeline.isPipeline(pipeline)) {
    return [];
  }
  let declared: Array<{ Name: string; DefaultValue?: unknown }>;
  try {
    declared = pipeline.renderDefinition().Parameters as Array<{ Name: string; DefaultValue?: unknown }>;
  } catch {
    // The pipeline's own validation reports why its definition does not render.
    return [];
  }
  const declaredNames = declared.map((p) => p.Name);
  const known = new Set(declaredNames);
  const errors: string[] = [];
  for (const name of names) {
    if (!known.has(name)) {
      errors.push(`${kind} passes parameter '${name}', which pipeline ${pipeline.node.path} does not declare (declared: ${declaredNames.length > 0 ? declaredNames.join(', ') : 'none'}). Fix the name, or declare the parameter: new Pipeline(..., { parameters: [new ParameterString('${name}', {...})] }) or pipeline.addParameter(...).`);
    }
  }
  const passed = new Set(names);
  const missing = declared.filter((p) => p.DefaultValue === undefined && !passed.has(p.Name)).map((p) => p.Name);
  if (missing.length > 0) {
    Annotations.of(trigger).addWarningV2('cdk-sagemaker-pipelines:triggerMissingParameter',
      `${kind} does not pass ${missing.map((m) => `'${m}'`).join(', ')}, which pipeline ${pipeline.node.path} declares without a default; executions it starts fail unless it passes ${missing.length > 1 ? 'them' : 'it'}. Add ${missing.length > 1 ? 'them' : 'it'} to parameters or give the parameter a default.`);
  }
  return errors;
}

/** The role EventBridge assumes for targets of `rule` (one per rule, shared with aws-events-targets' targets). */
function eventsRole(rule: events.IRule): iam.IRole {
  const existing = rule.node.tryFindChild('EventsRole');
  if (existing !== undefined) {
    return existing as unknown as iam.IRole;
  }
  return new iam.Role(rule as unknown as IConstruct, 'EventsRole', { assumedBy: new iam.ServicePrincipal('events.amazonaws.com') });
}

function pathOf(pipeline: sagemaker.IPipeline): string {
  return pipeline?.node?.path ?? String(pipeline);
}
