import { Command, CommanderError } from 'commander';
import { DefinitionInputError } from '../definition-document';
import { registerCallback } from './commands/callback';
import { registerDiff } from './commands/diff';
import { registerExecutions } from './commands/executions';
import { registerGraph } from './commands/graph';
import { registerImport } from './commands/import';
import { registerSimulate } from './commands/simulate';
import { registerStart } from './commands/start';
import { registerValidate } from './commands/validate';
import { registerWatch } from './commands/watch';
import { CliContext, CliError } from './context';

/**
 * A subcommand of the tool: adds itself to the program. Each lives in `lib/cli/commands/<name>.ts`.
 */
export type RegisterCommand = (program: Command, context: CliContext) => void;

/** Every subcommand, in the order `--help` lists them. */
const COMMANDS: RegisterCommand[] = [
  registerValidate,
  registerSimulate,
  registerGraph,
  registerDiff,
  registerImport,
  registerStart,
  registerWatch,
  registerExecutions,
  registerCallback,
];

/**
 * Runs the command-line tool `cdk-sagemaker-pipelines` with `argv` (the arguments after the program
 * name) and resolves to its exit code: 0 on success, 1 when the command's answer is "no" (a failed
 * execution, a difference), 2 on bad input or an AWS error to act on.
 */
export async function main(argv: string[], partial: Partial<CliContext> = {}): Promise<number> {
  const context: CliContext = {
    stdout: partial.stdout ?? process.stdout,
    stderr: partial.stderr ?? process.stderr,
    env: partial.env ?? process.env,
    cwd: partial.cwd ?? process.cwd(),
    isTTY: partial.isTTY ?? Boolean((partial.stdout ?? process.stdout) === process.stdout && process.stdout.isTTY),
    exitCode: 0,
  };
  const program = new Command('cdk-sagemaker-pipelines')
    .description('Simulate, picture, start, watch and answer SageMaker pipelines defined with cdk-sagemaker-pipelines (or any definition JSON).')
    .option('--debug', 'print stack traces of errors')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    });
  for (const register of COMMANDS) {
    register(program, context);
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return context.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; usage errors (already printed by commander) exit 2.
      return e.exitCode === 0 ? 0 : 2;
    }
    const debug = argv.includes('--debug');
    if (e instanceof CliError || e instanceof DefinitionInputError) {
      context.stderr.write(`error: ${(e as Error).message}\n`);
      if (debug) {
        context.stderr.write(`${(e as Error).stack}\n`);
      }
      return e instanceof CliError ? e.exitCode : 2;
    }
    context.stderr.write(`error: ${(e as Error)?.message ?? String(e)}${debug ? '' : ' (run again with --debug for the stack trace)'}\n`);
    if (debug) {
      context.stderr.write(`${(e as Error)?.stack}\n`);
    }
    return 2;
  }
}
