import { StepInfo, ValidationContext, checkKnownKeys, child, describe, didYouMean, isObject, item } from './context';
import { MAX_DEPTH, checkPrimitive } from './expressions';

/** Comparison condition types (`LeftValue` / `RightValue`). */
const COMPARISONS = ['Equals', 'GreaterThan', 'GreaterThanOrEqualTo', 'LessThan', 'LessThanOrEqualTo'];
/** Every condition type of definition-format.md 3.3. */
export const CONDITION_TYPES = [...COMPARISONS, 'In', 'Not', 'Or'];

/** Check a list of conditions (`Conditions` of a Condition step or of an `Or`). */
export function checkConditionList(ctx: ValidationContext, conditions: unknown, path: string, step: StepInfo, depth = 0): void {
  if (!Array.isArray(conditions)) {
    ctx.add(path, `Conditions must be a list of condition objects; received ${describe(conditions)}.`, step);
    return;
  }
  conditions.forEach((c, i) => checkCondition(ctx, c, item(path, i), step, depth + 1));
}

/** Check one condition object, recursively. */
export function checkCondition(ctx: ValidationContext, condition: unknown, path: string, step: StepInfo, depth = 0): void {
  if (depth > MAX_DEPTH) {
    ctx.add(path, `Conditions are nested more than ${MAX_DEPTH} levels deep; flatten them.`, step);
    return;
  }
  if (!isObject(condition)) {
    ctx.add(path, `A condition must be an object {"Type": ..., ...}; received ${describe(condition)}.`, step);
    return;
  }
  const type = condition.Type;
  if (typeof type !== 'string' || !CONDITION_TYPES.includes(type)) {
    ctx.add(child(path, 'Type'), `Unknown condition type ${describe(type)}.${typeof type === 'string' ? didYouMean(type, CONDITION_TYPES) : ''} Use one of ${CONDITION_TYPES.join(', ')} (a Conditions list is an implicit And).`, step);
    return;
  }
  const scope = { step };
  if (COMPARISONS.includes(type)) {
    checkKnownKeys(ctx, condition, ['Type', 'LeftValue', 'RightValue'], path, `a ${type} condition`, step);
    for (const key of ['LeftValue', 'RightValue']) {
      if (condition[key] === undefined) {
        ctx.add(child(path, key), `A ${type} condition needs "${key}" (a literal or an expression).`, step);
      } else {
        checkPrimitive(ctx, condition[key], 'any', child(path, key), scope, `${type} ${key}`);
      }
    }
  } else if (type === 'In') {
    checkKnownKeys(ctx, condition, ['Type', 'QueryValue', 'Values'], path, 'an In condition', step);
    if (condition.QueryValue === undefined) {
      ctx.add(child(path, 'QueryValue'), 'An In condition needs "QueryValue" (a literal or an expression).', step);
    } else {
      checkPrimitive(ctx, condition.QueryValue, 'any', child(path, 'QueryValue'), scope, 'In QueryValue');
    }
    if (!Array.isArray(condition.Values) || condition.Values.length === 0) {
      ctx.add(child(path, 'Values'), `An In condition needs "Values", a non-empty list of literals or expressions; received ${describe(condition.Values)}.`, step);
    } else {
      condition.Values.forEach((v, i) => checkPrimitive(ctx, v, 'any', item(child(path, 'Values'), i), scope, 'An In value'));
    }
  } else if (type === 'Not') {
    checkKnownKeys(ctx, condition, ['Type', 'Condition'], path, 'a Not condition', step);
    if (condition.Condition === undefined) {
      ctx.add(child(path, 'Condition'), 'A Not condition needs "Condition", the one condition it negates.', step);
    } else {
      checkCondition(ctx, condition.Condition, child(path, 'Condition'), step, depth + 1);
    }
  } else {
    checkKnownKeys(ctx, condition, ['Type', 'Conditions'], path, 'an Or condition', step);
    if (!Array.isArray(condition.Conditions) || condition.Conditions.length === 0) {
      ctx.add(child(path, 'Conditions'), `An Or condition needs "Conditions", a non-empty list of conditions; received ${describe(condition.Conditions)}.`, step);
    } else {
      checkConditionList(ctx, condition.Conditions, child(path, 'Conditions'), step, depth + 1);
    }
  }
}
