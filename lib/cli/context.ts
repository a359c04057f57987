import { Writable } from 'stream';

/**
 * What a command of the command-line tool reads and writes: its output streams, environment and
 * working directory. Tests pass their own to capture output; `main` defaults to the process's.
 */
export interface CliContext {
  /** Where results go. */
  readonly stdout: Writable;
  /** Where errors and progress go. */
  readonly stderr: Writable;
  /** Environment variables (AWS_REGION, AWS_ENDPOINT_URL_SAGEMAKER, ...). */
  readonly env: NodeJS.ProcessEnv;
  /** Folder that relative paths are resolved against. */
  readonly cwd: string;
  /** Whether stdout is a terminal (live views refresh in place only then). */
  readonly isTTY: boolean;
  /** Exit code the command sets (0 unless it says otherwise). */
  exitCode: number;
}

/**
 * An error the command-line tool reports as one line on stderr (no stack trace unless `--debug`),
 * exiting with `exitCode`: 2 for bad input or an AWS error the user must act on.
 */
export class CliError extends Error {
  constructor(message: string, public readonly exitCode = 2) {
    super(message);
    this.name = 'CliError';
  }
}

/** Collects `--flag NAME=VALUE` options given several times into a list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Splits `NAME=VALUE` (at the first `=`); a missing `=` is a CliError naming the flag and the form.
 */
export function splitAssignment(flag: string, text: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) {
    throw new CliError(`${flag} '${text}': expected NAME=VALUE, e.g. ${flag} InstanceCount=2.`);
  }
  return [text.slice(0, at), text.slice(at + 1)];
}
