/**
 * Soft or undocumented limits of a pipeline definition (reference/limits.md, confidence L): values the
 * service may accept, or whose bound is a user report only. They are warnings, never errors; the
 * pipeline emits each with `Annotations.of(pipeline).addWarningV2(id, message)` so that a user can
 * acknowledge it with `Annotations.of(pipeline).acknowledgeWarning(id, reason)`.
 *
 * Not covered here because the pipeline already warns about them: a pipeline name above 82 characters,
 * nested condition steps, and a Lambda function timeout above 10 minutes.
 */

/** One soft-limit warning. */
export interface SoftLimitWarning {
  /** Acknowledgeable warning id, e.g. `cdk-sagemaker-pipelines:manySteps`. */
  readonly id: string;
  /** What was found, why it may fail and what to do. */
  readonly message: string;
  /** The step the warning is about, if any. */
  readonly stepName?: string;
}

/**
 * Steps per pipeline above which {@link softLimitWarnings} warns.
 *
 * The service documents no maximum number of steps; the real bound is the 1,048,576-character
 * definition (CreatePipeline `PipelineDefinition`). A typical job step renders to 1-3 KB, so 500 steps
 * is roughly 0.5-1.5 MB: around this count the definition approaches the size limit, the console's
 * graph becomes hard to read, and an undocumented service-side limit, if there is one, is most likely
 * to bite. The number is a judgement call, not a service quota.
 */
export const MAX_STEPS_WARNING = 500;

/** Enum values per String parameter above which the console / service are reported to fail (sagemaker-python-sdk#2314). */
export const MAX_ENUM_VALUES = 16;

/** StartPipelineExecution accepts at most 200 `PipelineParameters` (API StartPipelineExecution). */
export const MAX_START_PARAMETERS = 200;

const PREFIX = 'cdk-sagemaker-pipelines';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Count the steps of a step list, condition branches included (guarded against cycles and depth). */
function countSteps(steps: unknown, seen: Set<unknown>, depth: number): number {
  if (!Array.isArray(steps) || depth > 100) return 0;
  let count = 0;
  for (const step of steps) {
    if (!isObject(step) || seen.has(step)) continue;
    seen.add(step);
    count++;
    const args = step.Arguments;
    if (step.Type === 'Condition' && isObject(args)) {
      count += countSteps(args.IfSteps, seen, depth + 1) + countSteps(args.ElseSteps, seen, depth + 1);
    }
  }
  return count;
}

/**
 * The soft-limit warnings of a parsed pipeline definition:
 * - `cdk-sagemaker-pipelines:manySteps`: more than {@link MAX_STEPS_WARNING} steps (condition branches included);
 * - `cdk-sagemaker-pipelines:manyEnumValues`: a String parameter with more than {@link MAX_ENUM_VALUES} `EnumValues`
 *   (one warning per parameter);
 * - `cdk-sagemaker-pipelines:manyParameters`: more than {@link MAX_START_PARAMETERS} parameters, more than a
 *   single StartPipelineExecution can set.
 *
 * Never throws; ignores malformed parts (the definition validator reports them).
 */
export function softLimitWarnings(definition: unknown): SoftLimitWarning[] {
  const warnings: SoftLimitWarning[] = [];
  if (!isObject(definition)) {
    return warnings;
  }

  const steps = countSteps(definition.Steps, new Set(), 0);
  if (steps > MAX_STEPS_WARNING) {
    warnings.push({
      id: `${PREFIX}:manySteps`,
      message: `The pipeline has ${steps} steps (condition branches included). SageMaker documents no maximum number of steps, `
        + `but the definition is limited to 1,048,576 characters and pipelines this large (over ${MAX_STEPS_WARNING} steps) are untested; `
        + 'consider splitting it into several pipelines. Acknowledge this warning if the pipeline deploys and runs.',
    });
  }

  const parameters = Array.isArray(definition.Parameters) ? definition.Parameters : [];
  for (const parameter of parameters) {
    if (!isObject(parameter) || parameter.Type !== 'String' || !Array.isArray(parameter.EnumValues)) continue;
    const count = parameter.EnumValues.length;
    if (count > MAX_ENUM_VALUES) {
      const name = typeof parameter.Name === 'string' ? `"${parameter.Name}"` : '(unnamed)';
      warnings.push({
        id: `${PREFIX}:manyEnumValues`,
        message: `String parameter ${name} has ${count} enum values; users report that SageMaker accepts at most ${MAX_ENUM_VALUES} `
          + '(undocumented, sagemaker-python-sdk#2314). Reduce the list, or drop enumValues and validate the value in the pipeline. '
          + 'Acknowledge this warning if the pipeline deploys.',
      });
    }
  }

  if (parameters.length > MAX_START_PARAMETERS) {
    warnings.push({
      id: `${PREFIX}:manyParameters`,
      message: `The pipeline declares ${parameters.length} parameters; StartPipelineExecution (and the EventBridge / Scheduler targets) `
        + `can set at most ${MAX_START_PARAMETERS} per execution, so some can only take their defaults. `
        + 'Merge parameters, or acknowledge this warning if that is intended.',
    });
  }
  return warnings;
}
