import { SendPipelineExecutionStepFailureCommand, SendPipelineExecutionStepSuccessCommand } from '@aws-sdk/client-sagemaker';
import { Command } from 'commander';
import { AwsOptions, call, sagemakerClient, withAwsOptions } from '../aws';
import { CliContext, CliError, collect, splitAssignment } from '../context';

/**
 * `callback success <token> [--output NAME=VALUE]...` and `callback failure <token> --reason TEXT`:
 * answer a Callback step (SendPipelineExecutionStepSuccess / ...Failure).
 */
export function registerCallback(program: Command, context: CliContext): void {
  const callback = program.command('callback')
    .description('answer a waiting Callback step with success (and its outputs) or failure');
  withAwsOptions(callback.command('success')
    .description('let a Callback step succeed (SendPipelineExecutionStepSuccess)')
    .argument('<token>', 'the CallbackToken from the step\'s SQS message')
    .option('--output <NAME=VALUE>', 'an output parameter of the step (repeat for several)', collect, []))
    .action(async (token: string, options: AwsOptions & { output: string[] }) => {
      const outputs = options.output.map((o) => splitAssignment('--output', o));
      const names = outputs.map(([name]) => name);
      const twice = names.find((n, i) => names.indexOf(n) !== i);
      if (twice !== undefined) {
        throw new CliError(`--output ${twice} is given twice; give each output once.`);
      }
      const client = sagemakerClient(context, options);
      await call('SendPipelineExecutionStepSuccess', `callback token ${shortToken(token)}`, () => client.send(new SendPipelineExecutionStepSuccessCommand({
        CallbackToken: token,
        OutputParameters: outputs.length > 0 ? outputs.map(([Name, Value]) => ({ Name, Value })) : undefined,
      })));
      context.stdout.write(`callback ${shortToken(token)}: success sent${outputs.length > 0 ? ` with ${names.join(', ')}` : ''}\n`);
    });
  withAwsOptions(callback.command('failure')
    .description('let a Callback step fail (SendPipelineExecutionStepFailure)')
    .argument('<token>', 'the CallbackToken from the step\'s SQS message')
    .requiredOption('--reason <text>', 'why the step failed (shown as its failure reason)'))
    .action(async (token: string, options: AwsOptions & { reason: string }) => {
      if (options.reason.trim() === '') {
        throw new CliError('--reason is empty; say why the step failed, e.g. --reason "rejected by reviewer".');
      }
      const client = sagemakerClient(context, options);
      await call('SendPipelineExecutionStepFailure', `callback token ${shortToken(token)}`, () => client.send(new SendPipelineExecutionStepFailureCommand({
        CallbackToken: token,
        FailureReason: options.reason,
      })));
      context.stdout.write(`callback ${shortToken(token)}: failure sent\n`);
    });
}

function shortToken(token: string): string {
  return token.length > 16 ? `${token.slice(0, 12)}...` : token;
}
