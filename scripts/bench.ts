/**
 * Benchmarks (issue 6 item 7, issue 14, DESIGN decision 5). Two sections:
 *
 * 1. In process, per N: pipelines of N chained steps built with this library against the same
 *    definition written by hand into a plain `CfnPipeline` through `Stack.toJsonString` (what users
 *    write today). A user waits for both building the constructs and synthesizing them, so each run
 *    times the build (constructs created in a fresh `App`) and `app.synth()`, and the report compares
 *    their sums: `N=600 ... ratio(build+synth)=<x>` (target at most 1.0, stretch 0.5).
 * 2. Whole process: `npx cdk synth` of the default app (cdk.json) against a bare CDK app (one stack,
 *    one bucket) run by the same cdk.json runner, and the default app run by ts-node's transpile-only
 *    mode instead: wall time, CPU time and peak memory (the largest process's max RSS, from
 *    `/usr/bin/time -v`, or from Node's child-process resource usage where that is missing).
 *
 * The pipeline: N steps alternating Processing and Training. Each training step's `train` channel
 * reads the previous processing step's `ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri`;
 * each processing step (but the first) reads the previous training step's
 * `ModelArtifacts.S3ModelArtifacts`. Every job runs as one `iam.Role` (its ARN a CloudFormation
 * token), and every output location concatenates a bucket's name (another token).
 *
 * Method (section 1): every (variant, N) runs in child processes of its own (3 per variant, library
 * and hand-built alternating, so that changing load on the shared machine falls on both), whose
 * peak RSS (`process.resourceUsage().maxRSS`, including the Node and ts-node baseline printed below)
 * is their own. A child collects its heap (`--expose-gc`) and builds the app in a fresh `App` for
 * each run, and times the build and
 * `app.synth()` separately (two untimed warm-up runs first, then 5 timed runs), in wall time and in
 * the process's CPU time (`process.cpuUsage`, which includes V8's parallel GC threads). The report
 * gives medians over all runs of a variant, build+synth as the median of the per-run sums, and both
 * ratios; either above 1.0 at N=600 misses the target. `CDK_VALIDATION=false` turns off aws-cdk-lib's
 * own template validation, which would otherwise dominate both variants. The parent checks that
 * every child synthesized the same definition. `BENCH_ROUNDS` and `BENCH_RUNS` change the counts.
 *
 * Usage: `npm run bench [-- [--created-role] [--no-whole-process | --whole-process-only] [N ...]]` (exit code 0 always: this
 * is a report, not a test). `--created-role`: the jobs run as a role created in the stack, so that
 * the IAM grants the library makes per step are measured too.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { wholeProcessSection } from './bench-whole-process';
import { ContainerImage, DefinitionPlacement, InstanceType, Pipeline, ProcessingStep, TrainingInput, TrainingStep } from '../lib';

process.env.CDK_VALIDATION = 'false';

const SIZES = [10, 100, 600];
const RUNS: Record<number, number> = { 10: 5, 100: 5, 600: 5 };
/** Untimed runs first, so that both variants are measured with their code optimized by the JIT. */
const WARMUP_RUNS = 2;
const TARGET_RATIO = 1.0;
const TARGET_GROWTH = 7;

const ENV = { account: '123456789012', region: 'us-east-1' };
const PROCESSING_IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';
const TRAINING_IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';
const ENTRYPOINT = ['python3', '/opt/ml/processing/code/preprocess.py'];

/**
 * `--created-role`: the jobs run as a role created in the stack, which the library grants
 * least-privilege S3 access per output prefix (two statements per S3 location, which aws-cdk-lib then
 * merges pairwise) while the hand-built variant grants `bucket.grantReadWrite(role)` once. By default
 * the jobs run as an imported role whose ARN is a `CfnParameter` token (`mutable: false`), so that
 * neither variant adds IAM statements per step and the comparison is about the definition alone.
 */
const CREATED_ROLE = process.argv.includes('--created-role');

type Variant = 'library' | 'handbuilt';

/** The role every job runs as: its ARN a CloudFormation token either way. */
function jobRole(stack: Stack): iam.IRole {
  if (CREATED_ROLE) {
    return new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  }
  const arn = new CfnParameter(stack, 'JobRoleArn', { type: 'String', default: 'arn:aws:iam::123456789012:role/sagemaker-jobs' });
  return iam.Role.fromRoleArn(stack, 'JobRole', arn.valueAsString, { mutable: false });
}

/** What a child process reports. */
interface ChildResult {
  readonly variant: Variant;
  readonly n: number;
  readonly timesMs: number[];
  readonly medianMs: number;
  readonly cpuMedianMs: number;
  readonly buildMedianMs: number;
  readonly buildCpuMedianMs: number;
  readonly definitionChars: number;
  readonly definitionHash: string;
  readonly baselineRssMb: number;
  readonly peakRssMb: number;
  /** Every timed run: wall and CPU milliseconds of the build and of the synth. */
  readonly runs: RunTimes[];
}

/** One timed run of a child. */
interface RunTimes {
  readonly build: number;
  readonly synth: number;
  readonly buildCpu: number;
  readonly synthCpu: number;
}

/** The library variant: the steps as constructs. */
function buildLibrary(app: App, n: number): void {
  const stack = new Stack(app, 'Bench', { env: ENV });
  const bucket = new s3.Bucket(stack, 'Data');
  const role = jobRole(stack);
  // Inline at every N, like the hand-built variant (auto() would move N=600 to S3).
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'bench', definitionPlacement: DefinitionPlacement.inline() });
  let previousTraining: TrainingStep | undefined;
  let previousProcessing: ProcessingStep | undefined;
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      previousProcessing = new ProcessingStep(pipeline, `Prep${i}`, {
        image: ContainerImage.fromRegistry(PROCESSING_IMAGE),
        containerEntrypoint: ENTRYPOINT,
        instanceType: InstanceType.M5_XLARGE,
        role,
        inputs: [{
          inputName: 'raw',
          s3Uri: previousTraining ? previousTraining.properties.ModelArtifacts.S3ModelArtifacts : `s3://${bucket.bucketName}/raw`,
          localPath: '/opt/ml/processing/input',
        }],
        outputs: [{ outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: `s3://${bucket.bucketName}/step${i}/train` }],
      });
    } else {
      previousTraining = new TrainingStep(pipeline, `Train${i}`, {
        image: ContainerImage.fromRegistry(TRAINING_IMAGE),
        role,
        outputPath: `s3://${bucket.bucketName}/models/step${i}`,
        inputs: [TrainingInput.s3('train', previousProcessing!.properties.ProcessingOutputConfig.Outputs.train.S3Output.S3Uri, { contentType: 'text/csv' })],
        hyperparameters: { objective: 'reg:squarederror', num_round: 50 },
      });
    }
  }
}

/** The hand-built variant: the same definition object, written by hand, through `Stack.toJsonString`. */
function buildHandBuilt(app: App, n: number): void {
  const stack = new Stack(app, 'Bench', { env: ENV });
  const bucket = new s3.Bucket(stack, 'Data');
  const role = jobRole(stack);
  const pipelineRole = new iam.Role(stack, 'PipelineRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  pipelineRole.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['iam:PassRole'],
    resources: [role.roleArn],
    conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
  }));
  pipelineRole.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob', 'sagemaker:AddTags',
      'sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob'],
    resources: ['*'],
  }));
  if (CREATED_ROLE) {
    bucket.grantReadWrite(role);
  }

  const steps: unknown[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      const input = i === 0 ? `s3://${bucket.bucketName}/raw` : { Get: `Steps.Train${i - 1}.ModelArtifacts.S3ModelArtifacts` };
      steps.push({
        Name: `Prep${i}`,
        Type: 'Processing',
        Arguments: {
          ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 } },
          AppSpecification: { ImageUri: PROCESSING_IMAGE, ContainerEntrypoint: ENTRYPOINT },
          RoleArn: role.roleArn,
          ProcessingInputs: [{
            InputName: 'raw',
            AppManaged: false,
            S3Input: {
              S3Uri: input,
              LocalPath: '/opt/ml/processing/input',
              S3DataType: 'S3Prefix',
              S3InputMode: 'File',
              S3DataDistributionType: 'FullyReplicated',
              S3CompressionType: 'None',
            },
          }],
          ProcessingOutputConfig: {
            Outputs: [{
              OutputName: 'train',
              AppManaged: false,
              S3Output: { S3Uri: `s3://${bucket.bucketName}/step${i}/train`, LocalPath: '/opt/ml/processing/train', S3UploadMode: 'EndOfJob' },
            }],
          },
        },
      });
    } else {
      steps.push({
        Name: `Train${i}`,
        Type: 'Training',
        Arguments: {
          AlgorithmSpecification: { TrainingImage: TRAINING_IMAGE, TrainingInputMode: 'File' },
          OutputDataConfig: { S3OutputPath: `s3://${bucket.bucketName}/models/step${i}` },
          StoppingCondition: { MaxRuntimeInSeconds: 86400 },
          ResourceConfig: { VolumeSizeInGB: 30, InstanceCount: 1, InstanceType: 'ml.m5.xlarge' },
          RoleArn: role.roleArn,
          InputDataConfig: [{
            DataSource: {
              S3DataSource: {
                S3DataType: 'S3Prefix',
                S3Uri: { Get: `Steps.Prep${i - 1}.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri` },
                S3DataDistributionType: 'FullyReplicated',
              },
            },
            ContentType: 'text/csv',
            ChannelName: 'train',
          }],
          HyperParameters: { objective: 'reg:squarederror', num_round: '50' },
        },
      });
    }
  }
  const definition = {
    Version: '2020-12-01',
    Metadata: {},
    Parameters: [],
    PipelineExperimentConfig: {
      ExperimentName: { Get: 'Execution.PipelineName' },
      TrialName: { Get: 'Execution.PipelineExecutionId' },
    },
    Steps: steps,
  };
  new sagemaker.CfnPipeline(stack, 'Pipeline', {
    pipelineName: 'bench',
    roleArn: pipelineRole.roleArn,
    pipelineDefinition: { PipelineDefinitionBody: stack.toJsonString(definition) },
  });
}

/** Readable text of a synthesized `PipelineDefinitionBody`, CloudFormation values as placeholders. */
function bodyText(body: unknown): string {
  if (typeof body === 'string') {
    return body;
  }
  const join = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return join[1].map((part) => (typeof part === 'string' ? part : `\${CFN:${JSON.stringify(part)}}`)).join('');
}

function definitionText(app: App): string {
  const template = app.synth().getStackByName('Bench').template as { Resources: Record<string, { Type: string; Properties: any }> };
  const pipeline = Object.values(template.Resources).find((r) => r.Type === 'AWS::SageMaker::Pipeline');
  return bodyText(pipeline!.Properties.PipelineDefinition.PipelineDefinitionBody);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function mb(kilobytes: number): number {
  return Math.round(kilobytes / 1024);
}

/** Child process: run one variant at one size and print a JSON ChildResult on the last line. */
function runChild(variant: Variant, n: number): void {
  const build = variant === 'library' ? buildLibrary : buildHandBuilt;
  const outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'sagemaker-pipelines-bench-'));
  const baselineRssMb = mb(process.resourceUsage().maxRSS);
  try {
    const times: number[] = [];
    const cpuTimes: number[] = [];
    const buildTimes: number[] = [];
    const buildCpuTimes: number[] = [];
    const runTimes: RunTimes[] = [];
    let text = '';
    const runs = Number(process.env.BENCH_RUNS ?? 0) || (RUNS[n] ?? 3);
    for (let run = -WARMUP_RUNS; run < runs; run++) {
      // Each run starts from a collected heap, as a user's one synth does: otherwise a major GC of the
      // earlier runs' garbage lands on whichever run happens to trigger it (runs varied 2x without this).
      (globalThis as { gc?: () => void }).gc?.();
      const app = new App({ outdir: path.join(outRoot, `run${run + WARMUP_RUNS}`) });
      const b0 = process.hrtime.bigint();
      const bc0 = process.cpuUsage();
      build(app, n);
      const bc1 = process.cpuUsage(bc0);
      const t0 = process.hrtime.bigint();
      const c0 = process.cpuUsage();
      app.synth();
      const c1 = process.cpuUsage(c0);
      const t1 = process.hrtime.bigint();
      if (run >= 0) {
        times.push(Number(t1 - t0) / 1e6);
        cpuTimes.push((c1.user + c1.system) / 1e3);
        buildTimes.push(Number(t0 - b0) / 1e6);
        buildCpuTimes.push((bc1.user + bc1.system) / 1e3);
        runTimes.push({
          build: buildTimes[buildTimes.length - 1],
          synth: times[times.length - 1],
          buildCpu: buildCpuTimes[buildCpuTimes.length - 1],
          synthCpu: cpuTimes[cpuTimes.length - 1],
        });
      }
      if (run === runs - 1) {
        text = definitionText(app);
      }
    }
    const result: ChildResult = {
      variant,
      n,
      timesMs: times,
      medianMs: median(times),
      cpuMedianMs: median(cpuTimes),
      buildMedianMs: median(buildTimes),
      buildCpuMedianMs: median(buildCpuTimes),
      definitionChars: text.length,
      definitionHash: crypto.createHash('sha256').update(text).digest('hex'),
      baselineRssMb,
      peakRssMb: mb(process.resourceUsage().maxRSS),
      runs: runTimes,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    fs.rmSync(outRoot, { recursive: true, force: true });
  }
}

function spawnChild(variant: Variant, n: number): ChildResult | undefined {
  const child = spawnSync(process.execPath, ['--expose-gc', '-r', 'ts-node/register', __filename, '--child', variant, String(n), ...(CREATED_ROLE ? ['--created-role'] : [])], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PREFER_TS_EXTS: 'true', CDK_VALIDATION: 'false' },
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = (child.stdout ?? '').trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]) as ChildResult;
  } catch {
    console.log(`N=${n} ${variant}: child failed (exit ${child.status}): ${(child.stderr ?? '').split('\n').slice(0, 12).join('\n')}`);
    return undefined;
  }
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    runChild(args[1] as Variant, Number(args[2]));
    return;
  }
  if (args[0] === '--dump') {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'sagemaker-pipelines-bench-')) });
    (args[1] === 'handbuilt' ? buildHandBuilt : buildLibrary)(app, Number(args[2] ?? 4));
    console.log(definitionText(app));
    return;
  }
  const given = args.filter((a) => !a.startsWith('--')).map(Number);
  const sizes = given.length > 0 ? given : SIZES;
  let missed = args.includes('--whole-process-only') ? false : !inProcessSection(sizes);
  if (!args.includes('--no-whole-process')) {
    missed = !wholeProcessSection() || missed;
  }
  console.log(missed ? 'result: TARGET MISSED' : 'result: targets met');
}

/**
 * Medians over every timed run of a variant's children (rounds interleaved with the other variant's,
 * so that load changing on the machine falls on both): build and synth each, and the sum per run.
 */
interface VariantFigures {
  readonly build: number;
  readonly synth: number;
  readonly total: number;
  readonly buildCpu: number;
  readonly synthCpu: number;
  readonly totalCpu: number;
  readonly runs: number;
  readonly peakRssMb: number;
  readonly baselineRssMb: number;
  readonly definitionChars: number;
  readonly definitionHash: string;
}

function figuresOf(children: ChildResult[]): VariantFigures {
  const runs = children.flatMap((c) => c.runs);
  return {
    build: median(runs.map((r) => r.build)),
    synth: median(runs.map((r) => r.synth)),
    total: median(runs.map((r) => r.build + r.synth)),
    buildCpu: median(runs.map((r) => r.buildCpu)),
    synthCpu: median(runs.map((r) => r.synthCpu)),
    totalCpu: median(runs.map((r) => r.buildCpu + r.synthCpu)),
    runs: runs.length,
    peakRssMb: Math.max(...children.map((c) => c.peakRssMb)),
    baselineRssMb: Math.max(...children.map((c) => c.baselineRssMb)),
    definitionChars: children[0].definitionChars,
    definitionHash: children[0].definitionHash,
  };
}

/** Child processes per variant and size, alternating library and hand-built. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 0) || 3;

/** Section 1: build and synth in process, library against hand-built, per N. Returns whether the targets were met. */
function inProcessSection(sizes: number[]): boolean {
  const runsPerChild = Number(process.env.BENCH_RUNS ?? 0) || RUNS[600];
  console.log(`== in process: build + synth (node ${process.version}, CDK_VALIDATION=false, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)},`
    + ` job role: ${CREATED_ROLE ? 'created in the stack (--created-role)' : 'imported, ARN a CfnParameter token'});`
    + ` per variant ${ROUNDS} child processes (alternating) x ${runsPerChild} runs after ${WARMUP_RUNS} warm-ups; medians over all runs,`
    + ' build+synth as the median of per-run sums; wall and process CPU time (CPU includes V8\'s parallel GC threads)');
  const totals = new Map<number, number>();
  let missed = false;
  let baseline = 0;
  for (const n of sizes) {
    const libChildren: ChildResult[] = [];
    const handChildren: ChildResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const lib = spawnChild('library', n);
      const hand = spawnChild('handbuilt', n);
      if (lib !== undefined) {
        libChildren.push(lib);
      }
      if (hand !== undefined) {
        handChildren.push(hand);
      }
    }
    if (libChildren.length < ROUNDS || handChildren.length < ROUNDS) {
      missed = true;
      continue;
    }
    const lib = figuresOf(libChildren);
    const hand = figuresOf(handChildren);
    baseline = Math.max(baseline, lib.baselineRssMb, hand.baselineRssMb);
    totals.set(n, lib.total);
    const ratio = lib.total / hand.total;
    const cpuRatio = lib.totalCpu / hand.totalCpu;
    const same = [...libChildren, ...handChildren].every((c) => c.definitionHash === lib.definitionHash) ? '' : ' DEFINITIONS DIFFER';
    console.log(`N=${n} library: build=${lib.build.toFixed(1)}ms synth=${lib.synth.toFixed(1)}ms build+synth=${lib.total.toFixed(1)}ms`
      + ` | handbuilt: build=${hand.build.toFixed(1)}ms synth=${hand.synth.toFixed(1)}ms build+synth=${hand.total.toFixed(1)}ms`
      + ` | ratio(build+synth)=${ratio.toFixed(2)}`
      + ` | cpu: library=${lib.buildCpu.toFixed(0)}+${lib.synthCpu.toFixed(0)}ms handbuilt=${hand.buildCpu.toFixed(0)}+${hand.synthCpu.toFixed(0)}ms ratio(build+synth)=${cpuRatio.toFixed(2)}`
      + ` | definition=${lib.definitionChars}chars peakRSS: library=${lib.peakRssMb}MB handbuilt=${hand.peakRssMb}MB${same}`);
    if (n === 600 && ratio > TARGET_RATIO) {
      console.log(`TARGET MISSED: ratio(build+synth) ${ratio.toFixed(2)} at N=600 is above ${TARGET_RATIO.toFixed(1)}`);
      missed = true;
    }
    if (n === 600 && cpuRatio > TARGET_RATIO) {
      console.log(`TARGET MISSED: the CPU-time ratio(build+synth) ${cpuRatio.toFixed(2)} at N=600 is above ${TARGET_RATIO.toFixed(1)}`);
      missed = true;
    }
    if (same !== '') {
      missed = true;
    }
  }
  const l100 = totals.get(100);
  const l600 = totals.get(600);
  if (l100 !== undefined && l600 !== undefined) {
    const growth = l600 / l100;
    console.log(`growth(library build+synth) N=600/N=100 = ${growth.toFixed(2)} (linear would be 6)`);
    if (growth > TARGET_GROWTH) {
      console.log(`TARGET MISSED: growth ${growth.toFixed(2)} from N=100 to N=600 is above ${TARGET_GROWTH}`);
      missed = true;
    }
  }
  console.log(`peakRSS is each child process's max RSS, including a baseline of about ${baseline}MB (node + ts-node + aws-cdk-lib before the first app)`);
  return !missed;
}

main();
void import('./bench-simulator').then((m) => m.runSimulatorBenchmark());
