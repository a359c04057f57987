import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { runCli } from './cli-util';

/**
 * The `graph` command over every example (found on disk, like test/examples.test.ts): the Mermaid
 * text must pass Mermaid's own parser (the `mermaid` package, run by test/mermaid-parse.mjs in a child
 * Node process under jsdom) and the DOT text must render to SVG with Graphviz's `dot` (.ci/run installs
 * Debian's graphviz when it is missing, so this never skips).
 */
const examplesDir = path.join(__dirname, '..', 'examples');
const examples = fs.readdirSync(examplesDir).filter((name) => fs.existsSync(path.join(examplesDir, name, 'app.ts'))).sort();

interface PipelineSource {
  readonly label: string;
  readonly template: string;
  readonly logicalId: string;
}

let outdir: string;
const sources: PipelineSource[] = [];

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-graph-'));
  for (const name of examples) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const example = require(path.join(examplesDir, name, 'app.ts')) as { createApp: (app: App) => App };
    const assembly = example.createApp(new App({ outdir: path.join(outdir, name) })).synth();
    for (const stack of assembly.stacks) {
      for (const [logicalId, resource] of Object.entries((stack.template.Resources ?? {}) as Record<string, { Type: string }>)) {
        if (resource.Type === 'AWS::SageMaker::Pipeline') {
          sources.push({ label: `${name}/${logicalId}`, template: path.join(assembly.directory, stack.templateFile), logicalId });
        }
      }
    }
  }
}, 300_000);

afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
});

describe('graph of every example', () => {
  test('Mermaid text passes Mermaid\'s own parser', async () => {
    // GIVEN
    expect(sources.length).toBeGreaterThanOrEqual(examples.length);
    const texts: string[] = [];
    for (const source of sources) {
      const { code, stdout } = await runCli(['graph', source.template, '--pipeline', source.logicalId]);
      expect(code).toBe(0);
      expect(stdout.split('\n')[0]).toBe('flowchart TD');
      texts.push(stdout);
    }

    // WHEN
    const output = execFileSync(process.execPath, [path.join(__dirname, 'mermaid-parse.mjs')], { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const results = JSON.parse(output) as Array<{ ok: boolean; diagramType?: string; error?: string }>;

    // THEN
    expect(results.map((r, i) => [sources[i].label, r.ok ? r.diagramType : r.error]))
      .toEqual(sources.map((s) => [s.label, 'flowchart-v2']));
  }, 120_000);

  test('the Mermaid parser rejects broken text (the check can fail)', () => {
    const output = execFileSync(process.execPath, [path.join(__dirname, 'mermaid-parse.mjs')], { input: JSON.stringify(['flowchart TD\n  s0["unclosed\n']), encoding: 'utf8' });
    expect(JSON.parse(output)[0].ok).toBe(false);
  }, 60_000);

  test('DOT text renders to SVG with Graphviz, with a node per step', async () => {
    for (const source of sources) {
      // WHEN
      const { code, stdout } = await runCli(['graph', source.template, '--pipeline', source.logicalId, '--format', 'dot']);
      expect(code).toBe(0);
      expect(stdout.startsWith('digraph pipeline {')).toBe(true);
      const rendered = spawnSync('dot', ['-Tsvg'], { input: stdout, encoding: 'utf8' });

      // THEN
      expect([source.label, rendered.error?.message, rendered.status, rendered.stderr]).toEqual([source.label, undefined, 0, '']);
      expect(rendered.stdout).toContain('<svg');
      const steps = (stdout.match(/\\n\(/g) ?? []).length;
      expect((rendered.stdout.match(/class="node"/g) ?? []).length).toBe(steps);
    }
  }, 120_000);
});

describe('graph command', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graph-cmd-'));
  const definitionFile = path.join(dir, 'definition.json');
  fs.writeFileSync(definitionFile, JSON.stringify({
    Version: '2020-12-01',
    Steps: [
      { Name: 'Prep', Type: 'Processing', Arguments: {} },
      { Name: 'Notify', Type: 'Lambda', Arguments: {}, FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', OutputParameters: [{ OutputName: 'done' }] },
    ],
  }));

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('graphs a definition file (as the SageMaker SDK exports it) and warns about unconnected steps on stderr', async () => {
    const { code, stdout, stderr } = await runCli(['graph', definitionFile]);
    expect(code).toBe(0);
    expect(stdout).toContain('s1["Notify<br/>(Lambda) ⚠ not connected; unread outputs: done"]');
    expect(stderr).toMatch(/^warning: step Prep \(Processing\) has no edge/m);
    expect(stderr).toMatch(/^warning: Lambda step Notify declares output 'done' that no step reads/m);
  });

  test('the marked picture passes Mermaid\'s parser too', async () => {
    const { stdout } = await runCli(['graph', definitionFile]);
    const output = execFileSync(process.execPath, [path.join(__dirname, 'mermaid-parse.mjs')], { input: JSON.stringify([stdout]), encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual([{ ok: true, diagramType: 'flowchart-v2' }]);
  }, 60_000);

  test('a condition inside a branch nests its branch boxes; both pictures still parse and render', async () => {
    // GIVEN
    const nested = path.join(dir, 'nested.json');
    fs.writeFileSync(nested, JSON.stringify({
      Version: '2020-12-01',
      Steps: [{
        Name: 'Outer',
        Type: 'Condition',
        Arguments: {
          Conditions: [],
          IfSteps: [{
            Name: 'Inner',
            Type: 'Condition',
            Arguments: {
              Conditions: [],
              IfSteps: [{ Name: 'Deep', Type: 'Fail', Arguments: { ErrorMessage: 'x' } }],
              ElseSteps: [{ Name: 'Other', Type: 'Fail', Arguments: { ErrorMessage: 'y' } }],
            },
          }],
          ElseSteps: [],
        },
      }],
    }));

    // WHEN
    const mermaid = await runCli(['graph', nested]);
    const dot = await runCli(['graph', nested, '--format', 'dot']);

    // THEN
    expect(mermaid.stdout).toContain('  subgraph s0_if["Outer: if"]\n    s1{"Inner<br/>(Condition)"}\n    subgraph s1_if["Inner: if"]\n      s2["Deep<br/>(Fail)"]\n    end\n');
    const parsed = execFileSync(process.execPath, [path.join(__dirname, 'mermaid-parse.mjs')], { input: JSON.stringify([mermaid.stdout]), encoding: 'utf8' });
    expect(JSON.parse(parsed)).toEqual([{ ok: true, diagramType: 'flowchart-v2' }]);
    expect(dot.stdout).toMatch(/subgraph cluster_0 \{[^}]*subgraph cluster_1 \{/);
    const rendered = spawnSync('dot', ['-Tsvg'], { input: dot.stdout, encoding: 'utf8' });
    expect([rendered.status, rendered.stderr]).toEqual([0, '']);
  }, 60_000);

  test('--format svg --out writes an SVG picture through Graphviz', async () => {
    const out = path.join(dir, 'pipeline.svg');
    const { code, stderr } = await runCli(['graph', definitionFile, '--format', 'svg', '--out', out]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/wrote svg of 2 steps to /);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/<svg[\s\S]*Notify/);
  });

  test('--format svg without Graphviz says how to install it, exit 2', async () => {
    const { code, stdout, stderr } = await runCli(['graph', definitionFile, '--format', 'svg'], { PATH: dir });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/--format svg needs Graphviz's dot command, which is not on the PATH\. Install Graphviz \(Debian\/Ubuntu: sudo apt-get install graphviz/);
  });

  test('an unknown --format exits 2 naming the formats', async () => {
    const { code, stderr } = await runCli(['graph', definitionFile, '--format', 'png']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--format 'png': expected one of mermaid, dot, svg/);
  });

  test('a missing source exits 2 with one line', async () => {
    const { code, stderr } = await runCli(['graph', path.join(dir, 'nope.json')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/nope.json: no such file or folder/);
  });
});
