/**
 * The bad-input catalogue: every case builds a small app with one mistake and must fail at synth (or
 * before, when the construct is created) with a message that says where the mistake is and how to
 * fix it, and must leave no template behind.
 *
 * `where` is the construct path of the offending construct, or of the pipeline for whole-graph errors.
 * A few inputs are values made before any construct exists (parameters, retry policies, images,
 * conditions, ranges...): their factories throw at once, at the user's line, and `where` is then the
 * name the message gives them (the factory, or the parameter's name).
 *
 * Compile-time mistakes are in the last `describe`, as `@ts-expect-error` lines that ts-jest
 * type-checks.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  AutoMLInput, AutoMLMode, AutoMLStep, CacheConfig, CallbackHandler, CallbackStep, CategoricalParameter, Condition, ConditionStep,
  ContainerImage, ContinuousParameter, EMRStep, EmrCluster, ExecutionVariable, FailStep, InferenceExecutionMode, InstanceType,
  IntegerParameter, Join, JsonGet, LambdaStep, ModelApprovalStatus, ModelPackageGroup, ModelStep, NotebookJobStep, ParameterInteger,
  ParameterString, Pipeline, PipelineScheduleTarget, PipelineTarget, ProcessingStep, PropertyFile, RegisterModelStep, RetryPolicy,
  SageMakerJobExceptionType, StepExceptionType, TrainingInput, TrainingStep, TransformStep, TuningObjectiveType, TuningStep,
  TuningStrategy,
} from '../lib';

const IMAGE = ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1');
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals';
const METRICS = [{ name: 'validation:rmse', regex: 'rmse=([0-9\\.]+)' }];
/** A notebook job's required props, with the example's notebook. */
const NOTEBOOK_JOB = {
  notebook: path.join(__dirname, '..', 'examples', 'notebook-job', 'report.ipynb'),
  image: ContainerImage.fromRegistry('885854791233.dkr.ecr.us-east-1.amazonaws.com/sagemaker-distribution-prod:1-cpu'),
  kernelName: 'python3',
};
const HANDLER_FILE = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-handler-')), 'handler.cjs');
fs.writeFileSync(HANDLER_FILE, 'exports.handler = async () => ({ status: "Success" });\n');

/** Words that open a fix in the library's messages ("...; remove it.", "Pass ...", "did you mean ..."). */
const FIX_HINT = /\b(use|remove|add|pass|choose|rename|give|set|create|move|shorten|swap|lower|raise|increase|decrease|omit|put|build|convert|combine|keep|adjust|compile|break|list each|declare|did you mean|return fewer|name one|name an|make)\b/i;

interface BadInput {
  /** What is wrong. */
  readonly name: string;
  /** Builds the bad app (the synth happens after). */
  readonly build: (app: App) => void;
  /** The message. */
  readonly expected: RegExp;
  /** Where the message must point: a construct path, or the name of a value made outside any construct. */
  readonly where: string;
  /**
   * A known gap: the library does not (yet) report this input as the catalogue requires. The case then
   * runs as `test.failing` with the same assertions, so fixing the gap turns it red until this is removed.
   */
  readonly gap?: string;
  /** A known gap where the input is not refused at all: the whole case runs as `test.failing`. */
  readonly uncaught?: string;
}

/** A stack in a fixed environment. */
function stackOf(app: App): Stack {
  return new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
}

/** A stack with a pipeline `Stack/Pipeline`. */
function pipelineOf(app: App): Pipeline {
  return new Pipeline(stackOf(app), 'Pipeline');
}

function training(scope: Pipeline, id: string, extra: Record<string, unknown> = {}): TrainingStep {
  return new TrainingStep(scope, id, { image: IMAGE, outputPath: 's3://example-bucket/models', ...extra });
}

function processing(scope: Pipeline, id: string, extra: Record<string, unknown> = {}): ProcessingStep {
  return new ProcessingStep(scope, id, { image: IMAGE, ...extra });
}

function transform(scope: Pipeline, id: string, extra: Record<string, unknown> = {}): TransformStep {
  return new TransformStep(scope, id, {
    modelName: 'churn-xgboost-v3', inputS3Uri: 's3://example-bucket/in', outputPath: 's3://example-bucket/out', ...extra,
  });
}

function tuning(scope: Pipeline, id: string, extra: Record<string, unknown> = {}): TuningStep {
  return new TuningStep(scope, id, {
    trainingJob: { image: IMAGE, outputPath: 's3://example-bucket/tuning', metricDefinitions: METRICS },
    objective: { type: TuningObjectiveType.MINIMIZE, metricName: 'validation:rmse' },
    hyperparameterRanges: [new ContinuousParameter('eta', { minValue: 0.1, maxValue: 0.5 })],
    ...extra,
  });
}

function fn(stack: Stack): lambda.IFunction {
  return new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
}

function withOutputs(scope: Pipeline, id: string): ProcessingStep {
  return processing(scope, id, { outputs: [{ outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: 's3://example-bucket/train' }] });
}

const CASES: BadInput[] = [
  // ---- Pipeline: names and options
  {
    name: 'a pipeline name with an underscore',
    build: (app) => { const p = new Pipeline(stackOf(app), 'Pipeline', { pipelineName: 'my_pipeline' }); new FailStep(p, 'Stop'); },
    expected: /pipelineName must be 1-256 characters .*received 'my_pipeline'/,
    where: 'Stack/Pipeline',
  },
  {
    name: 'a pipeline display name with spaces',
    build: (app) => { const p = new Pipeline(stackOf(app), 'Pipeline', { displayName: 'my pipeline' }); new FailStep(p, 'Stop'); },
    expected: /displayName must be 1-256 characters .*received 'my pipeline'/,
    where: 'Stack/Pipeline',
  },
  {
    name: 'maxParallelExecutionSteps 0',
    build: (app) => { const p = new Pipeline(stackOf(app), 'Pipeline', { maxParallelExecutionSteps: 0 }); new FailStep(p, 'Stop'); },
    expected: /maxParallelExecutionSteps must be an integer of at least 1; received 0/,
    where: 'Stack/Pipeline',
  },
  {
    name: 'a pipeline description over 3,072 characters',
    build: (app) => { const p = new Pipeline(stackOf(app), 'Pipeline', { description: 'x'.repeat(3073) }); new FailStep(p, 'Stop'); },
    expected: /description must be at most 3,072 characters; received 3073/,
    where: 'Stack/Pipeline',
  },
  {
    name: 'a pipeline without steps',
    build: (app) => { pipelineOf(app); },
    expected: /has no steps; add at least one/,
    where: 'Stack/Pipeline',
  },
  // ---- Graph: duplicates, cycles, other pipelines
  {
    name: 'two steps with the same stepName',
    build: (app) => { const p = pipelineOf(app); new FailStep(p, 'A', { stepName: 'Same' }); new FailStep(p, 'B', { stepName: 'Same' }); },
    expected: /2 steps are named 'Same' \(Stack\/Pipeline\/A, Stack\/Pipeline\/B\); step names must be unique .*Pass a distinct stepName/,
    where: 'Stack/Pipeline/A',
  },
  {
    name: 'a cycle through a property reference and dependsOn',
    build: (app) => {
      const p = pipelineOf(app);
      const prep = withOutputs(p, 'Prep');
      const train = training(p, 'Train', { inputs: [TrainingInput.s3('train', prep.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri)] });
      prep.addDependsOn(train);
    },
    expected: /steps form a cycle: .*Prep.*Train.*; remove a dependsOn or a property reference/,
    where: 'Stack/Pipeline/Prep',
  },
  {
    name: 'a property reference to a step of another pipeline',
    build: (app) => {
      const stack = stackOf(app);
      const a = new Pipeline(stack, 'A');
      const prep = withOutputs(a, 'Prep');
      const b = new Pipeline(stack, 'B');
      training(b, 'Train', { inputs: [TrainingInput.s3('train', prep.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri)] });
    },
    expected: /step Stack\/B\/Train reads properties of Stack\/A\/Prep, which belongs to another pipeline \(Stack\/A\).*Pass the value through a parameter or move the step/,
    where: 'Stack/B/Train',
  },
  {
    name: 'dependsOn a step of another pipeline',
    build: (app) => {
      const stack = stackOf(app);
      const other = new FailStep(new Pipeline(stack, 'A'), 'Stop');
      new FailStep(new Pipeline(stack, 'B'), 'Report', { dependsOn: [other] });
    },
    expected: /step Stack\/B\/Report depends on Stack\/A\/Stop, which belongs to another pipeline/,
    where: 'Stack/B/Report',
  },
  {
    name: 'two different parameters with one name',
    build: (app) => {
      const p = pipelineOf(app);
      processing(p, 'A', { inputs: [{ inputName: 'raw', s3Uri: new ParameterString('Input', { defaultValue: 's3://b/a' }).valueAsString, localPath: '/opt/ml/processing/raw' }] });
      processing(p, 'B', { inputs: [{ inputName: 'raw', s3Uri: new ParameterString('Input', { defaultValue: 's3://b/b' }).valueAsString, localPath: '/opt/ml/processing/raw' }] });
    },
    expected: /two different parameters are named 'Input'.*give them different names or use one parameter object/,
    where: 'Stack/Pipeline/B',
  },
  {
    name: 'a step outside any pipeline',
    build: (app) => { new FailStep(stackOf(app), 'Stop'); },
    expected: /FailStep Stack\/Stop is not inside a Pipeline\. Create steps with the pipeline .* as their scope/,
    where: 'Stack/Stop',
  },
  {
    name: 'a step that depends on itself',
    build: (app) => { const s = new FailStep(pipelineOf(app), 'Stop'); s.addDependsOn(s); },
    expected: /a step cannot depend on itself; remove it from dependsOn/,
    where: 'Stack/Pipeline/Stop',
  },
  // ---- Step base: names, retry, cache
  {
    name: 'a stepName with a space',
    build: (app) => { new FailStep(pipelineOf(app), 'Stop', { stepName: 'bad name' }); },
    expected: /stepName must be 1-64 characters of A-Z, a-z, 0-9, - and _; received 'bad name'\. Choose a name like/,
    where: 'Stack/Pipeline/Stop',
  },
  {
    name: 'a construct id that is not a valid step name',
    build: (app) => { new FailStep(pipelineOf(app), 'Stop here'); },
    expected: /step name 'Stop here' of Stack\/Pipeline\/Stop here is invalid.*Pass a valid stepName or change the construct id/,
    where: 'Stack/Pipeline/Stop here',
  },
  {
    name: 'a step display name over 256 characters',
    build: (app) => { new FailStep(pipelineOf(app), 'Stop', { displayName: 'x'.repeat(257) }); },
    expected: /displayName must be at most 256 characters; received 257/,
    where: 'Stack/Pipeline/Stop',
  },
  {
    name: 'retry policies on a Fail step',
    build: (app) => {
      new FailStep(pipelineOf(app), 'Stop', { retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING] })] } as never);
    },
    expected: /does not accept retryPolicies .*; remove them/,
    where: 'Stack/Pipeline/Stop',
  },
  {
    name: 'a SageMaker-job retry policy on an EMR step',
    build: (app) => {
      new EMRStep(pipelineOf(app), 'Spark', {
        cluster: EmrCluster.fromClusterId('j-2AXXXXXXGAPLF'),
        jar: 'command-runner.jar',
        retryPolicies: [RetryPolicy.sageMakerJob({ exceptionTypes: [SageMakerJobExceptionType.CAPACITY_ERROR] })],
      });
    },
    expected: /accepts only RetryPolicy\.step policies.*use RetryPolicy\.step/,
    where: 'Stack/Pipeline/Spark',
  },
  {
    name: 'cacheConfig on a Fail step',
    build: (app) => { new FailStep(pipelineOf(app), 'Stop', { cacheConfig: CacheConfig.enabled(Duration.days(1)) } as never); },
    expected: /does not accept cacheConfig; remove it/,
    where: 'Stack/Pipeline/Stop',
  },
  {
    name: 'a retry policy with 21 attempts',
    build: (app) => { training(pipelineOf(app), 'Train', { retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING], maxAttempts: 21 })] }); },
    expected: /retryPolicies\[0\] is invalid: RetryPolicy.step maxAttempts must be an integer from 1 to 20; received 21/,
    where: 'Stack/Pipeline/Train',
  },
  {
    name: 'a retry policy with both maxAttempts and expireAfter',
    build: (app) => { training(pipelineOf(app), 'Train', { retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING], maxAttempts: 2, expireAfter: Duration.hours(1) })] }); },
    expected: /takes maxAttempts or expireAfter, not both .*; remove one/,
    where: 'Stack/Pipeline/Train',
  },
  {
    name: 'a retry policy without exception types',
    build: (app) => { training(pipelineOf(app), 'Train', { retryPolicies: [RetryPolicy.sageMakerJob({ exceptionTypes: [] })] }); },
    expected: /needs at least one exception type; choose from/,
    where: 'Stack/Pipeline/Train',
  },
  {
    name: 'a cache expiry that is not an ISO-8601 duration',
    build: () => { CacheConfig.enabled('thirty days'); },
    expected: /expireAfter must be an ISO-8601 duration .*received 'thirty days'\. Pass a Duration/,
    where: 'CacheConfig',
  },
  // ---- Parameters
  {
    name: 'a parameter name with a space',
    build: () => { new ParameterString('Input Data'); },
    expected: /Pipeline parameter name must be 1-64 characters .*received 'Input Data'\. Rename the parameter/,
    where: 'Input Data',
  },
  {
    name: 'a String parameter whose default is a CloudFormation token',
    build: (app) => { new ParameterString('Input', { defaultValue: new s3.Bucket(stackOf(app), 'Data').bucketName }); },
    expected: /Default of String parameter 'Input' must be a literal string; .*a default cannot be an expression or a CloudFormation token/,
    where: "'Input'",
  },
  {
    name: 'a String parameter default outside its enumValues',
    build: () => { new ParameterString('Mode', { defaultValue: 'fast', enumValues: ['slow', 'medium'] }); },
    expected: /Default 'fast' of String parameter 'Mode' is not one of its enumValues .*choose a listed default or add it/,
    where: "'Mode'",
  },
  {
    name: 'an Integer parameter with a fractional default',
    build: () => { new ParameterInteger('Epochs', { defaultValue: 1.5 }); },
    expected: /Default of Integer parameter 'Epochs' must be a literal integer; received number 1\.5\. Use a ParameterFloat/,
    where: "'Epochs'",
  },
  {
    name: 'a String parameter listing an enum value twice',
    build: () => { new ParameterString('Mode', { enumValues: ['a', 'a'] }); },
    expected: /enumValues of String parameter 'Mode' lists 'a' twice; list each value once/,
    where: "'Mode'",
  },
  // ---- ProcessingStep
  {
    name: 'a processing step with neither image nor processor',
    build: (app) => { new ProcessingStep(pipelineOf(app), 'Prep', {} as never); },
    expected: /give an image .* or a processor .*; received neither/,
    where: 'Stack/Pipeline/Prep',
  },
  {
    name: 'a processing step with 11 inputs',
    build: (app) => {
      processing(pipelineOf(app), 'Prep', {
        inputs: Array.from({ length: 11 }, (_, i) => ({ inputName: `in${i}`, s3Uri: `s3://example-bucket/in${i}`, localPath: `/opt/ml/processing/in${i}` })),
      });
    },
    expected: /a processing job takes at most 10 inputs; received 11 .*Combine inputs/,
    where: 'Stack/Pipeline/Prep',
  },
  {
    name: 'processing code that does not exist',
    build: (app) => { processing(pipelineOf(app), 'Prep', { code: path.join(__dirname, 'no-such-script.py') }); },
    expected: /code must be the path of a local script file; .* is not a file/,
    where: 'Stack/Pipeline/Prep',
  },
  {
    name: 'a relative processing input localPath',
    build: (app) => { processing(pipelineOf(app), 'Prep', { inputs: [{ inputName: 'raw', s3Uri: 's3://example-bucket/raw', localPath: 'input' }] }); },
    expected: /localPath must be an absolute container path .* such as '\/opt\/ml\/processing\/input\/data'; received 'input'/,
    where: 'Stack/Pipeline/Prep',
  },
  {
    name: 'a processing output localPath given as a parameter (a fixed field)',
    build: (app) => {
      const local = new ParameterString('LocalPath', { defaultValue: '/opt/ml/processing/out' });
      processing(pipelineOf(app), 'Prep', { outputs: [{ outputName: 'out', localPath: local.valueAsString, s3Uri: 's3://example-bucket/out' }] });
    },
    expected: /output out localPath must be fixed when the pipeline is defined; received a pipeline expression/,
    where: 'Stack/Pipeline/Prep',
  },
  {
    name: 'a container argument over 256 characters',
    build: (app) => { processing(pipelineOf(app), 'Prep', { containerArguments: ['x'.repeat(257)] }); },
    expected: /containerEntrypoint and containerArguments items are at most 256 characters; received one of 257/,
    where: 'Stack/Pipeline/Prep',
  },
  {
    name: 'a processing job with 101 environment variables',
    build: (app) => { processing(pipelineOf(app), 'Prep', { environment: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`V${i}`, 'x'])) }); },
    expected: /environment has 101 entries; SageMaker jobs accept at most 100/,
    where: 'Stack/Pipeline/Prep',
  },
  {
    name: 'a processing job with instanceCount 0',
    build: (app) => { processing(pipelineOf(app), 'Prep', { instanceCount: 0 }); },
    expected: /instanceCount must be an integer from 1 to \d+; received 0/,
    where: 'Stack/Pipeline/Prep',
  },
  {
    name: 'outputKmsKey on a processing step without outputs',
    build: (app) => {
      const p = pipelineOf(app);
      processing(p, 'Prep', { outputKmsKey: new kms.Key(p.stack, 'Key') });
    },
    expected: /outputKmsKey encrypts outputs, and this step has none; add outputs or remove outputKmsKey/,
    where: 'Stack/Pipeline/Prep',
  },
  {
    name: 'a property file naming an output the step does not have',
    build: (app) => {
      const report = new PropertyFile({ propertyFileName: 'Report', outputName: 'evaluation', filePath: 'evaluation.json' });
      processing(pipelineOf(app), 'Eval', { propertyFiles: [report] });
    },
    expected: /property file 'Report' names output 'evaluation', which this step does not have/,
    where: 'Stack/Pipeline/Eval',
  },
  {
    name: 'two processing inputs with one name',
    build: (app) => {
      processing(pipelineOf(app), 'Prep', {
        inputs: [
          { inputName: 'raw', s3Uri: 's3://example-bucket/a', localPath: '/opt/ml/processing/a' },
          { inputName: 'raw', s3Uri: 's3://example-bucket/b', localPath: '/opt/ml/processing/b' },
        ],
      });
    },
    expected: /'raw' is used twice/,
    where: 'Stack/Pipeline/Prep',
  },
  {
    name: 'a processing maxRuntime over the limit',
    build: (app) => { processing(pipelineOf(app), 'Prep', { maxRuntime: Duration.days(8) }); },
    expected: /maxRuntime must be between 1 second and .*; received 691200 seconds/,
    where: 'Stack/Pipeline/Prep',
  },
  // ---- TrainingStep
  {
    name: 'a training step with neither image nor algorithmName',
    build: (app) => { new TrainingStep(pipelineOf(app), 'Train', { outputPath: 's3://example-bucket/models' } as never); },
    expected: /give exactly one of image and algorithmName; received neither/,
    where: 'Stack/Pipeline/Train',
  },
  {
    name: 'spot training without maxWait',
    build: (app) => { training(pipelineOf(app), 'Train', { useSpotInstances: true }); },
    expected: /useSpotInstances requires maxWait .*Set e\.g\. maxWait/,
    where: 'Stack/Pipeline/Train',
  },
  {
    name: 'maxWait shorter than maxRuntime',
    build: (app) => { training(pipelineOf(app), 'Train', { useSpotInstances: true, maxRuntime: Duration.hours(2), maxWait: Duration.hours(1) }); },
    expected: /maxWait must be at least maxRuntime .*Increase maxWait or decrease maxRuntime/,
    where: 'Stack/Pipeline/Train',
  },
  {
    name: 'a NaN hyperparameter',
    build: (app) => { training(pipelineOf(app), 'Train', { hyperparameters: { eta: Number.NaN } }); },
    expected: /hyperparameter 'eta' must be a finite number; received NaN/,
    where: 'Stack/Pipeline/Train',
  },
  {
    name: '101 hyperparameters',
    build: (app) => { training(pipelineOf(app), 'Train', { hyperparameters: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`h${i}`, i])) }); },
    expected: /101 hyperparameters given; SageMaker accepts at most 100/,
    where: 'Stack/Pipeline/Train',
  },
  {
    name: 'a metric defined twice',
    build: (app) => { training(pipelineOf(app), 'Train', { metricDefinitions: [...METRICS, ...METRICS] }); },
    expected: /metricDefinitions names metric 'validation:rmse' twice; names must be unique/,
    where: 'Stack/Pipeline/Train',
  },
  {
    name: 'a training channel given twice',
    build: (app) => {
      training(pipelineOf(app), 'Train', { inputs: [TrainingInput.s3('train', 's3://example-bucket/a'), TrainingInput.s3('train', 's3://example-bucket/b')] });
    },
    expected: /channel 'train' is given twice; channel names must be unique/,
    where: 'Stack/Pipeline/Train',
  },
  {
    name: 'a training channel name with a space',
    build: () => { TrainingInput.s3('train data', 's3://example-bucket/a'); },
    expected: /TrainingInput channel name must be 1-64 characters .*received 'train data'/,
    where: 'TrainingInput',
  },
  {
    name: 'checkpointLocalPath without checkpointS3Uri',
    build: (app) => { training(pipelineOf(app), 'Train', { checkpointLocalPath: '/opt/ml/checkpoints' }); },
    expected: /checkpointLocalPath requires checkpointS3Uri.*Set checkpointS3Uri/,
    where: 'Stack/Pipeline/Train',
  },
  {
    name: 'a training outputPath that is not an S3 URI',
    build: (app) => { training(pipelineOf(app), 'Train', { outputPath: 'example-bucket/models' }); },
    expected: /outputPath must be an s3:\/\/ URI .*received 'example-bucket\/models'\. Use e\.g\./,
    where: 'Stack/Pipeline/Train',
  },
  // ---- TransformStep
  {
    name: 'maxConcurrentTransforms x maxPayloadInMB over 100 MB',
    build: (app) => { transform(pipelineOf(app), 'Score', { maxConcurrentTransforms: 11, maxPayloadInMB: 10 }); },
    expected: /maxConcurrentTransforms x maxPayloadInMB must be at most 100 MB; received 11 x 10 = 110\. Lower one of them/,
    where: 'Stack/Pipeline/Score',
  },
  {
    name: 'an invalid model name',
    build: (app) => { transform(pipelineOf(app), 'Score', { modelName: 'my_model' }); },
    expected: /modelName must be 1-63 letters, digits and hyphens.*received 'my_model'/,
    where: 'Stack/Pipeline/Score',
  },
  {
    name: 'a transform job with 17 environment variables',
    build: (app) => { transform(pipelineOf(app), 'Score', { environment: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`V${i}`, 'x'])) }); },
    expected: /environment has 17 entries; a transform job accepts at most 16\. Set the others in the model's container environment/,
    where: 'Stack/Pipeline/Score',
  },
  {
    name: 'an inputFilter that is not a JSONPath',
    build: (app) => { transform(pipelineOf(app), 'Score', { dataProcessing: { inputFilter: 'features' } }); },
    expected: /inputFilter must be a JSONPath of 1-63 characters starting with '\$'.*received 'features'/,
    where: 'Stack/Pipeline/Score',
  },
  // ---- TuningStep
  {
    name: 'more parallel tuning jobs than jobs',
    build: (app) => { tuning(pipelineOf(app), 'Tune', { maxNumberOfTrainingJobs: 2, maxParallelTrainingJobs: 4 }); },
    expected: /maxParallelTrainingJobs \(4\) exceeds maxNumberOfTrainingJobs \(2\); lower maxParallelTrainingJobs or raise/,
    where: 'Stack/Pipeline/Tune',
  },
  {
    name: 'a tuning objective metric without a definition',
    build: (app) => { tuning(pipelineOf(app), 'Tune', { objective: { type: TuningObjectiveType.MAXIMIZE, metricName: 'validation:auc' } }); },
    expected: /objective metric 'validation:auc' is not among the training job's metricDefinitions .*add a definition for it/,
    where: 'Stack/Pipeline/Tune',
  },
  {
    name: 'a hyperparameter both tuned and static',
    build: (app) => {
      tuning(pipelineOf(app), 'Tune', {
        trainingJob: { image: IMAGE, outputPath: 's3://example-bucket/tuning', metricDefinitions: METRICS, hyperparameters: { eta: 0.2 } },
      });
    },
    expected: /hyperparameter 'eta' is both tuned and static; remove it from the training job's hyperparameters/,
    where: 'Stack/Pipeline/Tune',
  },
  {
    name: 'the Grid strategy with a continuous range',
    build: (app) => { tuning(pipelineOf(app), 'Tune', { strategy: TuningStrategy.GRID }); },
    expected: /the Grid strategy searches only categorical ranges; .*Use CategoricalParameter/,
    where: 'Stack/Pipeline/Tune',
  },
  {
    name: 'a tuning step with neither trainingJob nor trainingJobDefinitions',
    build: (app) => { tuning(pipelineOf(app), 'Tune', { trainingJob: undefined }); },
    expected: /give exactly one of trainingJob and trainingJobDefinitions; received neither/,
    where: 'Stack/Pipeline/Tune',
  },
  {
    name: 'a continuous range whose minimum exceeds its maximum',
    build: () => { new ContinuousParameter('eta', { minValue: 0.5, maxValue: 0.1 }); },
    expected: /'eta': minValue must not exceed maxValue; .*Swap them/,
    where: "'eta'",
  },
  {
    name: 'an integer range with reverse logarithmic scaling',
    build: () => { new IntegerParameter('depth', { minValue: 1, maxValue: 10, scaling: 'ReverseLogarithmic' as never }); },
    expected: /'depth': reverse logarithmic scaling applies only to continuous ranges.*Use ParameterScaling/,
    where: "'depth'",
  },
  {
    name: 'a categorical range listing a value twice',
    build: () => { new CategoricalParameter('booster', ['gbtree', 'gbtree']); },
    expected: /CategoricalParameter 'booster': value 'gbtree' is given twice; values must be unique/,
    where: "'booster'",
  },
  // ---- ModelStep, RegisterModelStep, ModelPackageGroup
  {
    name: 'a model step with both container and containers',
    build: (app) => { new ModelStep(pipelineOf(app), 'CreateModel', { container: { image: IMAGE }, containers: [{ image: IMAGE }] }); },
    expected: /give exactly one of container \(one model\) and containers \(an inference pipeline model\); received both/,
    where: 'Stack/Pipeline/CreateModel',
  },
  {
    name: 'inferenceExecutionMode on a single-container model',
    build: (app) => { new ModelStep(pipelineOf(app), 'CreateModel', { container: { image: IMAGE }, inferenceExecutionMode: InferenceExecutionMode.DIRECT }); },
    expected: /inferenceExecutionMode applies only to an inference pipeline model .*Remove it or give containers/,
    where: 'Stack/Pipeline/CreateModel',
  },
  {
    name: 'two inference containers with one host name',
    build: (app) => {
      new ModelStep(pipelineOf(app), 'CreateModel', { containers: [{ image: IMAGE, containerHostname: 'a' }, { image: IMAGE, containerHostname: 'a' }] });
    },
    expected: /containerHostname 'a' is used by two containers; give each container its own host name/,
    where: 'Stack/Pipeline/CreateModel',
  },
  {
    name: 'a model data URI that is not an S3 URI',
    build: (app) => { new ModelStep(pipelineOf(app), 'CreateModel', { container: { image: IMAGE, modelData: 'model.tar.gz' } }); },
    expected: /modelData must be an s3:\/\/ \(or https:\/\/\) URI .*received 'model\.tar\.gz'/,
    where: 'Stack/Pipeline/CreateModel',
  },
  {
    name: 'a register step with both modelPackageGroup and modelPackageGroupName',
    build: (app) => {
      const p = pipelineOf(app);
      new RegisterModelStep(p, 'Register', {
        container: { image: IMAGE, modelData: 's3://example-bucket/model.tar.gz' },
        modelPackageGroup: new ModelPackageGroup(p.stack, 'Group', { modelPackageGroupName: 'churn-models' }),
        modelPackageGroupName: 'churn-models',
      });
    },
    expected: /give exactly one of modelPackageGroup and modelPackageGroupName; received both/,
    where: 'Stack/Pipeline/Register',
  },
  {
    name: 'a register step with an invalid model package group name',
    build: (app) => {
      new RegisterModelStep(pipelineOf(app), 'Register', { container: { image: IMAGE, modelData: 's3://example-bucket/model.tar.gz' }, modelPackageGroupName: 'churn_models' });
    },
    expected: /modelPackageGroupName must be 1-63 .*received 'churn_models'/,
    where: 'Stack/Pipeline/Register',
  },
  {
    name: 'a model approval status that is not one',
    build: () => { ModelApprovalStatus.of('approved'); },
    expected: /ModelApprovalStatus must be Approved, Rejected or PendingManualApproval; received 'approved'/,
    where: 'ModelApprovalStatus',
  },
  {
    name: 'a model package group with 51 tags',
    build: (app) => { new ModelPackageGroup(stackOf(app), 'Group', { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, 'x'])) }); },
    expected: /ModelPackageGroup Stack\/Group: tags takes at most 50 tags; received 51/,
    where: 'Stack/Group',
  },
  // ---- AutoMLStep and NotebookJobStep
  {
    name: 'an AutoML step in a mode pipelines do not run',
    build: (app) => {
      new AutoMLStep(pipelineOf(app), 'AutoML', { inputs: [AutoMLInput.s3('s3://example-bucket/train.csv')], targetAttributeName: 'churn', mode: 'AUTO' as AutoMLMode });
    },
    expected: /mode must be ENSEMBLING; received 'AUTO'\. SageMaker pipelines run AutoML jobs only in ENSEMBLING mode/,
    where: 'Stack/Pipeline/AutoML',
  },
  {
    name: 'an AutoML step without a training input',
    build: (app) => { new AutoMLStep(pipelineOf(app), 'AutoML', { inputs: [], targetAttributeName: 'churn' }); },
    expected: /inputs takes one training input and at most one validation input; received 0 inputs/,
    where: 'Stack/Pipeline/AutoML',
  },
  {
    name: 'an AutoML validation fraction of 1',
    build: (app) => {
      new AutoMLStep(pipelineOf(app), 'AutoML', { inputs: [AutoMLInput.s3('s3://example-bucket/train.csv')], targetAttributeName: 'churn', validationFraction: 1 });
    },
    expected: /validationFraction must be greater than 0 and less than 1; received 1\. For example 0\.2/,
    where: 'Stack/Pipeline/AutoML',
  },
  {
    name: 'a notebook job name starting with a digit',
    build: (app) => { new NotebookJobStep(pipelineOf(app), 'Report', { ...NOTEBOOK_JOB, notebookJobName: '1report' }); },
    expected: /notebookJobName must start with a letter .*received '1report'/,
    where: 'Stack/Pipeline/Report',
  },
  {
    name: 'a notebook that does not exist',
    build: (app) => { new NotebookJobStep(pipelineOf(app), 'Report', { ...NOTEBOOK_JOB, notebook: '/does/not/exist.ipynb' }); },
    expected: /notebook must be an existing local file; received '\/does\/not\/exist\.ipynb'/,
    where: 'Stack/Pipeline/Report',
  },
  {
    name: 'a notebook job image from another region',
    build: (app) => {
      new NotebookJobStep(pipelineOf(app), 'Report', {
        ...NOTEBOOK_JOB,
        image: ContainerImage.fromRegistry('885854791233.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-distribution-prod:1-cpu'),
      });
    },
    expected: /image must be hosted in the stack's region us-east-1; .*Use the SageMaker Distribution image URI of us-east-1/,
    where: 'Stack/Pipeline/Report',
  },
  // ---- FailStep
  {
    name: 'a Fail step whose errorMessage is a number',
    build: (app) => { new FailStep(pipelineOf(app), 'Stop', { errorMessage: 42 as never }); },
    expected: /errorMessage must be a string or a string expression; received number/,
    where: 'Stack/Pipeline/Stop',
  },
  // ---- LambdaStep
  {
    name: 'a Lambda step without a function',
    build: (app) => { new LambdaStep(pipelineOf(app), 'Prep', {} as never); },
    expected: /LambdaStep Stack\/Pipeline\/Prep: function must be a lambda\.IFunction; received undefined\. Pass a function/,
    where: 'Stack/Pipeline/Prep',
  },
  {
    name: 'a Lambda output declared twice',
    build: (app) => {
      const p = pipelineOf(app);
      new LambdaStep(p, 'Prep', { function: fn(p.stack), outputs: [{ outputName: 'x' }, { outputName: 'x' }] });
    },
    expected: /outputName 'x' is declared twice; output names must be unique/,
    where: 'Stack/Pipeline/Prep',
  },
  {
    name: 'a Lambda input that is an object',
    build: (app) => {
      const p = pipelineOf(app);
      new LambdaStep(p, 'Prep', { function: fn(p.stack), inputs: { config: { a: 1 } as never } });
    },
    expected: /input 'config' must be a string, number or boolean .*Pass a JSON string/,
    where: 'Stack/Pipeline/Prep',
  },
  {
    name: 'reading an undeclared Lambda output',
    build: (app) => {
      const p = pipelineOf(app);
      (new LambdaStep(p, 'Prep', { function: fn(p.stack), outputs: [{ outputName: 'rows' }] }) as LambdaStep).output('row');
    },
    expected: /'row' is not an output of step Prep \(Stack\/Pipeline\/Prep\); declared outputs: rows/,
    where: 'Stack/Pipeline/Prep',
  },
  // ---- CallbackStep and CallbackHandler
  {
    name: 'a Callback step with both queue and queueUrl',
    build: (app) => {
      const p = pipelineOf(app);
      new CallbackStep(p, 'Approve', { queue: new sqs.Queue(p.stack, 'Q'), queueUrl: QUEUE_URL, inputs: {} });
    },
    expected: /give either queue or queueUrl, not both; .*Remove queueUrl/,
    where: 'Stack/Pipeline/Approve',
  },
  {
    name: 'a Callback step without inputs',
    build: (app) => { new CallbackStep(pipelineOf(app), 'Approve', { queueUrl: QUEUE_URL } as never); },
    expected: /inputs is required .*pass the values the callback needs, or \{\} for none/,
    where: 'Stack/Pipeline/Approve',
  },
  {
    name: 'a Callback step with a malformed queue URL',
    build: (app) => { new CallbackStep(pipelineOf(app), 'Approve', { queueUrl: 'approvals', inputs: {} }); },
    expected: /queueUrl 'approvals' is not an SQS queue URL; .*Pass the queue's URL, or queue/,
    where: 'Stack/Pipeline/Approve',
  },
  {
    name: 'a Callback step with 51 outputs',
    build: (app) => {
      new CallbackStep(pipelineOf(app), 'Approve', { queueUrl: QUEUE_URL, inputs: {}, outputs: Array.from({ length: 51 }, (_, i) => ({ outputName: `o${i}` })) });
    },
    expected: /a step has at most 50 outputs; received 51\. Return fewer values/,
    where: 'Stack/Pipeline/Approve',
  },
  {
    name: 'a CallbackHandler timeout over 15 minutes',
    build: (app) => { new CallbackHandler(stackOf(app), 'Handler', { handlerPath: HANDLER_FILE, timeout: Duration.minutes(16) }); },
    expected: /timeout must be between 1 second and 15 minutes .*received 16 minutes/,
    where: 'Stack/Handler',
  },
  {
    name: 'a CallbackHandler given a TypeScript handler',
    build: (app) => { new CallbackHandler(stackOf(app), 'Handler', { handlerPath: __filename }); },
    expected: /handlerPath must be a CommonJS \.js or \.cjs file .*pass the file as entry instead: it is bundled with esbuild/,
    where: 'Stack/Handler',
  },
  // ---- EMRStep
  {
    name: 'an EMR step with both cluster and clusterConfig',
    build: (app) => {
      new EMRStep(pipelineOf(app), 'Spark', {
        cluster: EmrCluster.fromClusterId('j-2AXXXXXXGAPLF'),
        clusterConfig: { Instances: { InstanceGroups: [] } } as never,
        jar: 'command-runner.jar',
      });
    },
    expected: /give exactly one of cluster .* and clusterConfig .*; received both/,
    where: 'Stack/Pipeline/Spark',
  },
  {
    name: 'an EMR cluster id that is not one',
    build: () => { EmrCluster.fromClusterId('my-cluster'); },
    expected: /EmrCluster\.fromClusterId: 'my-cluster' is not an EMR cluster id; ids look like 'j-2AXXXXXXGAPLF'/,
    where: 'EmrCluster.fromClusterId',
  },
  {
    name: 'EMR args that are numbers',
    build: (app) => { new EMRStep(pipelineOf(app), 'Spark', { cluster: EmrCluster.fromClusterId('j-2AXXXXXXGAPLF'), jar: 'command-runner.jar', args: [1, 2] as never }); },
    expected: /args must be a list of strings; .*Convert numbers with String\(\)/,
    where: 'Stack/Pipeline/Spark',
  },
  {
    name: 'an EMR clusterConfig that names the cluster',
    build: (app) => {
      new EMRStep(pipelineOf(app), 'Spark', {
        jar: 'command-runner.jar',
        clusterConfig: { Name: 'mine', Instances: { InstanceGroups: [{ InstanceRole: 'MASTER', InstanceType: 'm5.xlarge', InstanceCount: 1 }] } } as never,
      });
    },
    expected: /clusterConfig must not contain Name; .*Remove Name/,
    where: 'Stack/Pipeline/Spark',
  },
  // ---- ConditionStep and conditions
  {
    name: 'a Condition step without conditions',
    build: (app) => { new ConditionStep(pipelineOf(app), 'Check', { conditions: [] }); },
    expected: /ConditionStep Stack\/Pipeline\/Check: conditions must list at least one Condition .*Pass e\.g\./,
    where: 'Stack/Pipeline/Check',
  },
  {
    name: 'a step in both branches',
    build: (app) => {
      const p = pipelineOf(app);
      const stop = new FailStep(p, 'Stop');
      new ConditionStep(p, 'Check', { conditions: [Condition.equals(1, 1)], ifSteps: [stop], elseSteps: [stop] });
    },
    expected: /step Stack\/Pipeline\/Stop is in both ifSteps and elseSteps; .*Create a separate step/,
    where: 'Stack/Pipeline/Check',
  },
  {
    name: 'a branch step of another pipeline',
    build: (app) => {
      const stack = stackOf(app);
      const stop = new FailStep(new Pipeline(stack, 'Other'), 'Stop');
      new ConditionStep(new Pipeline(stack, 'Pipeline'), 'Check', { conditions: [Condition.equals(1, 1)], ifSteps: [stop] });
    },
    expected: /ifSteps step Stack\/Other\/Stop belongs to another pipeline .*Create the step in Stack\/Pipeline/,
    where: 'Stack/Pipeline/Check',
  },
  {
    name: 'a condition inside its own branch',
    build: (app) => {
      const p = pipelineOf(app);
      const inner = new ConditionStep(p, 'Inner', { conditions: [Condition.equals(1, 1)] });
      const outer = new ConditionStep(p, 'Outer', { conditions: [Condition.equals(1, 1)], ifSteps: [inner] });
      inner.addIfSteps(outer);
    },
    expected: /already contains this condition in one of its branches .*conditions cannot contain each other/,
    where: 'Stack/Pipeline/Inner',
  },
  {
    name: 'Condition.in with no values',
    build: () => { Condition.in('a', []); },
    expected: /Condition\.in needs at least one value to compare with; received an empty list\. Pass e\.g\./,
    where: 'Condition.in',
  },
  {
    name: 'a condition comparing with NaN',
    build: () => { Condition.lessThan(ExecutionVariable.PIPELINE_NAME as never, Number.NaN); },
    expected: /must be a finite number; received NaN\. The definition is JSON/,
    where: 'Condition.lessThan',
  },
  // ---- PropertyFile and JsonGet
  {
    name: 'JsonGet on a property file no step declares',
    build: (app) => {
      const report = new PropertyFile({ propertyFileName: 'Report', outputName: 'evaluation', filePath: 'evaluation.json' });
      new FailStep(pipelineOf(app), 'Stop', { errorMessage: JsonGet.fromPropertyFile(report, 'mse') });
    },
    expected: /JsonGet reads property file 'Report', which is not declared on any step\. Add it to the producing ProcessingStep's propertyFiles/,
    where: 'Stack/Pipeline/Stop',
  },
  {
    name: 'a JsonGet path that does not parse',
    build: () => { JsonGet.fromS3Uri('s3://example-bucket/metrics.json', 'a[(]'); },
    expected: /JsonGet path 'a\[\(\]' is not a valid JSON path: .*Examples of valid paths/,
    where: 'JsonGet path',
  },
  {
    name: 'a JsonGet path given as a parameter (a fixed field)',
    build: () => { JsonGet.fromS3Uri('s3://example-bucket/metrics.json', new ParameterString('Path', { defaultValue: 'mse' }).valueAsString); },
    expected: /JsonGet path must be literal text; received the token .* The service reads "Path" as a fixed JSON path/,
    where: 'JsonGet path',
  },
  {
    name: 'a property file name with a space',
    build: () => { new PropertyFile({ propertyFileName: 'Eval Report', outputName: 'evaluation', filePath: 'evaluation.json' }); },
    expected: /PropertyFile name must be 1-64 characters .*received 'Eval Report'/,
    where: 'PropertyFile',
  },
  {
    name: 'one property file declared on two steps',
    build: (app) => {
      const p = pipelineOf(app);
      const report = new PropertyFile({ propertyFileName: 'Report', outputName: 'train', filePath: 'evaluation.json' });
      processing(p, 'A', { outputs: [{ outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: 's3://example-bucket/a' }], propertyFiles: [report] });
      processing(p, 'B', { outputs: [{ outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: 's3://example-bucket/b' }], propertyFiles: [report] });
    },
    expected: /PropertyFile 'Report' is already declared on Stack\/Pipeline\/A; .*Create another PropertyFile for Stack\/Pipeline\/B/,
    where: 'Stack/Pipeline/B',
  },
  {
    name: 'JsonGet.fromS3Uri with an http URL',
    build: () => { JsonGet.fromS3Uri('http://example.com/m.json', 'mse'); },
    expected: /JsonGet\.fromS3Uri: s3Uri must be an s3:\/\/<bucket>\/<key> URI; received 'http:\/\/example\.com\/m\.json'/,
    where: 'JsonGet.fromS3Uri',
  },
  {
    name: 'Join.of with a token separator',
    build: () => { Join.of(['a', 'b'], ExecutionVariable.PIPELINE_NAME); },
    expected: /Join\.of separator must be literal text; received the token/,
    where: 'Join.of',
  },
  // ---- Property trees (misspelt members through `any`)
  {
    name: 'a misspelt property member read through any',
    build: (app) => {
      const p = pipelineOf(app);
      const prep = withOutputs(p, 'Prep');
      new FailStep(p, 'Stop', { errorMessage: `train data: ${(prep.properties as any).ProcessingOutputConfig.Output['train'].S3Output.S3Uri}` });
    },
    expected: /'Output' is not a property of .*; did you mean 'Outputs'\? \(step Stack\/Pipeline\/Prep\)/,
    where: 'Stack/Pipeline/Prep',
  },
  // ---- ContainerImage
  {
    name: 'an image URI with a space',
    build: () => { ContainerImage.fromRegistry('my image:latest'); },
    expected: /Container image URI must be 1-255 characters without spaces; received 'my image:latest'/,
    where: 'Container image URI',
  },
  {
    name: 'an image asset folder that does not exist',
    build: () => { ContainerImage.fromAsset(path.join(__dirname, 'no-such-folder')); },
    expected: /ContainerImage\.fromAsset: '.*no-such-folder' is not a directory; give the Docker build context/,
    where: 'ContainerImage.fromAsset',
  },
  {
    name: 'an instance type given as a parameter where the image depends on it',
    build: (app) => {
      const type = new ParameterString('InstanceType', { defaultValue: 'ml.g5.xlarge' });
      const p = new Pipeline(stackOf(app), 'Pipeline');
      new TrainingStep(p, 'Train', { image: ContainerImage.pytorch('2.1', { instanceType: InstanceType.of(type.valueAsString) }), outputPath: 's3://b/m' });
    },
    expected: /Stack\/Pipeline\/Train: SageMaker image: instanceType must be known at synth to pick the image \(not a pipeline parameter\); give `processor` instead/,
    where: 'Stack/Pipeline/Train',
  },
  // ---- Triggers
  {
    name: 'a trigger with 201 parameters',
    build: (app) => { new PipelineTarget(pipelineOf(app), { parameters: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`P${i}`, 'x'])) }); },
    expected: /PipelineTarget for pipeline Stack\/Pipeline: an execution starts with at most 200 parameters; received 201\. Pass only the parameters/,
    where: 'Stack/Pipeline',
  },
  {
    name: 'a trigger passing a number as a parameter value',
    build: (app) => { new PipelineTarget(pipelineOf(app), { parameters: { Epochs: 20 as never } }); },
    expected: /the value of parameter 'Epochs' must be a string .*Pass String\(20\)/,
    where: 'Stack/Pipeline',
  },
  {
    name: 'a rule target with 186 retries',
    build: (app) => { new PipelineTarget(pipelineOf(app), { retryAttempts: 186 }); },
    expected: /retryAttempts must be an integer from 0 to 185; received 186/,
    where: 'Stack/Pipeline',
  },
  {
    name: 'a rule target naming a parameter the pipeline does not declare',
    build: (app) => {
      const p = pipelineOf(app);
      new FailStep(p, 'Stop');
      new events.Rule(p.stack, 'Rule', { schedule: events.Schedule.rate(Duration.days(1)), targets: [new PipelineTarget(p, { parameters: { InputData: 's3://b/k' } })] });
    },
    expected: /InputData/,
    where: 'Stack/Rule',
  },
  {
    name: 'a schedule naming a parameter the pipeline does not declare',
    build: (app) => {
      const p = pipelineOf(app);
      new FailStep(p, 'Stop');
      new scheduler.Schedule(p.stack, 'Nightly', {
        schedule: scheduler.ScheduleExpression.rate(Duration.days(1)),
        target: new PipelineScheduleTarget(p, { parameters: { InputData: 's3://b/k' } }),
      });
    },
    expected: /InputData/,
    where: 'Stack/Nightly',
  },
];

/** Every `*.template.json` under `dir`. */
function templatesIn(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.template.json'));
}

/** The message `f` throws ('' if it does not throw). */
function messageOf(f: () => void): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

describe('bad inputs fail at synth, saying where and how to fix, and write nothing', () => {
  test('the catalogue has at least 50 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  for (const c of CASES) {
    (c.uncaught ? test.failing : test)(c.uncaught ? `${c.name} (known gap: ${c.uncaught})` : c.name, () => {
      // GIVEN
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-'));
      const app = new App({ outdir });
      let message = '';

      // WHEN
      expect(() => {
        try {
          c.build(app);
          app.synth();
        } catch (e) {
          message = (e as Error).message;
          throw e;
        }
      }).toThrow(c.expected);

      // THEN
      expect(templatesIn(outdir)).toEqual([]);
      if (!c.gap) {
        expect(message).toContain(c.where);
        expect(message).toMatch(FIX_HINT);
      }
      fs.rmSync(outdir, { recursive: true, force: true });
    });

    if (c.gap) {
      // A known gap (see `gap`): the same requirement, expected to fail until the library is fixed.
      test.failing(`${c.name}: names ${c.where} and a fix (known gap: ${c.gap})`, () => {
        // GIVEN
        const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-')) });

        // WHEN
        const message = messageOf(() => {
          c.build(app);
          app.synth();
        });

        // THEN
        expect(message).toContain(c.where);
        expect(message).toMatch(FIX_HINT);
      });
    }
  }
});

/**
 * Mistakes the compiler refuses. Never called: ts-jest type-checks this file, and an
 * `@ts-expect-error` line that compiles fails the suite ("Unused '@ts-expect-error' directive").
 */
function compileTimeMistakes(pipeline: Pipeline, stack: Stack): void {
  const prep = withOutputs(pipeline, 'Prep');
  const train = training(pipeline, 'Train');
  const count = new ParameterInteger('Count', { defaultValue: 1 });
  const input = new ParameterString('Input', { defaultValue: 's3://example-bucket/raw.csv' });
  const lambdaStep = new LambdaStep(pipeline, 'Fn', { function: fn(stack), outputs: [{ outputName: 'rows' }] });

  // A misspelt member of a step's property tree.
  // @ts-expect-error 'Output' is not a member of ProcessingOutputConfig (did you mean 'Outputs'?)
  void prep.properties.ProcessingOutputConfig.Output;
  // @ts-expect-error 'ModelArtifact' is not a member of the training properties (did you mean 'ModelArtifacts'?)
  void train.properties.ModelArtifact;
  // An output a Lambda step does not declare.
  // @ts-expect-error 'row' is not one of the declared outputs ('rows')
  lambdaStep.output('row');
  // Wrong expression kinds: a string expression in a number field, a number in a string field.
  // @ts-expect-error instanceCount takes a number (count.valueAsNumber), not a string token
  new ProcessingStep(pipeline, 'A', { image: IMAGE, instanceCount: input.valueAsString });
  // @ts-expect-error a String parameter's default is text
  new ParameterString('Mode', { defaultValue: 1 });
  // @ts-expect-error an Integer parameter's default is a number
  new ParameterInteger('Epochs', { defaultValue: '10' });
  // @ts-expect-error errorMessage is text or a string expression
  new FailStep(pipeline, 'Stop', { errorMessage: count.valueAsNumber });
  // Missing required options.
  // @ts-expect-error a transform step needs inputS3Uri
  new TransformStep(pipeline, 'Score', { modelName: 'churn-xgboost-v3' });
  // @ts-expect-error a Lambda step needs a function
  new LambdaStep(pipeline, 'NoFn', {});
  // @ts-expect-error a Callback step needs inputs (use {} for none)
  new CallbackStep(pipeline, 'Approve', { queueUrl: QUEUE_URL });
  // @ts-expect-error a condition step needs conditions
  new ConditionStep(pipeline, 'Check', {});
  // @ts-expect-error a retry policy needs exception types
  RetryPolicy.step({ maxAttempts: 2 });
  // Wrong kinds of objects.
  // @ts-expect-error a Lambda step takes a lambda.IFunction, not an ARN string
  new LambdaStep(pipeline, 'Arn', { function: 'arn:aws:lambda:us-east-1:123456789012:function:f' });
  // @ts-expect-error an EMR step takes an EmrCluster (EmrCluster.fromClusterId), not an id string
  new EMRStep(pipeline, 'Spark', { cluster: 'j-2AXXXXXXGAPLF', jar: 'command-runner.jar' });
  // @ts-expect-error branches take steps, not step names
  new ConditionStep(pipeline, 'Branch', { conditions: [Condition.equals(1, 1)], ifSteps: ['Stop'] });
  // @ts-expect-error a training input is made with TrainingInput.s3(channelName, s3Uri)
  new TrainingStep(pipeline, 'Raw', { image: IMAGE, inputs: [{ channelName: 'train', s3Uri: 's3://example-bucket/train' }] });
  // Options a step type does not have.
  // @ts-expect-error a Fail step takes no retry policies
  new FailStep(pipeline, 'Retry', { retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING] })] });
  // @ts-expect-error a Fail step takes no cache configuration
  new FailStep(pipeline, 'Cache', { cacheConfig: CacheConfig.enabled(Duration.days(1)) });
  // @ts-expect-error a model step takes a ContainerImage, not an image URI string
  new ModelStep(pipeline, 'Model', { container: { image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1' } });
  // @ts-expect-error the approval status is a ModelApprovalStatus (ModelApprovalStatus.APPROVED), not text
  new RegisterModelStep(pipeline, 'Register', { container: { image: IMAGE }, modelPackageGroupName: 'churn-models', modelApprovalStatus: 'Approved' });
  // @ts-expect-error an AutoML step needs the target column
  new AutoMLStep(pipeline, 'AutoML', { inputs: [AutoMLInput.s3('s3://example-bucket/train.csv')] });
  // @ts-expect-error a notebook job step needs a kernel name
  new NotebookJobStep(pipeline, 'Notebook', { notebook: NOTEBOOK_JOB.notebook, image: NOTEBOOK_JOB.image });
  // @ts-expect-error the pipeline name is fixed at construction
  pipeline.pipelineName = 'renamed';
}

describe('bad inputs refused at compile time', () => {
  test('the @ts-expect-error lines above type-check (ts-jest compiles this file)', () => {
    expect(typeof compileTimeMistakes).toBe('function');
  });
});
