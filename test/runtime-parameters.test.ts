import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { definitionOf, newStack, stepOf } from './util';
import {
  Condition, ConditionStep, ContainerImage, ContinuousParameter, DatasetFormat, FailStep, InstanceType, Join, LambdaOutputType, LambdaStep,
  ModelQualityProblemType, ModelStep, ParameterBoolean, ParameterInteger, ParameterString, Pipeline, ProcessingStep, QualityCheckStep,
  QualityCheckType, RetryPolicy, SageMakerJobExceptionType, StepExceptionType, TrainingInput, TrainingStep, TuningObjectiveType, TuningStep,
} from '../lib';

/**
 * Parameters where the service evaluates the request member at run time. The expectations marked
 * "SDK" are what the SageMaker Python SDK renders for the same inputs (its unit tests
 * tests/unit/sagemaker/workflow/test_steps.py, test_tuning_step.py, test_quality_check_step.py,
 * test_functions.py).
 */

const IMAGE_URI = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';
const IMAGE = ContainerImage.fromRegistry(IMAGE_URI);

function setup() {
  const { stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'params' });
  return { stack, pipeline };
}

describe('useSpotInstances as a ParameterBoolean', () => {
  test('a training step renders EnableManagedSpotTraining as a Get, without MaxWaitTimeInSeconds (SDK test_training_step_base_estimator)', () => {
    // GIVEN: the SDK test's parameters
    const { stack, pipeline } = setup();
    const instanceType = new ParameterString('InstanceType', { defaultValue: 'ml.m4.xlarge' });
    const instanceCount = new ParameterInteger('InstanceCount', { defaultValue: 1 });
    const dataSource = new ParameterString('DataSourceS3Uri', { defaultValue: 's3://my-bucket/train_manifest' });
    const epochs = new ParameterInteger('TrainingEpochs', { defaultValue: 5 });
    const batchSize = new ParameterInteger('TrainingBatchSize', { defaultValue: 500 });
    const useSpot = new ParameterBoolean('UseSpotInstances', { defaultValue: false });

    // WHEN
    new TrainingStep(pipeline, 'MyTrainingStep', {
      image: IMAGE,
      instanceType: InstanceType.of(instanceType.valueAsString),
      instanceCount: instanceCount.valueAsNumber,
      hyperparameters: { 'batch-size': batchSize.valueAsNumber, 'epochs': epochs.valueAsNumber },
      inputs: [TrainingInput.s3('training', dataSource.valueAsString)],
      outputPath: Join.of(['s3:/', 'a', 'b'], '/'),
      useSpotInstances: useSpot,
    });

    // THEN: SDK
    const args = stepOf(definitionOf(stack), 'MyTrainingStep').Arguments;
    expect(args.EnableManagedSpotTraining).toEqual({ Get: 'Parameters.UseSpotInstances' });
    expect(args.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 86400 });
    expect(args.ResourceConfig).toEqual({ InstanceCount: { Get: 'Parameters.InstanceCount' }, InstanceType: { Get: 'Parameters.InstanceType' }, VolumeSizeInGB: 30 });
    expect(args.HyperParameters).toEqual({
      'batch-size': { 'Std:Join': { On: '', Values: [{ Get: 'Parameters.TrainingBatchSize' }] } },
      'epochs': { 'Std:Join': { On: '', Values: [{ Get: 'Parameters.TrainingEpochs' }] } },
    });
    expect(args.OutputDataConfig).toEqual({ S3OutputPath: { 'Std:Join': { On: '/', Values: ['s3:/', 'a', 'b'] } } });
  });

  test('with maxWait for the executions that turn spot on', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const useSpot = new ParameterBoolean('UseSpotInstances');

    // WHEN
    new TrainingStep(pipeline, 'Train', { image: IMAGE, useSpotInstances: useSpot, maxRuntime: Duration.hours(1), maxWait: Duration.hours(2) });

    // THEN
    const args = stepOf(definitionOf(stack), 'Train').Arguments;
    expect(args.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 });
    expect(args.EnableManagedSpotTraining).toEqual({ Get: 'Parameters.UseSpotInstances' });
  });

  test('a tuning job\'s training definition renders it too', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const useSpot = new ParameterBoolean('UseSpotInstances', { defaultValue: true });

    // WHEN
    new TuningStep(pipeline, 'Tune', {
      trainingJob: { image: IMAGE, useSpotInstances: useSpot, metricDefinitions: [{ name: 'validation:rmse', regex: 'rmse=([0-9\\.]+)' }] },
      objective: { type: TuningObjectiveType.MINIMIZE, metricName: 'validation:rmse' },
      hyperparameterRanges: [new ContinuousParameter('eta', { minValue: 0.1, maxValue: 0.5 })],
    });

    // THEN
    const definition = stepOf(definitionOf(stack), 'Tune').Arguments.TrainingJobDefinition;
    expect(definition.EnableManagedSpotTraining).toEqual({ Get: 'Parameters.UseSpotInstances' });
    expect(definition.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 86400 });
  });

  test('literal flags keep their checks', () => {
    const { pipeline } = setup();
    expect(() => new TrainingStep(pipeline, 'A', { image: IMAGE, useSpotInstances: true }))
      .toThrow(/Stack\/Pipeline\/A: useSpotInstances requires maxWait/);
    expect(() => new TrainingStep(pipeline, 'B', { image: IMAGE, useSpotInstances: false, maxWait: Duration.hours(2) }))
      .toThrow(/Stack\/Pipeline\/B: maxWait applies only to managed spot training; .* Set useSpotInstances to true or a ParameterBoolean, or remove maxWait/);
    expect(() => new TrainingStep(pipeline, 'C', { image: IMAGE, useSpotInstances: new ParameterBoolean('Spot'), maxRuntime: Duration.hours(3), maxWait: Duration.hours(2) }))
      .toThrow(/Stack\/Pipeline\/C: maxWait must be at least maxRuntime \(10800 seconds\); received 7200 seconds/);
  });

  test('a String parameter is refused', () => {
    const { pipeline } = setup();
    const text = new ParameterString('Spot');
    expect(() => new TrainingStep(pipeline, 'Train', { image: IMAGE, useSpotInstances: text }))
      .toThrow(/Stack\/Pipeline\/Train: useSpotInstances must be true, false or a Boolean expression \(a ParameterBoolean\); received a String expression/);
    expect(() => new TrainingStep(pipeline, 'Train2', { image: IMAGE, useSpotInstances: {} as any }))
      .toThrow(/useSpotInstances must be true, false or a Boolean expression \(a ParameterBoolean\); received an object that is not a pipeline expression/);
  });
});

describe('network flags as ParameterBoolean', () => {
  test('training, processing and model steps render them as Gets', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const isolate = new ParameterBoolean('Isolate', { defaultValue: false });
    const encrypt = new ParameterBoolean('Encrypt', { defaultValue: true });

    // WHEN
    new TrainingStep(pipeline, 'Train', { image: IMAGE, enableNetworkIsolation: isolate, enableInterContainerTrafficEncryption: encrypt });
    new ProcessingStep(pipeline, 'Prep', { image: IMAGE, networkConfig: { enableNetworkIsolation: isolate, enableInterContainerTrafficEncryption: encrypt } });
    new ModelStep(pipeline, 'Model', { container: { image: IMAGE, modelData: 's3://my-bucket/model.tar.gz' }, enableNetworkIsolation: isolate });
    const definition = definitionOf(stack);

    // THEN: the SDK's Union[bool, PipelineVariable] flags render the variable
    expect(stepOf(definition, 'Train').Arguments).toMatchObject({
      EnableNetworkIsolation: { Get: 'Parameters.Isolate' }, EnableInterContainerTrafficEncryption: { Get: 'Parameters.Encrypt' },
    });
    expect(stepOf(definition, 'Prep').Arguments.NetworkConfig).toEqual({
      EnableInterContainerTrafficEncryption: { Get: 'Parameters.Encrypt' }, EnableNetworkIsolation: { Get: 'Parameters.Isolate' },
    });
    expect(stepOf(definition, 'Model').Arguments.EnableNetworkIsolation).toEqual({ Get: 'Parameters.Isolate' });
  });

  test('a model whose isolation is a parameter gets its inference code into the model archive', () => {
    // GIVEN
    const { pipeline } = setup();

    // WHEN
    const step = new ModelStep(pipeline, 'Model', {
      container: { image: IMAGE, modelData: 's3://my-bucket/model.tar.gz', entryPoint: `${__dirname}/fixtures/inference-code/src/inference.py` },
      enableNetworkIsolation: new ParameterBoolean('Isolate'),
    });

    // THEN
    expect(step.repackSteps.map((s) => s.stepName)).toEqual(['Model-RepackModel-0']);
  });

  test('a number expression is refused with the prop path', () => {
    const { pipeline } = setup();
    const count = new ParameterInteger('Count');
    expect(() => new ProcessingStep(pipeline, 'Prep', { image: IMAGE, networkConfig: { enableNetworkIsolation: count } }))
      .toThrow(/Stack\/Pipeline\/Prep: networkConfig\.enableNetworkIsolation must be true, false or a Boolean expression \(a ParameterBoolean\); received an Integer expression/);
  });
});

describe('run times as Integer parameters', () => {
  test('Duration.seconds(param.valueAsNumber) renders the parameter (SDK Estimator(max_run=ParameterInteger), Processor(max_runtime_in_seconds=...))', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const maxRun = new ParameterInteger('MaxRun', { defaultValue: 3600 });
    const maxWait = new ParameterInteger('MaxWait', { defaultValue: 7200 });

    // WHEN
    new TrainingStep(pipeline, 'Train', {
      image: IMAGE,
      maxRuntime: Duration.seconds(maxRun.valueAsNumber),
      useSpotInstances: true,
      maxWait: Duration.seconds(maxWait.valueAsNumber),
    });
    new ProcessingStep(pipeline, 'Prep', { image: IMAGE, maxRuntime: Duration.seconds(maxRun.valueAsNumber) });
    const definition = definitionOf(stack);

    // THEN
    expect(stepOf(definition, 'Train').Arguments.StoppingCondition).toEqual({ MaxRuntimeInSeconds: { Get: 'Parameters.MaxRun' }, MaxWaitTimeInSeconds: { Get: 'Parameters.MaxWait' } });
    expect(stepOf(definition, 'Prep').Arguments.StoppingCondition).toEqual({ MaxRuntimeInSeconds: { Get: 'Parameters.MaxRun' } });
  });
});

describe('model-quality column attributes take a column index', () => {
  test('numbers render as their text (SDK: inference_attribute="0" etc.; Environment values are strings)', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const column = new ParameterInteger('GroundTruthColumn', { defaultValue: 2 });

    // WHEN
    new QualityCheckStep(pipeline, 'ModelQuality', {
      checkType: QualityCheckType.MODEL_QUALITY,
      baselineDataset: 's3://data-bucket/predictions/',
      datasetFormat: DatasetFormat.csv({ header: false }),
      problemType: ModelQualityProblemType.BINARY_CLASSIFICATION,
      inferenceAttribute: 0,
      probabilityAttribute: 1,
      groundTruthAttribute: column.valueAsNumber,
    });

    // THEN
    expect(stepOf(definitionOf(stack), 'ModelQuality').Arguments.Environment).toMatchObject({
      inference_attribute: '0',
      probability_attribute: '1',
      ground_truth_attribute: { 'Std:Join': { On: '', Values: [{ Get: 'Parameters.GroundTruthColumn' }] } },
    });
  });

  test.each([[-1], [1.5]])('%s is not a column index', (index) => {
    const { pipeline } = setup();
    expect(() => new QualityCheckStep(pipeline, 'ModelQuality', {
      checkType: QualityCheckType.MODEL_QUALITY,
      baselineDataset: 's3://data-bucket/predictions/',
      datasetFormat: DatasetFormat.csv(),
      problemType: ModelQualityProblemType.REGRESSION,
      inferenceAttribute: index,
    })).toThrow(new RegExp(`Stack/Pipeline/ModelQuality: inferenceAttribute as a number is a column index, a whole number from 0; received ${index}`));
  });
});

describe('Join.of takes any expression', () => {
  test('a condition Outcome, a Boolean Lambda output and a parameter, each a Values item (SDK Join(on=",", values=[...]))', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const flag = new ParameterBoolean('Flag', { defaultValue: true });
    const fn = lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:us-east-1:123456789012:function:check');
    const check = new LambdaStep(pipeline, 'Check', { function: fn, outputs: [{ outputName: 'ok', outputType: LambdaOutputType.BOOLEAN }] });
    const cond = new ConditionStep(pipeline, 'Cond', { conditions: [Condition.equals(flag, true)] });

    // WHEN
    new FailStep(pipeline, 'Report', { errorMessage: Join.of([cond.properties.Outcome, check.properties.Outputs.ok, flag, 'done'], ',') });

    // THEN
    expect(stepOf(definitionOf(stack), 'Report').Arguments.ErrorMessage).toEqual({
      'Std:Join': {
        On: ',',
        Values: [{ Get: 'Steps.Cond.Outcome' }, { Get: "Steps.Check.OutputParameters['ok']" }, { Get: 'Parameters.Flag' }, 'done'],
      },
    });
  });

  test('anything else is refused', () => {
    expect(() => Join.of(['a', { x: 1 } as any])).toThrow(/Join\.of: values\[1\] must be text, a number, a boolean or a pipeline expression .* received object/);
    expect(() => Join.of([null as any])).toThrow(/Join\.of: values\[0\] .* received null/);
  });
});

describe('addRetryPolicy beside addDependsOn', () => {
  test('appends after the constructor\'s policies (SDK add_retry_policy)', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const train = new TrainingStep(pipeline, 'Train', {
      image: IMAGE,
      retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING] })],
    });

    // WHEN
    train.addRetryPolicy(RetryPolicy.sageMakerJob({ exceptionTypes: [SageMakerJobExceptionType.CAPACITY_ERROR], maxAttempts: 5 }));

    // THEN
    expect(stepOf(definitionOf(stack), 'Train').RetryPolicies).toEqual([
      { ExceptionType: ['Step.THROTTLING'], IntervalSeconds: 1, BackoffRate: 2 },
      { ExceptionType: ['SageMaker.CAPACITY_ERROR'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 5 },
    ]);
  });

  test('a policy added after the definition was first rendered still appears', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const model = new ModelStep(pipeline, 'Model', { container: { image: IMAGE, modelData: 's3://my-bucket/model.tar.gz' } });
    expect(pipeline.renderDefinition()).toBeDefined();

    // WHEN
    model.addRetryPolicy(RetryPolicy.step({ exceptionTypes: [StepExceptionType.SERVICE_FAULT] }));

    // THEN
    expect(stepOf(definitionOf(stack), 'Model').RetryPolicies).toEqual([{ ExceptionType: ['Step.SERVICE_FAULT'], IntervalSeconds: 1, BackoffRate: 2 }]);
  });

  test('the step type\'s limits apply', () => {
    const { pipeline } = setup();
    const model = new ModelStep(pipeline, 'Model', { container: { image: IMAGE, modelData: 's3://my-bucket/model.tar.gz' } });
    const fail = new FailStep(pipeline, 'Fail', { errorMessage: 'no' });
    expect(() => model.addRetryPolicy(RetryPolicy.sageMakerJob({ exceptionTypes: [SageMakerJobExceptionType.CAPACITY_ERROR] })))
      .toThrow(/ModelStep Stack\/Pipeline\/Model: this step type accepts only RetryPolicy\.step policies/);
    expect(() => fail.addRetryPolicy(RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING] })))
      .toThrow(/FailStep Stack\/Pipeline\/Fail: this step type does not accept retryPolicies/);
    expect(() => model.addRetryPolicy({ exceptionTypes: [] } as any))
      .toThrow(/ModelStep Stack\/Pipeline\/Model: retry policies are created with RetryPolicy\.step\(\.\.\.\) or RetryPolicy\.sageMakerJob\(\.\.\.\)/);
  });
});
