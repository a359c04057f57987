import { Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { CacheConfig } from '../cache-config';
import type { Pipeline } from '../pipeline';
import { applyArgumentOverrides, ArgumentOverride, parseArgumentPath } from '../private/argument-override';
import { IParameterLike, IStepLike } from '../private/expression';
import { Renderer } from '../private/renderer';
import { RetryPolicy } from '../retry-policy';

/** Service pattern for step names. */
export const STEP_NAME_PATTERN = /^[A-Za-z0-9\-_]{1,64}$/;

const STEP_SYMBOL = Symbol.for('cdk-sagemaker-pipelines.Step');
/** @internal marks Pipeline constructs, so steps can find theirs without a circular import */
export const PIPELINE_SYMBOL = Symbol.for('cdk-sagemaker-pipelines.Pipeline');

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
 * Props of SageMaker job steps: retries and caching.
 */
export interface JobStepProps extends RetryableStepProps, CacheableStepProps {}

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
  private readonly retryPolicies: RetryPolicy[];
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
    this.stepName = props.stepName ?? id;
    if (props.displayName !== undefined && props.displayName.length > 256) {
      throw new Error(`${kind} ${this.node.path}: displayName must be at most 256 characters; received ${props.displayName.length}. Shorten it, and put longer text in description (up to 3,072 characters).`);
    }
    if (props.description !== undefined && props.description.length > 3072) {
      throw new Error(`${kind} ${this.node.path}: description must be at most 3,072 characters; received ${props.description.length}. Shorten it, e.g. link to a document instead of including it.`);
    }
    this.displayName = props.displayName;
    this.description = props.description;

    const retryPolicies = (props as RetryableStepProps).retryPolicies ?? [];
    if (retryPolicies.length > 0 && capabilities.retry === 'none') {
      throw new Error(`${kind} ${this.node.path}: this step type does not accept retryPolicies (the service retries only job, model, EMR and AutoML steps); remove them.`);
    }
    for (const policy of retryPolicies) {
      if (policy.policyKind === 'sageMakerJob' && capabilities.retry !== 'all') {
        throw new Error(`${kind} ${this.node.path}: this step type accepts only RetryPolicy.step policies, not RetryPolicy.sageMakerJob; use RetryPolicy.step({ exceptionTypes: [StepExceptionType.SERVICE_FAULT, StepExceptionType.THROTTLING] }).`);
      }
    }
    this.retryPolicies = [...retryPolicies];

    const cacheConfig = (props as CacheableStepProps).cacheConfig;
    if (cacheConfig !== undefined && !capabilities.cache) {
      throw new Error(`${kind} ${this.node.path}: this step type does not accept cacheConfig; remove it.`);
    }
    this.cacheConfig = cacheConfig;

    this.addDependsOn(...(props.dependsOn ?? []));
  }

  /** Make this step start only after `steps` have finished. */
  public addDependsOn(...steps: Step[]): void {
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
    const extras = Renderer.render<Record<string, unknown>>(this.renderExtraKeys());
    const dependsOn = unique<Step>([...this.dependencies, ...(args.implicitDependencies as Step[]), ...(extras.implicitDependencies as Step[])]);
    const json: Record<string, unknown> = { Name: this.stepName, Type: this.stepType, Arguments: args.value };
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
      dataReferences: unique<Step>([...(args.stepReferences as Step[]), ...(extras.stepReferences as Step[])]),
      dependsOn,
      nested,
      parameters: unique([...args.parameterReferences, ...extras.parameterReferences]),
      problems: [...args.problems, ...extras.problems],
    };
  }
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function findPipeline(step: IConstruct): Pipeline {
  for (let scope = step.node.scope; scope !== undefined; scope = scope.node.scope) {
    if (PIPELINE_SYMBOL in scope) {
      return scope as unknown as Pipeline;
    }
  }
  throw new Error(`${step.constructor.name} ${step.node.path} is not inside a Pipeline. Create steps with the pipeline (or a construct beneath it) as their scope: new ${step.constructor.name}(pipeline, '${step.node.id}', {...}).`);
}
