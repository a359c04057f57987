import {
  StepInfo, ValidationContext, ValueType, JsonObject, checkKnownKeys, child, describe, didYouMean, isObject, item,
} from './context';
import { resolveStepProperty } from './properties';

/** Where an expression or value is being checked. */
export interface Scope {
  /** The step the value is in, if any. */
  readonly step?: StepInfo;
  /** True inside `PipelineExperimentConfig` (no step or experiment-config references there). */
  readonly inExperimentConfig?: boolean;
}

/** What an expression yields, with a label for messages. */
export interface ExpressionType {
  /** The primitive type the expression evaluates to. */
  readonly type: ValueType;
  /** Human-readable description, e.g. `parameter "Epochs" (Type Integer)`. */
  readonly label: string;
}

/** Execution variables the service knows. */
export const EXECUTION_VARIABLES = [
  'StartDateTime', 'CurrentDateTime', 'PipelineName', 'PipelineArn', 'PipelineExecutionId',
  'PipelineExecutionArn', 'TrainingJobName', 'ProcessingJobName',
];

const PARAMETER_VALUE_TYPES: Record<string, ValueType> = {
  String: 'string', Integer: 'number', Float: 'number', Boolean: 'boolean',
};

/** Maximum nesting depth the walkers follow (guards against pathological input). */
export const MAX_DEPTH = 64;

/** Whether `value` is meant as an expression: an object with a `Get` key or a key starting with `Std:`. */
export function isExpressionLike(value: unknown): value is JsonObject {
  if (!isObject(value)) {
    return false;
  }
  // Called on every object the validator meets: a for-in loop allocates no key list (own keys only, as Object.keys).
  for (const key in value) {
    if ((key === 'Get' || key.startsWith('Std:')) && hasOwn.call(value, key)) {
      return true;
    }
  }
  return false;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Whether a value of type `actual` may stand where `expected` is required. */
export function isCompatible(expected: ValueType, actual: ValueType): boolean {
  if (expected === 'any' || actual === 'any' || expected === actual) {
    return true;
  }
  if (expected === 'string') {
    return actual === 'timestamp';
  }
  if (expected === 'timestamp') {
    return actual === 'string';
  }
  return false;
}

/**
 * Validate an expression object (`Get`, `Std:Join`, `Std:JsonGet`) and return what it yields, or
 * `undefined` when it is invalid (the problem has been recorded).
 */
export function checkExpression(ctx: ValidationContext, expr: JsonObject, path: string, scope: Scope, depth = 0): ExpressionType | undefined {
  const keys = Object.keys(expr);
  if (keys.length !== 1) {
    ctx.add(path, `An expression object must have exactly one key ("Get", "Std:Join" or "Std:JsonGet"); received keys ${keys.join(', ')}. Split it or remove the extra keys.`, scope.step);
    return undefined;
  }
  const key = keys[0];
  const body = expr[key];
  const bodyPath = child(path, key);
  if (depth > MAX_DEPTH) {
    ctx.add(path, `Expressions are nested more than ${MAX_DEPTH} levels deep; flatten them.`, scope.step);
    return undefined;
  }
  switch (key) {
    case 'Get':
      return checkGet(ctx, body, bodyPath, scope);
    case 'Std:Join':
      return checkJoin(ctx, body, bodyPath, scope, depth);
    case 'Std:JsonGet':
      return checkJsonGet(ctx, body, bodyPath, scope, depth);
    default:
      ctx.add(path, `Unknown function "${key}": the only functions are Std:Join and Std:JsonGet.${didYouMean(key, ['Std:Join', 'Std:JsonGet'])}`, scope.step);
      return undefined;
  }
}

/**
 * Check a value where a primitive of type `expected` is required: a literal of that JSON type, or an
 * expression that yields a compatible type.
 */
export function checkPrimitive(
  ctx: ValidationContext, value: unknown, expected: ValueType, path: string, scope: Scope, what: string, depth = 0,
): void {
  if (isExpressionLike(value)) {
    const result = checkExpression(ctx, value, path, scope, depth);
    if (result !== undefined && !isCompatible(expected, result.type)) {
      ctx.add(path, `${what} expects a ${expected}, but ${result.label} yields a ${result.type}. ${mismatchAdvice(expected, result)}`, scope.step);
    }
    return;
  }
  if (!isOfType(value, expected)) {
    const wanted = expected === 'any' ? 'a string, number or boolean' : `a ${expected}`;
    ctx.add(path, `${what} must be ${wanted} or an expression ({"Get": ...}, {"Std:Join": ...}, {"Std:JsonGet": ...}); received ${describe(value)}.`, scope.step);
  }
}

/** Validate every expression found anywhere inside `value` (no type expectations). */
export function walkExpressions(ctx: ValidationContext, value: unknown, path: string, scope: Scope, depth = 0): void {
  if (depth > MAX_DEPTH) {
    ctx.add(path, `Value is nested more than ${MAX_DEPTH} levels deep.`, scope.step);
    return;
  }
  if (isExpressionLike(value)) {
    checkExpression(ctx, value, path, scope, depth);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => walkExpressions(ctx, v, item(path, i), scope, depth + 1));
  } else if (isObject(value)) {
    for (const k of Object.keys(value)) {
      walkExpressions(ctx, value[k], child(path, k), scope, depth + 1);
    }
  }
}

/** Whether a literal (not an expression) is a value of type `expected`: {@link checkPrimitive} accepts it. */
export function isOfType(value: unknown, expected: ValueType): boolean {
  switch (expected) {
    case 'any': return typeof value === 'string' || typeof value === 'boolean' || isFiniteNumber(value);
    case 'string': return typeof value === 'string';
    case 'number': return isFiniteNumber(value);
    case 'boolean': return typeof value === 'boolean';
    case 'timestamp': return typeof value === 'string' || isFiniteNumber(value);
  }
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function mismatchAdvice(expected: ValueType, result: ExpressionType): string {
  if (result.label.startsWith('Std:Join')) {
    return 'Use the referenced value directly instead of joining it.';
  }
  if (result.label.startsWith('parameter')) {
    const types = expected === 'number' ? 'Integer or Float' : expected === 'boolean' ? 'Boolean' : 'String';
    return `Declare the parameter with Type ${types}, or use a different value.`;
  }
  if (expected === 'string') {
    return 'Wrap it in {"Std:Join": {"On": "", "Values": [<expression>]}} to convert it to a string.';
  }
  return `Reference a value of type ${expected} instead.`;
}

function checkGet(ctx: ValidationContext, get: unknown, path: string, scope: Scope): ExpressionType | undefined {
  if (typeof get !== 'string') {
    ctx.add(path, `"Get" must be a string such as "Parameters.<Name>", "Execution.<Variable>" or "Steps.<Step>.<Property>"; received ${describe(get)}.`, scope.step);
    return undefined;
  }
  const dot = get.indexOf('.');
  const namespace = dot < 0 ? get : get.slice(0, dot);
  const rest = dot < 0 ? '' : get.slice(dot + 1);
  switch (namespace) {
    case 'Parameters': {
      const type = ctx.parameters.get(rest);
      if (type === undefined) {
        ctx.add(path, `Parameter "${rest}" is not declared in Parameters (received "${get}").${didYouMean(rest, [...ctx.parameters.keys()])} Declare it or fix the name.`, scope.step);
        return undefined;
      }
      return { type: PARAMETER_VALUE_TYPES[type] ?? 'any', label: `parameter "${rest}" (Type ${type})` };
    }
    case 'Execution':
      if (!EXECUTION_VARIABLES.includes(rest)) {
        ctx.add(path, `Unknown execution variable "${rest}" (received "${get}").${didYouMean(rest, EXECUTION_VARIABLES)} Known: ${EXECUTION_VARIABLES.join(', ')}.`, scope.step);
        return undefined;
      }
      return {
        type: rest === 'StartDateTime' || rest === 'CurrentDateTime' ? 'timestamp' : 'string',
        label: `execution variable "${rest}"`,
      };
    case 'PipelineExperimentConfig':
      if (rest !== 'ExperimentName' && rest !== 'TrialName') {
        ctx.add(path, `Unknown experiment config property "${rest}" (received "${get}"); use PipelineExperimentConfig.ExperimentName or PipelineExperimentConfig.TrialName.`, scope.step);
        return undefined;
      }
      if (scope.inExperimentConfig) {
        ctx.add(path, `PipelineExperimentConfig cannot reference itself (received "${get}"); use a literal, a parameter or an execution variable.`, scope.step);
        return undefined;
      }
      if (ctx.experimentConfigDisabled) {
        ctx.add(path, `"${get}" references the experiment config, but PipelineExperimentConfig is null; configure it or remove the reference.`, scope.step);
        return undefined;
      }
      return { type: 'string', label: `"${get}"` };
    case 'Steps':
      return checkStepGet(ctx, rest, path, scope, false);
    default:
      ctx.add(path, `Unknown reference "${get}": a Get must start with Parameters., Execution., PipelineExperimentConfig. or Steps.`, scope.step);
      return undefined;
  }
}

/**
 * Check `Steps.<name>.<property path>` (`rest` is what follows `Steps.`). With `propertyFile`, the
 * reference must be `Steps.<processing step>.PropertyFiles.<declared property file>`.
 */
function checkStepGet(ctx: ValidationContext, rest: string, path: string, scope: Scope, propertyFile: boolean): ExpressionType | undefined {
  const full = `Steps.${rest}`;
  const match = /^([^.[]*)(.*)$/.exec(rest)!;
  const name = match[1];
  const propertyPath = match[2].startsWith('.') ? match[2].slice(1) : match[2];
  if (scope.inExperimentConfig || scope.step === undefined) {
    ctx.add(path, `"${full}" references a step, which is not allowed here; use a literal, a parameter or an execution variable.`, scope.step);
    return undefined;
  }
  const target = ctx.steps.get(name);
  if (target === undefined) {
    ctx.add(path, `"${full}" references step "${name}", which does not exist in the pipeline.${didYouMean(name, [...ctx.steps.keys()])}`, scope.step);
    return undefined;
  }
  if (scope.step.name === name) {
    ctx.add(path, `Step "${name}" references itself ("${full}"); a step can only use the properties of other steps.`, scope.step);
    return undefined;
  }
  scope.step.references.add(name);
  if (propertyPath === '' || !match[2].startsWith('.')) {
    ctx.add(path, `"${full}" names no property of step "${name}"; add one, e.g. "Steps.${name}.<Property>".`, scope.step);
    return undefined;
  }
  const isPropertyFile = propertyPath.startsWith('PropertyFiles.');
  if (propertyFile !== isPropertyFile) {
    ctx.add(path, propertyFile
      ? `A Std:JsonGet PropertyFile must be {"Get": "Steps.<processing step>.PropertyFiles.<name>"}; received "${full}".`
      : `"${full}" is a property file reference; it can only be used as the PropertyFile of a Std:JsonGet.`, scope.step);
    return undefined;
  }
  if (isPropertyFile) {
    const fileName = propertyPath.slice('PropertyFiles.'.length);
    if (target.type !== 'Processing') {
      ctx.add(path, `Std:JsonGet with a PropertyFile can only read outputs of a Processing step, but step "${name}" is of type ${target.type ?? 'unknown'} (received "${full}").`, scope.step);
      return undefined;
    }
    const declared = propertyFileNames(target.step);
    if (!declared.includes(fileName)) {
      ctx.add(path, `Property file "${fileName}" is not declared in the PropertyFiles of step "${name}" (received "${full}").${didYouMean(fileName, declared)} Declared: ${declared.join(', ') || 'none'}.`, scope.step);
      return undefined;
    }
    return { type: 'any', label: `"${full}"` };
  }
  const resolved = resolveStepProperty(target, propertyPath);
  if (typeof resolved === 'string') {
    ctx.add(path, `"${full}": ${resolved}`, scope.step);
    return undefined;
  }
  return { type: resolved.type, label: `step property "${full}"` };
}

function checkJoin(ctx: ValidationContext, body: unknown, path: string, scope: Scope, depth: number): ExpressionType | undefined {
  if (!isObject(body)) {
    ctx.add(path, `Std:Join takes an object {"On": <separator>, "Values": [...]}; received ${describe(body)}.`, scope.step);
    return undefined;
  }
  checkKnownKeys(ctx, body, ['On', 'Values'], path, 'Std:Join', scope.step);
  if (typeof body.On !== 'string') {
    ctx.add(child(path, 'On'), `Std:Join "On" must be a string separator (use "" for none); received ${describe(body.On)}.`, scope.step);
  }
  if (!Array.isArray(body.Values)) {
    ctx.add(child(path, 'Values'), `Std:Join "Values" must be a list of strings, numbers, booleans or expressions; received ${describe(body.Values)}.`, scope.step);
  } else {
    body.Values.forEach((v, i) => checkPrimitive(ctx, v, 'any', item(child(path, 'Values'), i), scope, 'A Std:Join value', depth + 1));
  }
  return { type: 'string', label: 'Std:Join (always a string)' };
}

function checkJsonGet(ctx: ValidationContext, body: unknown, path: string, scope: Scope, depth: number): ExpressionType | undefined {
  if (!isObject(body)) {
    ctx.add(path, `Std:JsonGet takes an object {"PropertyFile": {"Get": ...} or "S3Uri": ..., "Path": <json path>}; received ${describe(body)}.`, scope.step);
    return undefined;
  }
  checkKnownKeys(ctx, body, ['PropertyFile', 'S3Uri', 'Path'], path, 'Std:JsonGet', scope.step);
  const hasFile = body.PropertyFile !== undefined;
  const hasUri = body.S3Uri !== undefined;
  if (hasFile === hasUri) {
    ctx.add(path, `Std:JsonGet needs exactly one of "PropertyFile" and "S3Uri"; received ${hasFile ? 'both' : 'neither'}.`, scope.step);
  }
  if (hasFile) {
    const filePath = child(path, 'PropertyFile');
    const file = body.PropertyFile;
    if (!isObject(file) || Object.keys(file).length !== 1 || typeof file.Get !== 'string' || !file.Get.startsWith('Steps.')) {
      ctx.add(filePath, `Std:JsonGet PropertyFile must be {"Get": "Steps.<processing step>.PropertyFiles.<name>"}; received ${describe(file)}.`, scope.step);
    } else {
      checkStepGet(ctx, file.Get.slice('Steps.'.length), child(filePath, 'Get'), scope, true);
    }
  }
  if (hasUri) {
    checkPrimitive(ctx, body.S3Uri, 'string', child(path, 'S3Uri'), scope, 'Std:JsonGet S3Uri', depth + 1);
  }
  if (typeof body.Path !== 'string' || body.Path === '') {
    ctx.add(child(path, 'Path'), `Std:JsonGet "Path" must be a non-empty JSON path string such as "metrics.accuracy.value"; received ${describe(body.Path)}.`, scope.step);
  }
  return { type: 'any', label: 'Std:JsonGet' };
}

/** Names of the property files a step declares (literal `PropertyFiles[].PropertyFileName`). */
export function propertyFileNames(step: JsonObject): string[] {
  const files = step.PropertyFiles;
  if (!Array.isArray(files)) {
    return [];
  }
  return files.filter(isObject).map((f) => f.PropertyFileName).filter((n): n is string => typeof n === 'string');
}
