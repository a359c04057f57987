import { checkJobArguments } from './arguments';
import { checkConditionList } from './conditions';
import {
  JsonObject, NAME_PATTERN, STEP_TYPES, StepInfo, ValidationContext, ValueType, checkKnownKeys, child, describe, didYouMean, isObject, item,
} from './context';
import { MAX_DEPTH, Scope, checkPrimitive, walkExpressions } from './expressions';

const COMMON_KEYS = ['Name', 'Type', 'Arguments', 'DependsOn', 'DisplayName', 'Description', 'RetryPolicies', 'CacheConfig'];

const QUALITY_CHECK_KEYS = [
  'CheckType', 'ModelPackageGroupName', 'SkipCheck', 'FailOnViolation', 'RegisterNewBaseline', 'SuppliedBaselineStatistics', 'SuppliedBaselineConstraints',
];
const CLARIFY_CHECK_KEYS = [
  'CheckType', 'ModelPackageGroupName', 'SkipCheck', 'FailOnViolation', 'RegisterNewBaseline', 'SuppliedBaselineConstraints', 'ModelName',
];

/** Type-specific envelope keys (definition-format.md 2.4, 2.11, 2.12, 2.14, 2.15). */
const EXTRA_KEYS: Record<string, readonly string[]> = {
  Processing: ['PropertyFiles'],
  Lambda: ['FunctionArn', 'OutputParameters'],
  Callback: ['SqsQueueUrl', 'OutputParameters'],
  QualityCheck: QUALITY_CHECK_KEYS,
  ClarifyCheck: CLARIFY_CHECK_KEYS,
};

/** Every envelope key of each step type: the common keys, then its own (built once, not per step). */
const STEP_KEYS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  STEP_TYPES.map((type) => [type, [...COMMON_KEYS, ...(EXTRA_KEYS[type] ?? [])]]),
);

/** Step types that accept `RetryPolicies`. */
export const RETRY_STEP_TYPES = ['Processing', 'Training', 'Tuning', 'Transform', 'Model', 'RegisterModel', 'AutoML', 'EMR'];
/** Step types that accept `CacheConfig` (definition-format.md 2.1). */
export const CACHE_STEP_TYPES = ['Training', 'Processing', 'Transform', 'Tuning', 'AutoML', 'Lambda', 'Callback', 'EMR', 'QualityCheck', 'ClarifyCheck'];

const STEP_EXCEPTIONS = ['Step.SERVICE_FAULT', 'Step.THROTTLING'];
const SAGEMAKER_EXCEPTIONS = ['SageMaker.JOB_INTERNAL_ERROR', 'SageMaker.CAPACITY_ERROR', 'SageMaker.RESOURCE_LIMIT'];
const OUTPUT_TYPES = ['String', 'Integer', 'Float', 'Boolean'];
const MAX_OUTPUT_PARAMETERS = 50;

/** Permissive ISO-8601 duration: optional `P`, any case, e.g. `PT1H`, `P30D`, `p30d`, `T12H`, `30d`. */
const DURATION = /^P?(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?W)?(?:\d+(?:\.\d+)?D)?(?:T(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?$/i;

/**
 * Collect every step of a step list, recursing into condition branches, registering names and
 * reporting duplicates and non-object steps.
 */
export function collectSteps(ctx: ValidationContext, steps: readonly unknown[], path: string, out: StepInfo[], depth = 0): StepInfo[] {
  steps.forEach((step, i) => {
    const stepPath = item(path, i);
    if (!isObject(step)) {
      ctx.add(stepPath, `A step must be an object {"Name", "Type", "Arguments", ...}; received ${describe(step)}.`);
      return;
    }
    const info: StepInfo = {
      path: stepPath,
      step,
      name: typeof step.Name === 'string' ? step.Name : undefined,
      type: typeof step.Type === 'string' ? step.Type : undefined,
      branchStepNames: [],
      references: new Set(),
    };
    out.push(info);
    if (info.name !== undefined) {
      const first = ctx.steps.get(info.name);
      if (first !== undefined) {
        const nested = first.path.includes('Steps[', 1) || stepPath.includes('Steps[', 1);
        ctx.add(child(stepPath, 'Name'), `Step name "${info.name}" is already used by the step at ${first.path}; names must be unique across the whole pipeline`
          + `${nested ? ' (a step cannot appear both at top level and in a condition branch, nor in both branches)' : ''}. Rename one of them.`, info);
      } else {
        ctx.steps.set(info.name, info);
      }
    }
    const args = step.Arguments;
    if (info.type === 'Condition' && isObject(args)) {
      if (depth > MAX_DEPTH) {
        ctx.add(stepPath, `Condition steps are nested more than ${MAX_DEPTH} levels deep.`, info);
        return;
      }
      for (const branch of ['IfSteps', 'ElseSteps']) {
        const list = args[branch];
        if (Array.isArray(list)) {
          const listPath = child(child(stepPath, 'Arguments'), branch);
          const before = out.length;
          collectSteps(ctx, list, listPath, out, depth + 1);
          for (const c of out.slice(before)) {
            if (c.name !== undefined && /^\[\d+\]$/.test(c.path.slice(listPath.length))) {
              info.branchStepNames.push(c.name);
            }
          }
        }
      }
    }
  });
  return out;
}

/** Validate one step: envelope, type-specific keys and Arguments. */
export function checkStep(ctx: ValidationContext, info: StepInfo): void {
  const { step, path } = info;
  const scope: Scope = { step: info };

  if (typeof step.Name !== 'string' || !NAME_PATTERN.test(step.Name)) {
    ctx.add(child(path, 'Name'), `Step "Name" must be 1-64 letters, digits, "-" or "_" (${NAME_PATTERN.source}); received ${describe(step.Name)}. Rename the step.`, info);
  }
  const type = info.type;
  const known = type !== undefined && (STEP_TYPES as readonly string[]).includes(type);
  if (!known) {
    ctx.add(child(path, 'Type'), `Unknown step "Type" ${describe(step.Type)}.${type !== undefined ? didYouMean(type, STEP_TYPES) : ''} Supported types: ${STEP_TYPES.join(', ')}.`, info);
  } else {
    checkKnownKeys(ctx, step, STEP_KEYS[type], path, `a ${type} step`, info);
  }
  if (!isObject(step.Arguments)) {
    ctx.add(child(path, 'Arguments'), `Step "Arguments" is required and must be an object (use {} for none); received ${describe(step.Arguments)}.`, info);
  }

  checkDependsOn(ctx, info);
  checkLength(ctx, info, 'DisplayName', 256);
  checkLength(ctx, info, 'Description', 3072);

  if (step.RetryPolicies !== undefined) {
    if (known && !RETRY_STEP_TYPES.includes(type)) {
      ctx.add(child(path, 'RetryPolicies'), `${type} steps do not accept RetryPolicies (only ${RETRY_STEP_TYPES.join(', ')} do); remove them.`, info);
    } else {
      checkRetryPolicies(ctx, step.RetryPolicies, child(path, 'RetryPolicies'), info);
    }
  }
  if (step.CacheConfig !== undefined) {
    if (known && !CACHE_STEP_TYPES.includes(type)) {
      ctx.add(child(path, 'CacheConfig'), `${type} steps do not accept CacheConfig (only ${CACHE_STEP_TYPES.join(', ')} do); remove it.`, info);
    } else {
      checkCacheConfig(ctx, step.CacheConfig, child(path, 'CacheConfig'), info);
    }
  }
  if (!known) {
    // The shape of an unknown step type is unknown: still validate every expression in it.
    walkExpressions(ctx, step.Arguments, child(path, 'Arguments'), scope);
    return;
  }

  switch (type) {
    case 'Processing':
      checkPropertyFiles(ctx, info);
      break;
    case 'Lambda':
      checkRequiredString(ctx, step.FunctionArn, child(path, 'FunctionArn'), 'Lambda steps need "FunctionArn", the ARN of the function to invoke', info);
      checkOutputParameters(ctx, step.OutputParameters, child(path, 'OutputParameters'), info);
      break;
    case 'Callback':
      checkRequiredString(ctx, step.SqsQueueUrl, child(path, 'SqsQueueUrl'), 'Callback steps need "SqsQueueUrl", the URL of the queue that receives the callback token', info);
      checkOutputParameters(ctx, step.OutputParameters, child(path, 'OutputParameters'), info);
      break;
    case 'QualityCheck':
    case 'ClarifyCheck':
      checkCheckKeys(ctx, info, type);
      break;
    default:
      break;
  }

  const args = step.Arguments;
  if (!isObject(args)) {
    return;
  }
  const argsPath = child(path, 'Arguments');
  switch (type) {
    case 'Condition':
      checkConditionArguments(ctx, args, argsPath, info);
      break;
    case 'Fail':
      checkKnownKeys(ctx, args, ['ErrorMessage'], argsPath, 'Fail step Arguments', info);
      if (args.ErrorMessage === undefined) {
        ctx.add(child(argsPath, 'ErrorMessage'), 'Fail step Arguments need "ErrorMessage" (a string or an expression; "" for none).', info);
      } else {
        checkPrimitive(ctx, args.ErrorMessage, 'string', child(argsPath, 'ErrorMessage'), scope, 'ErrorMessage');
      }
      break;
    case 'Lambda':
    case 'Callback':
      for (const [key, value] of Object.entries(args)) {
        checkPrimitive(ctx, value, 'any', child(argsPath, key), scope, `${type} input "${key}"`);
      }
      break;
    case 'EMR':
      checkEmrArguments(ctx, args, argsPath, info);
      break;
    default:
      checkJobArguments(ctx, type, args, argsPath, info);
      break;
  }
}

function checkDependsOn(ctx: ValidationContext, info: StepInfo): void {
  const dependsOn = info.step.DependsOn;
  if (dependsOn === undefined) {
    return;
  }
  const path = child(info.path, 'DependsOn');
  if (!Array.isArray(dependsOn)) {
    ctx.add(path, `DependsOn must be a list of step names; received ${describe(dependsOn)}.`, info);
    return;
  }
  dependsOn.forEach((name, i) => {
    const p = item(path, i);
    if (typeof name !== 'string') {
      ctx.add(p, `DependsOn entries must be step names (strings); received ${describe(name)}.`, info);
    } else if (name === info.name) {
      ctx.add(p, `Step "${name}" depends on itself; remove it from its own DependsOn.`, info);
    } else if (!ctx.steps.has(name)) {
      ctx.add(p, `DependsOn names step "${name}", which does not exist in the pipeline.${didYouMean(name, [...ctx.steps.keys()])}`, info);
    } else {
      info.references.add(name);
    }
  });
}

/** Check the optional string `key` of the step envelope against its length limit (its path is built only to report). */
function checkLength(ctx: ValidationContext, info: StepInfo, key: 'DisplayName' | 'Description', max: number): void {
  const value = info.step[key];
  if (value === undefined) {
    return;
  }
  if (typeof value !== 'string') {
    ctx.add(child(info.path, key), `${key} must be a string; received ${describe(value)}.`, info);
  } else if (value.length > max) {
    ctx.add(child(info.path, key), `${key} is ${value.length} characters long; the limit is ${max}. Shorten it.`, info);
  }
}

function checkRequiredString(ctx: ValidationContext, value: unknown, path: string, what: string, info: StepInfo): void {
  if (typeof value !== 'string' || value === '') {
    ctx.add(path, `${what}; received ${describe(value)}.`, info);
  }
}

function checkInteger(
  ctx: ValidationContext, value: unknown, min: number, max: number | undefined, path: string, what: string, info: StepInfo, integer = true,
): void {
  if (value === undefined) {
    return;
  }
  const inRange = typeof value === 'number' && Number.isFinite(value) && (!integer || Number.isInteger(value))
    && value >= min && (max === undefined || value <= max);
  if (!inRange) {
    const range = max === undefined ? `>= ${min}` : `${min}..${max}`;
    ctx.add(path, `${what} must be ${integer ? 'an integer' : 'a number'} ${range}; received ${describe(value)}.`, info);
  }
}

function checkRetryPolicies(ctx: ValidationContext, policies: unknown, path: string, info: StepInfo): void {
  if (!Array.isArray(policies)) {
    ctx.add(path, `RetryPolicies must be a list of retry policy objects; received ${describe(policies)}.`, info);
    return;
  }
  let allowed = [...STEP_EXCEPTIONS, ...SAGEMAKER_EXCEPTIONS];
  let why = '';
  if (info.type === 'EMR') {
    allowed = STEP_EXCEPTIONS;
    why = ' (EMR steps accept only Step.* exception types)';
  } else if (info.type === 'Model' || info.type === 'RegisterModel') {
    allowed = STEP_EXCEPTIONS;
    why = ` (${info.type} steps accept only Step.* exception types, no SageMaker job retry policy)`;
  }
  policies.forEach((policy, i) => {
    const p = item(path, i);
    if (!isObject(policy)) {
      ctx.add(p, `A retry policy must be an object {"ExceptionType": [...], ...}; received ${describe(policy)}.`, info);
      return;
    }
    checkKnownKeys(ctx, policy, ['ExceptionType', 'IntervalSeconds', 'BackoffRate', 'MaxAttempts', 'ExpireAfterMin'], p, 'a retry policy', info);
    const types = policy.ExceptionType;
    if (!Array.isArray(types) || types.length === 0) {
      ctx.add(child(p, 'ExceptionType'), `ExceptionType must be a non-empty list of exception types (${allowed.join(', ')}); received ${describe(types)}.`, info);
    } else {
      types.forEach((t, j) => {
        if (typeof t !== 'string' || !allowed.includes(t)) {
          const hint = typeof t === 'string' ? didYouMean(t, allowed) : '';
          ctx.add(item(child(p, 'ExceptionType'), j), `Invalid exception type ${describe(t)}${why}.${hint} Allowed: ${allowed.join(', ')}.`, info);
        }
      });
    }
    checkInteger(ctx, policy.IntervalSeconds, 1, 43200, child(p, 'IntervalSeconds'), 'IntervalSeconds', info);
    checkInteger(ctx, policy.BackoffRate, 0, undefined, child(p, 'BackoffRate'), 'BackoffRate', info, false);
    checkInteger(ctx, policy.MaxAttempts, 1, 20, child(p, 'MaxAttempts'), 'MaxAttempts', info);
    checkInteger(ctx, policy.ExpireAfterMin, 0, 14400, child(p, 'ExpireAfterMin'), 'ExpireAfterMin', info);
  });
}

function checkCacheConfig(ctx: ValidationContext, config: unknown, path: string, info: StepInfo): void {
  if (!isObject(config)) {
    ctx.add(path, `CacheConfig must be an object {"Enabled": true, "ExpireAfter": "P30D"}; received ${describe(config)}.`, info);
    return;
  }
  checkKnownKeys(ctx, config, ['Enabled', 'ExpireAfter'], path, 'CacheConfig', info);
  if (typeof config.Enabled !== 'boolean') {
    ctx.add(child(path, 'Enabled'), `CacheConfig.Enabled must be a boolean; received ${describe(config.Enabled)}.`, info);
  }
  const expire = config.ExpireAfter;
  if (expire !== undefined && (typeof expire !== 'string' || !DURATION.test(expire) || !/\d/.test(expire) || /T$/i.test(expire))) {
    ctx.add(child(path, 'ExpireAfter'), `CacheConfig.ExpireAfter must be an ISO-8601 duration such as "PT1H" or "P30D"; received ${describe(expire)}.`, info);
  }
}

function checkPropertyFiles(ctx: ValidationContext, info: StepInfo): void {
  const files = info.step.PropertyFiles;
  if (files === undefined) {
    return;
  }
  const path = child(info.path, 'PropertyFiles');
  if (!Array.isArray(files)) {
    ctx.add(path, `PropertyFiles must be a list of {"PropertyFileName", "OutputName", "FilePath"}; received ${describe(files)}.`, info);
    return;
  }
  const outputs = literalOutputNames(info.step);
  const seen = new Set<string>();
  files.forEach((file, i) => {
    const p = item(path, i);
    if (!isObject(file)) {
      ctx.add(p, `A property file must be an object {"PropertyFileName", "OutputName", "FilePath"}; received ${describe(file)}.`, info);
      return;
    }
    checkKnownKeys(ctx, file, ['PropertyFileName', 'OutputName', 'FilePath'], p, 'a property file', info);
    for (const key of ['PropertyFileName', 'OutputName', 'FilePath']) {
      if (typeof file[key] !== 'string' || file[key] === '') {
        ctx.add(child(p, key), `Property file "${key}" must be a non-empty string; received ${describe(file[key])}.`, info);
      }
    }
    if (typeof file.PropertyFileName === 'string') {
      if (seen.has(file.PropertyFileName)) {
        ctx.add(child(p, 'PropertyFileName'), `Property file "${file.PropertyFileName}" is declared twice in this step; rename one.`, info);
      }
      seen.add(file.PropertyFileName);
    }
    if (outputs !== undefined && typeof file.OutputName === 'string' && !outputs.includes(file.OutputName)) {
      ctx.add(child(p, 'OutputName'), `Property file OutputName "${file.OutputName}" names no output of this step's ProcessingOutputConfig.Outputs.`
        + `${didYouMean(file.OutputName, outputs)} Outputs: ${outputs.join(', ') || 'none'}.`, info);
    }
  });
}

/** Literal output names of a processing step, or undefined when any of them is not a literal string. */
function literalOutputNames(step: JsonObject): string[] | undefined {
  const args = step.Arguments;
  const config = isObject(args) ? args.ProcessingOutputConfig : undefined;
  const outputs = isObject(config) ? config.Outputs : undefined;
  if (!Array.isArray(outputs)) {
    return [];
  }
  const names: string[] = [];
  for (const output of outputs) {
    const name = isObject(output) ? output.OutputName : undefined;
    if (typeof name !== 'string') {
      return undefined;
    }
    names.push(name);
  }
  return names;
}

function checkOutputParameters(ctx: ValidationContext, outputs: unknown, path: string, info: StepInfo): void {
  if (outputs === undefined) {
    return;
  }
  if (!Array.isArray(outputs)) {
    ctx.add(path, `OutputParameters must be a list of {"OutputName", "OutputType"}; received ${describe(outputs)}.`, info);
    return;
  }
  if (outputs.length > MAX_OUTPUT_PARAMETERS) {
    ctx.add(path, `A step can declare at most ${MAX_OUTPUT_PARAMETERS} OutputParameters; received ${outputs.length}. Return fewer outputs (e.g. one JSON string).`, info);
  }
  const seen = new Set<string>();
  outputs.forEach((output, i) => {
    const p = item(path, i);
    if (!isObject(output)) {
      ctx.add(p, `An output parameter must be an object {"OutputName", "OutputType"}; received ${describe(output)}.`, info);
      return;
    }
    checkKnownKeys(ctx, output, ['OutputName', 'OutputType'], p, 'an output parameter', info);
    if (typeof output.OutputName !== 'string' || output.OutputName === '') {
      ctx.add(child(p, 'OutputName'), `OutputName must be a non-empty string; received ${describe(output.OutputName)}.`, info);
    } else if (seen.has(output.OutputName)) {
      ctx.add(child(p, 'OutputName'), `Output "${output.OutputName}" is declared twice; output names must be unique within the step.`, info);
    } else {
      seen.add(output.OutputName);
    }
    if (typeof output.OutputType !== 'string' || !OUTPUT_TYPES.includes(output.OutputType)) {
      ctx.add(child(p, 'OutputType'), `OutputType must be one of ${OUTPUT_TYPES.join(', ')}; received ${describe(output.OutputType)}.`, info);
    }
  });
}

function checkCheckKeys(ctx: ValidationContext, info: StepInfo, type: 'QualityCheck' | 'ClarifyCheck'): void {
  const { step, path } = info;
  const checkTypes = type === 'QualityCheck' ? ['DATA_QUALITY', 'MODEL_QUALITY'] : ['DATA_BIAS', 'MODEL_BIAS', 'MODEL_EXPLAINABILITY'];
  if (typeof step.CheckType !== 'string' || !checkTypes.includes(step.CheckType)) {
    ctx.add(child(path, 'CheckType'), `${type} steps need "CheckType", one of ${checkTypes.join(', ')}; received ${describe(step.CheckType)}.`, info);
  }
  const typed: Record<string, ValueType> = {
    ModelPackageGroupName: 'string',
    SkipCheck: 'boolean',
    FailOnViolation: 'boolean',
    RegisterNewBaseline: 'boolean',
    SuppliedBaselineStatistics: 'string',
    SuppliedBaselineConstraints: 'string',
    ModelName: 'string',
  };
  const keys = type === 'QualityCheck' ? QUALITY_CHECK_KEYS : CLARIFY_CHECK_KEYS;
  for (const key of keys) {
    const value = step[key];
    if (key !== 'CheckType' && value !== undefined && value !== null) {
      checkPrimitive(ctx, value, typed[key], child(path, key), { step: info }, key);
    }
  }
}

function checkConditionArguments(ctx: ValidationContext, args: JsonObject, path: string, info: StepInfo): void {
  checkKnownKeys(ctx, args, ['Conditions', 'IfSteps', 'ElseSteps'], path, 'Condition step Arguments', info);
  if (args.Conditions === undefined) {
    ctx.add(child(path, 'Conditions'), 'Condition step Arguments need "Conditions", a list of conditions (all must hold).', info);
  } else {
    checkConditionList(ctx, args.Conditions, child(path, 'Conditions'), info);
  }
  for (const branch of ['IfSteps', 'ElseSteps']) {
    if (!Array.isArray(args[branch])) {
      ctx.add(child(path, branch), `Condition step Arguments need "${branch}", a list of steps (use [] for none); received ${describe(args[branch])}.`, info);
    }
  }
}

const EMR_FORBIDDEN_CLUSTER_KEYS = ['Name', 'AutoTerminationPolicy', 'Steps'];
const EMR_FORBIDDEN_INSTANCE_KEYS = ['KeepJobFlowAliveWhenNoSteps', 'TerminationProtected'];

function checkEmrArguments(ctx: ValidationContext, args: JsonObject, path: string, info: StepInfo): void {
  const scope: Scope = { step: info };
  checkKnownKeys(ctx, args, ['StepConfig', 'ClusterId', 'ExecutionRoleArn', 'ClusterConfig'], path, 'EMR step Arguments', info);
  const stepConfig = args.StepConfig;
  const stepConfigPath = child(path, 'StepConfig');
  if (!isObject(stepConfig)) {
    ctx.add(stepConfigPath, `EMR step Arguments need "StepConfig": {"HadoopJarStep": {"Jar": ...}}; received ${describe(stepConfig)}.`, info);
  } else {
    checkKnownKeys(ctx, stepConfig, ['HadoopJarStep'], stepConfigPath, 'EMR StepConfig (the pipeline sets the step name and failure action)', info);
    const jar = stepConfig.HadoopJarStep;
    const jarPath = child(stepConfigPath, 'HadoopJarStep');
    if (!isObject(jar)) {
      ctx.add(jarPath, `StepConfig needs "HadoopJarStep": {"Jar": ..., "Args"?: [...], "MainClass"?: ..., "Properties"?: [...]}; received ${describe(jar)}.`, info);
    } else {
      checkKnownKeys(ctx, jar, ['Jar', 'Args', 'MainClass', 'Properties'], jarPath, 'HadoopJarStep', info);
      if (jar.Jar === undefined) {
        ctx.add(child(jarPath, 'Jar'), 'HadoopJarStep needs "Jar", the path of the JAR to run (e.g. "command-runner.jar").', info);
      } else {
        checkPrimitive(ctx, jar.Jar, 'string', child(jarPath, 'Jar'), scope, 'HadoopJarStep.Jar');
      }
      if (jar.MainClass !== undefined) {
        checkPrimitive(ctx, jar.MainClass, 'string', child(jarPath, 'MainClass'), scope, 'HadoopJarStep.MainClass');
      }
      if (jar.Args !== undefined) {
        if (!Array.isArray(jar.Args)) {
          ctx.add(child(jarPath, 'Args'), `HadoopJarStep.Args must be a list of strings; received ${describe(jar.Args)}.`, info);
        } else {
          jar.Args.forEach((a, i) => checkPrimitive(ctx, a, 'string', item(child(jarPath, 'Args'), i), scope, 'A HadoopJarStep argument'));
        }
      }
      if (jar.Properties !== undefined) {
        const propsPath = child(jarPath, 'Properties');
        if (!Array.isArray(jar.Properties)) {
          ctx.add(propsPath, `HadoopJarStep.Properties must be a list of {"Key", "Value"}; received ${describe(jar.Properties)}.`, info);
        } else {
          jar.Properties.forEach((prop, i) => {
            const p = item(propsPath, i);
            if (!isObject(prop)) {
              ctx.add(p, `A HadoopJarStep property must be {"Key": ..., "Value": ...}; received ${describe(prop)}.`, info);
              return;
            }
            checkKnownKeys(ctx, prop, ['Key', 'Value'], p, 'a HadoopJarStep property', info);
            for (const key of ['Key', 'Value']) {
              if (prop[key] === undefined) {
                ctx.add(child(p, key), `A HadoopJarStep property needs "${key}".`, info);
              } else {
                checkPrimitive(ctx, prop[key], 'string', child(p, key), scope, `HadoopJarStep property ${key}`);
              }
            }
          });
        }
      }
    }
  }

  const hasId = args.ClusterId !== undefined;
  const hasConfig = args.ClusterConfig !== undefined;
  if (hasId === hasConfig) {
    ctx.add(path, `EMR step Arguments need exactly one of "ClusterId" (an existing cluster) and "ClusterConfig" (a new cluster); received ${hasId ? 'both' : 'neither'}.`, info);
  }
  if (hasId) {
    checkPrimitive(ctx, args.ClusterId, 'string', child(path, 'ClusterId'), scope, 'ClusterId');
  }
  if (args.ExecutionRoleArn !== undefined) {
    if (!hasId) {
      ctx.add(child(path, 'ExecutionRoleArn'), 'ExecutionRoleArn (the EMR runtime role) can only be used with "ClusterId"; remove it or run on an existing cluster.', info);
    }
    checkPrimitive(ctx, args.ExecutionRoleArn, 'string', child(path, 'ExecutionRoleArn'), scope, 'ExecutionRoleArn');
  }
  if (hasConfig) {
    checkClusterConfig(ctx, args.ClusterConfig, child(path, 'ClusterConfig'), info);
  }
}

function checkClusterConfig(ctx: ValidationContext, config: unknown, path: string, info: StepInfo): void {
  if (!isObject(config)) {
    ctx.add(path, `ClusterConfig must be an object shaped like an EMR RunJobFlow request; received ${describe(config)}.`, info);
    return;
  }
  for (const key of EMR_FORBIDDEN_CLUSTER_KEYS) {
    if (config[key] !== undefined) {
      ctx.add(child(path, key), `ClusterConfig must not contain "${key}": the pipeline sets the cluster name, auto-termination and steps. Remove it.`, info);
    }
  }
  const instances = config.Instances;
  const instancesPath = child(path, 'Instances');
  if (!isObject(instances)) {
    ctx.add(instancesPath, `ClusterConfig needs "Instances" (with exactly one of InstanceGroups / InstanceFleets); received ${describe(instances)}.`, info);
  } else {
    for (const key of EMR_FORBIDDEN_INSTANCE_KEYS) {
      if (instances[key] !== undefined) {
        ctx.add(child(instancesPath, key), `ClusterConfig.Instances must not contain "${key}": the pipeline terminates the cluster when the step ends. Remove it.`, info);
      }
    }
    const groups = instances.InstanceGroups !== undefined;
    const fleets = instances.InstanceFleets !== undefined;
    if (groups === fleets) {
      ctx.add(instancesPath, `ClusterConfig.Instances needs exactly one of "InstanceGroups" and "InstanceFleets"; received ${groups ? 'both' : 'neither'}.`, info);
    }
  }
  walkExpressions(ctx, config, path, { step: info });
}
