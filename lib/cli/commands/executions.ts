import { DescribePipelineExecutionCommand, ListPipelineExecutionsCommand, PipelineExecutionSummary } from '@aws-sdk/client-sagemaker';
import { Command } from 'commander';
import { AwsOptions, call, sagemakerClient, withAwsOptions } from '../aws';
import { CliContext, CliError } from '../context';
import { formatDuration, formatTime, seconds, table } from '../format';
import { FINAL_STATUSES } from './watch';

/**
 * `executions <pipeline> [--max N] [--json]`: the pipeline's recent executions, newest first, with
 * status, start time and duration.
 */
export function registerExecutions(program: Command, context: CliContext): void {
  withAwsOptions(program.command('executions')
    .description('list the recent executions of a deployed pipeline, newest first (status, start, duration)')
    .argument('<pipeline>', 'pipeline name or ARN')
    .option('--max <count>', 'how many executions to list (1-100)', '20')
    .option('--json', 'print them as JSON'))
    .action(async (pipeline: string, options: AwsOptions & { max: string; json?: boolean }) => {
      const max = Number(options.max);
      if (!Number.isInteger(max) || max < 1 || max > 100) {
        throw new CliError(`--max '${options.max}': expected a whole number from 1 to 100.`);
      }
      const client = sagemakerClient(context, options, pipeline);
      const subject = `pipeline '${pipeline}'`;
      const summaries: PipelineExecutionSummary[] = [];
      let token: string | undefined;
      do {
        const page = await call('ListPipelineExecutions', subject, () => client.send(new ListPipelineExecutionsCommand({
          PipelineName: pipeline, SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: Math.min(max - summaries.length, 100), NextToken: token,
        })));
        summaries.push(...(page.PipelineExecutionSummaries ?? []));
        token = page.NextToken;
      } while (token && summaries.length < max);
      // Newest first, whatever order the service (or a stand-in) returned.
      summaries.sort((a, b) => (b.StartTime?.getTime() ?? 0) - (a.StartTime?.getTime() ?? 0));
      const rows = [];
      for (const summary of summaries.slice(0, max)) {
        const arn = summary.PipelineExecutionArn ?? '?';
        const status = summary.PipelineExecutionStatus ?? 'Unknown';
        // The summary has no end time: a finished execution ended when it was last modified.
        const described = FINAL_STATUSES.includes(status)
          ? await call('DescribePipelineExecution', `pipeline execution ${arn}`, () => client.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn })))
          : undefined;
        rows.push({
          arn,
          displayName: summary.PipelineExecutionDisplayName,
          status,
          start: summary.StartTime,
          durationSeconds: seconds(summary.StartTime, described?.LastModifiedTime),
          // Only a failed or stopped execution has a reason (some stand-ins send 'None' otherwise).
          failureReason: status === 'Failed' || status === 'Stopped' ? summary.PipelineExecutionFailureReason || undefined : undefined,
        });
      }
      if (options.json) {
        context.stdout.write(`${JSON.stringify(rows.map((r) => ({
          PipelineExecutionArn: r.arn,
          PipelineExecutionDisplayName: r.displayName,
          PipelineExecutionStatus: r.status,
          StartTime: r.start?.toISOString(),
          DurationSeconds: r.durationSeconds,
          FailureReason: r.failureReason,
        })), undefined, 2)}\n`);
        return;
      }
      if (rows.length === 0) {
        context.stdout.write(`pipeline ${pipeline} has no executions yet; start one with: cdk-sagemaker-pipelines start ${pipeline}\n`);
        return;
      }
      context.stdout.write(`${table(['execution', 'status', 'start', 'duration'],
        rows.map((r) => [`${r.displayName ? `${r.displayName}\n` : ''}${r.arn}`, `${r.status}${r.failureReason ? `: ${r.failureReason}` : ''}`, formatTime(r.start), formatDuration(r.durationSeconds)]),
        context.isTTY)}\n`);
    });
}
