import { NAME_PATTERN, StepInfo, ValidationContext, checkKnownKeys, child, describe, isObject, item } from './context';
import { checkPrimitive } from './expressions';
import { checkStep, collectSteps } from './steps';

/** One problem found in a pipeline definition. */
export interface DefinitionProblem {
  /**
   * Where in the definition, as a JSON path, e.g. `Steps[1].Arguments.ProcessingInputs[0].S3Input.S3Uri`
   * (condition branch steps: `Steps[3].Arguments.IfSteps[0]...`). The empty string is the document itself.
   */
  readonly path: string;
  /** Name of the step the problem is in, when it is inside a step. */
  readonly stepName?: string;
  /** What is wrong, what was received and how to fix it. */
  readonly message: string;
}

/** The only definition version the service accepts. */
const VERSION = '2020-12-01';
const TOP_LEVEL_KEYS = ['Version', 'Metadata', 'Parameters', 'PipelineExperimentConfig', 'MlflowConfig', 'Steps'];
const PARAMETER_KEYS = ['Name', 'Type', 'DefaultValue', 'EnumValues', 'Description'];
const PARAMETER_TYPES = ['String', 'Integer', 'Float', 'Boolean'];
/** Maximum length of `PipelineDefinition` (CreatePipeline). */
const MAX_DEFINITION_LENGTH = 1_048_576;

/**
 * Validates a parsed pipeline definition document (the object behind `PipelineDefinitionBody`).
 *
 * Checks the document envelope, parameters, experiment config, every step (including condition
 * branches) with its type-specific keys and `Arguments` (job steps against the SageMaker `Create*`
 * request shapes), every expression (`Get`, `Std:Join`, `Std:JsonGet`) and the step graph (unique
 * names, known dependencies, no self references, no cycles).
 *
 * @param definition the parsed JSON document
 * @returns every problem found, in document order (empty when the definition is valid). Never throws.
 */
export function validateDefinition(definition: unknown): DefinitionProblem[] {
  const ctx = new ValidationContext();
  try {
    validateDocument(ctx, definition);
  } catch (e) {
    ctx.add('', `The validator could not finish (${e instanceof Error ? e.message : String(e)}); the definition is malformed in a way it does not handle.`);
  }
  return ctx.problems;
}

/**
 * Validates a parsed pipeline definition document and throws one `Error` listing every problem, if any.
 *
 * @param definition the parsed JSON document
 * @throws Error whose message lists every problem, one per line, as `<path> [step <name>]: <message>`
 */
export function assertValidDefinition(definition: unknown): void {
  const problems = validateDefinition(definition);
  if (problems.length === 0) {
    return;
  }
  const lines = problems.map((p) => `  - ${p.path === '' ? '(definition)' : p.path}${p.stepName !== undefined ? ` [step ${p.stepName}]` : ''}: ${p.message}`);
  throw new Error(`Invalid pipeline definition: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${lines.join('\n')}`);
}

function validateDocument(ctx: ValidationContext, definition: unknown): void {
  if (!isObject(definition)) {
    ctx.add('', `A pipeline definition must be a JSON object {"Version", "Metadata", "Parameters", "PipelineExperimentConfig", "Steps"}; received ${describe(definition)}.`);
    return;
  }
  checkSize(ctx, definition);
  checkKnownKeys(ctx, definition, TOP_LEVEL_KEYS, '', 'the pipeline definition');
  if (definition.Version !== VERSION) {
    ctx.add('Version', `Version must be "${VERSION}" (the only definition version); received ${describe(definition.Version)}.`);
  }
  if (definition.Metadata !== undefined && !isObject(definition.Metadata)) {
    ctx.add('Metadata', `Metadata must be an object (usually {}); received ${describe(definition.Metadata)}.`);
  }
  checkParameters(ctx, definition.Parameters);
  checkMlflowConfig(ctx, definition.MlflowConfig);
  if (definition.PipelineExperimentConfig === null) {
    ctx.experimentConfigDisabled = true;
  }

  const steps = definition.Steps;
  let infos: StepInfo[] = [];
  if (!Array.isArray(steps) || steps.length === 0) {
    ctx.add('Steps', `Steps must be a non-empty list of steps; received ${describe(steps)}.`);
  } else {
    infos = collectSteps(ctx, steps, 'Steps', []);
  }
  // Checked after the steps are collected so that a reference from the config to a step is reported as such.
  checkExperimentConfig(ctx, definition.PipelineExperimentConfig);
  for (const info of infos) {
    checkStep(ctx, info);
  }
  checkCycles(ctx, infos);
}

function checkSize(ctx: ValidationContext, definition: unknown): void {
  let length: number;
  try {
    length = JSON.stringify(definition).length;
  } catch {
    ctx.add('', 'The definition cannot be serialized to JSON (it contains a cycle or a BigInt).');
    return;
  }
  if (length > MAX_DEFINITION_LENGTH) {
    ctx.add('', `The definition is ${length} characters long; the service accepts at most ${MAX_DEFINITION_LENGTH}. Split the pipeline or move large literals out of it.`);
  }
}

function checkParameters(ctx: ValidationContext, parameters: unknown): void {
  if (parameters === undefined) {
    return;
  }
  if (!Array.isArray(parameters)) {
    ctx.add('Parameters', `Parameters must be a list of {"Name", "Type", "DefaultValue"?}; received ${describe(parameters)}.`);
    return;
  }
  parameters.forEach((parameter, i) => {
    const path = item('Parameters', i);
    if (!isObject(parameter)) {
      ctx.add(path, `A parameter must be an object {"Name", "Type", "DefaultValue"?}; received ${describe(parameter)}.`);
      return;
    }
    checkKnownKeys(ctx, parameter, PARAMETER_KEYS, path, 'a parameter');
    const { Name: name, Type: type, DefaultValue: defaultValue, EnumValues: enumValues } = parameter;
    if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
      ctx.add(child(path, 'Name'), `Parameter "Name" must be 1-64 letters, digits, "-" or "_" (${NAME_PATTERN.source}); received ${describe(name)}.`);
    } else if (ctx.parameters.has(name)) {
      ctx.add(child(path, 'Name'), `Parameter "${name}" is declared more than once; parameter names must be unique.`);
    }
    const knownType = typeof type === 'string' && PARAMETER_TYPES.includes(type);
    if (!knownType) {
      ctx.add(child(path, 'Type'), `Parameter "Type" must be one of ${PARAMETER_TYPES.join(', ')}; received ${describe(type)}.`);
    }
    if (typeof name === 'string' && !ctx.parameters.has(name)) {
      ctx.parameters.set(name, knownType ? type : 'Unknown');
    }
    if (defaultValue !== undefined && knownType && !matchesParameterType(type, defaultValue)) {
      const expected = type === 'Integer' ? 'an integral number' : type === 'Float' ? 'a number' : type === 'Boolean' ? 'a boolean' : 'a string';
      ctx.add(child(path, 'DefaultValue'), `DefaultValue of ${type} parameter ${describe(name)} must be ${expected}; received ${describe(defaultValue)}.`);
    }
    if (parameter.Description !== undefined && typeof parameter.Description !== 'string') {
      ctx.add(child(path, 'Description'), `Parameter "Description" must be a string; received ${describe(parameter.Description)}.`);
    }
    if (enumValues !== undefined) {
      if (type !== 'String') {
        ctx.add(child(path, 'EnumValues'), `EnumValues is only allowed on String parameters; parameter ${describe(name)} is ${describe(type)}. Remove EnumValues.`);
      } else if (!Array.isArray(enumValues) || enumValues.length === 0 || enumValues.some((v) => typeof v !== 'string')) {
        ctx.add(child(path, 'EnumValues'), `EnumValues must be a non-empty list of strings; received ${describe(enumValues)}.`);
      } else if (typeof defaultValue === 'string' && !enumValues.includes(defaultValue)) {
        ctx.add(child(path, 'DefaultValue'), `DefaultValue "${defaultValue}" of parameter ${describe(name)} is not one of its EnumValues (${enumValues.join(', ')}).`);
      }
    }
  });
}

function matchesParameterType(type: string, value: unknown): boolean {
  switch (type) {
    case 'String': return typeof value === 'string';
    case 'Integer': return typeof value === 'number' && Number.isInteger(value);
    case 'Float': return typeof value === 'number' && Number.isFinite(value);
    default: return typeof value === 'boolean';
  }
}

function checkExperimentConfig(ctx: ValidationContext, config: unknown): void {
  if (config === undefined || config === null) {
    return;
  }
  const path = 'PipelineExperimentConfig';
  if (!isObject(config)) {
    ctx.add(path, `PipelineExperimentConfig must be null or {"ExperimentName", "TrialName"}; received ${describe(config)}.`);
    return;
  }
  checkKnownKeys(ctx, config, ['ExperimentName', 'TrialName'], path, 'PipelineExperimentConfig');
  for (const key of ['ExperimentName', 'TrialName']) {
    if (config[key] === undefined) {
      ctx.add(child(path, key), `PipelineExperimentConfig needs "${key}" (a string or an expression such as {"Get": "Execution.PipelineName"}).`);
    } else {
      checkPrimitive(ctx, config[key], 'string', child(path, key), { inExperimentConfig: true }, `PipelineExperimentConfig.${key}`);
    }
  }
}

function checkMlflowConfig(ctx: ValidationContext, config: unknown): void {
  if (config === undefined || config === null) {
    return;
  }
  if (!isObject(config)) {
    ctx.add('MlflowConfig', `MlflowConfig must be null or {"MlflowResourceArn", "MlflowExperimentName"}; received ${describe(config)}.`);
    return;
  }
  checkKnownKeys(ctx, config, ['MlflowResourceArn', 'MlflowExperimentName'], 'MlflowConfig', 'MlflowConfig');
  for (const key of ['MlflowResourceArn', 'MlflowExperimentName']) {
    if (config[key] !== undefined && config[key] !== null && typeof config[key] !== 'string') {
      ctx.add(child('MlflowConfig', key), `MlflowConfig.${key} must be a string or null; received ${describe(config[key])}.`);
    }
  }
}

/**
 * Report every cycle of the step graph (edges: DependsOn, Get / JsonGet references, and condition
 * step -> branch steps). Self references are reported where they occur, not here.
 */
function checkCycles(ctx: ValidationContext, infos: readonly StepInfo[]): void {
  const upstream = new Map<string, string[]>();
  for (const info of ctx.steps.values()) {
    const references: string[] = [];
    for (const reference of info.references) {
      if (reference !== info.name) {
        references.push(reference);
      }
    }
    upstream.set(info.name!, references);
  }
  for (const info of ctx.steps.values()) {
    for (const branchStep of info.branchStepNames) {
      upstream.get(branchStep)?.push(info.name!);
    }
  }
  const order = infos.filter((i) => i.name !== undefined && ctx.steps.get(i.name) === i).map((i) => i.name!);
  for (const component of stronglyConnected(order, upstream)) {
    if (component.length < 2) {
      continue;
    }
    const members = new Set(component);
    const start = order.find((n) => members.has(n))!;
    const cycle = findCycle(start, members, upstream);
    const info = ctx.steps.get(start)!;
    ctx.add(info.path, `Steps form a cycle: ${cycle.join(' -> ')} (each must run before the next, through DependsOn, a property reference or a condition branch). `
      + 'Remove a DependsOn entry or a reference to break it.', info);
  }
}

/**
 * Tarjan's algorithm (iterative), components in discovery order. Nodes are numbered (in `nodes`
 * order, then the other keys of `edges`) so that the bookkeeping is typed arrays, not maps of names.
 */
function stronglyConnected(nodes: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const names: string[] = [];
  const id = new Map<string, number>();
  for (const name of [...nodes, ...edges.keys()]) {
    if (!id.has(name)) {
      id.set(name, names.length);
      names.push(name);
    }
  }
  // Edges to nodes without an entry in `edges` lead nowhere: they are left out.
  const targetsOf = names.map((name) => {
    const targets: number[] = [];
    for (const target of edges.get(name) ?? []) {
      if (edges.has(target)) {
        targets.push(id.get(target)!);
      }
    }
    return targets;
  });
  const count = names.length;
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  /** How many of its targets each node on the work stack has followed. */
  const followed = new Int32Array(count);
  const stack: number[] = [];
  const work: number[] = [];
  const result: string[][] = [];
  let counter = 0;
  const discover = (node: number): void => {
    index[node] = counter;
    low[node] = counter;
    counter++;
    stack.push(node);
    onStack[node] = 1;
    work.push(node);
  };
  for (const rootName of nodes) {
    const root = id.get(rootName)!;
    if (index[root] !== -1) {
      continue;
    }
    discover(root);
    while (work.length > 0) {
      const node = work[work.length - 1];
      const targets = targetsOf[node];
      if (followed[node] < targets.length) {
        const target = targets[followed[node]++];
        if (index[target] === -1) {
          discover(target);
        } else if (onStack[target] === 1) {
          low[node] = Math.min(low[node], index[target]);
        }
      } else {
        work.pop();
        if (work.length > 0) {
          const parent = work[work.length - 1];
          low[parent] = Math.min(low[parent], low[node]);
        }
        if (low[node] === index[node]) {
          const component: string[] = [];
          let popped: number;
          do {
            popped = stack.pop()!;
            onStack[popped] = 0;
            component.push(names[popped]);
          } while (popped !== node);
          result.push(component);
        }
      }
    }
  }
  return result;
}

/**
 * A shortest cycle through `start` inside one strongly connected component, in execution order
 * (`A -> B` means A must run before B), starting and ending with `start`.
 */
function findCycle(start: string, members: ReadonlySet<string>, upstream: ReadonlyMap<string, readonly string[]>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of upstream.get(node) ?? []) {
      if (next === start) {
        const chain = [node];
        for (let n = previous.get(node); n !== undefined; n = previous.get(n)) {
          chain.push(n);
        }
        return [start, ...chain.slice(0, -1), start];
      }
      if (members.has(next) && !previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}
