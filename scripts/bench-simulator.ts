/**
 * Simulator benchmark (issue 11): how long `simulate()` takes on a 600-step pipeline.
 *
 * Two pipelines of N steps built with the library's constructs:
 * - `chain`: Processing and Training steps alternating, each reading the previous one's output
 *   (`ProcessingOutputConfig.Outputs['train']...`, `ModelArtifacts.S3ModelArtifacts`), with a retry
 *   policy and an injected capacity failure on every tenth step, so N waves;
 * - `wide`: N independent Processing steps under `maxParallelExecutionSteps: 50`, so N / 50 waves.
 *
 * For each, the definition is rendered once (`definitionOf`, not timed), then `simulate()` runs on
 * the definition document: two untimed warm-up runs, then 5 timed runs; the median wall time is
 * printed. The definition is also simulated once from the construct, to show what `definitionOf`
 * adds.
 *
 * Usage: `npm run bench` (its last part), or `npx ts-node scripts/bench-simulator.ts [N]`.
 * Exit code 0 always: this is a report, not a test.
 */
import * as os from 'os';
import { App, Stack } from 'aws-cdk-lib';
import {
  ContainerImage, DefinitionPlacement, InstanceType, Pipeline, ProcessingStep, RetryPolicy, SageMakerJobExceptionType, SimulationOptions,
  TrainingInput, TrainingStep,
  definitionOf, simulate,
} from '../lib';

const IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';
const RUNS = 5;
const WARMUP_RUNS = 2;

function chain(n: number): { pipeline: Pipeline; options: SimulationOptions } {
  const stack = new Stack(new App(), 'SimulatorBench', { env: { account: '123456789012', region: 'us-east-1' } });
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'simulator-bench', definitionPlacement: DefinitionPlacement.inline() });
  const retry = [RetryPolicy.sageMakerJob({ exceptionTypes: [SageMakerJobExceptionType.CAPACITY_ERROR], maxAttempts: 3 })];
  const steps: SimulationOptions['steps'] = {};
  let previousTraining: TrainingStep | undefined;
  let previousProcessing: ProcessingStep | undefined;
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      previousProcessing = new ProcessingStep(pipeline, `Prep${i}`, {
        image: ContainerImage.fromRegistry(IMAGE),
        containerEntrypoint: ['python3', 'prep.py'],
        instanceType: InstanceType.M5_XLARGE,
        inputs: [{ inputName: 'raw', s3Uri: previousTraining ? previousTraining.properties.ModelArtifacts.S3ModelArtifacts : 's3://bench/raw', localPath: '/opt/ml/processing/input' }],
        outputs: [{ outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: `s3://bench/step${i}/train` }],
        retryPolicies: retry,
      });
    } else {
      previousTraining = new TrainingStep(pipeline, `Train${i}`, {
        image: ContainerImage.fromRegistry(IMAGE),
        outputPath: `s3://bench/models/step${i}`,
        inputs: [TrainingInput.s3('train', previousProcessing!.properties.ProcessingOutputConfig.Outputs.train.S3Output.S3Uri)],
        hyperparameters: { num_round: 50 },
        retryPolicies: retry,
      });
    }
    if (i % 10 === 0) {
      steps[i % 2 === 0 ? `Prep${i}` : `Train${i}`] = { failures: [{ exceptionType: 'SageMaker.CAPACITY_ERROR', attempts: 1 }] };
    }
  }
  return { pipeline, options: { steps } };
}

function wide(n: number): { pipeline: Pipeline; options: SimulationOptions } {
  const stack = new Stack(new App(), 'SimulatorBench', { env: { account: '123456789012', region: 'us-east-1' } });
  const pipeline = new Pipeline(stack, 'Pipeline', {
    pipelineName: 'simulator-bench-wide', maxParallelExecutionSteps: 50, definitionPlacement: DefinitionPlacement.inline(),
  });
  for (let i = 0; i < n; i++) {
    new ProcessingStep(pipeline, `Prep${i}`, {
      image: ContainerImage.fromRegistry(IMAGE),
      containerEntrypoint: ['python3', 'prep.py'],
      instanceType: InstanceType.M5_XLARGE,
      outputs: [{ outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: `s3://bench/wide${i}/train` }],
    });
  }
  return { pipeline, options: {} };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(label: string, n: number, build: (n: number) => { pipeline: Pipeline; options: SimulationOptions }): void {
  const { pipeline, options } = build(n);
  const definition = definitionOf(pipeline);
  // The definition document carries no ParallelismConfiguration: give the pipeline's, as the construct run reads it.
  const parallel = label === 'wide' ? 50 : undefined;
  const times: number[] = [];
  let trace = simulate(definition, { ...options, maxParallelExecutionSteps: parallel });
  for (let run = -WARMUP_RUNS; run < RUNS; run++) {
    const t0 = process.hrtime.bigint();
    trace = simulate(definition, { ...options, maxParallelExecutionSteps: parallel });
    const t1 = process.hrtime.bigint();
    if (run >= 0) {
      times.push(Number(t1 - t0) / 1e6);
    }
  }
  const t0 = process.hrtime.bigint();
  const fromConstruct = simulate(pipeline, options);
  const constructMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const retried = trace.steps.filter((s) => s.attempts.length > 1).length;
  console.log(`simulator ${label} N=${n}: simulate(definition)=${median(times).toFixed(1)}ms (median of ${RUNS}), simulate(pipeline construct)=${constructMs.toFixed(1)}ms,`
    + ` status=${trace.status} waves=${trace.waves} retried steps=${retried}${fromConstruct.waves === trace.waves ? '' : ' CONSTRUCT RUN DIFFERS'}`);
}

/**
 * Runs the simulator benchmark and prints one line per pipeline shape. Does nothing in the synth
 * benchmark's child processes (`--child`, `--dump`), so `scripts/bench.ts` can call it last.
 */
export function runSimulatorBenchmark(sizes: number[] = [600]): void {
  if (process.argv.includes('--child') || process.argv.includes('--dump')) {
    return;
  }
  console.log(`cdk-sagemaker-pipelines simulator benchmark (node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)})`);
  for (const n of sizes) {
    measure('chain', n, chain);
    measure('wide', n, wide);
  }
}

if (require.main === module) {
  const given = process.argv.slice(2).filter((a) => /^\d+$/.test(a)).map(Number);
  runSimulatorBenchmark(given.length > 0 ? given : undefined);
}
