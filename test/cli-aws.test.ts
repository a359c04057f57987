import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { PassThrough } from 'stream';
import {
  CreatePipelineCommand, DescribePipelineExecutionCommand, ListPipelineExecutionStepsCommand, ListPipelineExecutionsCommand,
  ListPipelineParametersForExecutionCommand, SageMakerClient, SendPipelineExecutionStepFailureCommand, SendPipelineExecutionStepSuccessCommand,
} from '@aws-sdk/client-sagemaker';
import { App } from 'aws-cdk-lib';
import { mockClient } from 'aws-sdk-client-mock';
import { createApp } from '../examples/abalone/app';
import { definitionOf } from '../lib';
import { runCli } from './cli-util';
import { main } from '../lib/cli/main';

/**
 * The AWS commands against a real server: moto's (`moto_server`, installed on CI machines; .ci/run
 * checks for it) on a free localhost port, holding a pipeline created from the abalone example's
 * synthesized definition. Calls moto lacks (ListPipelineExecutionSteps, the callback calls) are mocked
 * with aws-sdk-client-mock; the other calls of the same run still reach moto.
 */

const PIPELINE = 'abalone';
let moto: ChildProcess;
let endpoint: string;
let env: NodeJS.ProcessEnv;
let client: SageMakerClient;
let definition: Record<string, unknown>;
const realSend = SageMakerClient.prototype.send as unknown as (this: SageMakerClient, command: unknown) => Promise<unknown>;

/** A fake for aws-sdk-client-mock that sends the command to the real server after all (moto). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toServer(CommandClass: new (input: any) => unknown) {
  return (input: object, getClient: () => unknown) => realSend.call(getClient() as SageMakerClient, new CommandClass(input));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, deadline: number): Promise<void> {
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      http.get(`${url}/moto-api/`, (res) => {
        res.resume();
        resolve(true);
      }).on('error', () => resolve(false));
    });
    if (up) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`moto_server did not answer on ${url}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Runs `fn` with process.env changed as given (undefined deletes), then restores it. */
async function withProcessEnv<T>(changes: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(changes)) {
    saved[key] = process.env[key];
    if (value === undefined) {
      delete process.env[key];
    } else {
      process.env[key] = value;
    }
  }
  try {
    return await fn();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) {
        delete process.env[key];
      } else {
        process.env[key] = value;
      }
    }
  }
}

/** No credentials or region anywhere the SDK looks (files, instance metadata, environment). */
const NOTHING_CONFIGURED = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
  AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_EC2_METADATA_DISABLED: 'true',
};

async function executionArns(): Promise<string[]> {
  const listed = await client.send(new ListPipelineExecutionsCommand({ PipelineName: PIPELINE }));
  return (listed.PipelineExecutionSummaries ?? []).map((s) => s.PipelineExecutionArn!);
}

beforeAll(async () => {
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const spawnError = new Promise<never>((_, reject) => moto.on('error', (e) => reject(new Error(`moto_server could not start (${e.message}); install it with pip install 'moto[server]'`))));
  await Promise.race([waitForServer(endpoint, Date.now() + 60_000), spawnError]);
  env = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_SAGEMAKER: endpoint };
  client = new SageMakerClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  definition = definitionOf(createApp(new App()));
  await client.send(new CreatePipelineCommand({
    PipelineName: PIPELINE,
    RoleArn: 'arn:aws:iam::123456789012:role/pipeline',
    PipelineDefinition: JSON.stringify(definition),
  }));
}, 90_000);

afterAll(() => {
  moto?.kill();
});

describe('start', () => {
  test('starts an execution with checked parameters and prints its ARN', async () => {
    // WHEN
    const { code, stdout, stderr } = await runCli([
      'start', PIPELINE, '--param', 'ProcessingInstanceCount=2', '--param', 'ModelApprovalStatus=Approved', '--param', 'MseThreshold=5.5',
      '--display-name', 'first-run',
    ], env);

    // THEN
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toMatch(/^arn:aws:sagemaker:us-east-1:123456789012:pipeline\/abalone\/execution\/\S+\n$/);
    const parameters = await client.send(new ListPipelineParametersForExecutionCommand({ PipelineExecutionArn: stdout.trim() }));
    expect(parameters.PipelineParameters).toEqual([
      { Name: 'ProcessingInstanceCount', Value: '2' }, { Name: 'ModelApprovalStatus', Value: 'Approved' }, { Name: 'MseThreshold', Value: '5.5' },
    ]);
  });

  test.each([
    [['--param', 'ProcessingInstanceCnt=2'], /--param ProcessingInstanceCnt: pipeline abalone declares no parameter 'ProcessingInstanceCnt'\. Did you mean 'ProcessingInstanceCount'\? Its parameters: ProcessingInstanceCount \(Integer, default 1\)/],
    [['--param', 'ProcessingInstanceCount=two'], /--param ProcessingInstanceCount=two: ProcessingInstanceCount is an Integer parameter, and 'two' is not an integer/],
    [['--param', 'ProcessingInstanceCount=1.5'], /is not an integer/],
    [['--param', 'MseThreshold=high'], /MseThreshold is a Float parameter, and 'high' is not a number/],
    [['--param', 'ModelApprovalStatus=Maybe'], /--param ModelApprovalStatus=Maybe: ModelApprovalStatus accepts only 'Approved', 'Rejected', 'PendingManualApproval' \(its EnumValues\); received 'Maybe'/],
    [['--param', 'MseThreshold=1', '--param', 'MseThreshold=2'], /--param MseThreshold is given twice/],
    [['--param', 'MseThreshold'], /--param 'MseThreshold': expected NAME=VALUE/],
  ])('refuses %j before starting anything, exit 2 with one line', async (args, message) => {
    // GIVEN
    const before = await executionArns();

    // WHEN
    const { code, stdout, stderr } = await runCli(['start', PIPELINE, ...args], env);

    // THEN
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
    expect(await executionArns()).toEqual(before);
  });

  test('an unknown pipeline is one line naming it, exit 2', async () => {
    const { code, stderr } = await runCli(['start', 'no-such-pipeline'], env);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^error: pipeline 'no-such-pipeline' was not found \(DescribePipeline: .*\)\. Check the name or ARN, and the Region \(--region\)/);
  });

  test('--wait continues as watch and exits 0 when the execution succeeds', async () => {
    // GIVEN moto has no ListPipelineExecutionSteps: mock it, send the rest to moto
    const mock = mockClient(SageMakerClient);
    try {
      mock.onAnyCommand().callsFake((input, getClient) => {
        throw new Error(`unexpected command ${JSON.stringify(input)} on ${String(getClient())}`);
      });
      for (const command of ['DescribePipelineCommand', 'StartPipelineExecutionCommand', 'DescribePipelineExecutionCommand'] as const) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const Command = require('@aws-sdk/client-sagemaker')[command];
        mock.on(Command).callsFake(toServer(Command));
      }
      mock.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: [{ StepName: 'AbaloneProcess', StepStatus: 'Succeeded' }] });

      // WHEN
      const { code, stdout } = await runCli(['start', PIPELINE, '--wait', '--interval', '0.01'], env);

      // THEN
      expect(code).toBe(0);
      const lines = stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^arn:aws:sagemaker:us-east-1:123456789012:pipeline\/abalone\/execution\//);
      expect(lines[1]).toMatch(/ execution arn:.* Succeeded$/);
      expect(lines[2]).toMatch(/ step AbaloneProcess Succeeded$/);
      expect(lines[3]).toMatch(/^execution Succeeded after \d+s$/);
    } finally {
      mock.restore();
    }
  });
});

describe('executions', () => {
  test('lists executions newest first with status, start and duration', async () => {
    // GIVEN a second execution, started at least a second after the others
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const started = await runCli(['start', PIPELINE, '--display-name', 'newest'], env);
    const newest = started.stdout.trim();

    // WHEN
    const { code, stdout } = await runCli(['executions', PIPELINE], env);
    const json = await runCli(['executions', PIPELINE, '--json'], env);

    // THEN
    expect(code).toBe(0);
    expect(stdout).toMatch(/execution\s+│ status\s+│ start\s+│ duration/);
    expect(stdout.indexOf(newest)).toBeGreaterThan(0);
    const listed = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(listed.length).toBeGreaterThanOrEqual(3);
    expect(listed[0]).toMatchObject({ PipelineExecutionArn: newest, PipelineExecutionDisplayName: 'newest', PipelineExecutionStatus: 'Succeeded', DurationSeconds: 0 });
    const starts = listed.map((e) => Date.parse(e.StartTime as string));
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
    expect(stdout.indexOf(newest)).toBeLessThan(stdout.indexOf(listed[1].PipelineExecutionArn as string));
  });

  test('the generic AWS_ENDPOINT_URL is honoured too', async () => {
    const { AWS_ENDPOINT_URL_SAGEMAKER: _specific, ...rest } = env;
    const { code, stdout } = await runCli(['executions', PIPELINE, '--json'], { ...rest, AWS_ENDPOINT_URL: endpoint });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).length).toBeGreaterThan(0);
  });

  test('--max out of range is refused', async () => {
    const { code, stderr } = await runCli(['executions', PIPELINE, '--max', '0'], env);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--max '0': expected a whole number from 1 to 100/);
  });
});

describe('watch', () => {
  let mock: ReturnType<typeof mockClient>;
  afterEach(() => mock?.restore());

  test('describes a finished execution from moto with its steps (mocked), plain lines, --json', async () => {
    // GIVEN
    const [arn] = await executionArns();
    mock = mockClient(SageMakerClient);
    mock.on(DescribePipelineExecutionCommand).callsFake(toServer(DescribePipelineExecutionCommand));
    mock.on(ListPipelineExecutionStepsCommand).resolves({
      PipelineExecutionSteps: [
        { StepName: 'AbaloneProcess', StepStatus: 'Succeeded', StartTime: new Date('2026-01-01T10:00:00Z'), EndTime: new Date('2026-01-01T10:03:05Z') },
        { StepName: 'AbaloneTrain', StepStatus: 'Succeeded', CacheHitResult: { SourcePipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/abalone/execution/old' } },
      ],
    });

    // WHEN
    const plain = await runCli(['watch', arn], env);
    const json = await runCli(['watch', arn, '--json'], env);

    // THEN
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/ step AbaloneProcess Succeeded \(after 3m 05s\)\n/);
    expect(plain.stdout).toMatch(/ step AbaloneTrain Succeeded \(cached\)\n/);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      PipelineExecutionArn: arn,
      PipelineExecutionStatus: 'Succeeded',
      Steps: [
        { StepName: 'AbaloneProcess', StepStatus: 'Succeeded', StartTime: '2026-01-01T10:00:00.000Z', DurationSeconds: 185, CacheHit: false },
        { StepName: 'AbaloneTrain', StepStatus: 'Succeeded', CacheHit: true },
      ],
    });
    expect(mock.commandCalls(ListPipelineExecutionStepsCommand)[0].args[0].input).toMatchObject({ PipelineExecutionArn: arn, SortOrder: 'Ascending' });
  });

  test('follows a failing execution until it ends, one line per change, exit 1', async () => {
    // GIVEN an execution that runs, then fails
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/abalone/execution/fails';
    mock = mockClient(SageMakerClient);
    mock.on(DescribePipelineExecutionCommand)
      .resolvesOnce({ PipelineExecutionStatus: 'Executing', CreationTime: new Date() })
      .resolves({ PipelineExecutionStatus: 'Failed', FailureReason: 'Step AbaloneTrain failed', CreationTime: new Date(Date.now() - 60_000), LastModifiedTime: new Date() });
    mock.on(ListPipelineExecutionStepsCommand)
      .resolvesOnce({ PipelineExecutionSteps: [{ StepName: 'AbaloneTrain', StepStatus: 'Executing', StartTime: new Date() }] })
      .resolves({ PipelineExecutionSteps: [{ StepName: 'AbaloneTrain', StepStatus: 'Failed', StartTime: new Date(Date.now() - 30_000), EndTime: new Date(), FailureReason: 'ClientError: out of memory' }] });

    // WHEN
    const { code, stdout } = await runCli(['watch', arn, '--interval', '0.01'], env);

    // THEN
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n').map((l) => l.replace(/^\d{4}-\d\d-\d\d \S+ /, ''));
    expect(lines).toEqual([
      `execution ${arn} Executing`,
      'step AbaloneTrain Executing',
      `execution ${arn} Failed`,
      'step AbaloneTrain Failed (after 30s): ClientError: out of memory',
      'execution Failed after 1m 00s: Step AbaloneTrain failed',
    ]);
  });

  test('reads every page of the step list', async () => {
    // GIVEN
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/abalone/execution/pages';
    mock = mockClient(SageMakerClient);
    mock.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Stopped', CreationTime: new Date(), LastModifiedTime: new Date() });
    mock.on(ListPipelineExecutionStepsCommand)
      .resolvesOnce({ PipelineExecutionSteps: [{ StepName: 'A', StepStatus: 'Succeeded' }], NextToken: 'page2' })
      .resolves({ PipelineExecutionSteps: [{ StepName: 'B', StepStatus: 'Stopped' }] });

    // WHEN
    const { code, stdout } = await runCli(['watch', arn, '--json'], env);

    // THEN
    expect(code).toBe(1);
    expect(JSON.parse(stdout).Steps.map((s: { StepName: string }) => s.StepName)).toEqual(['A', 'B']);
    expect(mock.commandCalls(ListPipelineExecutionStepsCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'page2']);
  });

  test('on a terminal the view is a table redrawn in place', async () => {
    // GIVEN
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/abalone/execution/tty';
    mock = mockClient(SageMakerClient);
    mock.on(DescribePipelineExecutionCommand)
      .resolvesOnce({ PipelineExecutionStatus: 'Executing', CreationTime: new Date() })
      .resolves({ PipelineExecutionStatus: 'Succeeded', CreationTime: new Date(), LastModifiedTime: new Date() });
    mock.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: [{ StepName: 'AbaloneProcess', StepStatus: 'Succeeded' }] });
    const stdout = new PassThrough();
    const chunks: string[] = [];
    stdout.on('data', (d) => chunks.push(String(d)));

    // WHEN
    const code = await main(['watch', arn, '--interval', '0.01'], { stdout, stderr: new PassThrough(), env, isTTY: true });

    // THEN
    expect(code).toBe(0);
    const raw = chunks.join('');
    expect(raw).toContain('\u001b[2K'); // log-update erases the previous frame
    // eslint-disable-next-line no-control-regex
    const text = raw.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
    expect(text).toMatch(/tty: Executing/);
    expect(text).toMatch(/tty: Succeeded/);
    expect(text).toMatch(/│ AbaloneProcess │ Succeeded │/);
  });

  test('the Region of an execution ARN wins over AWS_REGION; --region over both', async () => {
    // GIVEN
    const arn = 'arn:aws:sagemaker:eu-west-1:123456789012:pipeline/abalone/execution/eu';
    mock = mockClient(SageMakerClient);
    const regions: string[] = [];
    mock.on(DescribePipelineExecutionCommand).callsFake(async (_input, getClient) => {
      regions.push(await ((getClient() as SageMakerClient).config.region as () => Promise<string>)());
      return { PipelineExecutionStatus: 'Succeeded' };
    });
    mock.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: [] });

    // WHEN
    await runCli(['watch', arn, '--json'], env);
    await runCli(['watch', arn, '--json', '--region', 'ap-south-1'], env);

    // THEN
    expect(regions).toEqual(['eu-west-1', 'ap-south-1']);
  });

  test('a string that is no execution ARN is refused', async () => {
    const { code, stderr } = await runCli(['watch', PIPELINE], env);
    expect(code).toBe(2);
    expect(stderr).toMatch(/'abalone' is not a pipeline execution ARN/);
  });
});

describe('diff --deployed', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-deployed-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('equal to the deployed definition exits 0; a changed one exits 1 naming the change', async () => {
    // GIVEN
    const same = path.join(dir, 'same.json');
    fs.writeFileSync(same, JSON.stringify(definition));
    const changed = JSON.parse(JSON.stringify(definition));
    changed.Parameters.find((p: { Name: string }) => p.Name === 'MseThreshold').DefaultValue = 7;
    const changedFile = path.join(dir, 'changed.json');
    fs.writeFileSync(changedFile, JSON.stringify(changed));

    // WHEN
    const equal = await runCli(['diff', '--deployed', PIPELINE, same], env);
    const different = await runCli(['diff', '--deployed', PIPELINE, changedFile], env);

    // THEN
    expect([equal.code, equal.stdout]).toEqual([0, 'definitions are equal\n']);
    expect(different.code).toBe(1);
    expect(different.stdout).toBe('parameters:\n  ~ MseThreshold: DefaultValue 6 -> 7\n');
  });
});

describe('callback', () => {
  let mock: ReturnType<typeof mockClient>;
  beforeEach(() => {
    mock = mockClient(SageMakerClient);
  });
  afterEach(() => mock.restore());

  test('success sends the token and outputs', async () => {
    mock.on(SendPipelineExecutionStepSuccessCommand).resolves({ PipelineExecutionArn: 'arn' });
    const { code, stdout } = await runCli(['callback', 'success', 'token-1234567890abcdef', '--output', 'approved=true', '--output', 'reviewer=ana'], env);
    expect(code).toBe(0);
    expect(stdout).toBe('callback token-123456...: success sent with approved, reviewer\n');
    expect(mock.commandCalls(SendPipelineExecutionStepSuccessCommand).map((c) => c.args[0].input)).toEqual([{
      CallbackToken: 'token-1234567890abcdef', OutputParameters: [{ Name: 'approved', Value: 'true' }, { Name: 'reviewer', Value: 'ana' }],
    }]);
  });

  test('failure sends the token and reason', async () => {
    mock.on(SendPipelineExecutionStepFailureCommand).resolves({});
    const { code } = await runCli(['callback', 'failure', 'tok', '--reason', 'rejected by reviewer'], env);
    expect(code).toBe(0);
    expect(mock.commandCalls(SendPipelineExecutionStepFailureCommand).map((c) => c.args[0].input)).toEqual([{ CallbackToken: 'tok', FailureReason: 'rejected by reviewer' }]);
  });

  test.each([
    [['callback', 'failure', 'tok'], /required option '--reason <text>' not specified/],
    [['callback', 'failure', 'tok', '--reason', ' '], /--reason is empty/],
    [['callback', 'success', 'tok', '--output', 'a=1', '--output', 'a=2'], /--output a is given twice/],
    [['callback', 'success', 'tok', '--output', 'novalue'], /--output 'novalue': expected NAME=VALUE/],
  ])('%j is refused with exit 2 and nothing sent', async (args, message) => {
    const { code, stderr } = await runCli(args, env);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(mock.calls()).toHaveLength(0);
  });

  test('an expired or unknown token is one line, exit 2', async () => {
    mock.on(SendPipelineExecutionStepSuccessCommand).rejects(Object.assign(new Error('Token is expired or invalid'), { name: 'ValidationException' }));
    const { code, stderr } = await runCli(['callback', 'success', 'tok'], env);
    expect(code).toBe(2);
    expect(stderr).toBe('error: SageMaker refused SendPipelineExecutionStepSuccess on callback token tok: Token is expired or invalid.\n');
  });
});

describe('credentials, region, profile and errors', () => {
  test('no credentials: one line saying what to do, exit 2; the stack only with --debug', async () => {
    await withProcessEnv(NOTHING_CONFIGURED, async () => {
      const plain = await runCli(['executions', PIPELINE, '--region', 'us-east-1'], { AWS_ENDPOINT_URL_SAGEMAKER: endpoint, AWS_EC2_METADATA_DISABLED: 'true' });
      expect(plain.code).toBe(2);
      expect(plain.stderr).toBe('error: no AWS credentials found for ListPipelineExecutions. Set AWS_PROFILE or pass --profile (after `aws configure` or `aws sso login`), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.\n');
      const debug = await runCli(['--debug', 'executions', PIPELINE, '--region', 'us-east-1'], { AWS_ENDPOINT_URL_SAGEMAKER: endpoint });
      expect(debug.code).toBe(2);
      expect(debug.stderr).toMatch(/Caused by: CredentialsProviderError[\s\S]*\n\s+at /);
    });
  }, 30_000);

  test('no region: one line saying how to set it, exit 2', async () => {
    await withProcessEnv(NOTHING_CONFIGURED, async () => {
      const { code, stderr } = await runCli(['executions', PIPELINE], { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_ENDPOINT_URL_SAGEMAKER: endpoint });
      expect(code).toBe(2);
      expect(stderr).toBe('error: no AWS Region for ListPipelineExecutions. Pass --region (e.g. --region us-east-1), set AWS_REGION, or set a region in your profile.\n');
    });
  });

  test('--profile reads the named profile\'s credentials and region from the shared files', async () => {
    // GIVEN
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'profile-'));
    fs.writeFileSync(path.join(dir, 'credentials'), '[moto]\naws_access_key_id = testing\naws_secret_access_key = testing\n');
    fs.writeFileSync(path.join(dir, 'config'), '[profile moto]\nregion = us-east-1\n');
    try {
      await withProcessEnv({ ...NOTHING_CONFIGURED, AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'), AWS_CONFIG_FILE: path.join(dir, 'config') }, async () => {
        // WHEN
        const { code, stdout, stderr } = await runCli(['executions', PIPELINE, '--json', '--profile', 'moto'], { AWS_ENDPOINT_URL_SAGEMAKER: endpoint });
        // THEN
        expect([code, stderr]).toEqual([0, '']);
        expect(JSON.parse(stdout).length).toBeGreaterThan(0);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('against a server that refuses', () => {
    let server: http.Server;
    let url: string;
    let requests = 0;
    let answer: { type: string; message: string } = { type: 'ThrottlingException', message: 'Rate exceeded' };
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        requests++;
        req.resume();
        req.on('end', () => {
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': answer.type });
          res.end(JSON.stringify({ __type: answer.type, message: answer.message }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    test('throttling is retried with the SDK\'s standard retry, then one line, exit 2', async () => {
      requests = 0;
      answer = { type: 'ThrottlingException', message: 'Rate exceeded' };
      const { code, stderr } = await runCli(['start', PIPELINE], { ...env, AWS_ENDPOINT_URL_SAGEMAKER: url });
      expect(code).toBe(2);
      expect(requests).toBe(3);
      expect(stderr).toBe('error: SageMaker throttled DescribePipeline (ThrottlingException) and the SDK\'s standard retry gave up after 3 attempts. Wait a minute and run again, raise AWS_MAX_ATTEMPTS, or ask for a higher request quota.\n');
    }, 30_000);

    test('access denied is one line naming the action, exit 2', async () => {
      requests = 0;
      answer = { type: 'AccessDeniedException', message: 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: sagemaker:DescribePipeline' };
      const { code, stderr } = await runCli(['start', PIPELINE], { ...env, AWS_ENDPOINT_URL_SAGEMAKER: url });
      expect(code).toBe(2);
      expect(requests).toBe(1);
      expect(stderr).toBe('error: access denied for DescribePipeline on pipeline \'abalone\': User: arn:aws:iam::123456789012:user/dev is not authorized to perform: sagemaker:DescribePipeline'
        + '. Use credentials allowed sagemaker:DescribePipeline (--profile), or ask for that permission.\n');
    });
  });
});
