import { JSONPath } from 'jsonpath-plus';
import { SimulationInputError, StepExecutionError } from './errors';
import type { StepSimulationInputs } from './options';
import type { ParameterValue } from './parameters';
import { lookupProperty } from './property-path';
import { joinText } from './value-text';
import { isObject } from '../validator/context';
import { isExpressionLike } from '../validator/expressions';

/** A resolved expression and whether the service treats it as a Float (for `Std:Join`). */
export interface TypedValue {
  /** The value. */
  readonly value: unknown;
  /** Whether it prints as a Float. */
  readonly float: boolean;
}

/** What a step that has run exposes to later steps. */
export interface StepOutputs {
  /** Step `Type`. */
  readonly type: string;
  /** The step's properties (its `Describe*` response, `Outcome`, `OutputParameters`, ...). */
  readonly properties: Record<string, unknown>;
  /** The step object of the definition (its `PropertyFiles`, `OutputParameters` declarations). */
  readonly declaration: Readonly<Record<string, unknown>>;
}

/** Everything expressions can read during one execution. */
export interface ResolutionContext {
  /** Parameter values by name. */
  readonly parameters: ReadonlyMap<string, ParameterValue>;
  /** Execution variable values by name (without `Execution.`). */
  readonly executionVariables: Readonly<Record<string, string>>;
  /** The resolved `PipelineExperimentConfig`, or null when disabled. */
  readonly experimentConfig: Readonly<Record<string, unknown>> | null;
  /** Outputs of the steps that have succeeded (or were cache hits), by name. */
  readonly steps: ReadonlyMap<string, StepOutputs>;
  /** The simulation's inputs per step. */
  readonly inputs: Readonly<Record<string, StepSimulationInputs>>;
  /** JSON documents at S3 URIs. */
  readonly s3Objects: Readonly<Record<string, unknown>>;
}

/** Where a value is being resolved: the reading step, and the job name that step's job gets. */
export interface ResolutionScope {
  /** Name of the step whose values are resolved, for messages. */
  readonly stepName?: string;
  /** `Execution.TrainingJobName` / `Execution.ProcessingJobName` inside a Training / Processing step. */
  readonly jobNames?: Readonly<Record<string, string>>;
  /** `Execution.CurrentDateTime` at the time the step starts. */
  readonly currentDateTime?: string;
}

/**
 * Resolves every `Get`, `Std:Join` and `Std:JsonGet` in values of a definition to concrete values,
 * as the service does when it starts a step.
 */
export class Resolver {
  constructor(private readonly context: ResolutionContext) {}

  /** `value` with every expression inside it replaced by its value. */
  public resolve(value: unknown, scope: ResolutionScope = {}): unknown {
    if (isExpressionLike(value)) {
      return this.expression(value, scope).value;
    }
    if (Array.isArray(value)) {
      return value.map((v) => this.resolve(v, scope));
    }
    if (isObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        out[k] = this.resolve(v, scope);
      }
      return out;
    }
    return value;
  }

  /** One value (a literal or an expression) with its Float flag. */
  public typed(value: unknown, scope: ResolutionScope = {}): TypedValue {
    if (isExpressionLike(value)) {
      return this.expression(value, scope);
    }
    return { value, float: typeof value === 'number' && !Number.isInteger(value) };
  }

  private expression(expr: Record<string, unknown>, scope: ResolutionScope): TypedValue {
    if ('Get' in expr) {
      return this.get(String(expr.Get), scope);
    }
    if ('Std:Join' in expr) {
      const body = expr['Std:Join'] as Record<string, unknown>;
      const on = typeof body.On === 'string' ? body.On : '';
      const values = Array.isArray(body.Values) ? body.Values : [];
      return { value: values.map((v) => { const t = this.typed(v, scope); return joinText(t.value, t.float); }).join(on), float: false };
    }
    if ('Std:JsonGet' in expr) {
      return this.jsonGet(expr['Std:JsonGet'] as Record<string, unknown>, scope);
    }
    throw new StepExecutionError(`Unknown function ${Object.keys(expr).join(', ')}.`);
  }

  private get(get: string, scope: ResolutionScope): TypedValue {
    const dot = get.indexOf('.');
    const namespace = dot < 0 ? get : get.slice(0, dot);
    const rest = dot < 0 ? '' : get.slice(dot + 1);
    switch (namespace) {
      case 'Parameters': {
        const parameter = this.context.parameters.get(rest);
        if (parameter === undefined) {
          throw new StepExecutionError(`${get} is undefined.`);
        }
        return { value: parameter.value, float: parameter.type === 'Float' };
      }
      case 'Execution': {
        const value = rest === 'CurrentDateTime' && scope.currentDateTime !== undefined && this.context.executionVariables.CurrentDateTime === undefined
          ? scope.currentDateTime
          : scope.jobNames?.[rest] ?? this.context.executionVariables[rest];
        if (value === undefined) {
          const where = rest.endsWith('JobName') ? ` (only the steps that start a ${rest.replace(/JobName$/, '')} job have it)` : '';
          throw new StepExecutionError(`${get} is undefined${where}.`);
        }
        return { value, float: false };
      }
      case 'PipelineExperimentConfig': {
        const value = this.context.experimentConfig?.[rest];
        if (value === undefined || value === null) {
          throw new StepExecutionError(`${get} is undefined.`);
        }
        return { value, float: false };
      }
      case 'Steps': {
        const match = /^([^.[]*)\.?(.*)$/.exec(rest)!;
        const [, stepName, propertyPath] = match;
        const outputs = this.context.steps.get(stepName);
        if (outputs === undefined) {
          throw new StepExecutionError(`${get} is undefined (step ${stepName} has not run).`);
        }
        const found = lookupProperty(outputs.properties, propertyPath);
        if (found.value === undefined || found.value === null) {
          throw new StepExecutionError(`${get} is undefined.${this.undefinedHint(stepName, outputs.type, propertyPath)}`);
        }
        return { value: found.value, float: found.float || this.isFloatOutput(outputs, propertyPath) };
      }
      default:
        throw new StepExecutionError(`${get} is undefined.`);
    }
  }

  /** Whether `propertyPath` is a Lambda or Callback output declared with OutputType Float. */
  private isFloatOutput(outputs: StepOutputs, propertyPath: string): boolean {
    const output = /^OutputParameters\['([^']*)'\]$/.exec(propertyPath);
    const declared = outputs.declaration.OutputParameters;
    return output !== null && Array.isArray(declared) && declared.some((o) => isObject(o) && o.OutputName === output[1] && o.OutputType === 'Float');
  }

  private undefinedHint(stepName: string, type: string, propertyPath: string): string {
    const output = /^OutputParameters\['([^']*)'\]$/.exec(propertyPath);
    if (output !== null) {
      return ` (simulation: no value was given for output '${output[1]}' of ${type} step ${stepName}; pass it with steps: { ${stepName}: { outputParameters: { '${output[1]}': ... } } } or --step-output ${stepName}.${output[1]}=VALUE)`;
    }
    if (/Metric/.test(propertyPath)) {
      return ` (simulation: give the metric with steps: { ${stepName}: { metrics: { '<metric name>': <value> } } })`;
    }
    return ` (simulation: step ${stepName} does not report it; give it with steps: { ${stepName}: { properties: { ... } } })`;
  }

  private jsonGet(body: Record<string, unknown>, scope: ResolutionScope): TypedValue {
    const path = String(body.Path);
    let document: unknown;
    let source: string;
    if (body.PropertyFile !== undefined) {
      const get = String((body.PropertyFile as Record<string, unknown>).Get);
      const match = /^Steps\.([^.]*)\.PropertyFiles\.(.*)$/.exec(get);
      if (match === null) {
        throw new StepExecutionError(`${get} is undefined.`);
      }
      const [, stepName, fileName] = match;
      source = `property file ${fileName} of step ${stepName}`;
      document = this.propertyFile(stepName, fileName, path, scope);
    } else {
      const uri = this.typed(body.S3Uri, scope).value;
      source = `${String(uri)}`;
      if (typeof uri !== 'string' || !(uri in this.context.s3Objects)) {
        throw new SimulationInputError(`step ${scope.stepName ?? '?'} reads ${String(uri)} with Std:JsonGet (Path "${path}"), and no contents were given for it. Pass s3Objects: { '${String(uri)}': {...} }, or --json-get ${String(uri)}=path.json.`);
      }
      document = this.context.s3Objects[uri];
    }
    let results: unknown[];
    try {
      results = JSONPath({ path, json: document as object, wrap: true, eval: 'safe' }) as unknown[];
    } catch (e) {
      throw new StepExecutionError(`Std:JsonGet could not evaluate the path "${path}" in ${source}: ${(e as Error).message}.`);
    }
    if (!Array.isArray(results) || results.length === 0 || results[0] === undefined) {
      throw new StepExecutionError(`Std:JsonGet: the path "${path}" matches nothing in ${source}.`);
    }
    const value = results[0];
    return { value, float: typeof value === 'number' && !Number.isInteger(value) };
  }

  private propertyFile(stepName: string, fileName: string, path: string, scope: ResolutionScope): unknown {
    const given = this.context.inputs[stepName]?.propertyFiles;
    if (given !== undefined && fileName in given) {
      return given[fileName];
    }
    const outputs = this.context.steps.get(stepName);
    const files = outputs?.declaration.PropertyFiles;
    const declaration = Array.isArray(files) ? files.filter(isObject).find((f) => f.PropertyFileName === fileName) : undefined;
    let uri: string | undefined;
    if (outputs !== undefined && declaration !== undefined) {
      const found = lookupProperty(outputs.properties, `ProcessingOutputConfig.Outputs['${String(declaration.OutputName)}'].S3Output.S3Uri`).value;
      if (typeof found === 'string') {
        uri = `${found.replace(/\/+$/, '')}/${String(declaration.FilePath).replace(/^\/+/, '')}`;
        if (uri in this.context.s3Objects) {
          return this.context.s3Objects[uri];
        }
      }
    }
    throw new SimulationInputError(`step ${scope.stepName ?? '?'} reads property file ${fileName} of step ${stepName} (Std:JsonGet Path "${path}"), and no contents were given for it. Pass steps: { ${stepName}: { propertyFiles: { ${fileName}: {...} } } }, or --property-file ${stepName}.${fileName}=path.json${uri !== undefined ? ` (or the document at ${uri})` : ''}.`);
  }
}
