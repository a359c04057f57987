/**
 * Whole-process section of `npm run bench` (issue 14 goal 2): what a user waits for and how much
 * memory it takes when running `npx cdk synth`, the CLI and the app together.
 *
 * Five commands, each run RUNS times from the repository root (interleaved, so that changing load
 * on the machine spreads over all of them), with medians reported:
 * - default: `npx cdk synth` of the default app (cdk.json's `app`, the README's first command);
 * - bare: `npx cdk synth` of a bare CDK app (one stack, one S3 bucket) run by the same cdk.json runner
 *   (cdk.json's `app` command with the default app's file replaced by the bare one);
 * - ts-node: `npx cdk synth` of the default app run by `ts-node --transpile-only` instead, the floor
 *   the cdk.json runner must not be slower than;
 * - default and bare again with `--no-validation` (aws-cdk-lib's template rule engine off: the inner
 *   loop the README suggests), to show what the library costs without that fixed engine cost.
 *
 * Wall time is measured around the command; CPU time (user + system) and peak memory come from
 * `/usr/bin/time -v` ("Maximum resident set size": the largest single process of the tree, the CLI
 * or the app), or, where GNU time is missing, from Node's resource usage of the child processes.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
// Five: a process's peak memory varies by about 15 MB from run to run (the rule engine's), so three runs let one outlier move the ratio by 0.05.
const RUNS = Number(process.env.BENCH_WHOLE_RUNS ?? 0) || 5;
const TARGET = 1.25;
const GNU_TIME = '/usr/bin/time';

/** The bare app: one stack, one bucket. */
const BARE_APP = `import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

const app = new App();
const stack = new Stack(app, 'Bare');
new s3.Bucket(stack, 'Bucket');
app.synth();
`;

/** What each measured command is, for the report. */
const DESCRIPTIONS: Record<string, string> = {
  'default': 'npx cdk synth',
  'bare': 'one stack, one bucket, same runner',
  'default-nv': 'npx cdk synth --no-validation',
  'bare-nv': 'the bare app, --no-validation',
};

interface Measurement {
  readonly wallS: number;
  readonly cpuS: number;
  readonly peakMb: number;
}

interface Command {
  readonly name: string;
  readonly args: string[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `npx cdk synth` with `args` once; undefined (and the reason printed) when it fails. */
function measure(command: Command, outdir: string): Measurement | undefined {
  const synth = ['cdk', 'synth', '--quiet', '--output', outdir, ...command.args];
  const withTime = fs.existsSync(GNU_TIME);
  // As a user runs it: aws-cdk-lib's template validation on (section 1 turns it off in this process).
  const env = { ...process.env };
  delete env.CDK_VALIDATION;
  const start = process.hrtime.bigint();
  const before = process.resourceUsage();
  const child = withTime
    ? spawnSync(GNU_TIME, ['-v', 'npx', ...synth], { cwd: ROOT, env, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 })
    : spawnSync('npx', synth, { cwd: ROOT, env, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  const wallS = Number(process.hrtime.bigint() - start) / 1e9;
  if (child.status !== 0) {
    console.log(`${command.name}: npx ${synth.join(' ')} failed (exit ${child.status}): ${(child.stderr ?? '').split('\n').slice(-12).join('\n')}`);
    return undefined;
  }
  if (withTime) {
    const field = (label: string): number => Number(new RegExp(`${label}: ([0-9.]+)`).exec(child.stderr)?.[1] ?? NaN);
    return {
      wallS,
      cpuS: field('User time \\(seconds\\)') + field('System time \\(seconds\\)'),
      peakMb: Math.round(field('Maximum resident set size \\(kbytes\\)') / 1024),
    };
  }
  // Node reports the children's usage only through the parent's own: the difference is the child's CPU.
  const after = process.resourceUsage();
  return {
    wallS,
    cpuS: (after.userCPUTime - before.userCPUTime + after.systemCPUTime - before.systemCPUTime) / 1e6,
    peakMb: NaN,
  };
}

/** cdk.json's app command with the default app's entry file replaced by `file`. */
function appCommandFor(file: string): string {
  const app = (JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf-8')) as { app: string }).app;
  if (!app.includes('bin/app.ts')) {
    throw new Error(`cdk.json's app command '${app}' does not name bin/app.ts; update scripts/bench-whole-process.ts.`);
  }
  return app.replace('bin/app.ts', file);
}

/** Section 2. Returns whether the targets were met. */
export function wholeProcessSection(): boolean {
  // cdk.out is missing in a fresh clone (nothing synthesized yet), e.g. for `npm run bench -- --whole-process-only`.
  fs.mkdirSync(path.join(ROOT, 'cdk.out'), { recursive: true });
  const work = fs.mkdtempSync(path.join(ROOT, 'cdk.out', 'bench-'));
  try {
    // Inside the repository (cdk.out is ignored), so that the app resolves aws-cdk-lib as the default app does.
    const bareFile = path.relative(ROOT, path.join(work, 'bare-app.ts'));
    fs.writeFileSync(path.join(ROOT, bareFile), BARE_APP);
    const tsNode = 'npx ts-node --transpile-only --prefer-ts-exts bin/app.ts';
    const commands: Command[] = [
      { name: 'default', args: [] },
      { name: 'bare', args: ['--app', appCommandFor(bareFile)] },
      { name: 'ts-node', args: ['--app', tsNode] },
      // The inner loop the README suggests: aws-cdk-lib's template rule engine off, the library's own checks on.
      { name: 'default-nv', args: ['--no-validation'] },
      { name: 'bare-nv', args: ['--no-validation', '--app', appCommandFor(bareFile)] },
    ];
    const app = (JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf-8')) as { app: string }).app;
    console.log(`== whole process: npx cdk synth, ${RUNS} runs each, medians (load ${os.loadavg()[0].toFixed(1)}; peak memory: largest process's max RSS,`
      + ` ${fs.existsSync(GNU_TIME) ? 'from /usr/bin/time -v' : 'not available without /usr/bin/time'})`);
    console.log(`runner (cdk.json app): ${app}`);
    const results = new Map<string, Measurement[]>(commands.map((c) => [c.name, []]));
    // One untimed run of each first: the runner's transpile cache and the OS file cache are warm for all.
    commands.forEach((c, i) => measure(c, path.join(work, `warm${i}`)));
    for (let run = 0; run < RUNS; run++) {
      commands.forEach((c, i) => {
        const m = measure(c, path.join(work, `out${run}-${i}`));
        if (m !== undefined) {
          results.get(c.name)!.push(m);
        }
      });
    }
    const summary = new Map<string, Measurement>();
    for (const c of commands) {
      const ms = results.get(c.name)!;
      if (ms.length === 0) {
        return false;
      }
      const m = { wallS: median(ms.map((x) => x.wallS)), cpuS: median(ms.map((x) => x.cpuS)), peakMb: median(ms.map((x) => x.peakMb)) };
      summary.set(c.name, m);
      console.log(`${c.name.padEnd(10)} wall=${m.wallS.toFixed(2)}s cpu=${m.cpuS.toFixed(2)}s peakRSS=${m.peakMb}MB  (${DESCRIPTIONS[c.name] ?? tsNode})`);
    }
    const d = summary.get('default')!;
    const b = summary.get('bare')!;
    const t = summary.get('ts-node')!;
    const wall = d.wallS / b.wallS;
    const cpu = d.cpuS / b.cpuS;
    const mem = d.peakMb / b.peakMb;
    const runner = d.wallS / t.wallS;
    const runnerCpu = d.cpuS / t.cpuS;
    console.log(`default/bare: ratio(wall)=${wall.toFixed(2)} ratio(cpu)=${cpu.toFixed(2)} ratio(peakRSS)=${mem.toFixed(2)} (target ${TARGET})`);
    console.log(`runner/ts-node transpile-only: ratio(wall)=${runner.toFixed(2)} ratio(cpu)=${runnerCpu.toFixed(2)} (target 1.0)`);
    const dn = summary.get('default-nv')!;
    const bn = summary.get('bare-nv')!;
    console.log(`with --no-validation (no aws-cdk-lib template rule engine; the library's own checks still run): default/bare ratio(wall)=${(dn.wallS / bn.wallS).toFixed(2)}`
      + ` ratio(cpu)=${(dn.cpuS / bn.cpuS).toFixed(2)} ratio(peakRSS)=${(dn.peakMb / bn.peakMb).toFixed(2)}; default with/without the engine: wall ${(d.wallS / dn.wallS).toFixed(2)}x (information, no target)`);
    let met = true;
    if (wall > TARGET || mem > TARGET) {
      console.log(`TARGET MISSED: the default app takes ${wall.toFixed(2)}x the bare app's wall time and ${mem.toFixed(2)}x its peak memory (target ${TARGET})`);
      met = false;
    }
    if (runner > 1.0) {
      console.log(`TARGET MISSED: the cdk.json runner takes ${runner.toFixed(2)}x the wall time of ts-node --transpile-only`);
      met = false;
    }
    return met;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
