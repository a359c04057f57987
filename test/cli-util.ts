import { PassThrough } from 'stream';
import { main } from '../lib/cli/main';

/** Runs the tool in-process and returns its exit code and output. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (d) => out.push(String(d)));
  stderr.on('data', (d) => err.push(String(d)));
  const code = await main(argv, { stdout, stderr, env, isTTY: false });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
