import { JsonObject, StepInfo, ValidationContext, child, describe, didYouMean, isObject, item } from './context';
import { MAX_DEPTH, Scope, checkPrimitive, isExpressionLike, walkExpressions } from './expressions';
import { checkListSize, checkMapEntries, checkValueConstraint, memberConstraint } from './limits';
import { isPrimitiveRef, primitiveValueType } from './properties';
import { MemberConstraint } from '../private/generated/constraints';
import { REQUEST_SHAPES, SHAPES } from '../private/generated/shapes';
import { ShapeRef } from '../private/shape-types';

/** A CloudFormation placeholder inside a string. */
const PLACEHOLDER = /\$\{[^}]+\}/;

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
  checkShape(ctx, args, request, path, scope, `${type} step Arguments (${request})`, 0, dropped === undefined ? [] : [dropped]);

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
 * Check `value` against shape `ref`. `exempt` lists required top-level members that may be missing.
 * `constraint` holds the value constraints of the position (lengths, pattern, range, list / map size).
 */
function checkShape(
  ctx: ValidationContext, value: unknown, ref: ShapeRef, path: string, scope: Scope, what: string, depth: number, exempt: readonly string[] = [],
  constraint?: MemberConstraint,
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
      if (!shape.values.includes(value) && !PLACEHOLDER.test(value)) {
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
    case 'structure': {
      if (!isObject(value)) {
        ctx.add(path, `${what} must be an object (${ref}); received ${describe(value)}.`, scope.step);
        return;
      }
      for (const [key, memberValue] of Object.entries(value)) {
        const memberRef = shape.members[key];
        if (memberRef === undefined) {
          ctx.add(child(path, key), `Unknown member "${key}" in ${ref}.${didYouMean(key, Object.keys(shape.members))} Remove it or fix its name.`, scope.step);
        } else if (memberValue !== null) {
          checkShape(ctx, memberValue, memberRef, child(path, key), scope, `"${key}"`, depth + 1, [], memberConstraint(ref, key));
        }
      }
      for (const required of shape.required) {
        if ((value[required] === undefined || value[required] === null) && !exempt.includes(required)) {
          ctx.add(child(path, required), `Missing required member "${required}" of ${ref}; add it.`, scope.step);
        }
      }
      return;
    }
    case 'list':
      if (!Array.isArray(value)) {
        ctx.add(path, `${what} must be a list (${ref}); received ${describe(value)}.`, scope.step);
        return;
      }
      checkListSize(ctx, value, constraint, path, what, scope.step);
      value.forEach((v, i) => checkShape(ctx, v, shape.member, item(path, i), scope, `${what.replace(/ item$/, '')} item`, depth + 1, [], constraint?.items));
      return;
    case 'map':
      if (!isObject(value)) {
        ctx.add(path, `${what} must be a map (an object of ${ref.replace(/^map</, '').replace(/>$/, '')} values); received ${describe(value)}.`, scope.step);
        return;
      }
      checkMapEntries(ctx, value, constraint, path, what, scope.step);
      for (const [key, v] of Object.entries(value)) {
        checkShape(ctx, v, shape.value, child(path, key), scope, `${what} value "${key}"`, depth + 1, [], constraint?.values);
      }
      return;
  }
}

function article(kind: string): string {
  return kind === 'structure' ? 'an object' : `a ${kind}`;
}
