import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from './cli-util';

describe('command-line tool', () => {
  test('--help lists the program and exits 0', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Usage: cdk-sagemaker-pipelines/);
  });

  test('an unknown command exits 2 with one line naming it', async () => {
    const { code, stderr } = await runCli(['no-such-command']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown command 'no-such-command'/);
  });

  test('npx runs the package bin from a clone with no build step', () => {
    // GIVEN a working directory outside lib (so nothing compiled is picked up by accident)
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
    // WHEN the bin runs as npm would run it
    const text = execFileSync(process.execPath, [path.join(__dirname, '..', 'lib', 'cli', 'bin.cjs'), '--help'], { cwd, encoding: 'utf8' });
    // THEN
    expect(text).toMatch(/Usage: cdk-sagemaker-pipelines/);
  });
});

describe('validate', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-'));
  const good = path.join(dir, 'good.json');
  fs.writeFileSync(good, JSON.stringify({ Version: '2020-12-01', Parameters: [], Steps: [{ Name: 'Stop', Type: 'Fail', Arguments: { ErrorMessage: 'x' } }] }));
  const bad = path.join(dir, 'bad.json');
  fs.writeFileSync(bad, JSON.stringify({ Version: '2020-12-01', Parameters: [], Steps: [{ Name: 'Stop', Type: 'Fial', Arguments: {} }] }));

  test('exits 0 on a valid definition', async () => {
    const { code, stdout } = await runCli(['validate', good]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/good.json: valid \(1 top-level steps\)/);
  });

  test('exits 1 listing each problem with its path', async () => {
    const { code, stdout } = await runCli(['validate', bad]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/Steps\[0\]\.Type \[step Stop\]: /);
  });

  test('exits 2 with one line on a missing file', async () => {
    const { code, stderr } = await runCli(['validate', path.join(dir, 'none.json')]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/no such file or folder/);
  });
});
