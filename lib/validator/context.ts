/**
 * Shared state and small helpers of the definition validator (not exported from the package).
 */
import type { DefinitionProblem } from './validate-definition';
import { nearestName } from '../private/shape-util';

/** A plain JSON object. */
export type JsonObject = Record<string, unknown>;

/** The primitive type a value position expects, or that an expression yields. */
export type ValueType = 'string' | 'number' | 'boolean' | 'timestamp' | 'any';

/** Everything the validator knows about one step before it validates any of them. */
export interface StepInfo {
  /** JSON path of the step object. */
  readonly path: string;
  /** The step object. */
  readonly step: JsonObject;
  /** `Name`, when it is a string. */
  readonly name?: string;
  /** `Type`, when it is a string. */
  readonly type?: string;
  /** Names of the steps directly inside `IfSteps` / `ElseSteps` (Condition steps only). */
  readonly branchStepNames: string[];
  /** Names of the steps this step references (DependsOn, Get, JsonGet), filled while validating. */
  readonly references: Set<string>;
}

/** Declared step types, in the order of definition-format.md section 2.1. */
export const STEP_TYPES = [
  'Training', 'Processing', 'Transform', 'Tuning', 'Model', 'RegisterModel', 'Condition', 'Fail',
  'Lambda', 'Callback', 'EMR', 'QualityCheck', 'ClarifyCheck', 'AutoML',
] as const;

/** Name pattern of steps and parameters. */
export const NAME_PATTERN = /^[A-Za-z0-9\-_]{1,64}$/;

/** Collects problems and knows the steps and parameters of the whole definition. */
export class ValidationContext {
  /** Every problem found, in discovery order. */
  public readonly problems: DefinitionProblem[] = [];
  /** Steps by name (first occurrence wins). */
  public readonly steps = new Map<string, StepInfo>();
  /** Declared parameter types by name (first occurrence wins). */
  public readonly parameters = new Map<string, string>();
  /** Whether `PipelineExperimentConfig` is explicitly `null`. */
  public experimentConfigDisabled = false;

  /** Record a problem. */
  public add(path: string, message: string, step?: StepInfo): void {
    this.problems.push(step?.name !== undefined ? { path, stepName: step.name, message } : { path, message });
  }
}

/** Whether `value` is a plain (non-array, non-null) object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys written `.key` in a JSON path; others are written `['key']`. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** JSON path of member `key` under `path`. */
export function child(path: string, key: string): string {
  if (IDENTIFIER.test(key)) {
    return path === '' ? key : `${path}.${key}`;
  }
  return `${path}['${key}']`;
}

/**
 * What {@link child} appends to a non-empty path for member `key` (`.key` or `['key']`), for callers
 * that meet the same key many times and work this out once: `joinChild(path, key, childSegment(key))`
 * equals `child(path, key)`.
 */
export function childSegment(key: string): string {
  return IDENTIFIER.test(key) ? `.${key}` : `['${key}']`;
}

/** `child(path, key)`, given `segment = childSegment(key)` worked out beforehand. */
export function joinChild(path: string, key: string, segment: string): string {
  // At the root, an identifier key stands alone (no leading dot); `['key']` is written as it is.
  return path === '' && segment.startsWith('.') ? key : path + segment;
}

/** JSON path of list item `index` under `path`. */
export function item(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** A short rendering of a received value for messages. */
export function describe(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  if (text.length > 80) {
    text = `${text.slice(0, 77)}...`;
  }
  if (Array.isArray(value)) {
    return `a list ${text}`;
  }
  if (isObject(value)) {
    return `an object ${text}`;
  }
  return `${typeof value} ${text}`;
}

/** ` Did you mean "x"?`, or an empty string when nothing is close. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const best = nearestName(name, candidates);
  return best === undefined ? '' : ` Did you mean "${best}"?`;
}

/** Report every key of `obj` that is not in `allowed`, suggesting the nearest allowed key. */
export function checkKnownKeys(
  ctx: ValidationContext, obj: JsonObject, allowed: readonly string[], path: string, what: string, step?: StepInfo,
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      ctx.add(child(path, key), `Unknown key "${key}" in ${what}.${didYouMean(key, allowed)} Allowed keys: ${allowed.join(', ')}.`, step);
    }
  }
}
