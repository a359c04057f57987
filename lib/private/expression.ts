import { IResolvable, IResolveContext, Token, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ErrorLocation, locationText } from './error-location';
import { isLiteralNumber } from './token-text';

/**
 * The runtime type of a pipeline expression's value, as far as it is known at synth.
 */
export type ExpressionKind = 'String' | 'Integer' | 'Float' | 'Boolean' | 'Unknown';

/**
 * A step as the renderer sees it: something with a construct path and a (possibly lazy) step name.
 */
export interface IStepLike extends IConstruct {
  /** The name of the step in the definition. */
  readonly stepName: string;
}

/**
 * A pipeline parameter as the renderer sees it.
 */
export interface IParameterLike {
  /** Name of the parameter. */
  readonly name: string;
  /** `String`, `Integer`, `Float` or `Boolean`. */
  readonly parameterType: string;
  /** The parameter's declaration in the definition's `Parameters` list. */
  renderDeclaration(): Record<string, unknown>;
}

/**
 * What an expression tells the renderer while it renders.
 */
export interface IRenderContext {
  /** Render a nested value (a literal, a token string, another expression). */
  renderValue(value: unknown): unknown;
  /** The expression reads data produced by `step`. */
  addStepReference(step: IStepLike): void;
  /** The expression reads `parameter`. */
  addParameterReference(parameter: IParameterLike): void;
  /** The expression cannot be rendered correctly; the pipeline reports this at synth. */
  addProblem(message: string): void;
  /**
   * The expression requires the current step to run after `step` even though the service cannot
   * derive that edge from a `Get` (JsonGet of an S3 URI).
   */
  addImplicitDependency(step: IStepLike): void;
}

/**
 * Base class of every pipeline expression (`{"Get": ...}`, `{"Std:Join": ...}`, `{"Std:JsonGet": ...}`).
 *
 * Expressions are CDK tokens: they are handed to users encoded as strings or numbers
 * (`Token.asString(expr)`) so that they fit any `string` or `number` prop, and the pipeline's
 * renderer turns them back into the service's JSON expression objects.
 */
export abstract class Expression implements IResolvable {
  /** @internal */
  public readonly creationStack: string[] = [];

  /** What the expression evaluates to at run time. */
  public abstract readonly kind: ExpressionKind;

  /** Render the service JSON for this expression. */
  public abstract render(context: IRenderContext): unknown;

  /**
   * Used when the expression is resolved by CDK outside the pipeline renderer (for example
   * `stack.resolve(token)`): renders without collecting references.
   */
  public resolve(_context: IResolveContext): unknown {
    return this.render(STANDALONE_CONTEXT);
  }

  /** The expression as a string token. */
  public toString(): string {
    return Token.asString(this);
  }

  /** The expression as a number token. */
  public asNumber(): number {
    return Token.asNumber(this);
  }

  /** @internal */
  public toJSON(): string {
    return '<pipeline expression>';
  }
}

class StandaloneContext implements IRenderContext {
  public renderValue(value: unknown): unknown {
    return value instanceof Expression ? value.render(this) : value;
  }
  public addStepReference(): void { /* not collected outside the renderer */ }
  public addParameterReference(): void { /* not collected outside the renderer */ }
  public addProblem(): void { /* reported by the pipeline's validation */ }
  public addImplicitDependency(): void { /* not collected outside the renderer */ }
}

const STANDALONE_CONTEXT: IRenderContext = new StandaloneContext();

/**
 * A `{"Get": "<path>"}` reference with no step or parameter behind it
 * (execution variables, experiment-config properties).
 */
export class GetExpression extends Expression {
  constructor(public readonly path: string, public readonly kind: ExpressionKind) {
    super();
  }

  public render(): unknown {
    return { Get: this.path };
  }
}

/**
 * `{"Std:Join": {"On": <separator>, "Values": [...]}}`.
 */
export class JoinExpression extends Expression {
  public readonly kind: ExpressionKind = 'String';

  constructor(public readonly on: string, public readonly values: readonly unknown[]) {
    super();
  }

  public render(context: IRenderContext): unknown {
    return { 'Std:Join': { On: this.on, Values: this.values.map((v) => context.renderValue(v)) } };
  }
}

/**
 * Symbol under which objects that stand for an expression without being one (inner nodes of a
 * property tree reached through `any`) keep it.
 */
export const EXPRESSION_OF: unique symbol = Symbol.for('cdk-sagemaker-pipelines.expression');

/** The expression an object stands for, if it is one or carries one. */
export function carriedExpression(value: object): Expression | undefined {
  if (value instanceof Expression) {
    return value;
  }
  const carried = (value as { [EXPRESSION_OF]?: unknown })[EXPRESSION_OF];
  return carried instanceof Expression ? carried : undefined;
}

/** Whether `value` is a CDK number token (only a number that is not a literal one is asked of the CDK). */
export function isNumberToken(value: number): boolean {
  return !isLiteralNumber(value) && Token.isUnresolved(value);
}

/**
 * Returns the expression behind a value, if the whole value is one expression token
 * (a string token, a number token or the expression object itself).
 */
export function expressionOf(value: unknown): Expression | undefined {
  if (typeof value === 'object' && value !== null) {
    return carriedExpression(value);
  }
  if (typeof value === 'string' || typeof value === 'number') {
    if (typeof value === 'number' ? !isNumberToken(value) : !Token.isUnresolved(value)) {
      return undefined;
    }
    const token = Tokenization.reverse(value, { failConcat: false });
    return token instanceof Expression ? token : undefined;
  }
  return undefined;
}

/**
 * Wraps a non-string expression so it can stand in a string-only field, as the SageMaker SDK's
 * `to_string()` does: `{"Std:Join": {"On": "", "Values": [<expr>]}}`. Strings and string
 * expressions are returned unchanged; literal numbers and booleans become their text.
 */
export function toStringValue(value: string | number | boolean): string {
  if (typeof value === 'boolean') {
    return String(value);
  }
  const expression = expressionOf(value);
  if (expression !== undefined) {
    return expression.kind === 'String' ? Token.asString(expression) : Token.asString(new JoinExpression('', [expression]));
  }
  if (typeof value === 'number') {
    return String(value);
  }
  return value;
}

/**
 * The problem carried by a property-tree node reached through `any` (a misspelt member, or a
 * structure used as a value), when `value` is such a node.
 */
export function propertyProblemOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const problem = (carriedExpression(value) as { problem?: unknown } | undefined)?.problem;
  return typeof problem === 'string' ? problem : undefined;
}

/**
 * Throws the property check's own message (which names the step and suggests the member meant),
 * prefixed with `where`, when `value` is a property-tree node that is not a value: a type check
 * would otherwise only say it received an object.
 */
export function refusePropertyProblem(where: ErrorLocation, value: unknown): void {
  const problem = propertyProblemOf(value);
  if (problem !== undefined) {
    throw new Error(`${locationText(where)}: ${problem}`);
  }
}
