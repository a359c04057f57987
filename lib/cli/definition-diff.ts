import { PipelineGraph, PipelineGraphEdge } from '../pipeline-graph';
import { ValidationContext, child, isObject, item } from '../validator/context';
import { collectSteps } from '../validator/steps';

/** One changed value: `old` undefined means added, `new` undefined means removed. */
export interface ValueChange {
  readonly path: string;
  readonly old?: unknown;
  readonly new?: unknown;
}

/** What differs between two pipeline definitions, step by step. */
export interface DefinitionDiff {
  readonly stepsAdded: Array<{ name: string; type: string }>;
  readonly stepsRemoved: Array<{ name: string; type: string }>;
  /** Steps whose name changed and nothing else (references to them follow the new name). */
  readonly stepsRenamed: Array<{ from: string; to: string; type: string }>;
  /** Per step present in both (under the new name): the changed paths inside the step. */
  readonly stepChanges: Array<{ step: string; type: string; changes: ValueChange[] }>;
  readonly parameterChanges: Array<{ name: string; change: 'added' | 'removed' | 'changed'; old?: Record<string, unknown>; new?: Record<string, unknown> }>;
  readonly edgesAdded: PipelineGraphEdge[];
  readonly edgesRemoved: PipelineGraphEdge[];
  /** Cached steps whose cache key attributes changed: their next run misses the cache. */
  readonly cacheMisses: Array<{ step: string; type: string; paths: string[] }>;
  /** Changes outside the steps and parameters (experiment config, version, metadata). */
  readonly otherChanges: ValueChange[];
}

/**
 * Attributes of a step's `Arguments` that make up its cache key, per step type (developer guide,
 * "Default cache key attributes by pipeline step type"). Types not listed: any change of `Arguments`.
 */
const CACHE_KEY_ATTRIBUTES: Record<string, string[]> = {
  Processing: ['AppSpecification', 'Environment', 'ProcessingInputs'],
  Training: ['AlgorithmSpecification', 'CheckpointConfig', 'DebugHookConfig', 'DebugRuleConfigurations', 'Environment', 'HyperParameters', 'InputDataConfig'],
  Tuning: [
    'HyperParameterTuningJobConfig', 'TrainingJobDefinition.AlgorithmSpecification', 'TrainingJobDefinition.HyperParameterRanges',
    'TrainingJobDefinition.InputDataConfig', 'TrainingJobDefinition.StaticHyperParameters', 'TrainingJobDefinition.TuningObjective', 'TrainingJobDefinitions',
  ],
};

interface FlatStep {
  readonly name: string;
  readonly type: string;
  /** The step with its branch steps replaced by their names. */
  readonly body: Record<string, unknown>;
}

/** Compares two parsed definitions (see {@link DefinitionDiff}). */
export function diffDefinitions(oldDefinition: Record<string, unknown>, newDefinition: Record<string, unknown>): DefinitionDiff {
  const oldSteps = flatSteps(oldDefinition);
  const newSteps = flatSteps(newDefinition);
  const removed = [...oldSteps.values()].filter((s) => !newSteps.has(s.name));
  const added = [...newSteps.values()].filter((s) => !oldSteps.has(s.name));

  // A removed and an added step of the same type that are equal but for their name: a rename.
  const renames = new Map<string, string>();
  for (const r of removed) {
    const match = added.find((a) => a.type === r.type && ![...renames.values()].includes(a.name)
      && stable(withoutName(r.body)) === stable(withoutName(a.body)));
    if (match !== undefined) {
      renames.set(r.name, match.name);
    }
  }
  // Old steps seen through the renames, so that references to a renamed step are no change.
  const renamedOld = new Map<string, FlatStep>();
  for (const s of oldSteps.values()) {
    const name = renames.get(s.name) ?? s.name;
    renamedOld.set(name, { name, type: s.type, body: renameIn(s.body, renames) as Record<string, unknown> });
  }

  const stepChanges: DefinitionDiff['stepChanges'] = [];
  const cacheMisses: DefinitionDiff['cacheMisses'] = [];
  for (const s of newSteps.values()) {
    const before = renamedOld.get(s.name);
    if (before === undefined) {
      continue;
    }
    const changes: ValueChange[] = [];
    diffValues(withoutName(before.body), withoutName(s.body), '', changes);
    if (changes.length > 0) {
      stepChanges.push({ step: s.name, type: s.type, changes });
    }
    const cached = isObject(s.body.CacheConfig) && s.body.CacheConfig.Enabled === true;
    const keyPaths = changes.map((c) => c.path).filter((p) => isCacheKeyPath(s.type, p));
    if (cached && keyPaths.length > 0) {
      cacheMisses.push({ step: s.name, type: s.type, paths: keyPaths });
    }
  }

  const edgeKey = (e: PipelineGraphEdge): string => `${e.kind}\u0000${e.from}\u0000${e.to}`;
  const oldEdges = PipelineGraph.fromDefinition({ Steps: renameIn(oldDefinition.Steps ?? [], renames) }).edges;
  const newEdges = PipelineGraph.fromDefinition(newDefinition).edges;
  const oldKeys = new Set(oldEdges.map(edgeKey));
  const newKeys = new Set(newEdges.map(edgeKey));

  const otherChanges: ValueChange[] = [];
  const rest = (d: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'Steps' && k !== 'Parameters'));
  diffValues(rest(oldDefinition), rest(newDefinition), '', otherChanges);

  return {
    stepsAdded: added.filter((a) => ![...renames.values()].includes(a.name)).map((s) => ({ name: s.name, type: s.type })),
    stepsRemoved: removed.filter((r) => !renames.has(r.name)).map((s) => ({ name: s.name, type: s.type })),
    stepsRenamed: [...renames].map(([from, to]) => ({ from, to, type: oldSteps.get(from)!.type })),
    stepChanges,
    parameterChanges: diffParameters(oldDefinition.Parameters, newDefinition.Parameters),
    edgesAdded: newEdges.filter((e) => !oldKeys.has(edgeKey(e))),
    edgesRemoved: oldEdges.filter((e) => !newKeys.has(edgeKey(e))),
    cacheMisses,
    otherChanges,
  };
}

/** Whether two definitions are the same as far as {@link diffDefinitions} sees. */
export function isEmptyDiff(diff: DefinitionDiff): boolean {
  return diff.stepsAdded.length + diff.stepsRemoved.length + diff.stepsRenamed.length + diff.stepChanges.length
    + diff.parameterChanges.length + diff.edgesAdded.length + diff.edgesRemoved.length + diff.otherChanges.length === 0;
}

/** The diff as text for a terminal, one change per line, grouped. */
export function formatDiff(diff: DefinitionDiff): string {
  const lines: string[] = [];
  const section = (title: string, body: string[]): void => {
    if (body.length > 0) {
      lines.push(title, ...body);
    }
  };
  section('steps added:', diff.stepsAdded.map((s) => `  + ${s.name} (${s.type})`));
  section('steps removed:', diff.stepsRemoved.map((s) => `  - ${s.name} (${s.type})`));
  section('steps renamed:', diff.stepsRenamed.map((s) => `  ~ ${s.from} -> ${s.to} (${s.type})`));
  for (const s of diff.stepChanges) {
    section(`step ${s.step} (${s.type}):`, s.changes.map(formatChange));
  }
  section('parameters:', diff.parameterChanges.map((p) => {
    if (p.change === 'added') {
      return `  + ${p.name} ${describeParameter(p.new!)}`;
    }
    if (p.change === 'removed') {
      return `  - ${p.name} ${describeParameter(p.old!)}`;
    }
    const changes: ValueChange[] = [];
    diffValues(p.old, p.new, '', changes);
    return `  ~ ${p.name}: ${changes.map((c) => `${c.path} ${show(c.old)} -> ${show(c.new)}`).join(', ')}`;
  }));
  section('edges:', [
    ...diff.edgesAdded.map((e) => `  + ${e.from} -> ${e.to} (${e.kind})`),
    ...diff.edgesRemoved.map((e) => `  - ${e.from} -> ${e.to} (${e.kind})`),
  ]);
  section('cache misses:', diff.cacheMisses.map((m) => `  ${m.step} (${m.type}) is cached and its cache key changed (${[...new Set(m.paths.map(cacheAttribute))].join(', ')}): its next run will not reuse a cached result`));
  section('other:', diff.otherChanges.map(formatChange));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function formatChange(c: ValueChange): string {
  if (c.old === undefined) {
    return `  + ${c.path}: ${show(c.new)}`;
  }
  if (c.new === undefined) {
    return `  - ${c.path}: ${show(c.old)}`;
  }
  return `  ~ ${c.path}: ${show(c.old)} -> ${show(c.new)}`;
}

function describeParameter(p: Record<string, unknown>): string {
  const parts = [String(p.Type ?? 'String')];
  if (p.DefaultValue !== undefined) {
    parts.push(`default ${show(p.DefaultValue)}`);
  }
  if (Array.isArray(p.EnumValues)) {
    parts.push(`one of ${show(p.EnumValues)}`);
  }
  return `(${parts.join(', ')})`;
}

/** A value for one line: JSON, cut at 120 characters. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function flatSteps(definition: Record<string, unknown>): Map<string, FlatStep> {
  const steps = Array.isArray(definition.Steps) ? definition.Steps : [];
  const result = new Map<string, FlatStep>();
  for (const info of collectSteps(new ValidationContext(), steps, 'Steps', [])) {
    if (info.name === undefined || result.has(info.name)) {
      continue;
    }
    let body = info.step;
    if (info.type === 'Condition' && isObject(body.Arguments)) {
      const args: Record<string, unknown> = { ...body.Arguments };
      for (const branch of ['IfSteps', 'ElseSteps']) {
        if (Array.isArray(args[branch])) {
          args[branch] = (args[branch] as unknown[]).map((s) => (isObject(s) ? s.Name : s));
        }
      }
      body = { ...body, Arguments: args };
    }
    result.set(info.name, { name: info.name, type: info.type ?? 'Unknown', body });
  }
  return result;
}

function withoutName(step: Record<string, unknown>): Record<string, unknown> {
  const { Name: _name, ...rest } = step;
  return rest;
}

/** `value` with step names renamed in `Get` references, `DependsOn`, branch lists and step names. */
function renameIn(value: unknown, renames: Map<string, string>, key?: string): unknown {
  if (renames.size === 0) {
    return value;
  }
  if (Array.isArray(value)) {
    const renameItems = key === 'DependsOn' || key === 'IfSteps' || key === 'ElseSteps';
    return value.map((v) => (renameItems && typeof v === 'string' ? renames.get(v) ?? v : renameIn(v, renames)));
  }
  if (!isObject(value)) {
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'Get' && typeof v === 'string') {
      const match = /^Steps\.([^.[]+)(.*)$/.exec(v);
      out[k] = match && renames.has(match[1]) ? `Steps.${renames.get(match[1])}${match[2]}` : v;
    } else if (k === 'Name' && typeof v === 'string' && 'Type' in value && renames.has(v)) {
      out[k] = renames.get(v);
    } else {
      out[k] = renameIn(v, renames, k);
    }
  }
  return out;
}

function diffParameters(oldList: unknown, newList: unknown): DefinitionDiff['parameterChanges'] {
  const byName = (list: unknown): Map<string, Record<string, unknown>> => new Map(
    (Array.isArray(list) ? list : []).filter(isObject).filter((p) => typeof p.Name === 'string').map((p) => [p.Name as string, p]));
  const before = byName(oldList);
  const after = byName(newList);
  const changes: DefinitionDiff['parameterChanges'] = [];
  for (const [name, p] of before) {
    const q = after.get(name);
    if (q === undefined) {
      changes.push({ name, change: 'removed', old: p });
    } else if (stable(p) !== stable(q)) {
      changes.push({ name, change: 'changed', old: p, new: q });
    }
  }
  for (const [name, q] of after) {
    if (!before.has(name)) {
      changes.push({ name, change: 'added', new: q });
    }
  }
  return changes;
}

/** Appends every difference between `a` and `b` under `path`. */
function diffValues(a: unknown, b: unknown, path: string, out: ValueChange[]): void {
  if (isObject(a) && isObject(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
    for (const key of keys) {
      const p = child(path, key);
      if (!(key in b) || b[key] === undefined) {
        if (a[key] !== undefined) {
          out.push({ path: p, old: a[key] });
        }
      } else if (!(key in a) || a[key] === undefined) {
        out.push({ path: p, new: b[key] });
      } else {
        diffValues(a[key], b[key], p, out);
      }
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const p = item(path, i);
      if (i >= b.length) {
        out.push({ path: p, old: a[i] });
      } else if (i >= a.length) {
        out.push({ path: p, new: b[i] });
      } else {
        diffValues(a[i], b[i], p, out);
      }
    }
    return;
  }
  if (stable(a) !== stable(b)) {
    out.push({ path: path === '' ? '(value)' : path, old: a, new: b });
  }
}

function isCacheKeyPath(type: string, path: string): boolean {
  const attributes = CACHE_KEY_ATTRIBUTES[type];
  if (attributes === undefined) {
    return path === 'Arguments' || path.startsWith('Arguments.') || path.startsWith('Arguments[');
  }
  return attributes.some((a) => {
    const prefix = `Arguments.${a}`;
    return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
  });
}

/** `Arguments.HyperParameters` of `Arguments.HyperParameters.epochs`. */
function cacheAttribute(path: string): string {
  return /^Arguments\.(TrainingJobDefinition\.)?[A-Za-z0-9_]+/.exec(path)?.[0] ?? path;
}

/** JSON with object keys sorted, for equality. */
function stable(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(stable).join(',')}]`;
  }
  if (isObject(value)) {
    return `{${Object.keys(value).sort().filter((k) => value[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stable(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
