/**
 * A tiny TypeScript expression tree for the import tool: the generator builds the program once, prints
 * it as source text and also evaluates it in-process (to compare what the library renders from it with
 * the definition being imported). Not exported from the package.
 */

/** A literal, identifier, member access, call, `new`, object, array or template literal. */
export type Code =
  | { readonly k: 'lit'; readonly v: string | number | boolean | null }
  | { readonly k: 'id'; readonly name: string }
  | { readonly k: 'member'; readonly obj: Code; readonly key: string | number; readonly bracket?: boolean }
  | { readonly k: 'call'; readonly fn: Code; readonly args: readonly Code[] }
  | { readonly k: 'new'; readonly cls: Code; readonly args: readonly Code[] }
  | { readonly k: 'obj'; readonly entries: ReadonlyArray<readonly [string, Code]> }
  | { readonly k: 'arr'; readonly items: readonly Code[]; readonly asConst?: boolean }
  | { readonly k: 'tpl'; readonly parts: ReadonlyArray<string | Code> };

/** A statement of the generated function body. */
export interface Statement {
  /** `const <name> = value;` when set, else `value;`. */
  readonly name?: string;
  readonly value: Code;
  /** Comment lines printed above the statement. */
  readonly comments?: string[];
  /** Name of the step whose declaration this statement belongs to. */
  readonly owner?: string;
}

/** A literal. */
export const lit = (v: string | number | boolean | null): Code => ({ k: 'lit', v });
/** An identifier (a variable or an imported name). */
export const id = (name: string): Code => ({ k: 'id', name });
/** `target.key1.key2...` (`[n]` for numbers, `['key']` for keys that are not identifiers). */
export const member = (target: Code, ...keys: Array<string | number>): Code => keys.reduce<Code>((o, key) => ({ k: 'member', obj: o, key }), target);
/** `fn(args)`. */
export const call = (fn: Code, ...args: Code[]): Code => ({ k: 'call', fn, args });
/** `new Cls(args)`. */
export const newOf = (cls: string, ...args: Code[]): Code => ({ k: 'new', cls: id(cls), args });
/** An array literal, optionally `as const`. */
export const arr = (items: Code[], asConst = false): Code => ({ k: 'arr', items, asConst });
/** A template literal of texts and expressions. */
export const tpl = (parts: Array<string | Code>): Code => ({ k: 'tpl', parts });
/** An object literal; entries whose value is undefined are left out. */
export function obj(entries: Record<string, Code | undefined> | Array<[string, Code | undefined]>): Code {
  const list = Array.isArray(entries) ? entries : Object.entries(entries);
  return { k: 'obj', entries: list.filter((e): e is [string, Code] => e[1] !== undefined) };
}
/** Whether `code` is an object literal without entries. */
export function isEmptyObject(code: Code): boolean {
  return code.k === 'obj' && code.entries.length === 0;
}
/** `Name.method(args)`. */
export const staticCall = (cls: string, method: string, ...args: Code[]): Code => call(member(id(cls), method), ...args);

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Prints `code` at indentation `indent`, breaking objects and arrays over lines beyond `width`. */
export function print(code: Code, indent = '', width = 110): string {
  const flat = printFlat(code);
  if (flat !== undefined && indent.length + flat.length <= width) {
    return flat;
  }
  const inner = `${indent}  `;
  switch (code.k) {
    case 'obj':
      return `{\n${code.entries.map(([key, value]) => `${inner}${printKey(key)}: ${print(value, inner, width)},\n`).join('')}${indent}}`;
    case 'arr':
      return `[\n${code.items.map((item) => `${inner}${print(item, inner, width)},\n`).join('')}${indent}]${code.asConst ? ' as const' : ''}`;
    case 'call':
      return `${print(code.fn, indent, width)}(${printArgs(code.args, indent, width)})`;
    case 'new':
      return `new ${print(code.cls, indent, width)}(${printArgs(code.args, indent, width)})`;
    case 'member':
      return `${print(code.obj, indent, width)}${printAccess(code.key, code.bracket)}`;
    default:
      return printFlat(code) ?? '';
  }
}

function printArgs(args: readonly Code[], indent: string, width: number): string {
  // Break only the last argument (usually the props object) over lines.
  return args.map((a, i) => (i === args.length - 1 ? print(a, indent, width) : printFlat(a) ?? print(a, indent, width))).join(', ');
}

function printFlat(code: Code): string | undefined {
  switch (code.k) {
    case 'lit':
      return typeof code.v === 'string' ? quote(code.v) : String(code.v);
    case 'id':
      return code.name;
    case 'member':
      return `${printFlat(code.obj)}${printAccess(code.key, code.bracket)}`;
    case 'call':
      return `${printFlat(code.fn)}(${code.args.map(printFlat).join(', ')})`;
    case 'new':
      return `new ${printFlat(code.cls)}(${code.args.map(printFlat).join(', ')})`;
    case 'obj':
      return code.entries.length === 0 ? '{}' : `{ ${code.entries.map(([key, value]) => `${printKey(key)}: ${printFlat(value)}`).join(', ')} }`;
    case 'arr':
      return `[${code.items.map(printFlat).join(', ')}]${code.asConst ? ' as const' : ''}`;
    case 'tpl':
      return `\`${code.parts.map((p) => (typeof p === 'string' ? p.replace(/[`\\]|\$\{/g, (m) => `\\${m}`) : `\${${printFlat(p)}}`)).join('')}\``;
  }
}

function printAccess(key: string | number, bracket = false): string {
  if (typeof key === 'number') {
    return `[${key}]`;
  }
  return IDENTIFIER.test(key) && !bracket ? `.${key}` : `[${quote(key)}]`;
}

function printKey(key: string): string {
  return IDENTIFIER.test(key) ? key : quote(key);
}

/** A single-quoted TypeScript string literal. */
export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')
    .replace(/[\u0000-\u001f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;
}

/** Evaluates `code` with `scope` giving the values of identifiers. */
export function evaluate(code: Code, scope: ReadonlyMap<string, unknown>): unknown {
  switch (code.k) {
    case 'lit':
      return code.v;
    case 'id':
      if (!scope.has(code.name)) {
        throw new Error(`import: internal error: '${code.name}' is not defined`);
      }
      return scope.get(code.name);
    case 'member': {
      const target = evaluate(code.obj, scope) as Record<string | number, unknown>;
      return target[code.key];
    }
    case 'call': {
      if (code.fn.k === 'member') {
        const target = evaluate(code.fn.obj, scope) as Record<string | number, unknown>;
        const fn = target[code.fn.key] as (...args: unknown[]) => unknown;
        return fn.apply(target, code.args.map((a) => evaluate(a, scope)));
      }
      const fn = evaluate(code.fn, scope) as (...args: unknown[]) => unknown;
      return fn(...code.args.map((a) => evaluate(a, scope)));
    }
    case 'new': {
      const cls = evaluate(code.cls, scope) as new (...args: unknown[]) => unknown;
      return new cls(...code.args.map((a) => evaluate(a, scope)));
    }
    case 'obj':
      return Object.fromEntries(code.entries.map(([key, value]) => [key, evaluate(value, scope)]));
    case 'arr':
      return code.items.map((item) => evaluate(item, scope));
    case 'tpl':
      return code.parts.map((p) => (typeof p === 'string' ? p : String(evaluate(p, scope)))).join('');
  }
}
