import {
  DescribePipelineExecutionCommand, ListPipelineExecutionStepsCommand, PipelineExecutionStep, SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { Command } from 'commander';
import { create as createLogUpdate } from 'log-update';
import { AwsOptions, call, sagemakerClient, withAwsOptions } from '../aws';
import { CliContext, CliError } from '../context';
import { formatDuration, formatTime, seconds, table } from '../format';

/** Execution statuses after which nothing changes any more. */
export const FINAL_STATUSES = ['Succeeded', 'Failed', 'Stopped'];

/** One step of an execution as `watch` shows it. */
export interface StepState {
  readonly name: string;
  readonly status: string;
  readonly startTime?: Date;
  readonly endTime?: Date;
  readonly durationSeconds?: number;
  readonly failureReason?: string;
  readonly cacheHit: boolean;
  readonly attempts?: number;
}

/** An execution and its steps as `watch` shows it. */
export interface ExecutionState {
  readonly arn: string;
  readonly status: string;
  readonly displayName?: string;
  readonly failureReason?: string;
  readonly startTime?: Date;
  readonly lastModifiedTime?: Date;
  readonly durationSeconds?: number;
  readonly steps: StepState[];
}

/** Options of {@link watchExecution}. */
export interface WatchOptions {
  /** Print the final state as JSON instead of a live view. */
  readonly json?: boolean;
  /** Seconds between two polls. */
  readonly intervalSeconds: number;
}

/** The execution and all its steps (ListPipelineExecutionSteps, every page, oldest first). */
export async function readExecution(client: SageMakerClient, arn: string): Promise<ExecutionState> {
  const subject = `pipeline execution ${arn}`;
  const execution = await call('DescribePipelineExecution', subject,
    () => client.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn })));
  const steps: PipelineExecutionStep[] = [];
  let token: string | undefined;
  do {
    const page = await call('ListPipelineExecutionSteps', subject,
      () => client.send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: arn, SortOrder: 'Ascending', NextToken: token })));
    steps.push(...(page?.PipelineExecutionSteps ?? []));
    token = page?.NextToken;
  } while (token);
  const status = execution.PipelineExecutionStatus ?? 'Unknown';
  const final = FINAL_STATUSES.includes(status);
  return {
    arn,
    status,
    displayName: execution.PipelineExecutionDisplayName,
    failureReason: execution.FailureReason,
    startTime: execution.CreationTime,
    lastModifiedTime: execution.LastModifiedTime,
    durationSeconds: seconds(execution.CreationTime, final ? execution.LastModifiedTime : undefined),
    steps: steps.map((s) => ({
      name: s.StepName ?? '?',
      status: s.StepStatus ?? 'Unknown',
      startTime: s.StartTime,
      endTime: s.EndTime,
      durationSeconds: seconds(s.StartTime, s.EndTime),
      failureReason: s.FailureReason,
      cacheHit: s.CacheHitResult?.SourcePipelineExecutionArn !== undefined,
      attempts: s.AttemptCount,
    })),
  };
}

/**
 * Polls an execution until it ends, showing it live: a table redrawn in place on a terminal, or one
 * line per change otherwise (`--json`: only the final state, as JSON). Resolves to the exit code: 0
 * when the execution succeeded, 1 otherwise.
 */
export async function watchExecution(context: CliContext, client: SageMakerClient, arn: string, options: WatchOptions): Promise<number> {
  const live = !options.json && context.isTTY ? createLogUpdate(context.stdout as NodeJS.WriteStream, { showCursor: true }) : undefined;
  const printed = new Map<string, string>();
  let state: ExecutionState;
  for (;;) {
    state = await readExecution(client, arn);
    const final = FINAL_STATUSES.includes(state.status);
    if (live !== undefined) {
      live(renderTable(state, true));
    } else if (!options.json) {
      printChanges(context, state, printed);
    }
    if (final) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalSeconds * 1000));
  }
  live?.done();
  if (options.json) {
    context.stdout.write(`${JSON.stringify(toJson(state), undefined, 2)}\n`);
  } else if (live === undefined) {
    context.stdout.write(`execution ${state.status} after ${formatDuration(state.durationSeconds)}${state.failureReason ? `: ${state.failureReason}` : ''}\n`);
  }
  return state.status === 'Succeeded' ? 0 : 1;
}

/** The live view: the execution's status line and a table of its steps. */
export function renderTable(state: ExecutionState, color: boolean): string {
  const rows = state.steps.map((s) => [
    s.name, `${s.status}${s.cacheHit ? ' (cached)' : ''}`, formatTime(s.startTime), formatDuration(s.durationSeconds), s.failureReason ?? '',
  ]);
  // The execution id (or display name) keeps the first line within a terminal's width.
  const head = `${state.displayName ?? state.arn.split('/').pop()}: ${state.status} (started ${formatTime(state.startTime)}, ${formatDuration(state.durationSeconds ?? seconds(state.startTime, undefined))})`
    + `${state.failureReason ? `\nfailure: ${state.failureReason}` : ''}`;
  return rows.length === 0 ? `${head}\n(no step has started yet)` : `${head}\n${table(['step', 'status', 'start', 'duration', 'failure reason'], rows, color)}`;
}

function printChanges(context: CliContext, state: ExecutionState, printed: Map<string, string>): void {
  const now = formatTime(new Date());
  if (printed.get('') !== state.status) {
    printed.set('', state.status);
    context.stdout.write(`${now} execution ${state.arn} ${state.status}\n`);
  }
  for (const s of state.steps) {
    const key = `step:${s.name}`;
    if (printed.get(key) !== s.status) {
      printed.set(key, s.status);
      const extra = [
        s.cacheHit ? 'cached' : undefined,
        s.endTime !== undefined ? `after ${formatDuration(s.durationSeconds)}` : undefined,
      ].filter((x) => x !== undefined).join(', ');
      context.stdout.write(`${now} step ${s.name} ${s.status}${extra ? ` (${extra})` : ''}${s.failureReason ? `: ${s.failureReason}` : ''}\n`);
    }
  }
}

function toJson(state: ExecutionState): Record<string, unknown> {
  const time = (t: Date | undefined): string | undefined => t?.toISOString();
  return {
    PipelineExecutionArn: state.arn,
    PipelineExecutionStatus: state.status,
    PipelineExecutionDisplayName: state.displayName,
    FailureReason: state.failureReason,
    StartTime: time(state.startTime),
    LastModifiedTime: time(state.lastModifiedTime),
    DurationSeconds: state.durationSeconds,
    Steps: state.steps.map((s) => ({
      StepName: s.name,
      StepStatus: s.status,
      StartTime: time(s.startTime),
      EndTime: time(s.endTime),
      DurationSeconds: s.durationSeconds,
      FailureReason: s.failureReason,
      CacheHit: s.cacheHit,
      AttemptCount: s.attempts,
    })),
  };
}

/** Parses `--interval` (seconds, > 0). */
export function parseInterval(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new CliError(`--interval '${text}': expected a number of seconds above 0, e.g. --interval 10.`);
  }
  return value;
}

/**
 * `watch <execution ARN> [--json] [--interval SECONDS]`: a live view of an execution until it ends;
 * exits 0 when it succeeded, 1 when it failed or was stopped.
 */
export function registerWatch(program: Command, context: CliContext): void {
  withAwsOptions(program.command('watch')
    .description('follow a pipeline execution until it ends (live table on a terminal, one line per change otherwise); exit 0 when it succeeded, 1 otherwise')
    .argument('<execution-arn>', 'ARN of the pipeline execution (printed by start, listed by executions)')
    .option('--json', 'print only the final state, as JSON')
    .option('--interval <seconds>', 'seconds between polls', '10'))
    .action(async (arn: string, options: AwsOptions & { json?: boolean; interval: string }) => {
      if (!/^arn:aws[a-z-]*:sagemaker:[^:]*:\d*:pipeline\/.+\/execution\/.+$/.test(arn)) {
        throw new CliError(`'${arn}' is not a pipeline execution ARN (arn:aws:sagemaker:<region>:<account>:pipeline/<name>/execution/<id>). List them with: cdk-sagemaker-pipelines executions <pipeline>.`);
      }
      const interval = parseInterval(options.interval);
      const client = sagemakerClient(context, options, arn);
      context.exitCode = await watchExecution(context, client, arn, { json: options.json, intervalSeconds: interval });
    });
}
