import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { IPipeline } from './pipeline';
import { NAG_REASONS, noteLibraryPrincipal, suppressInherentFindings } from './private/nag';
import { CallbackOutput, CallbackStep, CallbackStepProps } from './steps/callback-step';

/** The runtime wrapper shipped with the package (plain CommonJS, see its header). */
const RUNTIME_FILE = path.join(__dirname, 'callback-handler-runtime', 'index.cjs');

/** Files and folders never copied from a `codeDirectory`. */
const EXCLUDED = new Set(['.git', 'cdk.out', '.DS_Store']);

/**
 * Props of a {@link CallbackHandler}.
 */
export interface CallbackHandlerProps {
  /**
   * Path of your handler module: a CommonJS `.js` or `.cjs` file exporting
   * `handler(args, context)` (async or not) and, optionally, `onStop(args, context)`.
   *
   * `args` is the Callback step's `inputs` (as the service rendered them). `handler` returns an
   * object of output names to values (strings, numbers, booleans; objects are sent as JSON), which
   * is reported with `SendPipelineExecutionStepSuccess`; an error it throws is reported with
   * `SendPipelineExecutionStepFailure` (the message, truncated to 256 characters). `context` has
   * `token`, `pipelineExecutionArn`, `messageId`, `lambdaContext` and `defer()`: call `defer()` to
   * leave the step pending, for someone else to complete it with the token (a manual approval).
   * `onStop` runs when the execution is stopped while the step waits; the step is then reported
   * failed with reason `stopped`.
   *
   * The file is packaged as it is, without bundling: it may `require` only Node.js built-ins, the
   * AWS SDK v3 clients of the Lambda runtime, and files under `codeDirectory`.
   */
  readonly handlerPath: string;
  /**
   * A folder that contains `handlerPath` and everything it requires (helper modules,
   * `node_modules`). The whole folder is packaged (except `.git` and `cdk.out`), so keep it small.
   * @default - only the `handlerPath` file is packaged
   */
  readonly codeDirectory?: string;
  /**
   * Timeout of the function. The queue's visibility timeout is six times this value.
   * @default Duration.minutes(1)
   */
  readonly timeout?: Duration;
  /**
   * Memory of the function, in MB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Environment variables of the function, for your handler.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Node.js runtime of the function.
   * @default lambda.Runtime.NODEJS_22_X
   */
  readonly runtime?: lambda.Runtime;
  /**
   * How many times a message is received (and fails) before it moves to the dead-letter queue.
   * @default 3
   */
  readonly maxReceiveCount?: number;
  /**
   * The pipelines whose callback steps the function may complete: it is allowed
   * `sagemaker:SendPipelineExecutionStepSuccess` and `...Failure` on their executions only.
   * @default - executions of every pipeline in the stack's account and Region (`pipeline/*\/execution/*`)
   */
  readonly pipelines?: IPipeline[];
}

/**
 * A queue and a Lambda function that serve pipeline Callback steps: SageMaker sends the step's
 * message to the queue, the function runs your handler module with the step's inputs and reports
 * success (with output parameters) or failure to the pipeline.
 *
 * - the queue: SQS-managed encryption, SSL only, visibility timeout six times the function's
 *   timeout, and a dead-letter queue (14 days' retention) that takes messages which failed
 *   `maxReceiveCount` times (unparseable messages, failed SageMaker calls);
 * - the function: Node.js, the package's runtime wrapper plus your module, fed by the queue one
 *   message at a time (batch item failures reported), allowed to consume the queue and to report on
 *   callback steps of pipeline executions, nothing else.
 *
 * ```ts
 * const approval = new CallbackHandler(this, 'Approval', { handlerPath: path.join(__dirname, 'approve.cjs') });
 * const step = approval.callbackStep(pipeline, 'Approve', {
 *   inputs: { model: train.properties.ModelArtifacts.S3ModelArtifacts },
 *   outputs: [{ outputName: 'approved' }],
 * });
 * ```
 */
export class CallbackHandler extends Construct {
  /** The queue Callback steps send their messages to. */
  public readonly queue: sqs.Queue;
  /** The queue of messages that failed `maxReceiveCount` times. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The function that runs the handler module. */
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: CallbackHandlerProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.minutes(1);
    if (!Token.isUnresolved(timeout.toSeconds()) && (timeout.toSeconds() < 1 || timeout.toSeconds() > 900)) {
      throw new Error(`CallbackHandler ${this.node.path}: timeout must be between 1 second and 15 minutes (the Lambda limit); received ${timeout.toHumanString()}. ${timeout.toSeconds() < 1 ? 'Raise the timeout, e.g. Duration.minutes(1)' : 'Lower the timeout to at most Duration.minutes(15); for longer work, have the handler start it and call SendPipelineExecutionStepSuccess when it ends'}.`);
    }
    const maxReceiveCount = props.maxReceiveCount ?? 3;
    if (!Token.isUnresolved(maxReceiveCount) && (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000)) {
      throw new Error(`CallbackHandler ${this.node.path}: maxReceiveCount must be an integer from 1 to 1,000; received ${maxReceiveCount}.`);
    }
    const runtime = props.runtime ?? lambda.Runtime.NODEJS_22_X;
    if (runtime.family !== lambda.RuntimeFamily.NODEJS) {
      throw new Error(`CallbackHandler ${this.node.path}: runtime must be a Node.js runtime (the wrapper is JavaScript); received ${runtime.name}. Use lambda.Runtime.NODEJS_22_X or later.`);
    }

    const code = stageCode(this, props.handlerPath, props.codeDirectory);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(Math.min(timeout.toSeconds() * 6, 43200)),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });

    this.function = new lambda.Function(this, 'Function', {
      description: `Reports SageMaker pipeline callback steps of ${this.node.path}`,
      runtime,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(code),
      timeout,
      memorySize: props.memorySize ?? 256,
      environment: props.environment,
    });
    this.function.addEventSource(new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true }));
    noteLibraryPrincipal(this.function);
    suppressInherentFindings(this.function.role!, [{ id: 'AwsSolutions-IAM4', appliesTo: 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', reason: NAG_REASONS.HANDLER }]);
    if (props.runtime === undefined) {
      suppressInherentFindings(this.function, [{ id: 'AwsSolutions-L1', reason: NAG_REASONS.HANDLER }]);
    }
    // lambda.Function's DependsOn on its role repeats the dependency of its Role GetAtt (cfn-lint W3005).
    (this.function.node.defaultChild as lambda.CfnFunction).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });

    const stack = Stack.of(this);
    const executions = props.pipelines !== undefined && props.pipelines.length > 0
      ? props.pipelines.map((p) => `${p.pipelineArn}/execution/*`)
      : [stack.formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: '*/execution/*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME })];
    this.function.addToRolePolicy(new iam.PolicyStatement({
      actions: ['sagemaker:SendPipelineExecutionStepSuccess', 'sagemaker:SendPipelineExecutionStepFailure'],
      resources: executions,
    }));
  }

  /**
   * A Callback step that sends its message to this handler's queue.
   */
  public callbackStep<const T extends readonly CallbackOutput[] = readonly CallbackOutput[]>(
    scope: Construct, id: string, props: Omit<CallbackStepProps<T>, 'queue' | 'queueUrl'>,
  ): CallbackStep<T> {
    return new CallbackStep<T>(scope, id, { ...props, queue: this.queue });
  }
}

/**
 * Stage the function's code: the runtime wrapper as `index.js`, a `handler-entry.js` that
 * re-exports the user's module, and the user's file (or `codeDirectory`) under `handler/`. The
 * folder's name is the hash of its content, so every synth of the same code gives the same asset.
 */
function stageCode(scope: Construct, handlerPath: string, codeDirectory?: string): string {
  const where = `CallbackHandler ${scope.node.path}`;
  if (typeof handlerPath !== 'string' || handlerPath.length === 0) {
    throw new Error(`${where}: handlerPath must be the path of a .js or .cjs file exporting handler(args, context); received ${String(handlerPath)}.`);
  }
  const file = path.resolve(handlerPath);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new Error(`${where}: handlerPath '${handlerPath}' (resolved to ${file}) is not a file. Pass the path of your handler module, e.g. path.join(__dirname, 'handler.cjs').`);
  }
  const ext = path.extname(file);
  if (ext !== '.js' && ext !== '.cjs') {
    throw new Error(`${where}: handlerPath must be a CommonJS .js or .cjs file (it is packaged without bundling); received '${path.basename(file)}'. Compile TypeScript first, or use aws-lambda-nodejs with CallbackStep directly.`);
  }

  const files = new Map<string, string>(); // relative path in the asset -> source file
  let entry: string;
  if (codeDirectory !== undefined) {
    const dir = path.resolve(codeDirectory);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new Error(`${where}: codeDirectory '${codeDirectory}' (resolved to ${dir}) is not a folder.`);
    }
    const relative = path.relative(dir, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new Error(`${where}: handlerPath ${file} is not inside codeDirectory ${dir}; put the handler module in that folder or choose its parent folder.`);
    }
    for (const f of listFiles(dir)) {
      files.set(path.posix.join('handler', path.relative(dir, f).split(path.sep).join('/')), f);
    }
    entry = `./handler/${relative.split(path.sep).join('/')}`;
  } else {
    files.set(`handler/${path.basename(file)}`, file);
    entry = `./handler/${path.basename(file)}`;
  }

  const generated = new Map<string, Buffer>([
    ['index.js', fs.readFileSync(RUNTIME_FILE)],
    ['handler-entry.js', Buffer.from(`'use strict';\nmodule.exports = require(${JSON.stringify(entry)});\n`)],
    ['package.json', Buffer.from('{\n  "private": true,\n  "type": "commonjs"\n}\n')],
  ]);
  const hash = crypto.createHash('sha256');
  const contents = new Map<string, Buffer>(generated);
  for (const [rel, source] of files) {
    contents.set(rel, fs.readFileSync(source));
  }
  for (const rel of [...contents.keys()].sort()) {
    hash.update(rel).update('\0').update(contents.get(rel)!).update('\0');
  }
  const target = path.join(os.tmpdir(), `cdk-sagemaker-pipelines-callback-${hash.digest('hex').slice(0, 32)}`);
  if (!fs.existsSync(target)) {
    const temp = fs.mkdtempSync(`${target}-tmp-`);
    for (const [rel, content] of contents) {
      const out = path.join(temp, ...rel.split('/'));
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, content);
    }
    try {
      fs.renameSync(temp, target);
    } catch {
      // Another process staged the same content first.
      fs.rmSync(temp, { recursive: true, force: true });
    }
  }
  return target;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (EXCLUDED.has(entry.name)) {
      continue;
    }
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(...listFiles(full));
    } else if (entry.isFile()) {
      out.push(full);
    }
  }
  return out;
}
