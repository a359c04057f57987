import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { runCli } from './cli-util';

/** `cdk-sagemaker-pipelines simulate`: the abalone example's cdk.out, and small definition files. */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simulate-'));
const cdkOut = path.join(dir, 'cdk.out');
const file = (name: string, content: unknown): string => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, JSON.stringify(content));
  return p;
};
const good = file('good.json', { regression_metrics: { mse: { value: 4.2 } } });
const bad = file('bad.json', { regression_metrics: { mse: { value: 9 } } });

const retried = file('retried.json', {
  Version: '2020-12-01',
  Parameters: [],
  Steps: [
    {
      Name: 'Prep',
      Type: 'Lambda',
      Arguments: {},
      FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
      OutputParameters: [{ OutputName: 'rows', OutputType: 'Integer' }],
    },
    {
      Name: 'Train',
      Type: 'Training',
      Arguments: {
        AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' },
        HyperParameters: { rows: { 'Std:Join': { On: '', Values: [{ Get: "Steps.Prep.OutputParameters['rows']" }] } } },
        OutputDataConfig: { S3OutputPath: { 'Std:JsonGet': { S3Uri: 's3://bucket/config.json', Path: 'output' } } },
        ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 },
        RoleArn: 'arn:aws:iam::123456789012:role/r',
        StoppingCondition: { MaxRuntimeInSeconds: 60 },
      },
      DependsOn: ['Prep'],
      RetryPolicies: [{ ExceptionType: ['SageMaker.CAPACITY_ERROR'], IntervalSeconds: 30, BackoffRate: 2, MaxAttempts: 4 }],
    },
  ],
});
const config = file('config.json', { output: 's3://bucket/models' });

beforeAll(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const example = require('../examples/abalone/app') as { createApp: (app: App) => App };
  example.createApp(new App({ outdir: cdkOut })).synth();
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('simulate a cdk.out folder', () => {
  test('prints the table and exits 0 when the execution succeeds', async () => {
    // WHEN
    const { code, stdout } = await runCli(['simulate', cdkOut, '--property-file', `AbaloneEval.EvaluationReport=${good}`]);

    // THEN
    expect(code).toBe(0);
    expect(stdout).toMatch(/AbaloneMSECond\s+Condition\s+Succeeded\s+1\s+outcome true \(IfSteps\)/);
    expect(stdout).toMatch(/AbaloneMSEFail\s+Fail\s+NotExecuted/);
    expect(stdout).toMatch(/Execution Succeeded \(6 waves\)/);
  });

  test('exits 1 when the execution fails, and a parameter can change the branch', async () => {
    // WHEN
    const failed = await runCli(['simulate', cdkOut, '--pipeline', 'AbalonePipeline', '--property-file', `AbaloneEval.EvaluationReport=${bad}`]);
    const raised = await runCli(['simulate', cdkOut, '--param', 'MseThreshold=10', '--property-file', `AbaloneEval.EvaluationReport=${bad}`]);

    // THEN
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/Execution Failed: Execution failed due to MSE 9 > 6\.0/);
    expect(raised.code).toBe(0);
  });

  test('--json prints one object with the issue\'s shape and exits 0 whatever the status', async () => {
    // WHEN
    const { code, stdout } = await runCli(['simulate', cdkOut, '--json', '--property-file', `AbaloneEval.EvaluationReport=${bad}`]);

    // THEN
    expect(code).toBe(0);
    const trace = JSON.parse(stdout);
    expect(Object.keys(trace)).toEqual(['status', 'failureReason', 'steps']);
    expect(trace.status).toBe('Failed');
    expect(trace.steps.map((s: any) => [s.name, s.status])).toEqual([
      ['AbaloneProcess', 'Succeeded'], ['AbaloneTrain', 'Succeeded'], ['AbaloneEval', 'Succeeded'], ['AbaloneMSECond', 'Succeeded'],
      ['AbaloneRegisterModel', 'NotExecuted'], ['AbaloneCreateModel', 'NotExecuted'], ['AbaloneTransform', 'NotExecuted'], ['AbaloneMSEFail', 'Failed'],
    ]);
    expect(Object.keys(trace.steps[3])).toEqual(['name', 'type', 'status', 'attempts', 'arguments', 'properties', 'outcome']);
    expect(trace.steps[3].outcome).toBe(false);
  });
});

describe('simulate a definition file', () => {
  test('--step-output, --json-get and --fail with retried attempts', async () => {
    // WHEN
    const { code, stdout } = await runCli(['simulate', retried, '--json', '--step-output', 'Prep.rows=120', '--json-get', `s3://bucket/config.json=${config}`,
      '--fail', 'Train=SageMaker.CAPACITY_ERROR:2']);

    // THEN
    expect(code).toBe(0);
    const train = JSON.parse(stdout).steps[1];
    expect(train.status).toBe('Succeeded');
    expect(train.arguments.HyperParameters).toEqual({ rows: '120' });
    expect(train.arguments.OutputDataConfig).toEqual({ S3OutputPath: 's3://bucket/models' });
    expect(train.attempts.map((a: any) => [a.attempt, a.status, a.retryAfterSeconds])).toEqual([[1, 'Failed', 30], [2, 'Failed', 60], [3, 'Succeeded', undefined]]);
  });

  test('a failure on every attempt spends the policy: the table shows the waits and exits 1', async () => {
    // WHEN
    const { code, stdout } = await runCli(['simulate', retried, '--step-output', 'Prep.rows=1', '--json-get', `s3://bucket/config.json=${config}`,
      '--fail', 'Train=SageMaker.CAPACITY_ERROR']);

    // THEN
    expect(code).toBe(1);
    expect(stdout).toMatch(/Train\s+Training\s+Failed\s+4\s+SageMaker\.CAPACITY_ERROR \(injected by the simulation\) \(retried after 30s, 60s, 120s\)/);
  });

  test.each([
    [['--param', 'Nope=1'], /parameter 'Nope' is not declared by the pipeline/],
    [['--step-output', 'Prep.rows=many'], /output 'rows' of step Prep \(OutputType Integer\) is "many", not an integer/],
    [['--fail', 'Tarin=SageMaker.CAPACITY_ERROR'], /steps: the pipeline has no step 'Tarin'\. Did you mean "Train"\?/],
    [['--fail', 'Train=SageMaker.CAPACITY_ERROR:x'], /--fail 'Train=SageMaker\.CAPACITY_ERROR:x': ATTEMPTS 'x' is neither a positive number nor a list/],
    [['--fail', 'Train'], /--fail 'Train': expected STEP=EXCEPTION_TYPE\[:ATTEMPTS\], e\.g\. --fail Train=SageMaker\.CAPACITY_ERROR:2/],
    [['--property-file', 'Prep.x'], /--property-file 'Prep\.x': expected STEP\.FILE=path\.json/],
    [['--property-file', `Prep.x=${config}`], /step Prep: it declares no property file 'x' \(declared: none\)/],
    [['--step-output', 'rows=1'], /--step-output 'rows': expected STEP\.NAME=\.\.\., e\.g\. --step-output Prep\.rows=120/],
    [['--step-output', 'Prep.rows=1'], /step Train reads s3:\/\/bucket\/config\.json with Std:JsonGet \(Path "output"\), and no contents were given for it\..*--json-get s3:\/\/bucket\/config\.json=path\.json/],
    [['--json-get', 'novalue'], /--json-get 'novalue': expected S3URI=path\.json/],
    [['--json-get', 's3://b/k=missing.json'], /--json-get: missing\.json is not a file/],
    [['--json-get', `s3://b/k=${dir}`], /--json-get: .* is not a file/],
  ])('bad input %j exits 2 with one line naming it', async (flags, message) => {
    // WHEN
    const { code, stderr } = await runCli(['simulate', retried, ...flags as string[]]);

    // THEN
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });

  test('a JSON document may come through a pipe, as the shell\'s <(...) gives it', () => {
    // GIVEN the installed command, run by bash with a process substitution
    const bin = path.join(__dirname, '..', 'lib', 'cli', 'bin.cjs');
    // WHEN a pipe is given (a folder is refused: see the bad-input cases)
    const fifo = execFileSync('bash', ['-c', `node '${bin}' simulate '${retried}' --property-file Prep.x=<(echo '{}') 2>&1; echo "exit $?"`], { encoding: 'utf8' });
    // THEN the flag got past the file check to the step's own check
    expect(fifo).toMatch(/step Prep: it declares no property file 'x'/);
    expect(fifo).toMatch(/exit 2/);
  });

  test('a definition exported by the SageMaker Python SDK', async () => {
    // WHEN
    const { code, stdout } = await runCli(['simulate', path.join(__dirname, 'fixtures', 'sdk-definition.json'), '--json']);

    // THEN
    expect(code).toBe(0);
    const trace = JSON.parse(stdout);
    expect(trace.status).toBe('Succeeded');
    const train = trace.steps.find((s: any) => s.name === 'AbaloneTrain');
    const register = trace.steps.find((s: any) => s.name === 'AbaloneRegister');
    expect(register.arguments.InferenceSpecification.Containers[0].ModelDataUrl).toBe(train.properties.ModelArtifacts.S3ModelArtifacts);
    expect(train.properties.ModelArtifacts.S3ModelArtifacts).toMatch(/^s3:\/\/example-bucket\/abalone\/model\/pipelines-simulated001-AbaloneTrain-[0-9a-f]{10}\/output\/model\.tar\.gz$/);
  });

  test('a property file that a step needs and was not given exits 2 naming the flag', async () => {
    // WHEN
    const { code, stderr } = await runCli(['simulate', cdkOut]);

    // THEN
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/reads property file EvaluationReport of step AbaloneEval .* --property-file AbaloneEval\.EvaluationReport=path\.json/);
  });
});
