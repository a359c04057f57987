import { JsonObject, StepInfo, ValidationContext, ValueType, child, childSegment, describe, didYouMean, isObject, item, joinChild } from './context';
import { MAX_DEPTH, Scope, checkPrimitive, isExpressionLike, isOfType, walkExpressions } from './expressions';
import { checkListSize, checkMapEntries, checkValueConstraint, meetsValueConstraint, memberConstraint } from './limits';
import { isPrimitiveRef, primitiveValueType } from './properties';
import { MemberConstraint, ValueConstraint } from '../private/generated/constraints';
import { REQUEST_SHAPES, SHAPES } from '../private/generated/shapes';
import { EnumShape, ShapeRef, StructureShape } from '../private/shape-types';

/** A CloudFormation placeholder inside a string. */
const PLACEHOLDER = /\$\{[^}]+\}/;

/** No exempt members (shared, so that no empty array is allocated per value). */
const NO_EXEMPT: readonly string[] = [];

/**
 * The job/model name member the pipeline drops from each step type's request (the service generates
 * the name; with a custom job prefix the member is kept and used as a prefix).
 */
const DROPPED_NAME_MEMBER: Record<string, string> = {
  Training: 'TrainingJobName',
  Processing: 'ProcessingJobName',
  QualityCheck: 'ProcessingJobName',
  ClarifyCheck: 'ProcessingJobName',
  Transform: 'TransformJobName',
  Tuning: 'HyperParameterTuningJobName',
  AutoML: 'AutoMLJobName',
  Model: 'ModelName',
};

/**
 * Validate the Arguments of a job step (Training, Processing, Transform, Tuning, Model,
 * RegisterModel, AutoML, QualityCheck, ClarifyCheck) against its SageMaker Create* request shape.
 */
export function checkJobArguments(ctx: ValidationContext, type: string, args: JsonObject, path: string, info: StepInfo): void {
  const scope: Scope = { step: info };
  const request = REQUEST_SHAPES[type];
  if (request === undefined || SHAPES[request] === undefined) {
    walkExpressions(ctx, args, path, scope);
    return;
  }
  const dropped = DROPPED_NAME_MEMBER[type];
  checkShape(ctx, args, request, path, scope, `${type} step Arguments (${request})`, 0, dropped === undefined ? NO_EXEMPT : [dropped]);

  if (type === 'RegisterModel') {
    if (args.ModelPackageGroupName === undefined && args.ModelPackageName === undefined) {
      ctx.add(path, 'RegisterModel step Arguments need "ModelPackageGroupName" (to register a version in a group) or "ModelPackageName"; received neither.', info);
    }
    if (args.CertifyForMarketplace !== undefined) {
      ctx.add(child(path, 'CertifyForMarketplace'), 'CertifyForMarketplace is not available in pipelines; remove it.', info);
    }
  }
  if (type === 'AutoML') {
    const config = args.AutoMLJobConfig;
    const mode = isObject(config) ? config.Mode : undefined;
    if (mode !== 'ENSEMBLING' && !isExpressionLike(mode)) {
      ctx.add(child(child(path, 'AutoMLJobConfig'), 'Mode'), `AutoML steps support only AutoMLJobConfig.Mode "ENSEMBLING"; received ${describe(mode)}.`, info);
    }
  }
}

/**
 * What checking one structure member needs, worked out once per (structure, member) instead of once
 * per value: its shape, its value constraints, its label in messages and its path segment.
 */
interface MemberPlan {
  readonly ref: ShapeRef;
  /** The value type when `ref` is a primitive leaf other than `document`. */
  readonly leaf: ValueType | undefined;
  /** The values when `ref` is an enum. */
  readonly enumValues: ReadonlySet<string> | undefined;
  readonly constraint: MemberConstraint | undefined;
  /** `"Member"`: how messages name the member's value. */
  readonly label: string;
  /** What `child(path, member)` appends to a non-empty path. */
  readonly segment: string;
}

/** Structure ref -> member name -> plan (own members of the shape only). */
const memberPlans = new Map<ShapeRef, Map<string, MemberPlan>>();

function memberPlansOf(ref: ShapeRef, shape: StructureShape): Map<string, MemberPlan> {
  let plans = memberPlans.get(ref);
  if (plans === undefined) {
    plans = new Map();
    for (const key of Object.keys(shape.members)) {
      const member = shape.members[key];
      const memberShape = isPrimitiveRef(member) ? undefined : SHAPES[member];
      plans.set(key, {
        ref: member,
        leaf: leafType(member),
        enumValues: memberShape?.kind === 'enum' ? enumValueSet(member, memberShape) : undefined,
        constraint: memberConstraint(ref, key),
        label: `"${key}"`,
        segment: childSegment(key),
      });
    }
    memberPlans.set(ref, plans);
  }
  return plans;
}

/** The value type of a primitive leaf other than `document` (whose values are walked), else undefined. */
function leafType(ref: ShapeRef): ValueType | undefined {
  return isPrimitiveRef(ref) && ref !== 'document' ? primitiveValueType(ref) : undefined;
}

/**
 * Whether checking `value` at a position of leaf type `leaf` (at `depth`, with `constraint`) certainly
 * finds nothing: it is a literal of that type that meets the constraint. `checkShape` would then only
 * run `checkPrimitive` and `checkValueConstraint` and report nothing, so the caller skips it and
 * builds neither the value's path nor its label. Most values of job Arguments are such leaves.
 */
function acceptsLiteral(leaf: ValueType | undefined, value: unknown, constraint: ValueConstraint | undefined, depth: number): boolean {
  return leaf !== undefined && depth <= MAX_DEPTH && typeof value !== 'object' && isOfType(value, leaf) && meetsValueConstraint(value, constraint);
}

/** Like {@link acceptsLiteral} for an enum member: one of its values, which `checkShape` accepts silently. */
function acceptsEnumValue(values: ReadonlySet<string> | undefined, value: unknown, depth: number): boolean {
  return values !== undefined && depth <= MAX_DEPTH && typeof value === 'string' && values.has(value);
}

/** Enum ref -> its values as a set. */
const enumValueSets = new Map<ShapeRef, ReadonlySet<string>>();

function enumValueSet(ref: ShapeRef, shape: EnumShape): ReadonlySet<string> {
  let values = enumValueSets.get(ref);
  if (values === undefined) {
    values = new Set(shape.values);
    enumValueSets.set(ref, values);
  }
  return values;
}

/**
 * Check `value` against shape `ref`. `exempt` lists required top-level members that may be missing.
 * `constraint` holds the value constraints of the position (lengths, pattern, range, list / map size).
 */
function checkShape(
  ctx: ValidationContext, value: unknown, ref: ShapeRef, path: string, scope: Scope, what: string, depth: number,
  exempt: readonly string[] = NO_EXEMPT, constraint?: MemberConstraint,
): void {
  if (depth > MAX_DEPTH) {
    ctx.add(path, `Value is nested more than ${MAX_DEPTH} levels deep.`, scope.step);
    return;
  }
  if (isPrimitiveRef(ref)) {
    if (ref === 'document') {
      walkExpressions(ctx, value, path, scope, depth);
    } else {
      checkPrimitive(ctx, value, primitiveValueType(ref), path, scope, what, depth);
      checkValueConstraint(ctx, value, constraint, path, what, scope.step);
    }
    return;
  }
  const shape = SHAPES[ref];
  if (shape === undefined) {
    walkExpressions(ctx, value, path, scope, depth);
    return;
  }
  if (shape.kind === 'enum') {
    if (typeof value === 'string') {
      // A CloudFormation placeholder (`${Token[...]}`, `${Ref:X}`) stands for a deploy-time value that cannot be checked here.
      if (!enumValueSet(ref, shape).has(value) && !PLACEHOLDER.test(value)) {
        const listed = shape.values.length <= 12 ? ` Allowed: ${shape.values.join(', ')}.` : '';
        ctx.add(path, `${what} must be one of the ${ref.replace(/^enum:/, '')} values; received "${value}".${didYouMean(value, shape.values)}${listed}`, scope.step);
      }
    } else {
      checkPrimitive(ctx, value, 'string', path, scope, what, depth);
    }
    return;
  }
  if (isExpressionLike(value)) {
    ctx.add(path, `${what} expects ${article(shape.kind)} (${ref}), but received an expression ${describe(value).replace(/^an object /, '')};`
      + ' expressions can only stand for a string, number or boolean value. Write the structure out and use expressions for its leaves.', scope.step);
    return;
  }
  switch (shape.kind) {
    case 'structure':
      checkStructure(ctx, value, ref, shape, path, scope, what, depth, exempt);
      return;
    case 'list': {
      if (!Array.isArray(value)) {
        ctx.add(path, `${what} must be a list (${ref}); received ${describe(value)}.`, scope.step);
        return;
      }
      checkListSize(ctx, value, constraint, path, what, scope.step);
      const itemLabel = itemWhat(what);
      const itemConstraint = constraint?.items;
      const itemLeaf = leafType(shape.member);
      value.forEach((v, i) => {
        if (!acceptsLiteral(itemLeaf, v, itemConstraint, depth + 1)) {
          checkShape(ctx, v, shape.member, item(path, i), scope, itemLabel, depth + 1, NO_EXEMPT, itemConstraint);
        }
      });
      return;
    }
    case 'map': {
      if (!isObject(value)) {
        ctx.add(path, `${what} must be a map (an object of ${ref.replace(/^map</, '').replace(/>$/, '')} values); received ${describe(value)}.`, scope.step);
        return;
      }
      checkMapEntries(ctx, value, constraint, path, what, scope.step);
      const valueConstraint = constraint?.values;
      const valueLeaf = leafType(shape.value);
      for (const key of Object.keys(value)) {
        const entry = value[key];
        if (!acceptsLiteral(valueLeaf, entry, valueConstraint, depth + 1)) {
          checkShape(ctx, entry, shape.value, child(path, key), scope, `${what} value "${key}"`, depth + 1, NO_EXEMPT, valueConstraint);
        }
      }
      return;
    }
  }
}

function checkStructure(
  ctx: ValidationContext, value: unknown, ref: ShapeRef, shape: StructureShape, path: string, scope: Scope, what: string, depth: number,
  exempt: readonly string[],
): void {
  if (!isObject(value)) {
    ctx.add(path, `${what} must be an object (${ref}); received ${describe(value)}.`, scope.step);
    return;
  }
  const plans = memberPlansOf(ref, shape);
  for (const key of Object.keys(value)) {
    const memberValue = value[key];
    const plan = plans.get(key);
    if (plan !== undefined) {
      const accepted = acceptsLiteral(plan.leaf, memberValue, plan.constraint, depth + 1)
        || acceptsEnumValue(plan.enumValues, memberValue, depth + 1);
      if (memberValue !== null && !accepted) {
        checkShape(ctx, memberValue, plan.ref, joinChild(path, key, plan.segment), scope, plan.label, depth + 1, NO_EXEMPT, plan.constraint);
      }
      continue;
    }
    // Not an own member of the shape: also a name the members object merely inherits ("toString", "constructor").
    ctx.add(child(path, key), `Unknown member "${key}" in ${ref}.${didYouMean(key, Object.keys(shape.members))} Remove it or fix its name.`, scope.step);
  }
  for (const required of shape.required) {
    if ((value[required] === undefined || value[required] === null) && !exempt.includes(required)) {
      ctx.add(child(path, required), `Missing required member "${required}" of ${ref}; add it.`, scope.step);
    }
  }
}

/**
 * How messages name the items of a list named `what`: `"Args" item`; the items of a list of lists
 * keep the same label (`what` already ends with " item"). Same as `${what.replace(/ item$/, '')} item`.
 */
export function itemWhat(what: string): string {
  return what.endsWith(' item') ? what : `${what} item`;
}

function article(kind: string): string {
  return kind === 'structure' ? 'an object' : `a ${kind}`;
}
