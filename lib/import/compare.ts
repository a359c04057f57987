/**
 * What "the same definition" means for the import tool: equal after key order is ignored and the
 * defaults that the service (and this library) fill in are filled in on both sides. Not exported from
 * the package; README "Bring an existing pipeline over" lists the defaults.
 */

type Json = unknown;

/** A copy of `definition` with the service's defaults filled in and steps sorted by name. */
export function normalizeDefinition(definition: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Version: definition.Version ?? '2020-12-01',
    Metadata: definition.Metadata ?? {},
    Parameters: ((definition.Parameters as unknown[] | undefined) ?? []).map(normalizeParameter),
    PipelineExperimentConfig: definition.PipelineExperimentConfig === undefined
      ? { ExperimentName: { Get: 'Execution.PipelineName' }, TrialName: { Get: 'Execution.PipelineExecutionId' } }
      : definition.PipelineExperimentConfig,
    Steps: normalizeSteps(definition.Steps as unknown[] | undefined),
  };
  for (const [key, value] of Object.entries(definition)) {
    if (!(key in out)) {
      out[key] = value;
    }
  }
  return out;
}

function normalizeParameter(parameter: unknown): unknown {
  return parameter;
}

function normalizeSteps(steps: unknown[] | undefined): unknown[] {
  const name = (step: unknown): string => String((step as Record<string, unknown>).Name);
  return [...(steps ?? [])].map(normalizeStep).sort((a, b) => name(a).localeCompare(name(b)));
}

/** One step with its defaults: retry policies' interval (1 s) and backoff rate (2), empty DependsOn dropped. */
export function normalizeStep(step: unknown): unknown {
  if (typeof step !== 'object' || step === null) {
    return step;
  }
  const s = { ...(step as Record<string, unknown>) };
  if (Array.isArray(s.RetryPolicies)) {
    s.RetryPolicies = s.RetryPolicies.map((p) => ({ IntervalSeconds: 1, BackoffRate: 2, ...(p as object) }));
  }
  if (Array.isArray(s.DependsOn) && s.DependsOn.length === 0) {
    delete s.DependsOn;
  }
  if (s.Type === 'Condition' && typeof s.Arguments === 'object' && s.Arguments !== null) {
    const args = { ...(s.Arguments as Record<string, unknown>) };
    args.IfSteps = normalizeSteps(args.IfSteps as unknown[] | undefined);
    args.ElseSteps = normalizeSteps(args.ElseSteps as unknown[] | undefined);
    s.Arguments = args;
  }
  return s;
}

/** Whether two JSON values are equal, ignoring the order of object keys. */
export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) {
    return true;
  }
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    return false;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** One difference between two JSON values: where, and what each side holds there. */
export interface JsonDifference {
  /** Path segments below the compared values. */
  readonly segments: Array<string | number>;
  /** The value expected there (undefined when the member should not exist). */
  readonly expected: Json;
  /** The value found there (undefined when the member is missing). */
  readonly actual: Json;
}

/**
 * The differences between `expected` and `actual`, as small as structure allows: members of objects
 * one by one, items of lists of the same length one by one, anything else as a whole. Expression
 * objects (`Get`, `Std:Join`, `Std:JsonGet`) are compared as a whole.
 */
export function jsonDifferences(expected: Json, actual: Json, segments: Array<string | number> = []): JsonDifference[] {
  if (jsonEqual(expected, actual)) {
    return [];
  }
  if (isPlainObject(expected) && isPlainObject(actual) && !isExpression(expected) && !isExpression(actual)) {
    const out: JsonDifference[] = [];
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    for (const key of keys) {
      out.push(...jsonDifferences(expected[key], actual[key], [...segments, key]));
    }
    return out;
  }
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length === actual.length) {
    return expected.flatMap((v, i) => jsonDifferences(v, actual[i], [...segments, i]));
  }
  return [{ segments, expected, actual }];
}

function isPlainObject(value: Json): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `value` is a pipeline expression object (`{"Get": ...}`, `{"Std:Join": ...}`, `{"Std:JsonGet": ...}`). */
export function isExpression(value: Json): value is Record<string, unknown> {
  if (!isPlainObject(value)) {
    return false;
  }
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Get' || keys[0] === 'Std:Join' || keys[0] === 'Std:JsonGet');
}

/** `Arguments.A.B[0]['x.y']`-style text of path segments (dot path, `[n]`, `['key']` for odd keys). */
export function pathText(segments: ReadonlyArray<string | number>): string {
  let text = '';
  for (const s of segments) {
    if (typeof s === 'number') {
      text += `[${s}]`;
    } else if (/^[A-Za-z0-9_\-:$@]+$/.test(s)) {
      text += text.length === 0 ? s : `.${s}`;
    } else {
      text += `['${s}']`;
    }
  }
  return text;
}
