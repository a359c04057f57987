import { Annotations, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { PIPELINE_SYMBOL, Step, STEP_NAME_PATTERN, STEP_NAME_SCOPE_SYMBOL } from './steps/step';

/** Step names are 1-64 characters (API PipelineExecutionStep `StepName`). */
const MAX_STEP_NAME_LENGTH = 64;

/**
 * Props of a {@link FanOut}.
 *
 * @typeParam T - the type of the items
 * @typeParam R - what `branch` returns for one item (steps, or an object of steps and values)
 */
export interface FanOutProps<T, R> {
  /**
   * The items, one branch each, in the order the branches are created. The list must be known at
   * synth (a TypeScript array, not a pipeline parameter or a CloudFormation list token): SageMaker
   * Pipelines has no run-time fan-out, so each item becomes its own steps in the definition.
   */
  readonly items: readonly T[];
  /**
   * The key of an item: 1-64 characters of A-Z, a-z, 0-9, - and _, unique among the items. It is
   * the branch's construct id and is appended to the names of the branch's steps (`<name>-<key>`).
   * @default - the item itself, for string and number items (any other item type needs a key)
   */
  readonly key?: (item: T, index: number) => string;
  /**
   * Creates the steps of one branch. Create them with the branch as their scope
   * (`new TrainingStep(branch, 'Train', {...})`), so that their names carry the branch's key;
   * `branch.item`, `branch.key` and `branch.index` tell which item it is. Whatever it returns is
   * the branch's `result` (for example the steps, or a metric read from a property file), for the
   * join step to use.
   */
  readonly branch: (branch: FanOutBranch<T>) => R;
  /**
   * How a step of a branch is named from its own name (its `stepName`, or its construct id) and
   * the branch's key. The result must be 1-64 characters of A-Z, a-z, 0-9, - and _.
   * @default - `<name>-<key>`
   */
  readonly stepName?: (name: string, key: string) => string;
  /**
   * At most this many branches run at the same time: branch `i` starts only after every step of
   * branch `i - maxConcurrency` has finished (a `DependsOn`), so that, for example, training jobs stay
   * within the account's instance quota. The pipeline's `maxParallelExecutionSteps` still applies
   * to the whole pipeline.
   * @default - no limit set by the fan-out (all branches may start at once)
   */
  readonly maxConcurrency?: number;
}

/**
 * One branch of a {@link FanOut}: the scope of the steps created for one item. The names of steps
 * created beneath it carry the branch's key.
 */
export class FanOutBranch<T, R = unknown> extends Construct {
  /** The item this branch was created for. */
  public readonly item: T;
  /** The item's key (the branch's construct id, or `Branch-<key>` for names of `Object.prototype` members such as `constructor`). */
  public readonly key: string;
  /** Position of the item in `items`. */
  public readonly index: number;
  /** The fan-out this branch belongs to. */
  public readonly fanOut: FanOut<T, R>;
  private value?: { readonly result: R };

  /** @internal created by FanOut only */
  constructor(fanOut: FanOut<T, R>, key: string, item: T, index: number, stepName: (name: string, key: string) => string) {
    // constructs keeps children in a plain object, so ids such as `constructor` or `__proto__`
    // collide with Object.prototype: such branches get the id `Branch-<key>` instead.
    super(fanOut, key in Object.prototype ? `Branch-${key}` : key);
    this.fanOut = fanOut;
    this.item = item;
    this.key = key;
    this.index = index;
    Object.defineProperty(this, STEP_NAME_SCOPE_SYMBOL, {
      value: (name: string, stepPath: string) => this.deriveStepName(name, stepPath, stepName),
    });
  }

  /** What the fan-out's `branch` function returned for this branch. */
  public get result(): R {
    if (this.value === undefined) {
      throw new Error(`FanOut ${this.fanOut.node.path}: the result of branch '${this.key}' is read before its branch function returned; use the steps you created in the function directly.`);
    }
    return this.value.result;
  }

  /** The steps created beneath this branch, in construct order. */
  public get steps(): Step[] {
    return this.node.findAll().filter((c): c is Step => Step.isStep(c));
  }

  /** @internal records the branch function's result */
  public _setResult(result: R): void {
    this.value = { result };
  }

  private deriveStepName(name: string, stepPath: string, format: (name: string, key: string) => string): string {
    const derived = format(name, this.key);
    const where = `FanOut ${this.fanOut.node.path}, branch '${this.key}' (item #${this.index})`;
    if (typeof derived !== 'string' || Token.isUnresolved(derived)) {
      throw new Error(`${where}: stepName(${JSON.stringify(name)}, ${JSON.stringify(this.key)}) must return a plain string for step ${stepPath}; received ${String(derived)}.`);
    }
    if (derived.length > MAX_STEP_NAME_LENGTH) {
      const overBy = derived.length - MAX_STEP_NAME_LENGTH;
      throw new Error(`${where}: step ${stepPath} would be named '${derived}' (${derived.length} characters), but step names are at most ${MAX_STEP_NAME_LENGTH} characters. Shorten the key (${this.key.length} characters) or the step's id or stepName ('${name}', ${name.length} characters) by ${overBy} characters in total, or pass a stepName function to the fan-out that abbreviates.`);
    }
    if (!STEP_NAME_PATTERN.test(derived)) {
      throw new Error(`${where}: step ${stepPath} would be named '${derived}', which is not 1-64 characters of A-Z, a-z, 0-9, - and _. Change the step's id or stepName ('${name}'), or the fan-out's stepName function.`);
    }
    return derived;
  }
}

/**
 * Fan-out at synth time: one step, or a group of steps, per item of a list known when the app
 * synthesizes, each branch's step names derived from the item's key, and a join point that waits
 * for all of them.
 *
 * SageMaker Pipelines has no run-time fan-out (a step cannot run once per element of a list), so
 * pipelines that train one model per region or per hyperparameter set repeat the steps by hand.
 * A `FanOut` does that repetition: the branch function runs once per item, with a
 * {@link FanOutBranch} as the scope of its steps, and every step created beneath a branch is named
 * `<name>-<key>` (for example `Train-eu-west-1`). Steps of different branches do not depend on each
 * other, so they run in parallel, up to `maxConcurrency` and the pipeline's
 * `maxParallelExecutionSteps`.
 *
 * ```ts
 * const perRegion = new FanOut(pipeline, 'PerRegion', {
 *   items: ['us-east-1', 'eu-west-1'],
 *   branch: (branch) => {
 *     const train = new TrainingStep(branch, 'Train', { ... });        // named Train-us-east-1, Train-eu-west-1
 *     const evaluate = new ProcessingStep(branch, 'Evaluate', { ... }); // reads train's model artifacts
 *     return JsonGet.fromPropertyFile(report, 'metrics.auc');
 *   },
 * });
 * // The join: a condition over every branch's metric (it reads them, so it runs after all branches).
 * new ConditionStep(pipeline, 'AllGoodEnough', {
 *   conditions: perRegion.results.map((auc) => Condition.greaterThanOrEqualTo(auc, 0.8)),
 *   ifSteps: [...], elseSteps: [...],
 * });
 * ```
 *
 * Checks, all naming the fan-out's construct path: the list is non-empty and known at synth; keys
 * are valid and unique; every derived step name fits 64 characters; each branch creates at least
 * one step beneath itself (a step created with the pipeline as scope inside the branch function is
 * an error, since its name would not carry the key). The pipeline's own checks then apply to the
 * result: unique step names, the 1,048,576-character definition limit (an error) and the
 * step-count soft limit (a warning). A fan-out wider than the pipeline's
 * `maxParallelExecutionSteps` draws an acknowledgeable warning
 * (`cdk-sagemaker-pipelines:fanOutAboveParallelism`).
 *
 * @typeParam T - the type of the items
 * @typeParam R - what the branch function returns
 */
export class FanOut<T, R = unknown> extends Construct {
  /** Whether `x` is a FanOut. */
  public static isFanOut(x: unknown): x is FanOut<unknown, unknown> {
    return x instanceof FanOut;
  }

  /** The branches, one per item, in the order of `items`. */
  public readonly branches: ReadonlyArray<FanOutBranch<T, R>>;
  /** The value the branch function returned for each item, in the order of `items`. */
  public readonly results: readonly R[];

  constructor(scope: Construct, id: string, props: FanOutProps<T, R>) {
    super(scope, id);
    const where = `FanOut ${this.node.path}`;
    const pipeline = findPipelineScope(this);
    if (pipeline === undefined) {
      throw new Error(`${where} is not inside a Pipeline. Create it with the pipeline (or a construct beneath it) as its scope: new FanOut(pipeline, '${id}', {...}).`);
    }
    const items = props.items;
    if (!Array.isArray(items) || Token.isUnresolved(items)) {
      throw new Error(`${where}: items must be an array known at synth; received ${Token.isUnresolved(items) ? 'a CloudFormation list token' : String(items)}. SageMaker Pipelines cannot fan out at run time, so list the items in code (for example from a configuration file read at synth).`);
    }
    if (items.length === 0) {
      throw new Error(`${where}: items is empty, so the fan-out would create no steps and a join would wait for nothing. Pass at least one item, or do not create the fan-out.`);
    }
    if (typeof props.branch !== 'function') {
      throw new Error(`${where}: branch must be a function that creates the steps of one item; received ${String(props.branch)}.`);
    }
    const maxConcurrency = props.maxConcurrency;
    if (maxConcurrency !== undefined && (Token.isUnresolved(maxConcurrency) || !Number.isInteger(maxConcurrency) || maxConcurrency < 1)) {
      throw new Error(`${where}: maxConcurrency must be an integer of at least 1 known at synth; received ${maxConcurrency}. Set it to the number of branches that may run at the same time, or omit it for no limit.`);
    }

    const keys = items.map((item, index) => keyOf(where, item, index, props.key));
    const firstIndex = new Map<string, number>();
    const duplicates: string[] = [];
    keys.forEach((key, index) => {
      const first = firstIndex.get(key);
      if (first === undefined) {
        firstIndex.set(key, index);
      } else {
        duplicates.push(`'${key}' (items #${first} and #${index})`);
      }
    });
    if (duplicates.length > 0) {
      throw new Error(`${where}: keys must be unique, since they name the branches' steps; duplicated: ${duplicates.join(', ')}. ${props.key === undefined ? 'Remove the duplicate items' : 'Make the key function return a distinct value per item (for example include the index)'}.`);
    }

    const stepName = props.stepName ?? ((name: string, key: string) => `${name}-${key}`);
    const branches: Array<FanOutBranch<T, R>> = [];
    const results: R[] = [];
    for (const [index, item] of items.entries()) {
      const key = keys[index];
      const branch = new FanOutBranch<T, R>(this, key, item, index, stepName);
      const before = new Set(stepsOf(pipeline));
      const result = props.branch(branch);
      branch._setResult(result);
      const outside = stepsOf(pipeline).filter((s) => !before.has(s) && !isBeneath(s, branch));
      if (outside.length > 0) {
        throw new Error(`${where}: the branch function of '${key}' created ${outside.map((s) => s.node.path).join(', ')} outside the branch, so the step names do not carry the key and repeat in every branch. Create the branch's steps with the branch as their scope: new ${outside[0].constructor.name}(branch, '${outside[0].node.id}', {...}).`);
      }
      if (branch.steps.length === 0) {
        throw new Error(`${where}: the branch function of '${key}' created no steps. Create at least one step with the branch as its scope, e.g. new TrainingStep(branch, 'Train', {...}).`);
      }
      branches.push(branch);
      results.push(result);
    }
    this.branches = branches;
    this.results = results;

    if (maxConcurrency !== undefined) {
      for (let i = maxConcurrency; i < branches.length; i++) {
        const waitFor = branches[i - maxConcurrency].steps;
        for (const step of branches[i].steps) {
          step.addDependsOn(...waitFor);
        }
      }
    }

    const width = Math.min(branches.length, maxConcurrency ?? Infinity);
    const parallelism = pipelineParallelism(pipeline);
    if (parallelism !== undefined && width > parallelism) {
      Annotations.of(this).addWarningV2('cdk-sagemaker-pipelines:fanOutAboveParallelism',
        `${where} runs ${width} branches at the same time, but the pipeline runs at most ${parallelism} steps at a time (maxParallelExecutionSteps), so the branches run in waves. Raise maxParallelExecutionSteps, set maxConcurrency to at most ${parallelism}, or acknowledge this warning.`);
    }
  }

  /** Every step of every branch, branch by branch. */
  public get steps(): Step[] {
    return this.branches.flatMap((b) => b.steps);
  }

  /**
   * Make each of `steps` (the join point) start only after every step of every branch has finished
   * (`DependsOn`). A step that reads the branches' results (a condition over their metrics) already
   * waits for the steps it reads; `join` is for steps that should wait for all of them regardless.
   */
  public join(...steps: Step[]): void {
    const own = new Set(this.steps);
    for (const step of steps) {
      if (!Step.isStep(step)) {
        throw new Error(`FanOut ${this.node.path}: join accepts steps only; received ${String(step)}.`);
      }
      if (own.has(step)) {
        throw new Error(`FanOut ${this.node.path}: cannot join ${step.node.path}, which is a step of the fan-out itself (a cycle); join a step created outside the fan-out.`);
      }
      step.addDependsOn(...own);
    }
  }
}

function keyOf<T>(where: string, item: T, index: number, key: ((item: T, index: number) => string) | undefined): string {
  let value: unknown;
  if (key !== undefined) {
    value = key(item, index);
  } else if (typeof item === 'string' || (typeof item === 'number' && Number.isFinite(item))) {
    value = String(item);
  } else {
    throw new Error(`${where}: item #${index} is ${item === null ? 'null' : typeof item}, so it needs a key; pass key: (item) => ... returning 1-64 characters of A-Z, a-z, 0-9, - and _ (for example a name field of the item).`);
  }
  if (typeof value !== 'string' || Token.isUnresolved(value) || !STEP_NAME_PATTERN.test(value)) {
    const suggestion = typeof value === 'string' && !Token.isUnresolved(value)
      ? value.replace(/[^A-Za-z0-9\-_]+/g, '_').slice(0, MAX_STEP_NAME_LENGTH) : '';
    throw new Error(`${where}: the key of item #${index} must be 1-64 characters of A-Z, a-z, 0-9, - and _ known at synth (it names the branch's steps); received ${typeof value === 'string' && !Token.isUnresolved(value) ? `'${value}'` : String(value)}.${suggestion.length > 0 ? ` Use for example '${suggestion}'.` : ''}`);
  }
  return value;
}

function findPipelineScope(construct: IConstruct): IConstruct | undefined {
  for (let scope: IConstruct | undefined = construct; scope !== undefined; scope = scope.node.scope) {
    if (PIPELINE_SYMBOL in scope) {
      return scope;
    }
  }
  return undefined;
}

function stepsOf(pipeline: IConstruct): Step[] {
  return pipeline.node.findAll().filter((c): c is Step => Step.isStep(c));
}

function isBeneath(construct: IConstruct, scope: IConstruct): boolean {
  for (let s: IConstruct | undefined = construct.node.scope; s !== undefined; s = s.node.scope) {
    if (s === scope) {
      return true;
    }
  }
  return false;
}

/** The pipeline's `MaxParallelExecutionSteps`, when set to a number. */
function pipelineParallelism(pipeline: IConstruct): number | undefined {
  const cfn = (pipeline as unknown as { cfnPipeline?: { parallelismConfiguration?: unknown } }).cfnPipeline;
  const config = cfn?.parallelismConfiguration as { MaxParallelExecutionSteps?: unknown } | undefined;
  const value = config?.MaxParallelExecutionSteps;
  return typeof value === 'number' && !Token.isUnresolved(value) ? value : undefined;
}
