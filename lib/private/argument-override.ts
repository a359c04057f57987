/**
 * Overrides of a step's rendered `Arguments` (`Step.addArgumentOverride` / `addArgumentDeletion`):
 * path parsing and application. Not exported from the package.
 */

/** One segment of an argument path: a member / map key, or a list index. */
export type PathSegment = string | number;

/** An override (a value to set) or a deletion (`value` undefined and `deletion` true). */
export interface ArgumentOverride {
  readonly path: string;
  readonly segments: PathSegment[];
  readonly deletion: boolean;
  readonly value?: unknown;
}

const MEMBER = /^[^.[\]'"]+/;

/**
 * Parses `A.B[0].C` or `HyperParameters['learning.rate']` into segments. Throws with `what` (the
 * step's kind and path) and the position of the problem when the path is malformed.
 */
export function parseArgumentPath(path: string, what: string): PathSegment[] {
  const fail = (why: string): never => {
    throw new Error(`${what}: argument path '${path}' is invalid: ${why}. Write a dot path into the step's Arguments, with [n] for list items and ['key'] for keys that hold dots, e.g. 'ResourceConfig.InstanceCount', 'ProcessingInputs[0].S3Input.S3Uri' or "HyperParameters['learning.rate']".`);
  };
  if (typeof path !== 'string' || path.length === 0) {
    return fail('it is empty');
  }
  const segments: PathSegment[] = [];
  let rest = path;
  let first = true;
  while (rest.length > 0) {
    if (rest.startsWith('[')) {
      const index = /^\[(\d+)\]/.exec(rest);
      const quoted = /^\[(['"])(.*?)\1\]/.exec(rest);
      if (index) {
        segments.push(Number(index[1]));
        rest = rest.slice(index[0].length);
      } else if (quoted && quoted[2].length > 0) {
        segments.push(quoted[2]);
        rest = rest.slice(quoted[0].length);
      } else {
        return fail(`'${rest}' is neither [n] with a non-negative integer n nor ['key']`);
      }
    } else {
      if (!first) {
        if (!rest.startsWith('.')) {
          return fail(`expected '.' or '[' before '${rest}'`);
        }
        rest = rest.slice(1);
      }
      const member = MEMBER.exec(rest);
      if (!member) {
        return fail(`a member name is missing before '${rest.length > 0 ? rest : '(end)'}'`);
      }
      segments.push(member[0]);
      rest = rest.slice(member[0].length);
    }
    first = false;
  }
  return segments;
}

/**
 * `args` with every override applied in order (later ones win). Plain objects and arrays along the
 * overridden paths are copied, so the step's own configuration is never changed; missing objects and
 * lists on the way to a value are created. Deleting a path that does not exist does nothing.
 */
export function applyArgumentOverrides(args: Record<string, unknown>, overrides: readonly ArgumentOverride[], what: string): Record<string, unknown> {
  let root: Record<string, unknown> = args;
  for (const override of overrides) {
    root = apply(root, override, what) as Record<string, unknown>;
  }
  return root;
}

function apply(root: unknown, override: ArgumentOverride, what: string): unknown {
  const { segments } = override;
  const copy = (container: unknown, index: number): unknown => {
    const segment = segments[index];
    const last = index === segments.length - 1;
    if (container === undefined && override.deletion) {
      return undefined;
    }
    let target: unknown = container;
    if (target === undefined) {
      target = typeof segment === 'number' ? [] : {};
    }
    const where = describePath(segments.slice(0, index));
    if (typeof segment === 'number') {
      if (!Array.isArray(target)) {
        throw new Error(`${what}: cannot apply argument ${override.deletion ? 'deletion' : 'override'} '${override.path}': ${where} is ${describe(target)}, not a list, so [${segment}] does not exist. Check the path against the step's rendered Arguments.`);
      }
      if (segment > target.length || (override.deletion && segment >= target.length)) {
        if (override.deletion) {
          return target;
        }
        throw new Error(`${what}: cannot apply argument override '${override.path}': ${where} has ${target.length} item(s), so [${segment}] can be at most [${target.length}] (which appends). Override an existing item or append at [${target.length}].`);
      }
      const list = [...target];
      if (last) {
        if (override.deletion) {
          list.splice(segment, 1);
        } else {
          list[segment] = override.value;
        }
      } else {
        list[segment] = copy(list[segment], index + 1);
      }
      return list;
    }
    if (!isPlainObject(target)) {
      throw new Error(`${what}: cannot apply argument ${override.deletion ? 'deletion' : 'override'} '${override.path}': ${where} is ${describe(target)}, not an object, so it has no member '${segment}'. Check the path against the step's rendered Arguments.`);
    }
    const object: Record<string, unknown> = { ...target };
    if (last) {
      if (override.deletion) {
        delete object[segment];
      } else {
        object[segment] = override.value;
      }
    } else {
      const next = copy(object[segment], index + 1);
      if (next !== undefined) {
        object[segment] = next;
      }
    }
    return object;
  };
  return copy(root, 0);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describePath(segments: PathSegment[]): string {
  if (segments.length === 0) {
    return 'Arguments';
  }
  return `Arguments.${segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : `${i === 0 ? '' : '.'}${s}`)).join('')}`.replace(/\.\[/g, '[');
}

function describe(value: unknown): string {
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (value === null) {
    return 'null';
  }
  if (typeof value === 'object') {
    return 'an expression or token';
  }
  return `${typeof value === 'string' ? 'the string' : `the ${typeof value}`} ${JSON.stringify(value)}`;
}
