import { StepExecutionError } from './errors';
import type { ResolutionScope, Resolver } from './resolver';
import { isObject } from '../validator/context';

/** How one condition of a Condition step evaluated, with its resolved values. */
export interface ConditionEvaluation {
  /** The condition `Type`: Equals, GreaterThan, GreaterThanOrEqualTo, LessThan, LessThanOrEqualTo, In, Not or Or. */
  readonly type: string;
  /** Whether the condition holds. */
  readonly outcome: boolean;
  /**
   * Resolved `LeftValue` (comparisons).
   * @default - not a comparison
   */
  readonly leftValue?: unknown;
  /**
   * Resolved `RightValue` (comparisons).
   * @default - not a comparison
   */
  readonly rightValue?: unknown;
  /**
   * Resolved `QueryValue` (In).
   * @default - not an In condition
   */
  readonly queryValue?: unknown;
  /**
   * Resolved `Values` (In).
   * @default - not an In condition
   */
  readonly values?: readonly unknown[];
  /**
   * The nested conditions (Or: its `Conditions`; Not: its one `Condition`).
   * @default - not an Or or Not condition
   */
  readonly conditions?: readonly ConditionEvaluation[];
}

const ORDERINGS: Record<string, (a: number | string, b: number | string) => boolean> = {
  GreaterThan: (a, b) => a > b,
  GreaterThanOrEqualTo: (a, b) => a >= b,
  LessThan: (a, b) => a < b,
  LessThanOrEqualTo: (a, b) => a <= b,
};

function typeName(value: unknown): string {
  return Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value;
}

/**
 * Evaluates a Condition step's `Conditions` (a conjunction). Every condition is evaluated (so the
 * trace shows each one's values); a comparison between values of different types fails the step,
 * as the SageMaker Python SDK's local executor does (the service's rule is not documented).
 */
export function evaluateConditions(conditions: readonly unknown[], resolver: Resolver, scope: ResolutionScope): ConditionEvaluation[] {
  return conditions.map((c) => evaluateCondition(c, resolver, scope));
}

function evaluateCondition(condition: unknown, resolver: Resolver, scope: ResolutionScope): ConditionEvaluation {
  if (!isObject(condition)) {
    throw new StepExecutionError(`A condition must be an object; received ${JSON.stringify(condition)}.`);
  }
  const type = String(condition.Type);
  switch (type) {
    case 'Equals':
    case 'GreaterThan':
    case 'GreaterThanOrEqualTo':
    case 'LessThan':
    case 'LessThanOrEqualTo': {
      const left = resolver.resolve(condition.LeftValue, scope);
      const right = resolver.resolve(condition.RightValue, scope);
      const describe = `LeftValue [${JSON.stringify(left)}] of type [${typeName(left)}] and RightValue [${JSON.stringify(right)}] of type [${typeName(right)}]`;
      if (typeName(left) !== typeName(right)) {
        throw new StepExecutionError(type === 'Equals'
          ? `${describe} are not of the same type.`
          : `Condition of type [${type}] not supported between ${describe}.`);
      }
      let outcome: boolean;
      if (type === 'Equals') {
        outcome = left === right;
      } else if (typeof left === 'number' || typeof left === 'string') {
        outcome = ORDERINGS[type](left, right as number | string);
      } else {
        throw new StepExecutionError(`Condition of type [${type}] not supported between ${describe}.`);
      }
      return { type, outcome, leftValue: left, rightValue: right };
    }
    case 'In': {
      const query = resolver.resolve(condition.QueryValue, scope);
      const values = Array.isArray(condition.Values) ? condition.Values.map((v) => resolver.resolve(v, scope)) : [];
      return { type, outcome: values.some((v) => v === query), queryValue: query, values };
    }
    case 'Not': {
      const inner = evaluateCondition(condition.Condition, resolver, scope);
      return { type, outcome: !inner.outcome, conditions: [inner] };
    }
    case 'Or': {
      const inner = Array.isArray(condition.Conditions) ? condition.Conditions.map((c) => evaluateCondition(c, resolver, scope)) : [];
      return { type, outcome: inner.some((c) => c.outcome), conditions: inner };
    }
    default:
      throw new StepExecutionError(`Unknown condition type ${JSON.stringify(type)}.`);
  }
}
