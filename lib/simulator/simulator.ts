import { cachedStep } from './cache';
import { ConditionEvaluation, evaluateConditions } from './conditions';
import { SimulationInputError, StepExecutionError } from './errors';
import type { ExecutionVariableValues, SimulationOptions, SimulationValue, StepSimulationInputs } from './options';
import { convertValue, resolveParameters } from './parameters';
import { Resolver, ResolutionScope, StepOutputs } from './resolver';
import { SimulatedAttempt, runAttempts } from './retry';
import { SimulationSource, simulationDefinition } from './source';
import { PropertyContext, deriveProperties, generatedName } from './step-properties';
import { SimulatedStep, SimulationTrace } from './trace';
import { StepInfo, ValidationContext, didYouMean, isObject } from '../validator/context';
import { checkStep, collectSteps } from '../validator/steps';
import { validateDefinition } from '../validator/validate-definition';

type Json = Record<string, unknown>;

/** Keys every step has; the others (PropertyFiles, OutputParameters, check-step keys) are type-specific. */
const ENVELOPE_KEYS = new Set(['Name', 'Type', 'Arguments', 'DependsOn', 'DisplayName', 'Description', 'RetryPolicies', 'CacheConfig']);

const DEFAULT_EXECUTION_ID = 'simulated001';
const DEFAULT_START = '2026-01-01T00:00:00.000Z';

/** A step of the pipeline with what the run needs to know about it. */
interface Node {
  readonly index: number;
  readonly info: StepInfo;
  readonly name: string;
  readonly type: string;
  readonly upstream: number[];
  readonly downstream: number[];
  /** For a step directly inside a condition branch: the condition step and the branch. */
  gate?: { readonly condition: number; readonly branch: 'IfSteps' | 'ElseSteps' };
}

/**
 * Simulates one execution of a pipeline from its definition: resolves parameters, execution
 * variables and every expression, runs the steps in waves as their references and `DependsOn` allow
 * (at most `MaxParallelExecutionSteps` at a time), evaluates conditions and runs one branch, applies
 * retry policies to injected failures, reports cache hits against an earlier trace, and derives each
 * step's properties as the service would report them. No AWS account or container is needed.
 *
 * ```ts
 * const trace = simulate(stack, {
 *   steps: { AbaloneEval: { propertyFiles: { EvaluationReport: { regression_metrics: { mse: { value: 4.2 } } } } } },
 * });
 * expect(trace.step('AbaloneMSECond').outcome).toBe(true);
 * ```
 *
 * @throws SimulationInputError for bad input: an invalid definition, an undeclared or ill-typed
 * parameter, an option naming a step the pipeline does not have, a property file or S3 document that
 * a running step reads and that was not given.
 * @throws DefinitionInputError when the source cannot be read: a missing file, a template or construct
 * without a pipeline, or several pipelines and no `pipeline` option to choose one.
 */
export function simulate(source: SimulationSource, options: SimulationOptions = {}): SimulationTrace {
  const loaded = simulationDefinition(source, options);
  const definition = loaded.definition;
  const problems = validateDefinition(definition);
  if (problems.length > 0) {
    const listed = problems.slice(0, 3).map((p) => `${p.path || '(definition)'}: ${p.message}`).join(' | ');
    throw new SimulationInputError(`the definition has ${problems.length} problem${problems.length === 1 ? '' : 's'}, so the service would refuse it: ${listed}${problems.length > 3 ? ' | ...' : ''} Fix them first (\`cdk-sagemaker-pipelines validate\` lists every one).`);
  }
  return new Execution(definition, loaded.pipelineName, loaded.maxParallelExecutionSteps, options).run();
}

class Execution {
  private readonly nodes: Node[];
  private readonly byName = new Map<string, Node>();
  private readonly inputs: Record<string, StepSimulationInputs>;
  private readonly resolver: Resolver;
  private readonly outputs = new Map<string, StepOutputs>();
  private readonly results: Array<SimulatedStep | undefined>;
  private readonly executionVariables: Record<string, string>;
  private readonly parameterValues: Record<string, SimulationValue> = {};
  private readonly propertyContext: PropertyContext;
  private readonly maxParallel: number;

  constructor(
    definition: Json, pipelineName: string | undefined, pipelineParallelism: number | undefined, private readonly options: SimulationOptions,
  ) {
    this.nodes = buildNodes(definition);
    this.nodes.forEach((n) => this.byName.set(n.name, n));
    this.results = this.nodes.map(() => undefined);
    this.inputs = this.checkStepInputs(options.steps ?? {});
    const maxParallel = options.maxParallelExecutionSteps ?? pipelineParallelism;
    if (maxParallel !== undefined && (!Number.isInteger(maxParallel) || maxParallel < 1)) {
      throw new SimulationInputError(`maxParallelExecutionSteps must be an integer of at least 1; received ${maxParallel}.`);
    }
    this.maxParallel = maxParallel ?? Infinity;

    const parameters = resolveParameters(definition, options.parameters);
    parameters.forEach((p, name) => { this.parameterValues[name] = p.value; });
    this.executionVariables = executionVariables(options.executionVariables ?? {}, pipelineName, options.region ?? 'us-east-1', options.account ?? '123456789012');
    this.propertyContext = {
      executionId: this.executionVariables.PipelineExecutionId,
      region: options.region ?? 'us-east-1',
      account: options.account ?? '123456789012',
    };
    const config = definition.PipelineExperimentConfig;
    const base = {
      parameters, executionVariables: this.executionVariables, steps: this.outputs, inputs: this.inputs, s3Objects: options.s3Objects ?? {},
    };
    const experimentConfig = config === null ? null
      : isObject(config) ? new Resolver({ ...base, experimentConfig: null }).resolve(config) as Json
        : { ExperimentName: this.executionVariables.PipelineName, TrialName: this.executionVariables.PipelineExecutionId };
    this.resolver = new Resolver({ ...base, experimentConfig });
  }

  public run(): SimulationTrace {
    const remaining = this.nodes.map((n) => n.upstream.length);
    let ready = this.nodes.filter((n) => remaining[n.index] === 0).map((n) => n.index);
    let wave = 0;
    let clock = 0;
    let failure: string | undefined;
    const start = Date.parse(this.executionVariables.StartDateTime);
    while (ready.length > 0 && failure === undefined) {
      ready.sort((a, b) => a - b);
      const batch = ready.slice(0, this.maxParallel);
      ready = ready.slice(batch.length);
      wave++;
      let waveSeconds = 0;
      const finished: number[] = [];
      for (const index of batch) {
        const node = this.nodes[index];
        const currentDateTime = new Date(start + clock * 1000).toISOString();
        const scope: ResolutionScope = { stepName: node.name, currentDateTime, jobNames: this.jobNames(node) };
        const result = this.runStep(node, wave, scope);
        this.results[index] = result;
        const last = result.attempts[result.attempts.length - 1];
        waveSeconds = Math.max(waveSeconds, last === undefined ? 0 : last.startSeconds + (this.inputs[node.name]?.durationSeconds ?? 0));
        if (result.status === 'Failed') {
          failure ??= node.type === 'Fail' ? result.failureReason ?? '' : `Step ${node.name} failed: ${result.failureReason}`;
        } else {
          this.outputs.set(node.name, { type: node.type, properties: result.properties ?? {}, declaration: node.info.step });
          finished.push(index);
        }
      }
      clock += waveSeconds;
      for (const index of finished) {
        for (const d of this.nodes[index].downstream) {
          remaining[d]--;
          if (remaining[d] === 0 && this.gateOpen(this.nodes[d])) {
            ready.push(d);
          }
        }
      }
    }
    const steps = this.nodes.map((node, i) => this.results[i] ?? this.notExecuted(node, ready.includes(i)));
    return new SimulationTrace({
      status: failure === undefined ? 'Succeeded' : 'Failed',
      failureReason: failure,
      steps,
      parameters: this.parameterValues,
      executionVariables: this.executionVariables,
      waves: wave,
    });
  }

  private gateOpen(node: Node): boolean {
    if (node.gate === undefined) {
      return true;
    }
    const outcome = this.results[node.gate.condition]?.outcome;
    return outcome === (node.gate.branch === 'IfSteps');
  }

  private notExecuted(node: Node, wasReady: boolean): SimulatedStep {
    let reason: string;
    const gate = node.gate;
    const conditionResult = gate !== undefined ? this.results[gate.condition] : undefined;
    if (wasReady) {
      reason = 'the execution failed before the step could start';
    } else if (gate !== undefined && conditionResult?.outcome !== undefined && conditionResult.outcome !== (gate.branch === 'IfSteps')) {
      reason = `in the ${gate.branch} of ${this.nodes[gate.condition].name}, whose outcome was ${conditionResult.outcome}`;
    } else {
      const waiting = node.upstream.filter((u) => this.results[u] === undefined || this.results[u]!.status === 'Failed').map((u) => this.nodes[u].name);
      reason = waiting.length > 0 ? `waits for ${waiting.join(', ')}, which did not succeed` : 'the execution ended before the step could start';
    }
    return { name: node.name, type: node.type, status: 'NotExecuted', attempts: [], reason };
  }

  private jobNames(node: Node): Record<string, string> | undefined {
    if (node.type === 'Training') {
      return { TrainingJobName: generatedName(this.propertyContext, node.name) };
    }
    if (node.type === 'Processing') {
      return { ProcessingJobName: generatedName(this.propertyContext, node.name) };
    }
    return undefined;
  }

  private runStep(node: Node, wave: number, scope: ResolutionScope): SimulatedStep {
    const step = node.info.step;
    const base = { name: node.name, type: node.type, wave };
    const inputs = this.inputs[node.name] ?? {};
    let args: Json | undefined;
    try {
      if (node.type === 'Condition') {
        const conditions = Array.isArray((step.Arguments as Json).Conditions) ? (step.Arguments as Json).Conditions as unknown[] : [];
        args = { Conditions: this.resolver.resolve(conditions, scope) };
        const evaluated: ConditionEvaluation[] = evaluateConditions(conditions, this.resolver, scope);
        const outcome = evaluated.every((c) => c.outcome);
        return { ...base, status: 'Succeeded', attempts: [{ attempt: 1, startSeconds: 0, status: 'Succeeded' }], arguments: args, properties: { Outcome: outcome }, outcome, conditions: evaluated };
      }
      args = this.resolver.resolve(step.Arguments ?? {}, scope) as Json;
      if (node.type === 'Fail') {
        const message = String(args.ErrorMessage ?? '');
        return { ...base, status: 'Failed', attempts: [{ attempt: 1, startSeconds: 0, status: 'Failed', failureReason: message }], arguments: args, failureReason: message };
      }
      const envelope: Json = {};
      for (const [key, value] of Object.entries(step)) {
        if (!ENVELOPE_KEYS.has(key)) {
          envelope[key] = this.resolver.resolve(value, scope);
        }
      }
      const cached = cachedStep(step.CacheConfig, node.name, node.type, args, this.executionVariables.StartDateTime, this.options.previousExecution);
      if (cached !== undefined) {
        return { ...base, status: 'CacheHit', attempts: [{ attempt: 1, startSeconds: 0, status: 'Succeeded' }], arguments: args, properties: cached.properties };
      }
      const attempts: SimulatedAttempt[] = runAttempts(step.RetryPolicies, inputs.failures ?? [], inputs.durationSeconds ?? 0);
      const last = attempts[attempts.length - 1];
      if (last.status === 'Failed') {
        return { ...base, status: 'Failed', attempts, arguments: args, failureReason: last.failureReason };
      }
      const properties = deriveProperties({ name: node.name, type: node.type, arguments: args, envelope }, this.propertyContext, inputs);
      return { ...base, status: 'Succeeded', attempts, arguments: args, properties };
    } catch (e) {
      if (e instanceof StepExecutionError) {
        return { ...base, status: 'Failed', attempts: [{ attempt: 1, startSeconds: 0, status: 'Failed', failureReason: e.message }], arguments: args, failureReason: e.message };
      }
      throw e;
    }
  }

  /** Checks that every per-step input names a step of the right type and declared outputs or files; converts output values. */
  private checkStepInputs(steps: Record<string, StepSimulationInputs>): Record<string, StepSimulationInputs> {
    const names = [...this.byName.keys()];
    const checked: Record<string, StepSimulationInputs> = {};
    for (const [name, inputs] of Object.entries(steps)) {
      const node = this.byName.get(name);
      if (node === undefined) {
        throw new SimulationInputError(`steps: the pipeline has no step '${name}'.${didYouMean(name, names)} Its steps are ${names.join(', ')}.`);
      }
      let outputParameters = inputs.outputParameters;
      if (outputParameters !== undefined) {
        if (node.type !== 'Lambda' && node.type !== 'Callback') {
          throw new SimulationInputError(`step ${name}: outputParameters are for Lambda and Callback steps; ${name} is a ${node.type} step. Give its properties with properties: {...} instead.`);
        }
        const declared = new Map((Array.isArray(node.info.step.OutputParameters) ? node.info.step.OutputParameters.filter(isObject) : [])
          .map((o) => [String(o.OutputName), typeof o.OutputType === 'string' ? o.OutputType : 'String']));
        outputParameters = Object.fromEntries(Object.entries(outputParameters).map(([output, value]) => {
          const type = declared.get(output);
          if (type === undefined) {
            throw new SimulationInputError(`step ${name}: '${output}' is not one of its OutputParameters (${[...declared.keys()].join(', ') || 'none'}).${didYouMean(output, [...declared.keys()])} Pass a declared output.`);
          }
          return [output, convertValue(value, type, () => `output '${output}' of step ${name} (OutputType ${type})`)];
        }));
      }
      if (inputs.propertyFiles !== undefined) {
        const declared = propertyFilesOf(node).map((f) => String(f.PropertyFileName));
        for (const file of Object.keys(inputs.propertyFiles)) {
          if (!declared.includes(file)) {
            throw new SimulationInputError(`step ${name}: it declares no property file '${file}' (declared: ${declared.join(', ') || 'none'}).${didYouMean(file, declared)} Pass one of its PropertyFiles.`);
          }
        }
      }
      for (const [metric, value] of Object.entries(inputs.metrics ?? {})) {
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          throw new SimulationInputError(`step ${name}: metric '${metric}' must be a number; received ${JSON.stringify(value)}.`);
        }
      }
      if (inputs.durationSeconds !== undefined && (typeof inputs.durationSeconds !== 'number' || !Number.isFinite(inputs.durationSeconds) || inputs.durationSeconds < 0)) {
        throw new SimulationInputError(`step ${name}: durationSeconds must be a number of seconds of at least 0; received ${JSON.stringify(inputs.durationSeconds)}.`);
      }
      for (const failure of inputs.failures ?? []) {
        const attempts = failure.attempts === undefined ? [] : typeof failure.attempts === 'number' ? [failure.attempts] : failure.attempts;
        if (typeof failure.exceptionType !== 'string' || failure.exceptionType === '' || attempts.some((a) => !Number.isInteger(a) || a < 1)) {
          throw new SimulationInputError(`step ${name}: a failure needs an exceptionType (e.g. SageMaker.CAPACITY_ERROR) and, optionally, attempts as a positive integer or a list of attempt numbers; received ${JSON.stringify(failure)}.`);
        }
        if (node.type === 'Condition' || node.type === 'Fail') {
          throw new SimulationInputError(`step ${name}: a ${node.type} step runs no job, so no failure can be injected into it. Inject it into a step it reads from.`);
        }
      }
      checked[name] = { ...inputs, ...(outputParameters !== undefined ? { outputParameters } : {}) };
    }
    return checked;
  }
}

function propertyFilesOf(node: Node): Json[] {
  const files = node.info.step.PropertyFiles;
  return Array.isArray(files) ? files.filter(isObject) : [];
}

/**
 * The steps of a (valid) definition with their edges: references and `DependsOn` (collected by the
 * validator), and from each Condition step to the steps directly in its branches.
 */
function buildNodes(definition: Json): Node[] {
  const ctx = new ValidationContext();
  for (const p of Array.isArray(definition.Parameters) ? definition.Parameters.filter(isObject) : []) {
    ctx.parameters.set(String(p.Name), String(p.Type));
  }
  ctx.experimentConfigDisabled = definition.PipelineExperimentConfig === null;
  const infos = collectSteps(ctx, definition.Steps as unknown[], 'Steps', []);
  infos.forEach((info) => checkStep(ctx, info));
  const nodes: Node[] = infos.map((info, index) => ({ index, info, name: info.name!, type: info.type!, upstream: [], downstream: [] }));
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const link = (from: Node, to: Node): void => {
    if (!to.upstream.includes(from.index)) {
      to.upstream.push(from.index);
      from.downstream.push(to.index);
    }
  };
  for (const node of nodes) {
    for (const ref of node.info.references) {
      const from = byName.get(ref);
      if (from !== undefined) {
        link(from, node);
      }
    }
    if (node.type === 'Condition') {
      for (const branch of ['IfSteps', 'ElseSteps'] as const) {
        const list = (node.info.step.Arguments as Json)[branch];
        for (const child of Array.isArray(list) ? list.filter(isObject) : []) {
          const target = byName.get(String(child.Name));
          if (target !== undefined) {
            link(node, target);
            target.gate = { condition: node.index, branch };
          }
        }
      }
    }
  }
  return nodes;
}

function executionVariables(
  given: ExecutionVariableValues, pipelineName: string | undefined, region: string, account: string,
): Record<string, string> {
  for (const [key, value] of Object.entries(given)) {
    if (typeof value !== 'string') {
      throw new SimulationInputError(`executionVariables.${key} must be a string; received ${JSON.stringify(value)}.`);
    }
  }
  const name = given.PipelineName ?? pipelineName ?? 'simulated-pipeline';
  const arn = given.PipelineArn ?? `arn:aws:sagemaker:${region}:${account}:pipeline/${name.toLowerCase()}`;
  const id = given.PipelineExecutionId ?? DEFAULT_EXECUTION_ID;
  const start = given.StartDateTime ?? DEFAULT_START;
  if (!Number.isFinite(Date.parse(start))) {
    throw new SimulationInputError(`executionVariables.StartDateTime '${start}' is not an ISO-8601 date and time; pass e.g. '2026-01-01T00:00:00Z'.`);
  }
  return {
    PipelineName: name,
    PipelineArn: arn,
    PipelineExecutionId: id,
    PipelineExecutionArn: given.PipelineExecutionArn ?? `${arn}/execution/${id}`,
    StartDateTime: start,
    ...(given.CurrentDateTime !== undefined ? { CurrentDateTime: given.CurrentDateTime } : {}),
  };
}
