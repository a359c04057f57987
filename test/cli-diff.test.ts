import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CacheConfig, ContainerImage, FailStep, InstanceType, ParameterString, Pipeline, ProcessingStep, TrainingStep } from '../lib';
import { runCli } from './cli-util';

const IMAGE = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1.2-1');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-diff-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, definition: Record<string, unknown>): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(definition));
  return file;
}

/** Synthesizes a small app into `<dir>/<name>` and returns the cdk.out folder. */
function synth(name: string, options: { epochs: string; extraStep: boolean; instanceType: string }): string {
  const outdir = path.join(dir, name);
  const app = new App({ outdir });
  const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'diff-demo' });
  const prep = new ProcessingStep(pipeline, 'Prep', { image: IMAGE, cacheConfig: CacheConfig.enabled('P30D'), environment: { MODE: 'full' } });
  const train = new TrainingStep(pipeline, 'Train', {
    image: IMAGE,
    outputPath: 's3://example-bucket/models',
    instanceType: InstanceType.of(new ParameterString('TrainInstanceType', { defaultValue: options.instanceType }).valueAsString),
    hyperparameters: { epochs: options.epochs },
    cacheConfig: CacheConfig.enabled('P30D'),
    dependsOn: [prep],
  });
  if (options.extraStep) {
    new FailStep(pipeline, 'Report', { errorMessage: `model at ${train.properties.ModelArtifacts.S3ModelArtifacts}` });
  }
  app.synth();
  return outdir;
}

describe('diff', () => {
  test('cdk.out folders: steps added, changed argument paths with old and new values, parameters, edges and cache misses; exit 1', async () => {
    // GIVEN
    const before = synth('before', { epochs: '10', extraStep: false, instanceType: 'ml.m5.xlarge' });
    const after = synth('after', { epochs: '20', extraStep: true, instanceType: 'ml.m5.2xlarge' });

    // WHEN
    const { code, stdout } = await runCli(['diff', before, after]);

    // THEN
    expect(code).toBe(1);
    expect(stdout).toBe([
      'steps added:',
      '  + Report (Fail)',
      'step Train (Training):',
      '  ~ Arguments.HyperParameters.epochs: "10" -> "20"',
      'parameters:',
      '  ~ TrainInstanceType: DefaultValue "ml.m5.xlarge" -> "ml.m5.2xlarge"',
      'edges:',
      '  + Train -> Report (data)',
      'cache misses:',
      '  Train (Training) is cached and its cache key changed (Arguments.HyperParameters): its next run will not reuse a cached result',
      '',
    ].join('\n'));
  });

  test('the same app synthesized twice is equal: exit 0', async () => {
    const a = synth('a', { epochs: '10', extraStep: true, instanceType: 'ml.m5.xlarge' });
    const b = synth('b', { epochs: '10', extraStep: true, instanceType: 'ml.m5.xlarge' });
    const { code, stdout } = await runCli(['diff', path.join(a, 'Stack.template.json'), b]);
    expect([code, stdout]).toEqual([0, 'definitions are equal\n']);
  });

  test('a renamed step is a rename, and references to it are no change', async () => {
    // GIVEN
    const oldFile = write('old.json', {
      Version: '2020-12-01',
      Steps: [
        { Name: 'Prep', Type: 'Processing', Arguments: { A: 1 } },
        { Name: 'Use', Type: 'Fail', Arguments: { ErrorMessage: { Get: 'Steps.Prep.ProcessingJobName' } }, DependsOn: ['Prep'] },
      ],
    });
    const newFile = write('new.json', {
      Version: '2020-12-01',
      Steps: [
        { Name: 'Preprocess', Type: 'Processing', Arguments: { A: 1 } },
        { Name: 'Use', Type: 'Fail', Arguments: { ErrorMessage: { Get: 'Steps.Preprocess.ProcessingJobName' } }, DependsOn: ['Preprocess'] },
      ],
    });

    // WHEN
    const { code, stdout } = await runCli(['diff', oldFile, newFile]);

    // THEN
    expect(code).toBe(1);
    expect(stdout).toBe('steps renamed:\n  ~ Prep -> Preprocess (Processing)\n');
  });

  test('removed steps, added and removed values, parameter and top-level changes; --json', async () => {
    // GIVEN
    const oldFile = write('old2.json', {
      Version: '2020-12-01',
      Parameters: [{ Name: 'Gone', Type: 'String' }],
      PipelineExperimentConfig: { ExperimentName: 'a' },
      Steps: [
        { Name: 'Keep', Type: 'Lambda', Arguments: { x: '1', y: [1, 2] }, CacheConfig: { Enabled: true } },
        { Name: 'Drop', Type: 'Fail', Arguments: {} },
      ],
    });
    const newFile = write('new2.json', {
      Version: '2020-12-01',
      Parameters: [{ Name: 'Fresh', Type: 'Integer', DefaultValue: 3 }],
      PipelineExperimentConfig: { ExperimentName: 'b' },
      Steps: [
        { Name: 'Keep', Type: 'Lambda', Arguments: { y: [1], z: true }, CacheConfig: { Enabled: true } },
      ],
    });

    // WHEN
    const text = await runCli(['diff', oldFile, newFile]);
    const json = await runCli(['diff', oldFile, newFile, '--json']);

    // THEN
    expect(text.code).toBe(1);
    expect(text.stdout).toBe([
      'steps removed:',
      '  - Drop (Fail)',
      'step Keep (Lambda):',
      '  - Arguments.x: "1"',
      '  - Arguments.y[1]: 2',
      '  + Arguments.z: true',
      'parameters:',
      '  - Gone (String)',
      '  + Fresh (Integer, default 3)',
      'cache misses:',
      '  Keep (Lambda) is cached and its cache key changed (Arguments.x, Arguments.y, Arguments.z): its next run will not reuse a cached result',
      'other:',
      '  ~ PipelineExperimentConfig.ExperimentName: "a" -> "b"',
      '',
    ].join('\n'));
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ equal: false, stepsRemoved: [{ name: 'Drop', type: 'Fail' }], cacheMisses: [{ step: 'Keep' }] });
  });

  test('a change outside the cache key of a cached step is no cache miss', async () => {
    const step = (env: string, name: string) => ({
      Name: 'P',
      Type: 'Processing',
      CacheConfig: { Enabled: true },
      Arguments: { Environment: { E: env }, ProcessingJobName: name, ProcessingOutputConfig: { Outputs: [] } },
    });
    const oldFile = write('c-old.json', { Version: '2020-12-01', Steps: [step('a', 'x')] });
    const newFile = write('c-new.json', { Version: '2020-12-01', Steps: [step('a', 'y')] });
    const { code, stdout } = await runCli(['diff', oldFile, newFile]);
    expect(code).toBe(1);
    expect(stdout).not.toContain('cache misses');
    const envChanged = write('c-env.json', { Version: '2020-12-01', Steps: [step('b', 'x')] });
    expect((await runCli(['diff', oldFile, envChanged])).stdout).toContain('P (Processing) is cached and its cache key changed (Arguments.Environment)');
  });

  test.each([
    [['diff', 'one.json'], /diff needs two sources \(diff <old> <new>\), or one and --deployed <pipeline>/],
    [['diff', '--deployed', 'p'], /diff --deployed <pipeline> takes one source/],
    [['diff', '--deployed', 'p', 'a.json', 'b.json'], /diff --deployed <pipeline> takes one source/],
  ])('%j is refused with exit 2', async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
