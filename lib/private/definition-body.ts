import { IFragmentConcatenator, IResolvable, IResolveContext, Stack, Token, TokenizedStringFragments, Tokenization } from 'aws-cdk-lib';
import { isLiteralNumber, mayHoldToken } from './token-text';

/**
 * The type hint aws-cdk-lib's resolver attaches to the values it resolves tokens to
 * (`core/lib/private/resolve.ts`, `RESOLUTION_TYPEHINT_SYM`): `string`, `number` or `string-list`.
 */
const RESOLUTION_TYPEHINT = Symbol.for('@aws-cdk/core.resolvedTypeHint');

/** Key prefix under which the resolver (with `allowIntrinsicKeys`) keeps `[key, value]` pairs whose key is an intrinsic. */
const INTRINSIC_KEY_PREFIX = '$IntrinsicKey$';

/** Nesting depth beyond which the resolver reports a circular reference; the walk leaves such values to it. */
const MAX_DEPTH = 200;

/** Start of the markers that stand for token-holding values in the `JSON.stringify` text. */
const MARKER = '\u0001cdk-sagemaker-pipelines:';
/** A marker as `JSON.stringify` prints it (its control characters escaped), quotes included. */
const MARKER_TEXT = /"\\u0001cdk-sagemaker-pipelines:(\d+)\\u0001"/g;

const NOT_HANDLED = Symbol('not handled');

/**
 * The `PipelineDefinitionBody` string for a rendered definition: JSON text in which CloudFormation
 * values (role ARNs, bucket names) are spliced in as intrinsics (an `Fn::Join`).
 *
 * It resolves to exactly what `stack.toJsonString(definition)` resolves to (test/definition-body.test.ts
 * checks this, also with a property-based test), but several times faster. aws-cdk-lib's token-aware
 * stringify (`core/lib/private/cloudformation-lang.ts`) resolves the whole tree and then renders it
 * value by value in JavaScript. Here the native `JSON.stringify` writes the text: plain data as it is,
 * its token strings then found in the text; anything else with a replacer that swaps each value
 * holding a token (a string or number token, an `IResolvable`, a list token) for a marker. Only the
 * token-holding values go through the CDK resolver, and are rendered, quoted and joined
 * as cloudformation-lang does (intrinsics inside a JSON string have their own strings JSON-escaped;
 * the final `Fn::Join` is minimized). Values that `JSON.stringify` and the CDK treat differently
 * (tokens in keys, `undefined` in lists, objects with `toJSON`, functions) take an exact but slower
 * walk; a list intrinsic (which the CDK stringifies with a `CdkJsonStringify` custom resource) falls
 * back to `stack.toJsonString` itself.
 */
export function renderDefinitionBody(stack: Stack, definition: Record<string, unknown>): string {
  return Token.asString(new DefinitionBody(stack, definition));
}

/**
 * The token behind {@link renderDefinitionBody}. The JSON text around its tokens is written once, so
 * the definition must not change after it is rendered. A synth resolves it several times: when the
 * placement measures it, while preparing (to find cross-stack references, which may then be
 * replaced), for the template, and for the tree metadata. Each resolution resolves the token values
 * the body holds (so the preparing one records every reference), and reuses the last assembled value
 * when they all resolve as they did for it; a replaced reference or an overridden logical ID makes it
 * assemble anew.
 */
class DefinitionBody implements IResolvable {
  public readonly creationStack: string[] = [];
  private plan?: Plan | typeof NOT_HANDLED;
  /** The last assembled value, with the token values it was made from. */
  private resolved?: { value: unknown; inputs: unknown[]; resolvedInputs: string };

  constructor(private readonly stack: Stack, private readonly definition: Record<string, unknown>) {}

  public resolve(context: IResolveContext): unknown {
    const plan = this.planned();
    if (plan === NOT_HANDLED) {
      return walkDefinition(this.stack, this.definition, context);
    }
    // Reuse the last value if every CloudFormation value in the definition still resolves the same.
    if (this.resolved !== undefined && resolvedInputs(this.resolved.inputs, context) === this.resolved.resolvedInputs) {
      return copyOfBody(this.resolved.value);
    }
    const inputs: unknown[] = [];
    const values: unknown[] = [];
    try {
      const value = assemble(plan, context, inputs, values);
      // The values as assemble resolved them (JSON text at once: the template may change them later).
      this.resolved = { value, inputs, resolvedInputs: JSON.stringify(values) };
      return copyOfBody(value);
    } catch (e) {
      if (e instanceof Unsupported) {
        this.resolved = undefined;
        return context.resolve(this.stack.toJsonString(this.definition));
      }
      throw e;
    }
  }

  /** The cached JSON text of the definition, split at its token-holding values. */
  private planned(): Plan | typeof NOT_HANDLED {
    if (this.plan === undefined) {
      this.plan = planOf(this.definition);
    }
    return this.plan;
  }

  public toString(): string {
    return Token.asString(this);
  }
}

/** The resolved values of a body's tokens, as one JSON text to compare. */
function resolvedInputs(inputs: unknown[], context: IResolveContext): string {
  return JSON.stringify(inputs.map((input) => context.resolve(input, { allowIntrinsicKeys: true })));
}

/** A fresh outer object for a reused resolution (the template may be modified after resolving). */
function copyOfBody(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && Array.isArray((value as { 'Fn::Join'?: unknown })['Fn::Join'])) {
    const [delimiter, list] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    return { 'Fn::Join': [delimiter, [...list]] };
  }
  return value;
}

/**
 * The resolved `PipelineDefinitionBody` value of a definition that has no plan: the exact walk, in the
 * resolve `context` of the token being resolved (a string, or `{"Fn::Join": ["", [...]]}` when
 * CloudFormation values are spliced in), or aws-cdk-lib's own stringify where the walk cannot follow it.
 */
function walkDefinition(stack: Stack, definition: unknown, context: IResolveContext): unknown {
  try {
    const writer = new SegmentWriter(context);
    writer.value(definition, 0);
    return writer.finish();
  } catch (e) {
    if (e instanceof Unsupported) {
      return context.resolve(stack.toJsonString(definition));
    }
    throw e;
  }
}


/**
 * The JSON text of a definition as `JSON.stringify` writes it, split at the values that hold tokens:
 * `literals[i]` comes before `specials[i]`, and the last literal after the last special.
 */
interface Plan {
  readonly literals: string[];
  readonly specials: unknown[];
  /** The fragments of each token-holding string, split once. */
  readonly fragments: Map<string, TokenizedStringFragments>;
}

/**
 * The fast path's first half: the JSON text of the definition split at the values that hold tokens.
 * A definition of plain data (what the renderer produces unless an override holds token objects)
 * is written by the native `JSON.stringify` without a replacer, and its token-holding strings are
 * found in the text; anything else takes {@link markedPlanOf}.
 */
function planOf(definition: unknown): Plan | typeof NOT_HANDLED {
  return isPlainData(definition, 0) ? plainPlanOf(definition) : markedPlanOf(definition);
}

/**
 * Whether `value` is data that the native `JSON.stringify` writes exactly as the CDK's token-aware
 * stringify does, apart from the tokens inside its strings: plain objects and lists, strings,
 * booleans, `null`, and numbers that are not number tokens; no `undefined` list items, no keys that
 * hold tokens (or `__proto__`), no values the resolver tagged, and not nested deeper than the
 * resolver goes. A pure walk: much cheaper than a replacer, which the engine calls for every value.
 */
function isPlainData(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return isLiteralNumber(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) {
    return true;
  }
  if (depth > MAX_DEPTH) {
    return false;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === undefined || (typeof item === 'string' && item.includes('#{Token[')) || !isPlainData(item, depth + 1)) {
        return false; // an undefined item (dropped by the resolver) or a list token
      }
    }
    return true;
  }
  const prototype = Object.getPrototypeOf(value);
  if ((prototype !== Object.prototype && prototype !== null) || (value as Record<symbol, unknown>)[RESOLUTION_TYPEHINT] !== undefined) {
    return false; // token objects, dates, boxed values, class instances, resolved values with a type hint
  }
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (!Object.prototype.hasOwnProperty.call(object, key)) {
      continue;
    }
    if (key === '__proto__' || mayHoldToken(key)) {
      return false;
    }
    const item = object[key];
    if (item !== undefined && !isPlainData(item, depth + 1)) {
      return false;
    }
  }
  return true;
}

/** Where a token can show in the JSON text of plain data: only inside string values (keys and numbers hold none). */
const TOKEN_TEXT = /Token\[|e\+289/g;

/**
 * The plan of plain data ({@link isPlainData}): the native JSON text, split around each string
 * literal that holds a token (or a printed number token), which becomes a special to resolve.
 */
function plainPlanOf(definition: unknown): Plan {
  const text = JSON.stringify(definition);
  const literals: string[] = [];
  const specials: unknown[] = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN_TEXT)) {
    if (match.index < last) {
      continue; // inside the string literal taken just before
    }
    const start = stringStart(text, match.index);
    const end = stringEnd(text, match.index);
    literals.push(text.slice(last, start));
    specials.push(JSON.parse(text.slice(start, end + 1)));
    last = end + 1;
  }
  literals.push(text.slice(last));
  return { literals, specials, fragments: new Map() };
}

/** Whether the quote at `index` of JSON text ends a string: not escaped by an odd run of backslashes. */
function isUnescapedQuote(text: string, index: number): boolean {
  let backslashes = 0;
  for (let i = index - 1; i >= 0 && text.charCodeAt(i) === 0x5c; i--) {
    backslashes++;
  }
  return backslashes % 2 === 0;
}

/** Index of the opening quote of the JSON string literal around `index`. */
function stringStart(text: string, index: number): number {
  let i = text.lastIndexOf('"', index);
  while (i > 0 && !isUnescapedQuote(text, i)) {
    i = text.lastIndexOf('"', i - 1);
  }
  return i;
}

/** Index of the closing quote of the JSON string literal around `index`. */
function stringEnd(text: string, index: number): number {
  let i = text.indexOf('"', index);
  while (i !== -1 && !isUnescapedQuote(text, i)) {
    i = text.indexOf('"', i + 1);
  }
  return i;
}

/**
 * The general plan: `JSON.stringify` with a replacer that swaps each value holding a token for a
 * marker, then the text split at the markers. `NOT_HANDLED` when the definition holds something
 * the native stringify treats differently from the CDK.
 */
function markedPlanOf(definition: unknown): Plan | typeof NOT_HANDLED {
  const special: unknown[] = [];
  let handled = true;
  const mark = (value: unknown): string => {
    special.push(value);
    return `${MARKER}${special.length - 1}\u0001`;
  };
  let text: string | undefined;
  try {
    text = JSON.stringify(definition, function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
      if (key === '__proto__') {
        handled = false; // the resolver assigns keys, so an own `__proto__` key is dropped there
        return value;
      }
      if (mayHoldToken(key) || key.includes('\u0001')) {
        handled = false; // the resolver turns tokens in keys into strings or intrinsic keys
        return value;
      }
      // `value` has been through `toJSON`; the CDK looks at the value itself.
      const raw = this[key];
      switch (typeof raw) {
        case 'string':
          return mayHoldToken(raw) || raw.includes('\u0001') ? mark(raw) : raw;
        case 'number':
          return isLiteralNumber(raw) ? raw : mark(raw);
        case 'boolean':
          return raw;
        case 'undefined':
          if (Array.isArray(this)) {
            handled = false; // JSON.stringify writes null, the CDK drops the item
          }
          return raw;
        case 'object':
          break;
        default:
          handled = false; // functions, symbols, bigints
          return value;
      }
      if (raw === null || raw instanceof Date) {
        return value;
      }
      if (Array.isArray(raw)) {
        return raw.some((v) => typeof v === 'string' && v.includes('#{Token[')) ? mark(raw) : raw;
      }
      const object = raw as Record<string | symbol, unknown>;
      if (typeof object.resolve === 'function' || object[RESOLUTION_TYPEHINT] !== undefined) {
        return mark(raw);
      }
      if (typeof object.toJSON === 'function' || raw instanceof String || raw instanceof Number || raw instanceof Boolean) {
        handled = false;
      }
      return raw;
    });
  } catch {
    return NOT_HANDLED; // circular structures, bigints: the walk reports them as the CDK does
  }
  if (!handled || text === undefined) {
    return NOT_HANDLED;
  }
  const literals: string[] = [];
  const specials: unknown[] = [];
  let last = 0;
  for (const match of text.matchAll(MARKER_TEXT)) {
    literals.push(text.slice(last, match.index));
    specials.push(special[Number(match[1])]);
    last = match.index + match[0].length;
  }
  literals.push(text.slice(last));
  return { literals, specials, fragments: new Map() };
}

/**
 * The fast path's second half, at each resolution: resolve the token-holding values and join.
 * `inputs` receives what was resolved through the CDK resolver and `values` what each resolved to
 * (as {@link resolvedInputs} would resolve them again), in the same order.
 */
function assemble(plan: Plan, context: IResolveContext, inputs?: unknown[], values?: unknown[]): unknown {
  const writer = new SegmentWriter(context);
  const strings = new StringResolver(context, plan.fragments);
  for (let i = 0; i < plan.specials.length; i++) {
    writer.push(plan.literals[i]);
    const value = plan.specials[i];
    if (typeof value === 'string') {
      writer.resolved(strings.resolve(value));
    } else {
      const resolved = context.resolve(value, { allowIntrinsicKeys: true });
      inputs?.push(value);
      values?.push(resolved);
      writer.resolved(resolved);
    }
  }
  writer.push(plan.literals[plan.specials.length]);
  inputs?.push(...strings.inputs);
  values?.push(...strings.values);
  return writer.finish();
}

/**
 * Resolves strings that hold tokens as the CDK resolver does (`_resolve` of a string: split at the
 * tokens, resolve each, join with the CloudFormation concatenation, tag the result as a string),
 * but resolves each distinct token once per stringify: a role ARN or bucket name appears in many
 * strings of a definition, and resolving it (a logical ID, a hash) dominates the cost.
 */
class StringResolver {
  private readonly tokens = new Map<IResolvable, unknown>();
  /** Everything resolved through the CDK resolver: the distinct tokens, and strings with a list token. */
  public readonly inputs: unknown[] = [];
  /** What each of `inputs` resolved to. */
  public readonly values: unknown[] = [];

  constructor(private readonly context: IResolveContext, private readonly split: Map<string, TokenizedStringFragments>) {}

  public resolve(value: string): unknown {
    if (value.includes('#{Token[')) {
      const resolved = this.context.resolve(value, { allowIntrinsicKeys: true }); // a list token in a string: the CDK reports it
      this.inputs.push(value);
      this.values.push(resolved);
      return resolved;
    }
    let fragments = this.split.get(value);
    if (fragments === undefined) {
      fragments = Tokenization.reverseString(value);
      this.split.set(value, fragments);
    }
    if (fragments.tokens.length === 0) {
      return value;
    }
    const joined = fragments.mapTokens({ mapToken: (token) => this.resolveToken(token) }).join(CLOUDFORMATION_CONCAT);
    if (typeof joined === 'object' && joined !== null) {
      Object.defineProperty(joined, RESOLUTION_TYPEHINT, { value: 'string', configurable: true });
    }
    return joined;
  }

  private resolveToken(token: IResolvable): unknown {
    if (!this.tokens.has(token)) {
      const resolved = this.context.resolve(token, { allowIntrinsicKeys: true });
      this.inputs.push(token);
      this.values.push(resolved);
      this.tokens.set(token, resolved);
    }
    return this.tokens.get(token);
  }
}

/** `CloudFormationLang.concat` of aws-cdk-lib: how the resolver joins the fragments of a string. */
const CLOUDFORMATION_CONCAT: IFragmentConcatenator = {
  join(left: unknown, right: unknown): unknown {
    if (left === undefined && right === undefined) {
      return '';
    }
    const parts: unknown[] = [];
    if (left !== undefined) {
      parts.push(left);
    }
    if (right !== undefined) {
      parts.push(right);
    }
    if (parts.length === 1) {
      return parts[0];
    }
    if (isConcatable(parts[0]) && isConcatable(parts[1])) {
      return `${parts[0]}${parts[1]}`;
    }
    return { 'Fn::Join': ['', minimalCloudFormationJoin('', parts)] };
  },
};

/** Thrown inside the walk when a value needs aws-cdk-lib's own stringify. */
class Unsupported extends Error {}

/**
 * Writes JSON text as CDK's token-aware stringify does: runs of literal text, and intrinsics
 * (CloudFormation values) between them.
 */
class SegmentWriter {
  /** Finished segments: literal runs (strings) and intrinsics (objects), in order. */
  private readonly segments: unknown[] = [];
  /** The literal run being written. */
  private literal = '';
  /** Whether the literal run has been started (an empty run still counts as a segment). */
  private inLiteral = false;

  constructor(private readonly context: IResolveContext) {}

  /** The body value, as `tokenAwareStringify` returns it. */
  public finish(): unknown {
    this.closeLiteral();
    switch (this.segments.length) {
      case 0:
        return undefined;
      case 1:
        return this.segments[0];
      default:
        return { 'Fn::Join': ['', minimalCloudFormationJoin('', this.segments)] };
    }
  }

  /** Writes a value that may still hold tokens (the exact, slower walk). */
  public value(value: unknown, depth: number): void {
    switch (typeof value) {
      case 'string':
        if (mayHoldToken(value)) {
          this.resolved(this.context.resolve(value, { allowIntrinsicKeys: true }));
        } else {
          this.push(JSON.stringify(value));
        }
        return;
      case 'number':
        if (isLiteralNumber(value)) {
          this.push(JSON.stringify(value));
        } else {
          // A number token (or NaN/Infinity, which the resolver passes through).
          this.resolved(this.context.resolve(value, { allowIntrinsicKeys: true }));
        }
        return;
      case 'boolean':
        this.push(value ? 'true' : 'false');
        return;
      case 'undefined':
        return;
      case 'object':
        break;
      default:
        // Functions, symbols, bigints: let the resolver (and CDK's stringify) report or handle them.
        throw new Unsupported();
    }
    if (value === null) {
      this.push('null');
      return;
    }
    if (depth > MAX_DEPTH) {
      throw new Unsupported();
    }
    if (Array.isArray(value)) {
      if (value.some((v) => typeof v === 'string' && v.includes('#{Token['))) {
        // A list token: the resolver decides (CDK stringifies a list intrinsic with a custom resource).
        this.resolved(this.context.resolve(value, { allowIntrinsicKeys: true }));
        return;
      }
      this.push('[');
      let first = true;
      for (const item of value) {
        if (item === undefined) {
          continue; // the resolver drops undefined list items
        }
        if (!first) {
          this.push(',');
        }
        first = false;
        this.value(item, depth + 1);
      }
      this.push(']');
      return;
    }
    const object = value as Record<string | symbol, unknown>;
    if (typeof object.resolve === 'function' || value instanceof Date || object[RESOLUTION_TYPEHINT] !== undefined) {
      // A token object, a date, or a value that came out of the resolver with a type hint.
      this.resolved(this.context.resolve(value, { allowIntrinsicKeys: true }));
      return;
    }
    // The resolver builds objects by assignment, which drops an own `__proto__` key.
    const keys = Object.keys(object).filter((k) => k !== '__proto__');
    if (keys.some(mayHoldToken)) {
      // Tokens in keys: the resolver turns them into strings or intrinsic keys.
      this.resolved(this.context.resolve(value, { allowIntrinsicKeys: true }));
      return;
    }
    this.push('{');
    let first = true;
    for (const key of keys) {
      const item = object[key];
      if (item === undefined) {
        continue;
      }
      if (!first) {
        this.push(',');
      }
      first = false;
      this.push(JSON.stringify(key));
      this.push(':');
      this.value(item, depth + 1);
    }
    this.push('}');
  }

  /** A value the resolver returned: no tokens left, intrinsics tagged with a type hint (`recurse` of cloudformation-lang). */
  public resolved(value: unknown): void {
    if (value === undefined) {
      return;
    }
    if (Array.isArray(value)) {
      this.push('[');
      value.forEach((item, i) => {
        if (i > 0) {
          this.push(',');
        }
        this.resolved(item);
      });
      this.push(']');
      return;
    }
    if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
      const hint = (value as Record<symbol, unknown>)[RESOLUTION_TYPEHINT];
      if (isIntrinsic(value) && hint !== undefined) {
        this.intrinsic(value, hint);
        return;
      }
      this.push('{');
      let first = true;
      for (const entry of Object.entries(value)) {
        let [key, item]: [unknown, unknown] = entry;
        if (item === undefined) {
          continue;
        }
        if (!first) {
          this.push(',');
        }
        first = false;
        if (typeof key === 'string' && key.startsWith(INTRINSIC_KEY_PREFIX)) {
          [key, item] = item as [unknown, unknown];
        }
        this.resolved(key);
        this.push(':');
        this.resolved(item);
      }
      this.push('}');
      return;
    }
    this.push(JSON.stringify(value));
  }

  private intrinsic(value: object, hint: unknown): void {
    switch (hint) {
      case 'string':
        this.push('"');
        this.pushIntrinsic(deepQuoteStringLiterals(value));
        this.push('"');
        return;
      case 'number':
        this.pushIntrinsic(value);
        return;
      default:
        // 'string-list' (a CdkJsonStringify custom resource) and anything newer: CDK's own stringify.
        throw new Unsupported();
    }
  }

  /** Appends literal JSON text. */
  public push(text: string): void {
    this.literal += text;
    this.inLiteral = true;
  }

  private pushIntrinsic(intrinsic: unknown): void {
    this.closeLiteral();
    this.segments.push(intrinsic);
  }

  private closeLiteral(): void {
    if (this.inLiteral) {
      this.segments.push(this.literal);
      this.literal = '';
      this.inLiteral = false;
    }
  }
}

/** Whether `x` is a CloudFormation intrinsic: one key, `Ref` or `Fn::*` (as aws-cdk-lib decides it). */
function isIntrinsic(x: unknown): boolean {
  if (Array.isArray(x) || x === null || typeof x !== 'object') {
    return false;
  }
  const keys = Object.keys(x);
  if (keys.length !== 1) {
    return false;
  }
  const key = keys[0];
  return key === 'Ref' || (key.startsWith('Fn::') && key !== 'Fn::GetArtifactAtt' && key !== 'Fn::GetParam');
}

/** JSON-escape every string inside an intrinsic that stands inside a JSON string. */
function deepQuoteStringLiterals(x: unknown): unknown {
  if (Array.isArray(x)) {
    return x.map(deepQuoteStringLiterals);
  }
  if (typeof x === 'object' && x !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(x)) {
      out[quoteString(key)] = deepQuoteStringLiterals(value);
    }
    return out;
  }
  return typeof x === 'string' ? quoteString(x) : x;
}

function quoteString(s: string): string {
  const quoted = JSON.stringify(s);
  return quoted.substring(1, quoted.length - 1);
}

/**
 * Splices nested `Fn::Join`s with the same delimiter into `values` and merges adjacent literals
 * (`minimalCloudFormationJoin` of aws-cdk-lib), in one pass: a large definition has thousands of
 * segments, and splicing in place would move them all for every nested join.
 */
function minimalCloudFormationJoin(delimiter: string, values: unknown[]): unknown[] {
  const out: unknown[] = [];
  const add = (el: unknown): void => {
    if (isSplicableFnJoin(el, delimiter)) {
      for (const inner of (el as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]) {
        add(inner);
      }
    } else if (out.length > 0 && isConcatable(out[out.length - 1]) && isConcatable(el)) {
      out[out.length - 1] = `${out[out.length - 1]}${delimiter}${el}`;
    } else {
      out.push(el);
    }
  };
  for (const value of values) {
    add(value);
  }
  return out;
}

function isSplicableFnJoin(obj: unknown, delimiter: string): boolean {
  if (!isIntrinsic(obj) || Object.keys(obj as object)[0] !== 'Fn::Join') {
    return false;
  }
  const [delim, list] = (obj as { 'Fn::Join': [unknown, unknown] })['Fn::Join'];
  return delim === delimiter && Array.isArray(list) && !Token.isUnresolved(list);
}

function isConcatable(obj: unknown): boolean {
  // Every segment has been resolved: strings and numbers here never hold tokens.
  return typeof obj === 'string' || typeof obj === 'number';
}
