import { StepInfo, ValueType, didYouMean, isObject } from './context';
import { PROPERTY_ROOTS, SHAPES } from '../private/generated/shapes';
import { PRIMITIVE_SHAPES, ShapeRef } from '../private/shape-types';

/** The type a resolved step property yields. */
export interface ResolvedProperty {
  /** Primitive type of the leaf. */
  readonly type: ValueType;
}

/** Properties of QualityCheck steps (definition-format.md 2.14). */
export const QUALITY_CHECK_PROPERTIES = [
  'CalculatedBaselineConstraints', 'CalculatedBaselineStatistics', 'BaselineUsedForDriftCheckStatistics', 'BaselineUsedForDriftCheckConstraints',
];
/** Properties of ClarifyCheck steps (definition-format.md 2.15). */
export const CLARIFY_CHECK_PROPERTIES = ['CalculatedBaselineConstraints', 'BaselineUsedForDriftCheckConstraints'];
/** Synthetic AutoML properties (definition-format.md 2.16). */
const AUTOML_SYNTHETIC_PROPERTIES = ['BestCandidateProperties.ModelInsightsJsonReportPath', 'BestCandidateProperties.ExplainabilityJsonReportPath'];

const OUTPUT_TYPES: Record<string, ValueType> = { String: 'string', Integer: 'number', Float: 'number', Boolean: 'boolean' };

/** Whether a shape reference is a primitive leaf. */
export function isPrimitiveRef(ref: ShapeRef): boolean {
  return PRIMITIVE_REFS.has(ref);
}

const PRIMITIVE_REFS: ReadonlySet<ShapeRef> = new Set(PRIMITIVE_SHAPES);

/** The value type of a primitive shape name. */
export function primitiveValueType(ref: ShapeRef): ValueType {
  switch (ref) {
    case 'string':
    case 'blob':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
      return 'timestamp';
    default:
      return 'any';
  }
}

/**
 * Resolve the property path of `Steps.<target>.<propertyPath>`. Returns the leaf type, or a message
 * saying what is wrong with the path.
 */
export function resolveStepProperty(target: StepInfo, propertyPath: string): ResolvedProperty | string {
  const name = target.name ?? '?';
  switch (target.type) {
    case 'Fail':
      return `Fail step "${name}" has no properties; reference another step.`;
    case 'Condition':
      return propertyPath === 'Outcome'
        ? { type: 'boolean' }
        : `Condition step "${name}" has only the property "Outcome"; received "${propertyPath}".`;
    case 'Lambda':
    case 'Callback':
      return resolveOutputParameter(target, propertyPath);
    case 'QualityCheck':
    case 'ClarifyCheck': {
      const allowed = target.type === 'QualityCheck' ? QUALITY_CHECK_PROPERTIES : CLARIFY_CHECK_PROPERTIES;
      return allowed.includes(propertyPath)
        ? { type: 'string' }
        : `${target.type} step "${name}" has no property "${propertyPath}".${didYouMean(propertyPath, allowed)} Its properties are ${allowed.join(', ')}.`;
    }
    case 'AutoML':
      if (AUTOML_SYNTHETIC_PROPERTIES.includes(propertyPath)) {
        return { type: 'string' };
      }
      break;
    default:
      break;
  }
  const roots = target.type === undefined ? undefined : PROPERTY_ROOTS[target.type];
  if (roots === undefined || roots.length === 0) {
    // Unknown step type: already reported on the step itself; the path cannot be checked.
    return { type: 'any' };
  }
  // A pipeline reads the same few properties of many steps: a path that resolves for a step type
  // resolves the same way for every step of that type (only failure messages name the step).
  const resolvedOfType = resolvedPaths.get(target.type!);
  const cached = resolvedOfType?.get(propertyPath);
  if (cached !== undefined) {
    return cached;
  }
  const resolved = resolveAgainstRoots(target, roots, propertyPath, name);
  if (typeof resolved !== 'string') {
    if (resolvedOfType === undefined) {
      resolvedPaths.set(target.type!, new Map([[propertyPath, resolved]]));
    } else if (resolvedOfType.size < MAX_RESOLVED_PATHS_PER_TYPE) {
      resolvedOfType.set(propertyPath, resolved);
    }
  }
  return resolved;
}

/** Step type -> property path -> what it resolves to (successful resolutions of the shape walk only). */
const resolvedPaths = new Map<string, Map<string, ResolvedProperty>>();
/** Bounds the memory of {@link resolvedPaths} in a long-lived process that validates many definitions. */
const MAX_RESOLVED_PATHS_PER_TYPE = 10_000;

function resolveAgainstRoots(target: StepInfo, roots: readonly ShapeRef[], propertyPath: string, name: string): ResolvedProperty | string {
  const tokens = tokenize(propertyPath);
  if (typeof tokens === 'string') {
    return tokens;
  }
  let best: { progress: number; message: string } | undefined;
  for (const root of roots) {
    const result = walk(root, tokens, `${target.type} step "${name}"`);
    if (!('message' in result)) {
      return result;
    }
    if (best === undefined || result.progress > best.progress) {
      best = result;
    }
  }
  if (best !== undefined && best.progress === 0 && roots.length > 1) {
    // Unknown first member: suggest across all roots.
    const first = tokens[0];
    const candidates = roots.flatMap((r) => structureMembers(r));
    return `${target.type} step "${name}" has no property "${first.text}".${didYouMean(first.text, candidates)}`;
  }
  return best!.message;
}

function resolveOutputParameter(target: StepInfo, propertyPath: string): ResolvedProperty | string {
  const outputs = new Map<string, string>();
  const declared = target.step.OutputParameters;
  if (Array.isArray(declared)) {
    for (const o of declared) {
      if (isObject(o) && typeof o.OutputName === 'string' && !outputs.has(o.OutputName)) {
        outputs.set(o.OutputName, typeof o.OutputType === 'string' ? o.OutputType : 'String');
      }
    }
  }
  const names = [...outputs.keys()];
  const match = /^OutputParameters\['([^']*)'\]$/.exec(propertyPath);
  if (match === null) {
    return `${target.type} step "${target.name}" only has properties of the form OutputParameters['<output name>'] (declared: ${names.join(', ') || 'none'}); received "${propertyPath}".`;
  }
  const type = outputs.get(match[1]);
  if (type === undefined) {
    return `${target.type} step "${target.name}" declares no output "${match[1]}".${didYouMean(match[1], names)} Declared: ${names.join(', ') || 'none'}; add it to OutputParameters.`;
  }
  return { type: OUTPUT_TYPES[type] ?? 'any' };
}

/** One segment of a property path: `.Member`, `[0]` or `['key']`. */
export interface Token {
  readonly kind: 'member' | 'index' | 'key';
  readonly text: string;
}

/** Splits a property path (`A.B[0].C['k']`) into segments, or returns what is wrong with it. */
export function tokenize(propertyPath: string): Token[] | string {
  const tokens: Token[] = [];
  let rest = `.${propertyPath}`;
  while (rest.length > 0) {
    const m = /^(?:\.([A-Za-z0-9_]+)|\[(\d+)\]|\['([^']*)'\])/.exec(rest);
    if (m === null) {
      return `cannot parse the property path at "${rest.replace(/^\./, '')}"; use .Member, [0] or ['name'] segments.`;
    }
    if (m[1] !== undefined) {
      tokens.push({ kind: 'member', text: m[1] });
    } else if (m[2] !== undefined) {
      tokens.push({ kind: 'index', text: m[2] });
    } else {
      tokens.push({ kind: 'key', text: m[3] });
    }
    rest = rest.slice(m[0].length);
  }
  return tokens;
}

function render(tokens: readonly Token[]): string {
  return tokens.map((t, i) => t.kind === 'member' ? `${i === 0 ? '' : '.'}${t.text}` : t.kind === 'index' ? `[${t.text}]` : `['${t.text}']`).join('');
}

function structureMembers(ref: ShapeRef): string[] {
  const shape = SHAPES[ref];
  return shape?.kind === 'structure' ? Object.keys(shape.members) : [];
}

function walk(root: ShapeRef, tokens: readonly Token[], owner: string): ResolvedProperty | { progress: number; message: string } {
  let ref = root;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    // What the path up to this token is called, and the failure at this token: built only on failure.
    const at = (): string => (i === 0 ? owner : `"${render(tokens.slice(0, i))}"`);
    const fail = (message: string) => ({ progress: i, message });
    if (isPrimitiveRef(ref)) {
      return fail(`${at()} is a ${ref} value; it has no ${describeToken(token)}.`);
    }
    const shape = SHAPES[ref];
    if (shape === undefined) {
      return { type: 'any' };
    }
    switch (shape.kind) {
      case 'structure': {
        const members = Object.keys(shape.members);
        if (token.kind !== 'member') {
          return fail(`${at()} is a structure; it has no ${describeToken(token)}. Select a member with .Name instead.`);
        }
        const next = shape.members[token.text];
        if (next === undefined) {
          return fail(`${at()} has no property "${token.text}" (shape ${ref}).${didYouMean(token.text, members)}`);
        }
        ref = next;
        break;
      }
      case 'list':
        if (token.kind === 'index') {
          ref = shape.member;
        } else if (token.kind === 'key' && shape.keyedBy !== undefined) {
          ref = shape.member;
        } else if (token.kind === 'key') {
          return fail(`${at()} is a list that the service can only index by position; use [0] instead of ['${token.text}'].`);
        } else {
          return fail(`${at()} is a list; select an item with [0] before ".${token.text}".`);
        }
        break;
      case 'map':
        if (token.kind !== 'key') {
          return fail(`${at()} is a map; select a value with ['<key>'] instead of ${describeToken(token)}.`);
        }
        ref = shape.value;
        break;
      case 'enum':
        return fail(`${at()} is an enum value; it has no ${describeToken(token)}.`);
    }
  }
  if (isPrimitiveRef(ref)) {
    return { type: primitiveValueType(ref) };
  }
  const shape = SHAPES[ref];
  if (shape === undefined || shape.kind === 'enum') {
    return { type: 'string' };
  }
  const what = `"${render(tokens)}"`;
  const fail = (message: string) => ({ progress: tokens.length, message });
  switch (shape.kind) {
    case 'structure':
      return fail(`${what} is a structure (${ref}), not a value; select one of its members: ${Object.keys(shape.members).slice(0, 8).join(', ')}.`);
    case 'list':
      return fail(`${what} is a list, not a value; select an item with [0]${shape.keyedBy ? ` or ['<${shape.keyedBy}>']` : ''} and a member of it.`);
    case 'map':
      return fail(`${what} is a map, not a value; select a value with ['<key>'].`);
  }
}

function describeToken(token: Token): string {
  switch (token.kind) {
    case 'member': return `member ".${token.text}"`;
    case 'index': return `item [${token.text}]`;
    case 'key': return `key ['${token.text}']`;
  }
}
