import { IResolvable, Token } from 'aws-cdk-lib';
import { Expression, ExpressionKind, IParameterLike, IRenderContext, JoinExpression } from './private/expression';

/** Service pattern for parameter names in the definition (the definition schema's limit of 64). */
const PARAMETER_NAME = /^[A-Za-z0-9\-_]{1,64}$/;

/**
 * The type of a pipeline parameter.
 */
export enum ParameterType {
  /** A string value. */
  STRING = 'String',
  /** An integral number. */
  INTEGER = 'Integer',
  /** A floating-point number. */
  FLOAT = 'Float',
  /** `true` or `false`. */
  BOOLEAN = 'Boolean',
}

/**
 * A pipeline parameter: a value chosen when an execution starts.
 *
 * Use its token (`valueAsString`, `valueAsNumber`, or the parameter in a template literal) in any
 * step prop. A parameter that a step uses is declared in the definition automatically; pass it in
 * the pipeline's `parameters` to fix its position in the list or to declare an unused one.
 */
export abstract class Parameter extends Expression implements IParameterLike {
  /** Name of the parameter (`Parameters.<name>`). */
  public readonly name: string;
  /** The parameter's type. */
  public abstract readonly parameterType: ParameterType;

  protected constructor(name: string) {
    super();
    if (Token.isUnresolved(name) || !PARAMETER_NAME.test(name)) {
      throw new Error(`Pipeline parameter name must be 1-64 characters of A-Z, a-z, 0-9, - and _; received '${name}'. Rename the parameter.`);
    }
    this.name = name;
  }

  /**
   * The parameter as a string token. For Integer, Float and Boolean parameters this renders as the
   * SageMaker SDK's `to_string()`: `{"Std:Join": {"On": "", "Values": [{"Get": "Parameters.<name>"}]}}`.
   */
  public get valueAsString(): string {
    return this.kind === 'String' ? Token.asString(this) : Token.asString(new JoinExpression('', [this]));
  }

  /** The parameter as an `IResolvable`, for values typed `IResolvable` such as condition operands. */
  public get value(): IResolvable {
    return this;
  }

  public render(context: IRenderContext): unknown {
    context.addParameterReference(this);
    return { Get: `Parameters.${this.name}` };
  }

  /** The parameter's entry in the definition's `Parameters` list. */
  public renderDeclaration(): Record<string, unknown> {
    const declaration: Record<string, unknown> = { Name: this.name, Type: this.parameterType };
    const defaultValue = this.defaultValueForDeclaration();
    if (defaultValue !== undefined) {
      declaration.DefaultValue = defaultValue;
    }
    const enumValues = this.enumValuesForDeclaration();
    if (enumValues !== undefined) {
      declaration.EnumValues = enumValues;
    }
    return declaration;
  }

  /** The `DefaultValue` to declare, if any. */
  public abstract defaultValueForDeclaration(): string | number | boolean | undefined;

  /** The `EnumValues` to declare, if any. */
  public enumValuesForDeclaration(): string[] | undefined {
    return undefined;
  }

  /** The parameter in a template literal: its string token. */
  public toString(): string {
    return this.valueAsString;
  }
}

/**
 * Props of a {@link ParameterString}.
 */
export interface ParameterStringProps {
  /**
   * Value used when an execution does not set the parameter.
   * @default - no default: every execution must pass a value
   */
  readonly defaultValue?: string;
  /**
   * The values the parameter may take (`EnumValues`). The default must be one of them.
   * @default - any string
   */
  readonly enumValues?: string[];
}

/**
 * A `String` pipeline parameter.
 */
export class ParameterString extends Parameter {
  /** @inheritdoc */
  public readonly parameterType = ParameterType.STRING;
  /** @inheritdoc */
  public readonly kind: ExpressionKind = 'String';
  /** The default value, if any. */
  public readonly defaultValue?: string;
  /** The allowed values, if restricted. */
  public readonly enumValues?: string[];

  constructor(name: string, props: ParameterStringProps = {}) {
    super(name);
    if (props.defaultValue !== undefined && (typeof props.defaultValue !== 'string' || Token.isUnresolved(props.defaultValue))) {
      throw new Error(`Default of String parameter '${name}' must be a literal string; received ${describe(props.defaultValue)}. Parameters are evaluated when the execution starts, so a default cannot be an expression or a CloudFormation token. Pass a literal default such as 's3://my-bucket/input', or omit the default and pass the value when you start the execution (e.g. in a PipelineTarget's parameters, which accept tokens).`);
    }
    if (props.enumValues !== undefined) {
      if (props.enumValues.length === 0) {
        throw new Error(`enumValues of String parameter '${name}' is empty; omit it to allow any value or list the allowed values.`);
      }
      const seen = new Set<string>();
      for (const value of props.enumValues) {
        if (typeof value !== 'string' || Token.isUnresolved(value)) {
          throw new Error(`enumValues of String parameter '${name}' must be literal strings; received ${describe(value)}. List the allowed values as literal text, e.g. enumValues: ['Approved', 'Rejected'].`);
        }
        if (seen.has(value)) {
          throw new Error(`enumValues of String parameter '${name}' lists '${value}' twice; list each value once.`);
        }
        seen.add(value);
      }
      if (props.defaultValue !== undefined && !seen.has(props.defaultValue)) {
        throw new Error(`Default '${props.defaultValue}' of String parameter '${name}' is not one of its enumValues (${props.enumValues.join(', ')}); choose a listed default or add it to enumValues.`);
      }
    }
    this.defaultValue = props.defaultValue;
    this.enumValues = props.enumValues ? [...props.enumValues] : undefined;
  }

  /** @inheritdoc */
  public defaultValueForDeclaration(): string | undefined {
    return this.defaultValue;
  }

  /** @inheritdoc */
  public enumValuesForDeclaration(): string[] | undefined {
    return this.enumValues;
  }
}

/**
 * Props of a {@link ParameterInteger}.
 */
export interface ParameterIntegerProps {
  /**
   * Value used when an execution does not set the parameter. Must be an integer.
   * @default - no default: every execution must pass a value
   */
  readonly defaultValue?: number;
}

/**
 * Base of the number parameters: a number token for number props, a default checked at construction.
 */
export abstract class NumberParameter extends Parameter {
  /** The default value, if any. */
  public readonly defaultValue?: number;

  protected constructor(name: string, defaultValue: number | undefined, isValid: (value: number) => boolean, expected: string, hint = '') {
    super(name);
    if (defaultValue !== undefined && (typeof defaultValue !== 'number' || Token.isUnresolved(defaultValue) || !isValid(defaultValue))) {
      throw new Error(`Default of ${this.parameterTypeName()} parameter '${name}' must be ${expected}; received ${describe(defaultValue)}.${hint}`);
    }
    this.defaultValue = defaultValue;
  }

  /** The parameter as a number token, for number props such as an instance count. */
  public get valueAsNumber(): number {
    return Token.asNumber(this);
  }

  /** @inheritdoc */
  public defaultValueForDeclaration(): number | undefined {
    return this.defaultValue;
  }

  /** `Integer` or `Float`, for messages (the subclass fields are not set yet in the base constructor). */
  protected abstract parameterTypeName(): string;
}

/**
 * An `Integer` pipeline parameter.
 */
export class ParameterInteger extends NumberParameter {
  /** @inheritdoc */
  public readonly parameterType = ParameterType.INTEGER;
  /** @inheritdoc */
  public readonly kind: ExpressionKind = 'Integer';

  constructor(name: string, props: ParameterIntegerProps = {}) {
    super(name, props.defaultValue, Number.isSafeInteger, 'a literal integer', ' Use a ParameterFloat for fractional values.');
  }

  protected parameterTypeName(): string {
    return 'Integer';
  }
}

/**
 * Props of a {@link ParameterFloat}.
 */
export interface ParameterFloatProps {
  /**
   * Value used when an execution does not set the parameter.
   * @default - no default: every execution must pass a value
   */
  readonly defaultValue?: number;
}

/**
 * A `Float` pipeline parameter.
 */
export class ParameterFloat extends NumberParameter {
  /** @inheritdoc */
  public readonly parameterType = ParameterType.FLOAT;
  /** @inheritdoc */
  public readonly kind: ExpressionKind = 'Float';

  constructor(name: string, props: ParameterFloatProps = {}) {
    super(name, props.defaultValue, Number.isFinite, 'a literal finite number');
  }

  protected parameterTypeName(): string {
    return 'Float';
  }
}

/**
 * Props of a {@link ParameterBoolean}.
 */
export interface ParameterBooleanProps {
  /**
   * Value used when an execution does not set the parameter.
   * @default - no default: every execution must pass a value
   */
  readonly defaultValue?: boolean;
}

/**
 * A `Boolean` pipeline parameter. Use `value` in conditions and `valueAsString` in string fields.
 */
export class ParameterBoolean extends Parameter {
  /** @inheritdoc */
  public readonly parameterType = ParameterType.BOOLEAN;
  /** @inheritdoc */
  public readonly kind: ExpressionKind = 'Boolean';
  /** The default value, if any. */
  public readonly defaultValue?: boolean;

  constructor(name: string, props: ParameterBooleanProps = {}) {
    super(name);
    if (props.defaultValue !== undefined && typeof props.defaultValue !== 'boolean') {
      throw new Error(`Default of Boolean parameter '${name}' must be true or false; received ${describe(props.defaultValue)}.`);
    }
    this.defaultValue = props.defaultValue;
  }

  /** @inheritdoc */
  public defaultValueForDeclaration(): boolean | undefined {
    return this.defaultValue;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return Token.isUnresolved(value) ? `a token (${value})` : `'${value}'`;
  }
  if (typeof value === 'number' && Token.isUnresolved(value)) {
    return 'a number token';
  }
  return `${typeof value} ${String(value)}`;
}

/** @internal true when two parameters would render the same declaration */
export function sameDeclaration(a: Parameter, b: Parameter): boolean {
  return JSON.stringify(a.renderDeclaration()) === JSON.stringify(b.renderDeclaration());
}
