import type { ConditionEvaluation } from './conditions';
import type { SimulatedAttempt } from './retry';

/** Status of a step in a simulated execution. */
export type SimulatedStepStatus = 'Succeeded' | 'Failed' | 'NotExecuted' | 'CacheHit';

/** Status of a simulated execution. */
export type SimulatedExecutionStatus = 'Succeeded' | 'Failed';

/** One step of a simulated execution. */
export interface SimulatedStep {
  /** Step name. */
  readonly name: string;
  /** Step `Type` as in the definition (a notebook job step is `Training`). */
  readonly type: string;
  /** What happened to the step. */
  readonly status: SimulatedStepStatus;
  /**
   * The wave (1-based) in which the step started: steps of one wave run at the same time.
   * @default - the step did not run
   */
  readonly wave?: number;
  /** Its attempts, in order (empty when it did not run; one for a cache hit). */
  readonly attempts: readonly SimulatedAttempt[];
  /**
   * Its `Arguments` with every expression resolved (a Condition step: its resolved `Conditions`).
   * @default - the step did not run, or failed while its arguments were resolved
   */
  readonly arguments?: Record<string, unknown>;
  /**
   * Its properties as the service would report them (`Describe*` response, `Outcome`, `OutputParameters`).
   * @default - the step did not succeed
   */
  readonly properties?: Record<string, unknown>;
  /**
   * Condition steps: whether the conditions held (so `IfSteps` ran).
   * @default - not a Condition step, or it did not evaluate
   */
  readonly outcome?: boolean;
  /**
   * Condition steps: each condition with its resolved values and outcome.
   * @default - not a Condition step, or it did not evaluate
   */
  readonly conditions?: readonly ConditionEvaluation[];
  /**
   * Why the step failed (a Fail step: its resolved `ErrorMessage`).
   * @default - the step did not fail
   */
  readonly failureReason?: string;
  /**
   * Why a step did not run.
   * @default - the step ran
   */
  readonly reason?: string;
}

/** The trace as one JSON object: what `cdk-sagemaker-pipelines simulate --json` prints. */
export interface SimulationTraceJson {
  /** Execution status. */
  readonly status: SimulatedExecutionStatus;
  /**
   * Why the execution failed.
   * @default - it succeeded
   */
  readonly failureReason?: string;
  /** Every step, in definition order (condition branches after their condition's earlier siblings). */
  readonly steps: ReadonlyArray<SimulatedStepJson>;
}

/** One step of {@link SimulationTraceJson} (the `--json` output of `simulate`). */
export interface SimulatedStepJson {
  /** The step's name. */
  readonly name: string;
  /** The step's type (`Processing`, `Condition`, ...). */
  readonly type: string;
  /** What became of the step. */
  readonly status: SimulatedStepStatus;
  /** Each attempt (several when retry policies retried it). */
  readonly attempts: readonly SimulatedAttempt[];
  /** The step's arguments with every expression resolved; null when it did not run or they failed to resolve. */
  readonly arguments: Record<string, unknown> | null;
  /** The step's properties as the service would report them; null when it did not succeed. */
  readonly properties: Record<string, unknown> | null;
  /**
   * A condition step's outcome.
   * @default - not a condition step, or it did not run
   */
  readonly outcome?: boolean;
}

/**
 * What a simulated execution did: its status and failure reason, and per step its status, wave,
 * attempts, resolved arguments, properties, and for condition steps each condition's values and the
 * outcome. `toString()` gives a table; the object is meant for `expect(...)` in tests.
 */
export class SimulationTrace {
  /** Execution status. */
  public readonly status: SimulatedExecutionStatus;
  /**
   * Why the execution failed: a Fail step's message, or the failed step and its reason.
   * @default - it succeeded
   */
  public readonly failureReason?: string;
  /** Every step, in definition order. */
  public readonly steps: readonly SimulatedStep[];
  /** Parameter values of the execution (defaults applied). */
  public readonly parameters: Readonly<Record<string, string | number | boolean>>;
  /** Execution variable values of the execution. */
  public readonly executionVariables: Readonly<Record<string, string>>;
  /** The number of waves that ran. */
  public readonly waves: number;

  constructor(props: {
    status: SimulatedExecutionStatus;
    failureReason?: string;
    steps: SimulatedStep[];
    parameters: Record<string, string | number | boolean>;
    executionVariables: Record<string, string>;
    waves: number;
  }) {
    this.status = props.status;
    this.failureReason = props.failureReason;
    this.steps = props.steps;
    this.parameters = props.parameters;
    this.executionVariables = props.executionVariables;
    this.waves = props.waves;
  }

  /** The step named `name`; throws, listing the step names, when there is none. */
  public step(name: string): SimulatedStep {
    const found = this.steps.find((s) => s.name === name);
    if (found === undefined) {
      throw new Error(`The simulated pipeline has no step '${name}'; its steps are ${this.steps.map((s) => s.name).join(', ')}.`);
    }
    return found;
  }

  /** Names of the steps with `status`, in definition order. */
  public stepsWithStatus(status: SimulatedStepStatus): string[] {
    return this.steps.filter((s) => s.status === status).map((s) => s.name);
  }

  /** The trace as the JSON object `simulate --json` prints. */
  public toJSON(): SimulationTraceJson {
    return {
      status: this.status,
      ...(this.failureReason !== undefined ? { failureReason: this.failureReason } : {}),
      steps: this.steps.map((s) => ({
        name: s.name,
        type: s.type,
        status: s.status,
        attempts: s.attempts,
        arguments: s.arguments ?? null,
        properties: s.properties ?? null,
        ...(s.outcome !== undefined ? { outcome: s.outcome } : {}),
      })),
    };
  }

  /** A readable table: one row per step (wave, name, type, status, attempts, detail), then the execution's status. */
  public toString(): string {
    const rows = this.steps.map((s) => [
      s.wave === undefined ? '-' : String(s.wave),
      s.name,
      s.type,
      s.status,
      String(s.attempts.length),
      detail(s),
    ]);
    const header = ['Wave', 'Step', 'Type', 'Status', 'Attempts', 'Detail'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
    const lines = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
    lines.push('', `Execution ${this.status}${this.failureReason !== undefined ? `: ${this.failureReason}` : ''} (${this.waves} wave${this.waves === 1 ? '' : 's'})`);
    return lines.join('\n');
  }
}

function detail(step: SimulatedStep): string {
  if (step.status === 'Failed') {
    const retried = step.attempts.filter((a) => a.retryAfterSeconds !== undefined);
    const waits = retried.length > 0 ? ` (retried after ${retried.map((a) => `${a.retryAfterSeconds}s`).join(', ')})` : '';
    return `${step.failureReason ?? ''}${waits}`;
  }
  if (step.outcome !== undefined) {
    return `outcome ${step.outcome} (${step.outcome ? 'IfSteps' : 'ElseSteps'})`;
  }
  if (step.status === 'NotExecuted') {
    return step.reason ?? '';
  }
  const retried = step.attempts.filter((a) => a.status === 'Failed');
  if (retried.length > 0) {
    return `succeeded after ${retried.map((a) => a.exceptionType).join(', ')}`;
  }
  return step.status === 'CacheHit' ? 'results of the previous execution' : '';
}
