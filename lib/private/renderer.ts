import { IResolvable, Token, Tokenization } from 'aws-cdk-lib';
import { carriedExpression, Expression, IParameterLike, IRenderContext, IStepLike } from './expression';
import { isLiteralNumber, mayHoldToken } from './token-text';

/** CDK's string token marker: `${Token[NAME.123]}` (see aws-cdk-lib core/lib/private/encoding). */
const STRING_TOKEN = /\$\{Token\[[a-zA-Z0-9:._-]+\]\}/g;

/**
 * A CDK number token printed into a string (`${someNumberToken}` in a template literal) shows up as
 * the double it is encoded in, near -1.8881545897087626e+289.
 */
const NUMBER_TOKEN_TEXT = /-1\.888154589\d*e\+289/g;

/**
 * A string token or a printed number token, for the `exec` loop of {@link splitTokens} (the only
 * user of its `lastIndex`, which it resets first; nothing called inside the loop uses it).
 */
const TOKEN_SCAN = new RegExp(`${STRING_TOKEN.source}|${NUMBER_TOKEN_TEXT.source}`, 'g');

/** {@link NUMBER_TOKEN_TEXT} without the global flag, for `test`. */
const NUMBER_TOKEN_TEXT_ONCE = new RegExp(NUMBER_TOKEN_TEXT.source);

/** Everything one render pass found out about the values it rendered. */
export interface RenderResult<T> {
  /** The rendered value: plain JSON, expression objects, and CloudFormation tokens as CDK string tokens. */
  readonly value: T;
  /** Steps whose data the value reads (data edges), in first-seen order. */
  readonly stepReferences: IStepLike[];
  /** Steps the value needs to run after although no `Get` names them (JsonGet of an S3 URI). */
  readonly implicitDependencies: IStepLike[];
  /** Parameters the value reads, in first-seen order. */
  readonly parameterReferences: IParameterLike[];
  /** Expressions that could not be rendered correctly. */
  readonly problems: string[];
}

/**
 * The single walker over a step's raw definition (DESIGN decision 5). It:
 * - turns every expression token (string, number or object) into the service's JSON expression;
 * - rewrites any string that concatenates an expression with other text into `Std:Join`, keeping
 *   CloudFormation tokens (a bucket name) as CDK string tokens inside `Values`;
 * - collects the steps and parameters each value references.
 */
export class Renderer implements IRenderContext {
  /** Render one value. */
  public static render<T = unknown>(value: unknown): RenderResult<T> {
    const renderer = new Renderer();
    const rendered = renderer.renderValue(value) as T;
    return {
      value: rendered,
      stepReferences: listOf(renderer.steps),
      implicitDependencies: listOf(renderer.implicit),
      parameterReferences: listOf(renderer.parameters),
      problems: listOf(renderer.problems),
    };
  }

  // Created at their first entry: most values reference a step or two and nothing else.
  private steps?: Set<IStepLike>;
  private implicit?: Set<IStepLike>;
  private parameters?: Set<IParameterLike>;
  private problems?: Set<string>;

  private constructor() {}

  public renderValue(value: unknown): unknown {
    if (value === undefined || value === null) {
      return value;
    }
    if (typeof value === 'string') {
      return this.renderString(value);
    }
    if (typeof value === 'number') {
      return this.renderNumber(value);
    }
    if (typeof value === 'boolean') {
      return value;
    }
    if (Array.isArray(value)) {
      const items = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) {
        items[i] = this.renderValue(value[i]);
      }
      return items;
    }
    if (typeof value !== 'object') {
      return value;
    }
    const expression = carriedExpression(value);
    if (expression !== undefined) {
      return expression.render(this);
    }
    if (Tokenization.isResolvable(value)) {
      // A CloudFormation-level token object (an intrinsic): left for Stack.toJsonString.
      return value;
    }
    const object = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(object)) {
      const v = object[k];
      if (v !== undefined) {
        out[k] = this.renderValue(v);
      }
    }
    return out;
  }

  public addStepReference(step: IStepLike): void {
    (this.steps ??= new Set()).add(step);
  }

  public addImplicitDependency(step: IStepLike): void {
    (this.implicit ??= new Set()).add(step);
  }

  public addParameterReference(parameter: IParameterLike): void {
    (this.parameters ??= new Set()).add(parameter);
  }

  public addProblem(message: string): void {
    (this.problems ??= new Set()).add(message);
  }

  private renderNumber(value: number): unknown {
    if (isLiteralNumber(value)) {
      return value;
    }
    const token = Tokenization.reverseNumber(value);
    if (token === undefined) {
      return value;
    }
    if (token instanceof Expression) {
      return token.render(this);
    }
    return value;
  }

  private renderString(value: string): unknown {
    // The substring checks of containsTokens, without its pattern test: splitTokens finds no token
    // in a string that has none, and the string is then returned as it is.
    if (!mayHoldToken(value)) {
      return value;
    }
    const fragments = splitTokens(value);
    if (!fragments.some((f) => f instanceof Expression)) {
      // Only CloudFormation tokens: Stack.toJsonString splices them in.
      return value;
    }
    if (fragments.length === 1) {
      return (fragments[0] as Expression).render(this);
    }
    const values = fragments.map((f) => (f instanceof Expression ? f.render(this) : typeof f === 'string' ? f : Token.asString(f)));
    return { 'Std:Join': { On: '', Values: values } };
  }
}

/** The entries of a set (in insertion order), or a new empty list. */
function listOf<T>(set: Set<T> | undefined): T[] {
  return set === undefined ? [] : [...set];
}

/**
 * Whether a string holds any token: a CDK string token, or a number token printed into it
 * (which `Token.isUnresolved` does not see).
 */
export function containsTokens(value: string): boolean {
  // Cheap substring checks first: almost every string of a definition holds no token at all.
  if (!mayHoldToken(value)) {
    return false;
  }
  return Token.isUnresolved(value) || NUMBER_TOKEN_TEXT_ONCE.test(value);
}

/**
 * Token text (`${Token[...]}`) -> the token it stands for. CDK's token map is global and never
 * forgets a token, and a token's text is unique for the life of the process, so an entry never goes
 * stale; a definition repeats the same few tokens (a bucket name) in many strings, and each lookup
 * through `Tokenization.reverseString` allocates a tokenizer and its fragments.
 */
const STRING_TOKENS = new Map<string, IResolvable>();

function stringToken(text: string): IResolvable | undefined {
  let token = STRING_TOKENS.get(text);
  if (token === undefined) {
    token = Tokenization.reverseString(text).firstToken;
    if (token !== undefined) {
      STRING_TOKENS.set(text, token);
    }
  }
  return token;
}

/**
 * Splits a string into literal text and the tokens it contains, in order. Adjacent literals and
 * CloudFormation tokens are kept apart so that each CloudFormation token stays one `Values` item.
 */
export function splitTokens(value: string): Array<string | IResolvable> {
  const parts: Array<string | IResolvable> = [];
  let last = 0;
  // `exec` on the shared expression rather than `matchAll`, which copies it and makes an iterator.
  TOKEN_SCAN.lastIndex = 0;
  for (let match = TOKEN_SCAN.exec(value); match !== null; match = TOKEN_SCAN.exec(value)) {
    const text = match[0];
    const token = text.startsWith('${') ? stringToken(text) : Tokenization.reverseNumber(Number(text));
    if (token === undefined) {
      continue; // not a token after all: the text stays in the literal around it
    }
    if (match.index > last) {
      parts.push(value.slice(last, match.index));
    }
    parts.push(token);
    last = match.index + text.length;
  }
  // Literals are sliced between tokens (text that is no token stays inside them), so no two are adjacent.
  if (last < value.length) {
    parts.push(value.slice(last));
  }
  return parts;
}

/** Owner -> its last cached value and the key it was computed for. */
const CACHE = new WeakMap<object, { key: readonly unknown[]; value: unknown }>();

/**
 * The value `compute()` returned for `owner` the last time, if `key` is the same (item by item,
 * by identity) as then; otherwise computes, remembers and returns a new one. Lets a pipeline
 * render its definition once per synth although the synth asks for it several times (placement,
 * references, validation, template, tree metadata). The key must capture everything the value
 * depends on that can change.
 */
export function cachedByKey<T>(owner: object, key: readonly unknown[], compute: () => T): T {
  const cached = CACHE.get(owner);
  if (cached !== undefined && cached.key.length === key.length && cached.key.every((k, i) => k === key[i])) {
    return cached.value as T;
  }
  const value = compute();
  CACHE.set(owner, { key, value });
  return value;
}
