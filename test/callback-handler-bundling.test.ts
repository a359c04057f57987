import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { CallbackHandler, CallbackHandlerProps } from '../lib';
import { newStack } from './util';

const FIXTURES = path.join(__dirname, 'fixtures', 'callback-ts');
const ENTRY = path.join(FIXTURES, 'approve.ts');
const SQS_EVENT = path.join(FIXTURES, 'sqs-event.json');
const NODE_MODULES = path.join(__dirname, '..', 'node_modules');

const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'callback-bundling-test-'));
afterAll(() => fs.rmSync(WORK, { recursive: true, force: true }));

/** A file under the test's scratch folder. */
function scratch(name: string, content: string): string {
  const file = path.join(WORK, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

/** The folder the function's code asset was staged from (inside the app's cloud assembly). */
function functionCodeDir(app: App, handler: CallbackHandler): string {
  const asset = handler.function.node.findChild('Code') as s3assets.Asset;
  return path.join(app.outdir, asset.assetPath);
}

interface Invocation {
  readonly result: { batchItemFailures: Array<{ itemIdentifier: string }> };
  readonly calls: Array<{ command: string; input: Record<string, any> }>;
}

/**
 * Runs the staged function (its index.js, as Lambda would) in a separate Node.js process on an SQS
 * event file, with the SageMaker client mocked by aws-sdk-client-mock (test/fixtures/callback-ts/invoke.cjs).
 */
function invoke(functionDir: string, eventFile: string): Invocation {
  const run = spawnSync(process.execPath, [path.join(FIXTURES, 'invoke.cjs'), functionDir, eventFile], {
    env: { ...process.env, NODE_PATH: NODE_MODULES, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) {
    throw new Error(`invoke failed (${run.status}): ${run.stderr}`);
  }
  return JSON.parse(run.stdout) as Invocation;
}

function handlerIn(stack: Stack, props: CallbackHandlerProps): CallbackHandler {
  return new CallbackHandler(stack, 'Approvals', props);
}

describe('CallbackHandler entry (TypeScript bundled with esbuild)', () => {
  test('end to end: bundle, invoke the bundled function with a recorded SQS event, and report success and failures', () => {
    // GIVEN a TypeScript handler that imports a helper module and the package's types
    const { app, stack } = newStack();

    // WHEN it is bundled and the staged function handles three messages
    const handler = handlerIn(stack, { entry: ENTRY });
    const dir = functionCodeDir(app, handler);
    const invocation = invoke(dir, SQS_EVENT);

    // THEN the helper is inside the one bundle, the types are gone, and each message got its report
    const bundle = fs.readFileSync(path.join(dir, 'handler', 'index.js'), 'utf8');
    expect(bundle).toContain('APPROVAL_THRESHOLD');
    expect(bundle).not.toMatch(/require\(["'][./]*threshold["']\)|lib["']\)/);
    expect(fs.readdirSync(path.join(dir, 'handler'))).toEqual(['index.js']);
    expect(invocation.result).toEqual({ batchItemFailures: [] });
    expect(invocation.calls).toEqual([
      {
        command: 'SendPipelineExecutionStepSuccessCommand',
        input: {
          CallbackToken: 'Q8yz2x4kPq',
          OutputParameters: [
            { Name: 'approved', Value: 'true' },
            { Name: 'reviewedModel', Value: 's3://models/approvals/7x2kq9vdz1ab/model.tar.gz' },
            { Name: 'review', Value: '{"score":0.93,"grade":"excellent"}' },
          ],
          ClientRequestToken: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      },
      {
        command: 'SendPipelineExecutionStepFailureCommand',
        input: {
          CallbackToken: 'Zt7m3c1LwR',
          FailureReason: 'model s3://models/approvals/m4n5b6v7c8x9/model.tar.gz scored poor (0.41), below 0.8',
          ClientRequestToken: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      },
      {
        command: 'SendPipelineExecutionStepFailureCommand',
        input: {
          CallbackToken: 'Hh2Jj4Kk6L',
          FailureReason: "score 'n/a' is not a number",
          ClientRequestToken: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      },
    ]);
  }, 120_000);

  test('the bundle is deterministic: two synths give the same asset', () => {
    const a = newStack();
    const b = newStack();
    handlerIn(a.stack, { entry: ENTRY });
    handlerIn(b.stack, { entry: ENTRY, bundling: {} });
    const codeOf = (stack: Stack) => (Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0] as any).Properties.Code;
    expect(codeOf(a.stack)).toEqual(codeOf(b.stack));
  });

  test('bundling options: minify, source map (with NODE_OPTIONS), define, and modules left external', () => {
    // GIVEN
    const entry = scratch('options/handler.ts', [
      "import { lookup } from 'left-out-module';",
      'declare const STAGE: string;',
      'export const handler = async (inputs: { key: string }) => ({ stage: STAGE, value: lookup(inputs.key) });',
      '',
    ].join('\n'));
    const { app, stack } = newStack();

    // WHEN
    const handler = handlerIn(stack, {
      entry,
      bundling: { minify: true, sourceMap: true, externalModules: ['left-out-module'], define: { STAGE: JSON.stringify('prod') } },
    });

    // THEN
    const dir = functionCodeDir(app, handler);
    const bundle = fs.readFileSync(path.join(dir, 'handler', 'index.js'), 'utf8');
    expect(bundle).toContain('require("left-out-module")');
    expect(bundle).toContain('"prod"');
    expect(bundle).toContain('//# sourceMappingURL=index.js.map');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'handler', 'index.js.map'), 'utf8')).sources).toEqual(['../handler.ts']);
    expect(bundle.split('\n').length).toBeLessThan(5);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
    });
  });

  test('an entry named handler/index.js under projectRoot bundles too', () => {
    const entry = scratch('layout/handler/index.js', 'exports.handler = async () => ({ ok: true });\n');
    const { app, stack } = newStack();
    const dir = functionCodeDir(app, handlerIn(stack, { entry, bundling: { projectRoot: path.join(WORK, 'layout') } }));
    expect(fs.readFileSync(path.join(dir, 'handler', 'index.js'), 'utf8')).toContain('ok: true');
  });

  test('@aws-sdk/* stays outside the bundle (the Lambda runtime provides it)', () => {
    const entry = scratch('sdk/handler.ts', "import { S3Client } from '@aws-sdk/client-s3';\nexport const handler = async () => ({ region: String(new S3Client({}).config.region) });\n");
    const { app, stack } = newStack();
    const dir = functionCodeDir(app, handlerIn(stack, { entry }));
    expect(fs.readFileSync(path.join(dir, 'handler', 'index.js'), 'utf8')).toContain('require("@aws-sdk/client-s3")');
  });

  test.each([
    ['a missing file', () => ({ entry: path.join(WORK, 'nope.ts') }), /CallbackHandler Stack\/Approvals: entry '.*nope\.ts' \(resolved to .*\) is not a file/],
    ['an unknown extension', () => ({ entry: scratch('handler.py', 'def handler(): pass\n') }), /entry must be a \.ts, \.mts, .* file; received 'handler\.py'/],
    ['a syntax error (file and line)', () => ({ entry: scratch('broken/handler.ts', 'export const handler = async () => {\n  return { a: 1 ;\n};\n') }),
      /CallbackHandler Stack\/Approvals: esbuild could not bundle entry .*broken\/handler\.ts: handler\.ts:2:\d+: Expected "}" but found ";"/],
    ['an import that does not resolve', () => ({ entry: scratch('unresolved/handler.ts', "import { x } from 'not-installed-anywhere';\nexport const handler = async () => ({ x });\n") }),
      /esbuild could not bundle entry .*: handler\.ts:1:\d+: Could not resolve "not-installed-anywhere"\. .*bundling\.externalModules/],
    ['a module without a handler export', () => ({ entry: scratch('nohandler/handler.ts', 'export const handle = async () => ({});\n') }),
      /entry .*nohandler\/handler\.ts exports handle but no handler; export the callback handler as `export const handler: CallbackHandlerFunction/],
    ['a missing tsconfig', () => ({ entry: ENTRY, bundling: { tsconfig: path.join(WORK, 'tsconfig.nope.json') } }), /bundling\.tsconfig '.*tsconfig\.nope\.json' .* does not exist/],
    ['a projectRoot that is not a folder', () => ({ entry: ENTRY, bundling: { projectRoot: ENTRY } }), /bundling\.projectRoot '.*approve\.ts' .* is not a folder/],
  ])('refuses %s', (_name, props, error) => {
    const { stack } = newStack();
    expect(() => handlerIn(stack, props() as CallbackHandlerProps)).toThrow(error);
  });
});

describe('CallbackHandler code (lambda.Code)', () => {
  test('inline code becomes the handler module, packaged with the wrapper, and runs', () => {
    // GIVEN
    const { app, stack } = newStack();
    const source = "exports.handler = async (inputs, context) => (Number(inputs.score) > 0.5 ? { approved: true } : context.fail('too low'));\n";

    // WHEN
    const handler = handlerIn(stack, { code: lambda.Code.fromInline(source) });

    // THEN
    const dir = functionCodeDir(app, handler);
    expect(fs.readFileSync(path.join(dir, 'handler', 'index.js'), 'utf8')).toBe(source);
    const { calls } = invoke(dir, SQS_EVENT);
    expect(calls.map((c) => [c.command, c.input.OutputParameters ?? c.input.FailureReason])).toEqual([
      ['SendPipelineExecutionStepSuccessCommand', [{ Name: 'approved', Value: 'true' }]],
      ['SendPipelineExecutionStepFailureCommand', 'too low'],
      ['SendPipelineExecutionStepFailureCommand', 'too low'],
    ]);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Code: { S3Key: Match.stringLikeRegexp('[0-9a-f]{64}\.zip') } });
  }, 120_000);

  test('an asset folder is packaged with its handlerModule', () => {
    // GIVEN
    const folder = path.join(WORK, 'asset-code');
    scratch('asset-code/src/approve.js', "const { grade } = require('./grade');\nexports.handler = async (inputs) => ({ grade: grade(Number(inputs.score)) });\n");
    scratch('asset-code/src/grade.js', "exports.grade = (s) => (s > 0.9 ? 'A' : 'B');\n");
    const { app, stack } = newStack();

    // WHEN
    const handler = handlerIn(stack, { code: lambda.Code.fromAsset(folder), handlerModule: 'src/approve.js' });

    // THEN
    const dir = functionCodeDir(app, handler);
    expect(fs.readFileSync(path.join(dir, 'handler-entry.js'), 'utf8')).toContain('require("./handler/src/approve.js")');
    expect(invoke(dir, SQS_EVENT).calls[0].input.OutputParameters).toEqual([{ Name: 'grade', Value: 'A' }]);
  }, 120_000);

  test.each([
    ['an asset folder without the handler module', () => ({ code: lambda.Code.fromAsset(path.join(WORK, 'asset-code')) }),
      /the code folder .*asset-code has no handler module 'index\.js'\. Put the module exporting handler there, or set handlerModule/],
    ['a .zip asset', () => ({ code: lambda.Code.fromAsset(scratch('code.zip', 'PK')) }),
      /code is lambda\.Code\.fromAsset\('.*code\.zip'\), which is not a folder; .*cannot open \.zip or \.jar files/],
    ['an asset with bundling options', () => ({ code: lambda.Code.fromAsset(path.join(WORK, 'asset-code'), { bundling: { image: lambda.Runtime.NODEJS_22_X.bundlingImage } }) }),
      /code is lambda\.Code\.fromAsset with bundling options, which CallbackHandler does not run.*Pass the TypeScript or JavaScript file as entry/],
    ['code in S3', () => ({ code: lambda.Code.fromBucket(s3.Bucket.fromBucketName(new Stack(), 'B', 'code-bucket'), 'handler.zip') }),
      /code must be lambda\.Code\.fromInline\(\.\.\.\) or lambda\.Code\.fromAsset\(folder\).*received S3Code/],
    ['handlerModule with inline code', () => ({ code: lambda.Code.fromInline('exports.handler = () => ({})'), handlerModule: 'a.js' }),
      /handlerModule applies to lambda\.Code\.fromAsset only/],
    ['a handlerModule outside the folder', () => ({ code: lambda.Code.fromAsset(path.join(WORK, 'asset-code')), handlerModule: '../x.js' }),
      /handlerModule must be a relative path inside the asset folder.*received '\.\.\/x\.js'/],
  ])('refuses %s', (_name, props, error) => {
    fs.mkdirSync(path.join(WORK, 'asset-code'), { recursive: true });
    const { stack } = newStack();
    expect(() => handlerIn(stack, props() as CallbackHandlerProps)).toThrow(error);
  });
});

describe('context.fail(reason) in the runtime wrapper', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtime = require('../lib/callback-handler-runtime/index.cjs') as {
    createHandler(options: { client: unknown; userHandler: Record<string, unknown>; logger: unknown }): (event: unknown) => Promise<unknown>;
  };
  const body = JSON.stringify({ token: 'AbCdEf1234', pipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:1:pipeline/p/execution/e', arguments: {} });

  test.each([
    ['a reason', 'not good enough', 'not good enough'],
    ['an empty reason', '', 'failed'],
    ['a reason over 256 characters', 'x'.repeat(300), `${'x'.repeat(253)}...`],
  ])('reports failure with %s, whatever the handler returns, and not success', async (_name, reason, expected) => {
    // GIVEN
    const calls: Array<[string, any]> = [];
    const client = {
      sendPipelineExecutionStepSuccess: async (input: unknown) => calls.push(['success', input]),
      sendPipelineExecutionStepFailure: async (input: unknown) => calls.push(['failure', input]),
    };
    const handler = runtime.createHandler({
      client,
      logger: { log: () => undefined, error: () => undefined },
      userHandler: { handler: (_inputs: unknown, context: { fail(r: string): void }) => { context.fail(reason); return { ignored: 1 }; } },
    });

    // WHEN
    await handler({ Records: [{ messageId: 'm0', body }] });

    // THEN
    expect(calls).toEqual([['failure', expect.objectContaining({ CallbackToken: 'AbCdEf1234', FailureReason: expected })]]);
  });
});

describe('CallbackHandler code sources', () => {
  test.each([
    ['none', {}, /give exactly one of handlerPath .*, entry .* and code .*; received none/],
    ['two', { entry: ENTRY, code: lambda.Code.fromInline('x') }, /give exactly one of handlerPath .*; received entry and code/],
    ['codeDirectory with entry', { entry: ENTRY, codeDirectory: FIXTURES }, /codeDirectory \(only with handlerPath\) has no effect with entry; remove it/],
    ['bundling with code', { code: lambda.Code.fromInline('x'), bundling: { minify: true } }, /bundling \(only with entry\) has no effect with code; remove it/],
    ['handlerModule with entry', { entry: ENTRY, handlerModule: 'index.js' }, /handlerModule \(only with code\) has no effect with entry/],
  ])('refuses %s', (_name, props, error) => {
    const { stack } = newStack();
    expect(() => handlerIn(stack, props as CallbackHandlerProps)).toThrow(error);
  });
});
