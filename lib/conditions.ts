import { IResolvable, Token, Tokenization } from 'aws-cdk-lib';

/**
 * A value a condition compares: a literal (string, number, boolean) or an expression (a parameter,
 * an execution variable, a step property, `JsonGet`, `Join`, a condition step's `Outcome`), as a
 * string token, a number token or the `IResolvable` itself.
 */
export type ConditionValue = string | number | boolean | IResolvable;

/** The comparison condition types (`LeftValue` / `RightValue`). */
type ComparisonType = 'Equals' | 'GreaterThan' | 'GreaterThanOrEqualTo' | 'LessThan' | 'LessThanOrEqualTo';

/**
 * A condition of a `ConditionStep`, evaluated when the pipeline runs.
 *
 * Build one with the static factories; they nest freely:
 * `Condition.not(Condition.or(Condition.equals(a, 1), Condition.in(b, ['x', 'y'])))`.
 * A `ConditionStep`'s `conditions` list is an implicit AND; there is no `and` factory.
 */
export abstract class Condition {
  /** `{"Type": "Equals", "LeftValue": left, "RightValue": right}`: `left` equals `right`. */
  public static equals(left: ConditionValue, right: ConditionValue): Condition {
    return new ComparisonCondition('Equals', left, right);
  }

  /** `{"Type": "GreaterThan", ...}`: `left` is greater than `right`. */
  public static greaterThan(left: ConditionValue, right: ConditionValue): Condition {
    return new ComparisonCondition('GreaterThan', left, right);
  }

  /** `{"Type": "GreaterThanOrEqualTo", ...}`: `left` is greater than or equal to `right`. */
  public static greaterThanOrEqualTo(left: ConditionValue, right: ConditionValue): Condition {
    return new ComparisonCondition('GreaterThanOrEqualTo', left, right);
  }

  /** `{"Type": "LessThan", ...}`: `left` is less than `right`. */
  public static lessThan(left: ConditionValue, right: ConditionValue): Condition {
    return new ComparisonCondition('LessThan', left, right);
  }

  /** `{"Type": "LessThanOrEqualTo", ...}`: `left` is less than or equal to `right`. */
  public static lessThanOrEqualTo(left: ConditionValue, right: ConditionValue): Condition {
    return new ComparisonCondition('LessThanOrEqualTo', left, right);
  }

  /**
   * `{"Type": "In", "QueryValue": queryValue, "Values": [...]}`: `queryValue` is one of `values`.
   *
   * @param queryValue the value looked up
   * @param values the values it may equal (at least one)
   */
  public static in(queryValue: ConditionValue, values: ConditionValue[]): Condition {
    return new InCondition(queryValue, values);
  }

  /** `{"Type": "Not", "Condition": condition}`: `condition` does not hold. */
  public static not(condition: Condition): Condition {
    return new NotCondition(condition);
  }

  /** `{"Type": "Or", "Conditions": [...]}`: at least one of `conditions` holds (give at least one). */
  public static or(...conditions: Condition[]): Condition {
    return new OrCondition(conditions);
  }

  /** Whether `x` is a condition. */
  public static isCondition(x: unknown): x is Condition {
    return x instanceof Condition;
  }

  /** The condition's `Type` in the definition, for example `LessThanOrEqualTo`. */
  public abstract readonly conditionType: string;

  /**
   * @internal
   * The condition's JSON with values still as tokens; the pipeline's renderer turns them into
   * expressions and collects the steps they reference.
   */
  public abstract _render(): Record<string, unknown>;
}

class ComparisonCondition extends Condition {
  constructor(public readonly conditionType: ComparisonType, private readonly left: ConditionValue, private readonly right: ConditionValue) {
    super();
    checkValue(`Condition.${lowerFirst(conditionType)}`, 'left', left);
    checkValue(`Condition.${lowerFirst(conditionType)}`, 'right', right);
  }

  public _render(): Record<string, unknown> {
    return { Type: this.conditionType, LeftValue: this.left, RightValue: this.right };
  }
}

class InCondition extends Condition {
  public readonly conditionType = 'In';
  private readonly values: ConditionValue[];

  constructor(private readonly queryValue: ConditionValue, values: ConditionValue[]) {
    super();
    checkValue('Condition.in', 'queryValue', queryValue);
    if (!Array.isArray(values) || values.length === 0) {
      throw new Error(`Condition.in needs at least one value to compare with; received ${Array.isArray(values) ? 'an empty list' : describe(values)}. Pass e.g. Condition.in(value, ['a', 'b']).`);
    }
    values.forEach((v, i) => checkValue('Condition.in', `values[${i}]`, v));
    this.values = [...values];
  }

  public _render(): Record<string, unknown> {
    return { Type: 'In', QueryValue: this.queryValue, Values: [...this.values] };
  }
}

class NotCondition extends Condition {
  public readonly conditionType = 'Not';

  constructor(private readonly condition: Condition) {
    super();
    if (!Condition.isCondition(condition)) {
      throw new Error(`Condition.not takes one Condition; received ${describe(condition)}. Build it with a factory, e.g. Condition.not(Condition.equals(a, b)).`);
    }
  }

  public _render(): Record<string, unknown> {
    return { Type: 'Not', Condition: this.condition._render() };
  }
}

class OrCondition extends Condition {
  public readonly conditionType = 'Or';
  private readonly conditions: Condition[];

  constructor(conditions: Condition[]) {
    super();
    if (conditions.length === 0) {
      throw new Error('Condition.or needs at least one condition; received none. Pass e.g. Condition.or(Condition.equals(a, 1), Condition.equals(a, 2)).');
    }
    conditions.forEach((c, i) => {
      if (!Condition.isCondition(c)) {
        throw new Error(`Condition.or takes Conditions only; argument ${i} is ${describe(c)}. Build it with a factory such as Condition.equals.`);
      }
    });
    this.conditions = [...conditions];
  }

  public _render(): Record<string, unknown> {
    return { Type: 'Or', Conditions: this.conditions.map((c) => c._render()) };
  }
}

/** Eager check of one operand: a literal of a JSON primitive type or a token. */
function checkValue(factory: string, what: string, value: unknown): void {
  if (typeof value === 'string' || typeof value === 'boolean') {
    return;
  }
  if (typeof value === 'number') {
    if (!Token.isUnresolved(value) && !Number.isFinite(value)) {
      throw new Error(`${factory}: ${what} must be a finite number; received ${value}. The definition is JSON, which has no NaN or Infinity. Pass a finite number${Number.isNaN(value) ? ' (check the computation that produced NaN)' : ', e.g. Number.MAX_SAFE_INTEGER for no upper bound'}.`);
    }
    return;
  }
  if (typeof value === 'object' && value !== null && Tokenization.isResolvable(value)) {
    return;
  }
  throw new Error(`${factory}: ${what} must be a string, number, boolean or a pipeline expression (parameter, execution variable, step property, JsonGet, Join); received ${describe(value)}.`);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) {
    return String(value);
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (typeof value === 'object') {
    return `an object (${value.constructor?.name ?? 'Object'})`;
  }
  return `${typeof value} ${String(value)}`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
