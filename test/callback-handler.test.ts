import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  Pipeline, CallbackHandler, CallbackOutputType, CallbackStep,
} from '../lib';
import { definitionOf, newStack, stepOf } from './util';

// The runtime is plain CommonJS shipped as-is (lib/callback-handler-runtime/index.cjs).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtime = require('../lib/callback-handler-runtime/index.cjs') as {
  createHandler(options: { client?: FakeClient; userHandler: Record<string, unknown>; logger?: unknown }): LambdaHandler;
};
type LambdaHandler = (event: unknown, context?: unknown) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;

const TOKEN = 'AbCdEf1234';
const EXECUTION = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/p/execution/abc123';

const HANDLER_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'callback-handler-test-'));
const HANDLER_FILE = path.join(HANDLER_DIR, 'approve.cjs');
fs.writeFileSync(HANDLER_FILE, "exports.handler = async (args) => ({ approved: args.score > 0.8 ? 'true' : 'false' });\n");
fs.writeFileSync(path.join(HANDLER_DIR, 'helper.js'), 'module.exports = 1;\n');

class FakeClient {
  public readonly calls: Array<{ api: string; input: any }> = [];
  constructor(private readonly failWith?: Error) {}
  public async sendPipelineExecutionStepSuccess(input: unknown): Promise<unknown> {
    return this.record('success', input);
  }
  public async sendPipelineExecutionStepFailure(input: unknown): Promise<unknown> {
    return this.record('failure', input);
  }
  private record(api: string, input: unknown): unknown {
    if (this.failWith) {
      throw this.failWith;
    }
    this.calls.push({ api, input });
    return { PipelineExecutionArn: EXECUTION };
  }
}

const quietLogger = { log: () => undefined, error: () => undefined };

function event(...bodies: unknown[]): unknown {
  return { Records: bodies.map((body, i) => ({ messageId: `m${i}`, body: typeof body === 'string' ? body : JSON.stringify(body) })) };
}

function message(args: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { token: TOKEN, pipelineExecutionArn: EXECUTION, arguments: args, ...extra };
}

function statementsOf(stack: Stack, role: iam.IRole): any[] {
  const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('CallbackHandler construct', () => {
  test('creates a queue with a DLQ, a Node.js function fed one message at a time, and least-privilege permissions', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const handler = new CallbackHandler(stack, 'Approval', { handlerPath: HANDLER_FILE, timeout: Duration.minutes(2) });

    // THEN
    const template = Template.fromStack(stack);
    const dlqId = stack.getLogicalId(handler.deadLetterQueue.node.defaultChild as any);
    const queueId = stack.getLogicalId(handler.queue.node.defaultChild as any);
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 720,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 3 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    // SSL enforced on both queues
    template.resourceCountIs('AWS::SQS::QueuePolicy', 2);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Handler: 'index.handler', Timeout: 120, MemorySize: 256 });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });

    const statements = statementsOf(stack, handler.function.role!);
    expect(statements).toEqual([
      {
        Action: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
      },
      {
        Action: ['sagemaker:SendPipelineExecutionStepSuccess', 'sagemaker:SendPipelineExecutionStepFailure'],
        Effect: 'Allow',
        Resource: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:123456789012:pipeline/*/execution/*']] }],
      },
    ]);
    // No Callback step sends to the queue: the account-wide scope draws a warning.
    Annotations.fromStack(stack).hasWarning('/Stack/Approval', Match.stringLikeRegexp('CallbackHandler Stack/Approval serves no Callback step of this app.*pipeline/\\*/execution/\\*.*callbackStep\\(pipeline.*\\[ack: cdk-sagemaker-pipelines:callbackHandlerAccountWide\\]'));
  });

  test('pipelines narrow the SageMaker permission to their executions', () => {
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'approvals' });
    const handler = new CallbackHandler(stack, 'Approval', { handlerPath: HANDLER_FILE, pipelines: [pipeline] });
    handler.callbackStep(pipeline, 'Approve', { inputs: {} });
    const sagemaker = statementsOf(stack, handler.function.role!).filter((s) => String(s.Action).includes('sagemaker:'));
    expect(sagemaker).toEqual([{
      Action: ['sagemaker:SendPipelineExecutionStepSuccess', 'sagemaker:SendPipelineExecutionStepFailure'],
      Effect: 'Allow',
      Resource: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:123456789012:pipeline/approvals/execution/*']] }],
    }]);
  });

  const executionsArn = (name: string): unknown => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sagemaker:us-east-1:123456789012:pipeline/${name}/execution/*`]] });
  const sagemakerStatements = (stack: Stack, handler: CallbackHandler): any[] =>
    statementsOf(stack, handler.function.role!).filter((s) => String(s.Action).includes('sagemaker:'));

  test('without pipelines, the scope is the pipelines whose steps callbackStep() created, with the name lower-cased as in ARNs, and no warning', () => {
    // GIVEN
    const { stack } = newStack();
    const first = new Pipeline(stack, 'First', { pipelineName: 'DailyApprovals' });
    const second = new Pipeline(stack, 'Second', { pipelineName: 'weekly' });
    const handler = new CallbackHandler(stack, 'Approval', { handlerPath: HANDLER_FILE });

    // WHEN
    handler.callbackStep(first, 'Approve', { inputs: {} });
    handler.callbackStep(first, 'ApproveAgain', { inputs: {} });
    handler.callbackStep(second, 'Approve', { inputs: {} });

    // THEN
    expect(sagemakerStatements(stack, handler)).toEqual([{
      Action: ['sagemaker:SendPipelineExecutionStepSuccess', 'sagemaker:SendPipelineExecutionStepFailure'],
      Effect: 'Allow',
      Resource: [executionsArn('dailyapprovals'), executionsArn('weekly')],
    }]);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('callbackHandlerAccountWide'));
  });

  test('a CallbackStep given the handler queue directly also scopes the handler to its pipeline', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'manual' });
    const handler = new CallbackHandler(stack, 'Approval', { handlerPath: HANDLER_FILE });

    // WHEN
    new CallbackStep(pipeline, 'Approve', { queue: handler.queue, inputs: {} });

    // THEN
    expect(sagemakerStatements(stack, handler)[0].Resource).toEqual([executionsArn('manual')]);
  });

  test('a step created after the handler with another queue does not widen or narrow it', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'other' });
    const handler = new CallbackHandler(stack, 'Approval', { handlerPath: HANDLER_FILE });

    // WHEN
    new CallbackStep(pipeline, 'Approve', { queue: new sqs.Queue(stack, 'OtherQueue'), inputs: {} });

    // THEN: still account-wide, with the warning
    expect(sagemakerStatements(stack, handler)[0].Resource).toEqual([executionsArn('*')]);
    Annotations.fromStack(stack).hasWarning('/Stack/Approval', Match.stringLikeRegexp('serves no Callback step'));
  });

  test('callbackStep() sends to the handler queue; the pipeline role may send to it only', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const handler = new CallbackHandler(stack, 'Approval', { handlerPath: HANDLER_FILE });

    // WHEN
    const step = handler.callbackStep(pipeline, 'Approve', { inputs: { score: 0.9 }, outputs: [{ outputName: 'approved', outputType: CallbackOutputType.STRING }] });
    const approved: string = step.properties.Outputs.approved;
    expect(typeof approved).toBe('string');

    // THEN
    const queueId = stack.getLogicalId(handler.queue.node.defaultChild as any);
    expect(stepOf(definitionOf(stack), 'Approve').SqsQueueUrl).toBe(`\${Ref:${queueId}}`);
    const send = statementsOf(stack, pipeline.role).filter((s) => String(s.Action).startsWith('sqs:'));
    expect(send).toEqual([{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } }]);
  });

  test('stages the wrapper and the handler deterministically', () => {
    const a = newStack();
    const b = newStack();
    new CallbackHandler(a.stack, 'H', { handlerPath: HANDLER_FILE });
    new CallbackHandler(b.stack, 'H', { handlerPath: HANDLER_FILE });
    const codeOf = (stack: Stack) => (Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0] as any).Properties.Code;
    expect(codeOf(a.stack)).toEqual(codeOf(b.stack));

    const staged = fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('cdk-sagemaker-pipelines-callback-') && !d.includes('-tmp-'));
    // The temporary folder is shared with other checkouts, whose runtime may differ: look for ours.
    const runtimeSource = fs.readFileSync(path.join(__dirname, '..', 'lib', 'callback-handler-runtime', 'index.cjs'), 'utf8');
    const dir = staged.map((d) => path.join(os.tmpdir(), d)).find((d) => fs.existsSync(path.join(d, 'handler', 'approve.cjs'))
      && fs.existsSync(path.join(d, 'index.js')) && fs.readFileSync(path.join(d, 'index.js'), 'utf8') === runtimeSource);
    expect(dir).toBeDefined();
    expect(fs.readFileSync(path.join(dir!, 'handler-entry.js'), 'utf8')).toBe("'use strict';\nmodule.exports = require(\"./handler/approve.cjs\");\n");
  });

  test('codeDirectory packages the whole folder', () => {
    const { stack } = newStack();
    new CallbackHandler(stack, 'H', { handlerPath: HANDLER_FILE, codeDirectory: HANDLER_DIR });
    const staged = fs.readdirSync(os.tmpdir())
      .map((d) => path.join(os.tmpdir(), d))
      .filter((d) => path.basename(d).startsWith('cdk-sagemaker-pipelines-callback-') && fs.existsSync(path.join(d, 'handler', 'helper.js')));
    expect(staged.length).toBeGreaterThan(0);
  });

  test.each([
    ['a missing file', { handlerPath: path.join(HANDLER_DIR, 'nope.js') }, /CallbackHandler Stack\/H: handlerPath '.*nope.js' \(resolved to .*\) is not a file/],
    ['a TypeScript file', { handlerPath: __filename }, /CallbackHandler Stack\/H: handlerPath must be a CommonJS .js or .cjs file .*received 'callback-handler.test.ts'/],
    ['a handler outside codeDirectory', { handlerPath: HANDLER_FILE, codeDirectory: __dirname }, /handlerPath .* is not inside codeDirectory/],
    ['a timeout above 15 minutes', { handlerPath: HANDLER_FILE, timeout: Duration.minutes(16) }, /timeout must be between 1 second and 15 minutes .*received 16 minutes/],
    ['maxReceiveCount 0', { handlerPath: HANDLER_FILE, maxReceiveCount: 0 }, /maxReceiveCount must be an integer from 1 to 1,000; received 0/],
  ])('rejects %s', (_name, props, error) => {
    const { stack } = newStack();
    expect(() => new CallbackHandler(stack, 'H', props as any)).toThrow(error);
  });
});

describe('CallbackHandler runtime', () => {
  test('reports success with the handler outputs as strings', async () => {
    // GIVEN
    const client = new FakeClient();
    const seen: unknown[] = [];
    const handler = runtime.createHandler({
      client,
      logger: quietLogger,
      userHandler: {
        handler: async (args: any, context: any) => {
          seen.push(args, context.token, context.pipelineExecutionArn);
          return { approved: true, score: 0.93, reviewer: 'ana', details: { a: 1 }, skipped: undefined };
        },
      },
    });

    // WHEN
    const result = await handler(event(message({ model: 's3://b/m.tar.gz' })));

    // THEN
    expect(result).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([{ model: 's3://b/m.tar.gz' }, TOKEN, EXECUTION]);
    expect(client.calls).toHaveLength(1);
    expect(client.calls[0].api).toBe('success');
    expect(client.calls[0].input).toEqual({
      CallbackToken: TOKEN,
      OutputParameters: [
        { Name: 'approved', Value: 'true' },
        { Name: 'score', Value: '0.93' },
        { Name: 'reviewer', Value: 'ana' },
        { Name: 'details', Value: '{"a":1}' },
      ],
      ClientRequestToken: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  test('a handler returning nothing reports success without outputs', async () => {
    const client = new FakeClient();
    const handler = runtime.createHandler({ client, logger: quietLogger, userHandler: { handler: () => undefined } });
    await handler(event(message()));
    expect(client.calls.map((c) => [c.api, c.input.OutputParameters])).toEqual([['success', []]]);
  });

  test('a thrown error reports failure with its message', async () => {
    const client = new FakeClient();
    const handler = runtime.createHandler({
      client,
      logger: quietLogger,
      userHandler: { handler: async () => { throw new TypeError('score missing'); } },
    });
    const result = await handler(event(message()));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(client.calls).toEqual([{ api: 'failure', input: { CallbackToken: TOKEN, FailureReason: 'TypeError: score missing', ClientRequestToken: expect.any(String) } }]);
  });

  test('a long failure reason is truncated to 256 characters', async () => {
    const client = new FakeClient();
    const handler = runtime.createHandler({ client, logger: quietLogger, userHandler: { handler: () => { throw new Error('x'.repeat(1000)); } } });
    await handler(event(message()));
    const reason: string = client.calls[0].input.FailureReason;
    expect(reason).toHaveLength(256);
    expect(reason.endsWith('...')).toBe(true);
  });

  test('more than 50 outputs report failure', async () => {
    const client = new FakeClient();
    const outputs = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`o${i}`, i]));
    const handler = runtime.createHandler({ client, logger: quietLogger, userHandler: { handler: () => outputs } });
    await handler(event(message()));
    expect(client.calls[0]).toEqual({ api: 'failure', input: expect.objectContaining({ FailureReason: 'the handler returned 51 outputs; a callback step takes at most 50' }) });
  });

  test('a Stopping message runs onStop and reports failure "stopped"', async () => {
    const client = new FakeClient();
    const stopped: unknown[] = [];
    const handler = runtime.createHandler({
      client,
      logger: quietLogger,
      userHandler: { handler: () => { throw new Error('must not run'); }, onStop: async (args: unknown) => { stopped.push(args); } },
    });
    await handler(event(message({ job: 'j-1' }, { status: 'Stopping' })));
    expect(stopped).toEqual([{ job: 'j-1' }]);
    expect(client.calls).toEqual([{ api: 'failure', input: { CallbackToken: TOKEN, FailureReason: 'stopped', ClientRequestToken: expect.any(String) } }]);
  });

  test('a Stopping message without onStop, or with a failing one, still reports "stopped"', async () => {
    const client = new FakeClient();
    const withoutOnStop = runtime.createHandler({ client, logger: quietLogger, userHandler: { handler: () => undefined } });
    const failingOnStop = runtime.createHandler({
      client, logger: quietLogger, userHandler: { handler: () => undefined, onStop: () => { throw new Error('boom'); } },
    });
    await withoutOnStop(event(message({}, { status: 'Stopping' })));
    await failingOnStop(event(message({}, { status: 'Stopping' })));
    expect(client.calls.map((c) => c.input.FailureReason)).toEqual(['stopped', 'stopped']);
  });

  test.each([
    ['not JSON', 'not json {'],
    ['JSON but not an object', '[1, 2]'],
    ['no token', JSON.stringify({ arguments: {} })],
    ['a malformed token', JSON.stringify({ token: 'short', arguments: {} })],
    ['arguments not an object', JSON.stringify({ token: TOKEN, arguments: 'x' })],
  ])('a message that is %s returns to the queue (then the DLQ) without calling SageMaker', async (_name, body) => {
    const client = new FakeClient();
    let ran = false;
    const handler = runtime.createHandler({ client, logger: quietLogger, userHandler: { handler: () => { ran = true; } } });
    const result = await handler(event(body, message()));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
    expect(ran).toBe(true); // the second, valid message is still processed
    expect(client.calls).toHaveLength(1);
  });

  test('a failed SageMaker call returns the message to the queue', async () => {
    const client = new FakeClient(new Error('ThrottlingException'));
    const handler = runtime.createHandler({ client, logger: quietLogger, userHandler: { handler: () => ({ a: 1 }) } });
    expect(await handler(event(message()))).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
  });

  test('defer() leaves the token pending', async () => {
    const client = new FakeClient();
    const defer = (_args: unknown, context: any): void => context.defer();
    const handler = runtime.createHandler({ client, logger: quietLogger, userHandler: { handler: defer } });
    expect(await handler(event(message()))).toEqual({ batchItemFailures: [] });
    expect(client.calls).toEqual([]);
  });

  test('the same message gives the same ClientRequestToken (idempotent redelivery)', async () => {
    const client = new FakeClient();
    const handler = runtime.createHandler({ client, logger: quietLogger, userHandler: { handler: () => ({ a: 1 }) } });
    await handler(event(message()));
    await handler(event(message()));
    expect(client.calls[0].input.ClientRequestToken).toBe(client.calls[1].input.ClientRequestToken);
  });

  test('a module without a handler function is refused', () => {
    expect(() => runtime.createHandler({ userHandler: { onStop: () => undefined } }))
      .toThrow(/the handler module must export a function `handler\(args, context\)`/);
  });
});
