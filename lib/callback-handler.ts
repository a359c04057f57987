import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, ArnFormat, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
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
   * `handler(args, context)` (async or not) and, optionally, `onStop(args, context)`
   * (see {@link CallbackHandlerModule} for the typed signature).
   *
   * `args` is the Callback step's `inputs` (as the service rendered them). `handler` returns an
   * object of output names to values (strings, numbers, booleans; objects are sent as JSON), which
   * is reported with `SendPipelineExecutionStepSuccess`; an error it throws, or `context.fail(reason)`,
   * is reported with `SendPipelineExecutionStepFailure` (the reason, truncated to 256 characters).
   * `context` has `token`, `pipelineExecutionArn`, `messageId`, `lambdaContext`, `defer()` and
   * `fail(reason)`: call `defer()` to leave the step pending, for someone else to complete it with
   * the token (a manual approval). `onStop` runs when the execution is stopped while the step
   * waits; the step is then reported failed with reason `stopped`.
   *
   * The file is packaged as it is, without bundling: it may `require` only Node.js built-ins, the
   * AWS SDK v3 clients of the Lambda runtime, and files under `codeDirectory`.
   *
   * Give exactly one of `handlerPath`, `entry` and `code`.
   * @default - none (give `entry` or `code`)
   */
  readonly handlerPath?: string;
  /**
   * A folder that contains `handlerPath` and everything it requires (helper modules,
   * `node_modules`). The whole folder is packaged (except `.git` and `cdk.out`), so keep it small.
   * Only with `handlerPath`.
   * @default - only the `handlerPath` file is packaged
   */
  readonly codeDirectory?: string;
  /**
   * Path of your handler module in TypeScript or JavaScript (`.ts`, `.mts`, `.cts`, `.tsx`, `.js`,
   * `.mjs`, `.cjs`, `.jsx`), bundled at synth with esbuild, in process and without Docker, as
   * `aws-lambda-nodejs` does: the module and what it imports become one CommonJS file beside the
   * runtime wrapper. It exports `handler` (and optionally `onStop`) with the signature of
   * {@link CallbackHandlerFunction}; `import type` the signature from `cdk-sagemaker-pipelines`.
   *
   * Give exactly one of `handlerPath`, `entry` and `code`.
   * @default - none (give `handlerPath` or `code`)
   */
  readonly entry?: string;
  /**
   * How `entry` is bundled. Only with `entry`.
   * @default - CommonJS for the function's Node.js version, `@aws-sdk/*` left to the Lambda runtime, not minified, no source map
   */
  readonly bundling?: CallbackBundlingOptions;
  /**
   * Your handler module as Lambda code: `lambda.Code.fromInline(source)` (the source is the
   * module, CommonJS) or `lambda.Code.fromAsset(folder)` (a folder holding `handlerModule` and
   * what it requires, packaged as it is). It is packaged with the runtime wrapper into one asset.
   * Other kinds of code (S3 objects, container images, `.zip` files, assets with bundling options)
   * cannot take the wrapper and are refused.
   *
   * Give exactly one of `handlerPath`, `entry` and `code`.
   * @default - none (give `handlerPath` or `entry`)
   */
  readonly code?: lambda.Code;
  /**
   * Path of the handler module inside the `code` asset folder (`/`-separated).
   * Only with `lambda.Code.fromAsset`.
   * @default 'index.js'
   */
  readonly handlerModule?: string;
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
   * @default - the pipelines of this app whose Callback steps send to the handler's queue (created with
   * `callbackStep()` or given `queue`); with none, every pipeline in the stack's account and Region
   * (`pipeline/*\/execution/*`), with a warning
   */
  readonly pipelines?: IPipeline[];
}

/**
 * How a {@link CallbackHandler} bundles its `entry` with esbuild.
 */
export interface CallbackBundlingOptions {
  /**
   * Minify the bundle.
   * @default false
   */
  readonly minify?: boolean;
  /**
   * Write a source map beside the bundle (and set `NODE_OPTIONS=--enable-source-maps` on the function).
   * @default false
   */
  readonly sourceMap?: boolean;
  /**
   * Modules left out of the bundle, to be found at run time (in the Lambda runtime or a layer).
   * `@aws-sdk/*` is always left out: the Node.js runtimes provide the AWS SDK v3.
   * @default - only `@aws-sdk/*`
   */
  readonly externalModules?: string[];
  /**
   * Identifiers replaced with constant expressions at bundle time (esbuild `define`), e.g.
   * `{ 'process.env.STAGE': JSON.stringify('prod') }`.
   * @default - none
   */
  readonly define?: Record<string, string>;
  /**
   * The tsconfig.json esbuild reads (paths, decorators, JSX settings).
   * @default - the nearest tsconfig.json above `entry`, as esbuild finds it
   */
  readonly tsconfig?: string;
  /**
   * The folder esbuild resolves from and names files relative to in the bundle's comments; keep it
   * the same on every machine so the bundle (and its asset hash) is the same.
   * @default - the folder of `entry`
   */
  readonly projectRoot?: string;
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
 * const approval = new CallbackHandler(this, 'Approval', { entry: path.join(__dirname, 'approve.ts') });
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

  private warnedAccountWide = false;

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

    const staged = stageCode(this, props, runtime);

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
      code: lambda.Code.fromAsset(staged.directory),
      timeout,
      memorySize: props.memorySize ?? 256,
      environment: staged.sourceMap ? { NODE_OPTIONS: '--enable-source-maps', ...props.environment } : props.environment,
    });
    this.function.addEventSource(new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true }));
    noteLibraryPrincipal(this.function);
    suppressInherentFindings(this.function.role!, [{ id: 'AwsSolutions-IAM4', appliesTo: 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', reason: NAG_REASONS.HANDLER }]);
    if (props.runtime === undefined) {
      suppressInherentFindings(this.function, [{ id: 'AwsSolutions-L1', reason: NAG_REASONS.HANDLER }]);
    }
    // lambda.Function's DependsOn on its role repeats the dependency of its Role GetAtt (cfn-lint W3005).
    (this.function.node.defaultChild as lambda.CfnFunction).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });

    // Executions of the given pipelines; by default, of the pipelines whose Callback steps send to
    // this queue (callbackStep() or a CallbackStep given `queue`), found at synth once every step exists.
    const explicit = props.pipelines !== undefined && props.pipelines.length > 0 ? [...props.pipelines] : undefined;
    this.function.addToRolePolicy(new iam.PolicyStatement({
      actions: ['sagemaker:SendPipelineExecutionStepSuccess', 'sagemaker:SendPipelineExecutionStepFailure'],
      resources: Lazy.list({ produce: () => this.executionArns(explicit ?? this.servedPipelines()) }),
    }));
    if (explicit === undefined) {
      this.node.addValidation({ validate: () => this.warnIfAccountWide() });
    }
  }

  /**
   * A Callback step that sends its message to this handler's queue. Unless `pipelines` was given,
   * the function may then report on executions of the step's pipeline.
   */
  public callbackStep<const T extends readonly CallbackOutput[] = readonly CallbackOutput[]>(
    scope: Construct, id: string, props: Omit<CallbackStepProps<T>, 'queue' | 'queueUrl'>,
  ): CallbackStep<T> {
    return new CallbackStep<T>(scope, id, { ...props, queue: this.queue });
  }

  /** The pipelines with Callback steps that send to this handler's queue, in construct order. */
  private servedPipelines(): IPipeline[] {
    const pipelines: IPipeline[] = [];
    for (const construct of this.node.root.node.findAll()) {
      if (construct instanceof CallbackStep && construct.queueUrl === this.queue.queueUrl) {
        const pipeline = construct.pipeline;
        if (pipeline !== undefined && !pipelines.includes(pipeline)) {
          pipelines.push(pipeline);
        }
      }
    }
    return pipelines;
  }

  /** `pipeline/<name>/execution/*` of each pipeline; every pipeline of the account and region when none. */
  private executionArns(pipelines: IPipeline[]): string[] {
    if (pipelines.length === 0) {
      return [Stack.of(this).formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: '*/execution/*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME })];
    }
    return pipelines.map((p) => `${p.pipelineArn}/execution/*`);
  }

  private warnIfAccountWide(): string[] {
    if (this.servedPipelines().length === 0 && !this.warnedAccountWide) {
      this.warnedAccountWide = true;
      Annotations.of(this).addWarningV2('cdk-sagemaker-pipelines:callbackHandlerAccountWide',
        `CallbackHandler ${this.node.path} serves no Callback step of this app, so its function may report on callback steps of every pipeline in the account and region (pipeline/*/execution/*). Create the steps with handler.callbackStep(pipeline, ...), or name the pipelines: new CallbackHandler(..., { pipelines: [pipeline] }) (Pipeline.fromPipelineName for a pipeline of another app).`);
    }
    return [];
  }
}

/** The staged function code: a folder named by the hash of its content. */
interface StagedCode {
  readonly directory: string;
  readonly sourceMap: boolean;
}

/** The user's module, ready to stage: files under `handler/` and the module `handler-entry.js` requires. */
interface UserCode {
  readonly files: Map<string, Buffer>;
  readonly entry: string;
  readonly sourceMap?: boolean;
}

/** Extensions esbuild bundles for `entry`. */
const ENTRY_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx'];

/**
 * Stage the function's code: the runtime wrapper as `index.js`, a `handler-entry.js` that
 * re-exports the user's module, and the user's module (a file, a folder, an esbuild bundle or the
 * source of inline code) under `handler/`. The folder's name is the hash of its content, so every
 * synth of the same code gives the same asset.
 */
function stageCode(scope: Construct, props: CallbackHandlerProps, runtime: lambda.Runtime): StagedCode {
  const where = `CallbackHandler ${scope.node.path}`;
  const given = (['handlerPath', 'entry', 'code'] as const).filter((k) => props[k] !== undefined);
  if (given.length !== 1) {
    throw new Error(`${where}: give exactly one of handlerPath (a CommonJS file packaged as it is), entry (a TypeScript or JavaScript file bundled with esbuild) and code (lambda.Code.fromInline or fromAsset); received ${given.length === 0 ? 'none' : given.join(' and ')}.`);
  }
  const misplaced = [
    props.codeDirectory !== undefined && props.handlerPath === undefined ? 'codeDirectory (only with handlerPath)' : undefined,
    props.bundling !== undefined && props.entry === undefined ? 'bundling (only with entry)' : undefined,
    props.handlerModule !== undefined && props.code === undefined ? 'handlerModule (only with code)' : undefined,
  ].filter((m): m is string => m !== undefined);
  if (misplaced.length > 0) {
    throw new Error(`${where}: ${misplaced.join(', ')} has no effect with ${given[0]}; remove it.`);
  }
  let user: UserCode;
  if (props.entry !== undefined) {
    user = bundleEntry(where, props.entry, props.bundling ?? {}, runtime);
  } else if (props.code !== undefined) {
    user = fromLambdaCode(scope, where, props.code, props.handlerModule);
  } else {
    user = fromHandlerPath(where, props.handlerPath!, props.codeDirectory);
  }

  const contents = new Map<string, Buffer>([
    ['index.js', fs.readFileSync(RUNTIME_FILE)],
    ['handler-entry.js', Buffer.from(`'use strict';\nmodule.exports = require(${JSON.stringify(user.entry)});\n`)],
    ['package.json', Buffer.from('{\n  "private": true,\n  "type": "commonjs"\n}\n')],
  ]);
  for (const [rel, content] of user.files) {
    contents.set(rel, content);
  }
  const hash = crypto.createHash('sha256');
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
  return { directory: target, sourceMap: user.sourceMap === true };
}

/** `handlerPath` (and `codeDirectory`): CommonJS packaged as it is. */
function fromHandlerPath(where: string, handlerPath: string, codeDirectory?: string): UserCode {
  if (typeof handlerPath !== 'string' || handlerPath.length === 0) {
    throw new Error(`${where}: handlerPath must be the path of a .js or .cjs file exporting handler(args, context); received ${String(handlerPath)}.`);
  }
  const file = path.resolve(handlerPath);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new Error(`${where}: handlerPath '${handlerPath}' (resolved to ${file}) is not a file. Pass the path of your handler module, e.g. path.join(__dirname, 'handler.cjs').`);
  }
  const ext = path.extname(file);
  if (ext !== '.js' && ext !== '.cjs') {
    throw new Error(`${where}: handlerPath must be a CommonJS .js or .cjs file (it is packaged without bundling); received '${path.basename(file)}'. For TypeScript or ES modules, pass the file as entry instead: it is bundled with esbuild.`);
  }
  const files = new Map<string, Buffer>();
  if (codeDirectory === undefined) {
    files.set(`handler/${path.basename(file)}`, fs.readFileSync(file));
    return { files, entry: `./handler/${path.basename(file)}` };
  }
  const dir = path.resolve(codeDirectory);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`${where}: codeDirectory '${codeDirectory}' (resolved to ${dir}) is not a folder.`);
  }
  const relative = path.relative(dir, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(`${where}: handlerPath ${file} is not inside codeDirectory ${dir}; put the handler module in that folder or choose its parent folder.`);
  }
  addFolder(files, dir);
  return { files, entry: `./handler/${relative.split(path.sep).join('/')}` };
}

/** Copy every file of `dir` under `handler/`. */
function addFolder(files: Map<string, Buffer>, dir: string): void {
  for (const f of listFiles(dir)) {
    files.set(path.posix.join('handler', path.relative(dir, f).split(path.sep).join('/')), fs.readFileSync(f));
  }
}

/** `entry`: bundled with esbuild into `handler/index.js`. */
function bundleEntry(where: string, entry: string, options: CallbackBundlingOptions, runtime: lambda.Runtime): UserCode {
  if (typeof entry !== 'string' || entry.length === 0) {
    throw new Error(`${where}: entry must be the path of a TypeScript or JavaScript file exporting handler; received ${String(entry)}.`);
  }
  const file = path.resolve(entry);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new Error(`${where}: entry '${entry}' (resolved to ${file}) is not a file. Pass the path of your handler module, e.g. path.join(__dirname, 'approve.ts').`);
  }
  if (!ENTRY_EXTENSIONS.includes(path.extname(file))) {
    throw new Error(`${where}: entry must be a ${ENTRY_EXTENSIONS.join(', ')} file; received '${path.basename(file)}'.`);
  }
  const projectRoot = path.resolve(options.projectRoot ?? path.dirname(file));
  if (options.projectRoot !== undefined && (!fs.existsSync(projectRoot) || !fs.statSync(projectRoot).isDirectory())) {
    throw new Error(`${where}: bundling.projectRoot '${options.projectRoot}' (resolved to ${projectRoot}) is not a folder.`);
  }
  if (options.tsconfig !== undefined && !fs.existsSync(path.resolve(options.tsconfig))) {
    throw new Error(`${where}: bundling.tsconfig '${options.tsconfig}' (resolved to ${path.resolve(options.tsconfig)}) does not exist.`);
  }
  const version = /^nodejs(\d+)/.exec(runtime.name)?.[1];
  // Loaded only when an entry is bundled, so apps that never bundle do not load esbuild.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const common = {
    entryPoints: [file],
    absWorkingDir: projectRoot,
    platform: 'node' as const,
    target: version !== undefined ? `node${version}` : 'node20',
    tsconfig: options.tsconfig !== undefined ? path.resolve(options.tsconfig) : undefined,
    logLevel: 'silent' as const,
    write: false,
  };
  let exported: string[] | undefined;
  let output: import('esbuild').BuildResult<{ write: false; metafile: true }>;
  try {
    // What an ES module exports (CommonJS exports are not visible statically, so those are not checked).
    const scan = esbuild.buildSync({ ...common, bundle: false, format: 'esm', metafile: true, outdir: path.join(projectRoot, '.callback-scan') });
    const isEsm = Object.values(scan.metafile.inputs).some((input) => input.format === 'esm');
    exported = isEsm ? Object.values(scan.metafile.outputs).flatMap((o) => o.exports) : undefined;
    output = esbuild.buildSync({
      ...common,
      bundle: true,
      format: 'cjs',
      // Named as staged (handler/index.js), so source map paths are right relative to the project root;
      // nothing is written (write: false), but esbuild refuses an outfile that is the entry itself.
      outfile: path.join(projectRoot, path.join(projectRoot, 'handler', 'index.js') === file ? 'handler-bundle' : 'handler', 'index.js'),
      external: ['@aws-sdk/*', ...(options.externalModules ?? [])],
      minify: options.minify ?? false,
      sourcemap: options.sourceMap === true,
      sourcesContent: false,
      define: options.define,
      metafile: true,
    });
  } catch (e) {
    const errors = (e as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } | null }> }).errors;
    const detail = errors !== undefined && errors.length > 0
      ? errors.map((m) => `${m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : ''}${m.text}`).join('; ')
      : (e as Error).message;
    throw new Error(`${where}: esbuild could not bundle entry ${file}: ${detail}. Fix the module, or list modules that must stay outside the bundle in bundling.externalModules.`);
  }
  if (exported !== undefined && !exported.includes('handler')) {
    throw new Error(`${where}: entry ${file} exports ${exported.length > 0 ? exported.join(', ') : 'nothing'} but no handler; export the callback handler as \`export const handler: CallbackHandlerFunction = async (inputs, context) => ({ ... })\`.`);
  }
  const files = new Map<string, Buffer>();
  for (const out of output.outputFiles) {
    files.set(`handler/${path.basename(out.path)}`, Buffer.from(out.contents));
  }
  return { files, entry: './handler/index.js', sourceMap: options.sourceMap === true };
}

/** `code`: inline source or an asset folder, packaged with the wrapper. */
function fromLambdaCode(scope: Construct, where: string, code: lambda.Code, handlerModule?: string): UserCode {
  if (handlerModule !== undefined && (handlerModule.length === 0 || handlerModule.startsWith('/') || handlerModule.split('/').includes('..'))) {
    throw new Error(`${where}: handlerModule must be a relative path inside the asset folder, like 'index.js' or 'src/approve.js'; received '${handlerModule}'.`);
  }
  if (code instanceof lambda.InlineCode) {
    if (handlerModule !== undefined) {
      throw new Error(`${where}: handlerModule applies to lambda.Code.fromAsset only; inline code is the handler module itself. Remove handlerModule.`);
    }
    const source = code.bind(scope).inlineCode ?? '';
    return { files: new Map([['handler/index.js', Buffer.from(source)]]), entry: './handler/index.js' };
  }
  if (code instanceof lambda.AssetCode) {
    if ((code as unknown as { options?: { bundling?: unknown } }).options?.bundling !== undefined) {
      throw new Error(`${where}: code is lambda.Code.fromAsset with bundling options, which CallbackHandler does not run (it packages the folder with its runtime wrapper). Pass the TypeScript or JavaScript file as entry (bundled with esbuild), or bundle first and pass the output folder.`);
    }
    const dir = path.resolve(code.path);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new Error(`${where}: code is lambda.Code.fromAsset('${code.path}'), which is not a folder; CallbackHandler packages a folder with its runtime wrapper and cannot open .zip or .jar files. Pass the unpacked folder.`);
    }
    const module = handlerModule ?? 'index.js';
    const file = path.join(dir, ...module.split('/'));
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      throw new Error(`${where}: the code folder ${dir} has no handler module '${module}'. Put the module exporting handler there, or set handlerModule to its path in the folder.`);
    }
    const files = new Map<string, Buffer>();
    addFolder(files, dir);
    return { files, entry: `./handler/${module}` };
  }
  throw new Error(`${where}: code must be lambda.Code.fromInline(...) or lambda.Code.fromAsset(folder), which CallbackHandler packages with its runtime wrapper; received ${code.constructor.name}. Use entry for a TypeScript file, or create your own lambda.Function and a CallbackStep with its queue.`);
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
