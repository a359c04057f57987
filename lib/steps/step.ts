import { Annotations, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { CacheConfig } from '../cache-config';
import type { Pipeline } from '../pipeline';
import { applyArgumentOverrides, ArgumentOverride, parseArgumentPath } from '../private/argument-override';
import { IParameterLike, IStepLike } from '../private/expression';
import { Renderer, RenderResult } from '../private/renderer';
import { RetryPolicy } from '../retry-policy';

/** Service pattern for step names. */
export const STEP_NAME_PATTERN = /^[A-Za-z0-9\-_]{1,64}$/;

const STEP_SYMBOL = Symbol.for('cdk-sagemaker-pipelines.Step');
/** @internal marks Pipeline constructs, so steps can find theirs without a circular import */
export const PIPELINE_SYMBOL = Symbol.for('cdk-sagemaker-pipelines.Pipeline');
/**
 * @internal marks scopes that derive the names of the steps beneath them (a fan-out branch): the
 * property holds a function from the step's name so far to its name in the definition.
 */
export const STEP_NAME_SCOPE_SYMBOL = Symbol.for('cdk-sagemaker-pipelines.StepNameScope');

/**
 * Props every step takes.
 */
export interface StepProps {
  /**
   * Name of the step in the definition (1-64 characters of A-Z, a-z, 0-9, - and _). Other steps'
   * `Get` references and `DependsOn` lists use it.
   * @default - the construct id
   */
  readonly stepName?: string;
  /**
   * Name shown in SageMaker Studio (at most 256 characters).
   * @default - none
   */
  readonly displayName?: string;
  /**
   * Description of the step (at most 3,072 characters).
   * @default - none
   */
  readonly description?: string;
  /**
   * Steps that must finish before this one starts, beyond those whose properties it reads.
   * @default - only the steps whose properties this step reads
   */
  readonly dependsOn?: Step[];
}

/**
 * Props of steps that accept retry policies.
 */
export interface RetryableStepProps extends StepProps {
  /**
   * Retry policies (`RetryPolicies`).
   * @default - no retries
   */
  readonly retryPolicies?: RetryPolicy[];
}

/**
 * Props of steps that accept step caching.
 */
export interface CacheableStepProps extends StepProps {
  /**
   * Step caching (`CacheConfig`).
   * @default - no caching
   */
  readonly cacheConfig?: CacheConfig;
}

/**
 * Props of steps that launch a named SageMaker job.
 */
export interface JobNamePrefixProps {
  /**
   * Prefix of the names SageMaker gives this step's jobs (the request's job name member, e.g.
   * `TrainingJobName`), for cost allocation and log search, like the SageMaker SDK's `base_job_name`
   * with `PipelineDefinitionConfig(use_custom_job_prefix=True)`. Rendered only when the pipeline's
   * `useCustomJobPrefix` is true: letters, digits and hyphens, starting and ending with a letter or
   * digit, within the member's length (63 characters; 32 for tuning and AutoML jobs). The service
   * appends `-<execution id>-<token>-<attempt>` (about 26 characters), so longer prefixes draw a warning.
   * @default - with `useCustomJobPrefix`, the step name with other characters turned into hyphens,
   * shortened to leave room for the service's suffix; otherwise none (the service names the job)
   */
  readonly jobNamePrefix?: string;
}

/**
 * Props of SageMaker job steps: retries, caching and a job name prefix.
 */
export interface JobStepProps extends RetryableStepProps, CacheableStepProps, JobNamePrefixProps {}

/** What the service appends to a custom job name prefix: `-<execution id (12)>-<entity token (10)>-<attempt>`. */
export const JOB_NAME_SUFFIX_LENGTH = 26;

/**
 * Which retry policies and caching a step type accepts.
 */
export interface StepCapabilities {
  /** `all`: step and SageMaker job retry policies; `step`: step policies only; `none`. */
  readonly retry: 'all' | 'step' | 'none';
  /** Whether `CacheConfig` is accepted. */
  readonly cache: boolean;
}

/**
 * The rendered form of one step, with what the graph needs to know about it.
 * @internal
 */
export interface RenderedStep {
  readonly step: Step;
  /** The step's JSON (CloudFormation tokens still as CDK string tokens). */
  readonly json: Record<string, unknown>;
  /** Steps this one reads data from. */
  readonly dataReferences: Step[];
  /** Steps named in DependsOn (explicit and implicit). */
  readonly dependsOn: Step[];
  /** Steps rendered inside this one (condition branches), with their own render. */
  readonly nested: RenderedStep[];
  readonly parameters: IParameterLike[];
  readonly problems: string[];
}

/**
 * Base class of every pipeline step.
 *
 * A step is a construct inside its pipeline (directly, or under any construct beneath it). Its
 * name defaults to the construct id.
 */
export abstract class Step extends Construct implements IStepLike {
  /** Whether `x` is a step. */
  public static isStep(x: unknown): x is Step {
    return typeof x === 'object' && x !== null && STEP_SYMBOL in x;
  }

  /** The step's name in the definition. */
  public readonly stepName: string;
  /** The pipeline the step belongs to. */
  public readonly pipeline: Pipeline;
  /** The step's `Type` in the definition, for example `Processing`. */
  public abstract readonly stepType: string;

  private readonly displayName?: string;
  private readonly description?: string;
  private readonly dependencies: Step[] = [];
  private readonly retryPolicies: RetryPolicy[] = [];
  private readonly capabilities: StepCapabilities;
  /** Steps that take this step's explicit dependencies instead of it (see `redirectDependsOn`). */
  private dependsOnTargets?: Step[];
  /** The job name member rendered with the pipeline's `useCustomJobPrefix`. */
  private jobName?: { readonly member: string; readonly value: string };
  private readonly cacheConfig?: CacheConfig;
  private readonly argumentOverrides: ArgumentOverride[] = [];

  protected constructor(scope: Construct, id: string, props: StepProps, capabilities: StepCapabilities) {
    super(scope, id);
    Object.defineProperty(this, STEP_SYMBOL, { value: true });
    this.pipeline = findPipeline(this);
    const kind = this.constructor.name;

    if (props.stepName !== undefined && (Token.isUnresolved(props.stepName) || !STEP_NAME_PATTERN.test(props.stepName))) {
      throw new Error(`${kind} ${this.node.path}: stepName must be 1-64 characters of A-Z, a-z, 0-9, - and _; received '${props.stepName}'. Choose a name like 'Preprocess-Abalone'.`);
    }
    this.stepName = scopedStepName(this, props.stepName ?? id);
    if (props.displayName !== undefined && props.displayName.length > 256) {
      throw new Error(`${kind} ${this.node.path}: displayName must be at most 256 characters; received ${props.displayName.length}. Shorten it, and put longer text in description (up to 3,072 characters).`);
    }
    if (props.description !== undefined && props.description.length > 3072) {
      throw new Error(`${kind} ${this.node.path}: description must be at most 3,072 characters; received ${props.description.length}. Shorten it, e.g. link to a document instead of including it.`);
    }
    this.displayName = props.displayName;
    this.description = props.description;

    this.capabilities = capabilities;
    // Most steps give neither retry policies nor dependencies: the calls (each spreading an empty
    // list) are skipped then, with the same effect.
    const retryPolicies = (props as RetryableStepProps).retryPolicies;
    if (retryPolicies !== undefined && retryPolicies !== null) {
      this.addRetryPolicy(...retryPolicies);
    }

    const cacheConfig = (props as CacheableStepProps).cacheConfig;
    if (cacheConfig !== undefined && !capabilities.cache) {
      throw new Error(`${kind} ${this.node.path}: this step type does not accept cacheConfig; remove it.`);
    }
    this.cacheConfig = cacheConfig;

    if (props.dependsOn !== undefined && props.dependsOn !== null) {
      this.addDependsOn(...props.dependsOn);
    }
  }

  /**
   * Retry this step as `policies` say (`RetryPolicies`), after the policies it already has. Step
   * policies (`RetryPolicy.step`) are accepted by job, model, EMR and AutoML steps; SageMaker job
   * policies (`RetryPolicy.sageMakerJob`) by job steps only.
   */
  public addRetryPolicy(...policies: RetryPolicy[]): void {
    const kind = this.constructor.name;
    for (const policy of policies) {
      if (this.capabilities.retry === 'none') {
        throw new Error(`${kind} ${this.node.path}: this step type does not accept retryPolicies (the service retries only job, model, EMR and AutoML steps); remove them.`);
      }
      if (!(policy instanceof RetryPolicy)) {
        throw new Error(`${kind} ${this.node.path}: retry policies are created with RetryPolicy.step(...) or RetryPolicy.sageMakerJob(...); received ${JSON.stringify(policy)}.`);
      }
      if (policy._problems.length > 0) {
        throw new Error(`${kind} ${this.node.path}: retryPolicies[${this.retryPolicies.length}] is invalid: ${policy._problems.join(' ')}`);
      }
      if (policy.policyKind === 'sageMakerJob' && this.capabilities.retry !== 'all') {
        throw new Error(`${kind} ${this.node.path}: this step type accepts only RetryPolicy.step policies, not RetryPolicy.sageMakerJob; use RetryPolicy.step({ exceptionTypes: [StepExceptionType.SERVICE_FAULT, StepExceptionType.THROTTLING] }).`);
      }
      this.retryPolicies.push(policy);
    }
  }

  /** The number of retry policies, for the pipeline's render cache. @internal */
  public get _retryPolicyCount(): number {
    return this.retryPolicies.length;
  }

  /**
   * Steps that the pipeline must place together with this one (before it) in a condition branch,
   * such as the repack steps of a model step.
   * @internal
   */
  public _companionSteps(): Step[] {
    return [];
  }

  /**
   * Hands this step's explicit dependencies, present and future, to `targets` (which this step
   * reads from, so it still runs after them), as the SDK moves a model step's `depends_on` to its
   * repack steps.
   */
  protected redirectDependsOn(targets: Step[]): void {
    if (targets.length === 0) {
      return;
    }
    const current = this.dependencies.splice(0);
    this.dependsOnTargets = [...targets];
    this.addDependsOn(...current);
  }

  /** Make this step start only after `steps` have finished. */
  public addDependsOn(...steps: Step[]): void {
    if (this.dependsOnTargets !== undefined) {
      this.dependsOnTargets.forEach((target) => target.addDependsOn(...steps.filter((s) => s !== target)));
      return;
    }
    for (const step of steps) {
      if (!Step.isStep(step)) {
        throw new Error(`${this.node.path}: dependsOn accepts steps only; received ${String(step)}.`);
      }
      if (step === this) {
        throw new Error(`${this.node.path}: a step cannot depend on itself; remove it from dependsOn.`);
      }
      if (!this.dependencies.includes(step)) {
        this.dependencies.push(step);
      }
    }
  }

  /**
   * Validates this step's job name prefix (`prop`) and renders it as `member` (at most `maxLength`
   * characters) when the pipeline's `useCustomJobPrefix` is on; without the switch, a prefix is an error.
   * @internal
   */
  public _bindJobNamePrefix(member: string, maxLength: number, prefix: string | undefined, prop = 'jobNamePrefix'): void {
    const kind = this.constructor.name;
    if (!this.pipeline.useCustomJobPrefix) {
      if (prefix !== undefined) {
        throw new Error(`${kind} ${this.node.path}: ${prop} is rendered only when the pipeline uses custom job prefixes; received '${String(prefix)}' in pipeline ${this.pipeline.node.path} without useCustomJobPrefix. Set useCustomJobPrefix: true on the Pipeline, or remove ${prop}.`);
      }
      return;
    }
    const pattern = new RegExp(`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,${maxLength - 1}}$`);
    const budget = maxLength - JOB_NAME_SUFFIX_LENGTH;
    if (prefix === undefined) {
      const derived = this.stepName.replace(/[^a-zA-Z0-9-]/g, '-').replace(/^-+/, '').slice(0, Math.max(budget, 1)).replace(/-+$/, '');
      this.jobName = { member, value: derived.length > 0 ? derived : 'job' };
      return;
    }
    if (typeof prefix !== 'string' || Token.isUnresolved(prefix)) {
      throw new Error(`${kind} ${this.node.path}: ${prop} must be literal text known at synth; received ${typeof prefix === 'string' ? 'a token' : typeof prefix}. The service uses it as the start of every ${member}.`);
    }
    if (prefix.length > maxLength || !pattern.test(prefix)) {
      throw new Error(`${kind} ${this.node.path}: ${prop} must be 1-${maxLength} letters, digits and hyphens, starting and ending with a letter or digit (the ${member} pattern ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,${maxLength - 1}}); received '${prefix}' (${prefix.length} characters). Use e.g. '${prefix.replace(/[^a-zA-Z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, Math.max(budget, 1)).replace(/-+$/, '') || 'team-a'}'.`);
    }
    if (prefix.length > budget) {
      Annotations.of(this).addWarningV2('cdk-sagemaker-pipelines:jobNamePrefixLength',
        `${prop} '${prefix}' is ${prefix.length} characters; the service appends about ${JOB_NAME_SUFFIX_LENGTH} (-<execution id>-<token>-<attempt>) to it, and ${member} is at most ${maxLength}, so the job name may be cut or rejected. Keep the prefix to ${budget} characters or fewer.`);
    }
    this.jobName = { member, value: prefix };
  }

  /** Steps this one explicitly depends on. */
  public get dependsOn(): Step[] {
    return [...this.dependencies];
  }

  /**
   * Set a member of the step's `Arguments` that this construct does not model (yet), or replace one
   * it renders: the escape hatch of `addPropertyOverride` on L1 constructs. Applied after the step
   * renders, in the order added (a later override or deletion of the same path wins).
   *
   * `path` is a dot path into `Arguments` with `[n]` for list items and `['key']` for keys holding
   * dots: `'ResourceConfig.KeepAlivePeriodInSeconds'`, `'ProcessingInputs[0].S3Input.S3InputMode'`,
   * `"HyperParameters['learning.rate']"`. Objects and lists missing on the way are created; `[n]` with
   * n equal to the list's length appends. `value` may hold expressions (parameters, step properties,
   * `Join`, `JsonGet`) and CloudFormation tokens, like any prop. The result is still validated at synth
   * against the step's SageMaker request shape, so a misspelt member name is an error naming this step.
   */
  public addArgumentOverride(path: string, value: unknown): void {
    const segments = parseArgumentPath(path, `${this.constructor.name} ${this.node.path}`);
    if (value === undefined) {
      throw new Error(`${this.constructor.name} ${this.node.path}: addArgumentOverride('${path}') received undefined; to remove the member, call addArgumentDeletion('${path}').`);
    }
    this.argumentOverrides.push({ path, segments, deletion: false, value });
  }

  /**
   * Remove a member (or list item) from the step's rendered `Arguments`; `path` as in
   * {@link addArgumentOverride}. Removing a member that is not there does nothing. Required members
   * of the request stay required: deleting one is an error at synth naming this step.
   */
  public addArgumentDeletion(path: string): void {
    const segments = parseArgumentPath(path, `${this.constructor.name} ${this.node.path}`);
    this.argumentOverrides.push({ path, segments, deletion: true });
  }

  /** @internal how many overrides and deletions were added (part of the pipeline's render cache key) */
  public get _argumentOverrideCount(): number {
    return this.argumentOverrides.length;
  }

  /** The step's `Arguments`, with tokens still in place. */
  protected abstract renderArguments(): Record<string, unknown>;

  /** Type-specific keys placed after `CacheConfig` (`PropertyFiles`, `FunctionArn`, ...). */
  protected renderExtraKeys(): Record<string, unknown> {
    return {};
  }

  /** Steps rendered inside this step (condition branches), rendered by it. */
  protected renderNested(): RenderedStep[] {
    return [];
  }

  /** @internal renders the step's JSON and what it references */
  public _render(): RenderedStep {
    const nested = this.renderNested();
    const own = this.renderArguments();
    const overridden = this.argumentOverrides.length === 0 ? own
      : applyArgumentOverrides(own, this.argumentOverrides, `${this.constructor.name} ${this.node.path}`);
    const args = Renderer.render<Record<string, unknown>>(overridden);
    const extraKeys = this.renderExtraKeys();
    // Most steps have no extra keys: nothing to render then.
    const extras = Object.keys(extraKeys).length > 0 ? Renderer.render<Record<string, unknown>>(extraKeys) : NO_EXTRAS;
    const dependsOn = unique<Step>(this.dependencies, args.implicitDependencies as Step[], extras.implicitDependencies as Step[]);
    const argumentsJson = this.jobName !== undefined ? { [this.jobName.member]: this.jobName.value, ...args.value } : args.value;
    const json: Record<string, unknown> = { Name: this.stepName, Type: this.stepType, Arguments: argumentsJson };
    if (dependsOn.length > 0) {
      json.DependsOn = dependsOn.map((s) => s.stepName);
    }
    if (this.displayName) {
      json.DisplayName = this.displayName;
    }
    if (this.description) {
      json.Description = this.description;
    }
    if (this.retryPolicies.length > 0) {
      json.RetryPolicies = this.retryPolicies.map((p) => p._render());
    }
    if (this.cacheConfig) {
      json.CacheConfig = this.cacheConfig._render();
    }
    Object.assign(json, extras.value);
    return {
      step: this,
      json,
      dataReferences: unique<Step>(args.stepReferences as Step[], extras.stepReferences as Step[]),
      dependsOn,
      nested,
      parameters: unique(args.parameterReferences, extras.parameterReferences),
      problems: [...args.problems, ...extras.problems],
    };
  }
}

/** What rendering an empty set of extra keys gives (never modified). */
const NO_EXTRAS: RenderResult<Record<string, unknown>> = Object.freeze({
  value: Object.freeze({}),
  stepReferences: Object.freeze([]) as unknown as IStepLike[],
  implicitDependencies: Object.freeze([]) as unknown as IStepLike[],
  parameterReferences: Object.freeze([]) as unknown as IParameterLike[],
  problems: Object.freeze([]) as unknown as string[],
});

/** The items of `lists`, in order, each once; a new list. */
function unique<T>(...lists: T[][]): T[] {
  // Most steps reference one step or none: a set only when there are several items.
  let items: T[] = [];
  for (const list of lists) {
    if (list.length > 0) {
      items = items.length === 0 ? list : items.concat(list);
    }
  }
  return items.length <= 1 ? [...items] : [...new Set(items)];
}

/**
 * The step's name once every enclosing name scope (fan-out branches, innermost first) has applied
 * its derivation, up to the pipeline.
 */
function scopedStepName(step: IConstruct, name: string): string {
  let result = name;
  for (let scope = step.node.scope; scope !== undefined && !(PIPELINE_SYMBOL in scope); scope = scope.node.scope) {
    const derive = (scope as unknown as Record<symbol, unknown>)[STEP_NAME_SCOPE_SYMBOL];
    if (typeof derive === 'function') {
      result = (derive as (stepName: string, stepPath: string) => string)(result, step.node.path);
    }
  }
  return result;
}

function findPipeline(step: IConstruct): Pipeline {
  for (let scope = step.node.scope; scope !== undefined; scope = scope.node.scope) {
    if (PIPELINE_SYMBOL in scope) {
      return scope as unknown as Pipeline;
    }
  }
  throw new Error(`${step.constructor.name} ${step.node.path} is not inside a Pipeline. Create steps with the pipeline (or a construct beneath it) as their scope: new ${step.constructor.name}(pipeline, '${step.node.id}', {...}).`);
}
