import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { definitionOf, newStack, stepOf } from './util';
import {
  AutoMLInput, AutoMLStep, ClarifyCheckStep, ClarifyCheckType, ContainerImage, ContinuousParameter, DatasetFormat, ModelStep, ParameterString,
  Pipeline, ProcessingStep, QualityCheckStep, QualityCheckType, TrainingStep, TransformStep, TuningObjectiveType, TuningStep,
} from '../lib';

/**
 * Job name prefixes. The SageMaker SDK, with `PipelineDefinitionConfig(use_custom_job_prefix=True)`,
 * keeps each job's name member in the step's Arguments: the processor's, estimator's,
 * transformer's or tuner's `base_job_name` (the generated name with its timestamp stripped by
 * `base_from_name`), e.g. `"ProcessingJobName": "CheckJobPrefix"` for a check step with
 * `CheckJobConfig(base_job_name="CheckJobPrefix")` and `"TrainingJobName": "TrainingJobPrefix"`
 * for an estimator with `base_job_name="TrainingJobPrefix"`; for a model step, `ModelName` (the SDK
 * raises "use_custom_job_prefix flag is set but the name field [ModelName] has not been specified"
 * when none is set, where this library derives one from the step name). Without the flag it drops
 * those members. The service appends `-<execution id>-<entity token>-<failure count>` to the prefix
 * (sagemaker-python-sdk PR #3946), and CreatePipeline rejects a name member longer than the job
 * name's limit (sagemaker-python-sdk#5099: ProcessingJobName "cannot be greater than max=63").
 */

const IMAGE = ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1');

function setup(useCustomJobPrefix?: boolean) {
  const { stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'prefixes', ...(useCustomJobPrefix !== undefined ? { useCustomJobPrefix } : {}) });
  return { stack, pipeline };
}

describe('useCustomJobPrefix renders each job\'s name member', () => {
  test('every job step type, with the SDK\'s member names', () => {
    // GIVEN
    const { stack, pipeline } = setup(true);
    const modelData = new ParameterString('ModelData', { defaultValue: 's3://my-bucket/model.tar.gz' });

    // WHEN
    new TrainingStep(pipeline, 'Train', { image: IMAGE, jobNamePrefix: 'TrainingJobPrefix' });
    new ProcessingStep(pipeline, 'Process', { image: IMAGE, jobNamePrefix: 'ProcessingJobPrefix' });
    new TransformStep(pipeline, 'Transform', { modelName: 'my-model', inputS3Uri: 's3://my-bucket/in', outputPath: 's3://my-bucket/out', jobNamePrefix: 'TransformJobPrefix' });
    new TuningStep(pipeline, 'Tune', {
      trainingJob: { image: IMAGE, metricDefinitions: [{ name: 'validation:rmse', regex: 'rmse=([0-9\\.]+)' }] },
      objective: { type: TuningObjectiveType.MINIMIZE, metricName: 'validation:rmse' },
      hyperparameterRanges: [new ContinuousParameter('eta', { minValue: 0.1, maxValue: 0.5 })],
      jobNamePrefix: 'TuneJob',
    });
    new AutoMLStep(pipeline, 'AutoML', { inputs: [AutoMLInput.s3('s3://my-bucket/train.csv')], targetAttributeName: 'y', jobNamePrefix: 'AutoMLJob' });
    new QualityCheckStep(pipeline, 'DataQuality', {
      checkType: QualityCheckType.DATA_QUALITY, baselineDataset: 's3://my-bucket/train.csv', datasetFormat: DatasetFormat.csv(), jobNamePrefix: 'CheckJobPrefix',
    });
    new ClarifyCheckStep(pipeline, 'DataBias', {
      checkType: ClarifyCheckType.DATA_BIAS,
      dataConfig: { s3DataInputPath: 's3://my-bucket/train.csv', label: 'y', headers: ['y', 'age'] },
      biasConfig: { labelValuesOrThreshold: [1], facets: [{ nameOrIndex: 'age', valueOrThreshold: 40 }] },
      jobNamePrefix: 'ClarifyJobPrefix',
    });
    new ModelStep(pipeline, 'Model', { container: { image: IMAGE, modelData: modelData.valueAsString }, modelNamePrefix: 'ModelPrefix' });
    const definition = definitionOf(stack);

    // THEN
    const member = (name: string, key: string) => stepOf(definition, name).Arguments[key];
    expect(member('Train', 'TrainingJobName')).toBe('TrainingJobPrefix');
    expect(member('Process', 'ProcessingJobName')).toBe('ProcessingJobPrefix');
    expect(member('Transform', 'TransformJobName')).toBe('TransformJobPrefix');
    expect(member('Tune', 'HyperParameterTuningJobName')).toBe('TuneJob');
    expect(member('AutoML', 'AutoMLJobName')).toBe('AutoMLJob');
    expect(member('DataQuality', 'ProcessingJobName')).toBe('CheckJobPrefix');
    expect(member('DataBias', 'ProcessingJobName')).toBe('ClarifyJobPrefix');
    expect(member('Model', 'ModelName')).toBe('ModelPrefix');
  });

  test('a step without a prefix gets one from its step name, shortened to leave room for the suffix', () => {
    // GIVEN
    const { stack, pipeline } = setup(true);

    // WHEN
    new TrainingStep(pipeline, 'Train_v2_final', { image: IMAGE });
    new TrainingStep(pipeline, 'Long', { image: IMAGE, stepName: `A${'b'.repeat(50)}` });
    new TuningStep(pipeline, 'Tune', {
      stepName: 'Tune-Hyperparameters',
      trainingJob: { image: IMAGE, metricDefinitions: [{ name: 'm', regex: 'm=([0-9]+)' }] },
      objective: { type: TuningObjectiveType.MINIMIZE, metricName: 'm' },
      hyperparameterRanges: [new ContinuousParameter('eta', { minValue: 0.1, maxValue: 0.5 })],
    });
    const definition = definitionOf(stack);

    // THEN
    expect(stepOf(definition, 'Train_v2_final').Arguments.TrainingJobName).toBe('Train-v2-final');
    expect(stepOf(definition, `A${'b'.repeat(50)}`).Arguments.TrainingJobName).toBe(`A${'b'.repeat(36)}`);
    expect(stepOf(definition, 'Tune-Hyperparameters').Arguments.HyperParameterTuningJobName).toBe('Tune-H');
  });

  test('the repack steps of a model step get their own derived prefix', () => {
    // GIVEN
    const { stack, pipeline } = setup(true);
    const modelData = new ParameterString('ModelData');

    // WHEN
    new ModelStep(pipeline, 'Model', { container: { image: IMAGE, modelData: modelData.valueAsString, entryPoint: `${__dirname}/fixtures/inference-code/src/inference.py` } });
    const definition = definitionOf(stack);

    // THEN
    expect(stepOf(definition, 'Model-RepackModel-0').Arguments.TrainingJobName).toBe('Model-RepackModel-0');
    expect(stepOf(definition, 'Model').Arguments.ModelName).toBe('Model');
  });

  test('without the switch no name member is rendered (the SDK drops them)', () => {
    // GIVEN: the switch's default
    const { stack, pipeline } = setup();

    // WHEN
    new TrainingStep(pipeline, 'Train', { image: IMAGE });
    new ProcessingStep(pipeline, 'Process', { image: IMAGE });
    const definition = definitionOf(stack);

    // THEN
    expect(stepOf(definition, 'Train').Arguments.TrainingJobName).toBeUndefined();
    expect(stepOf(definition, 'Process').Arguments.ProcessingJobName).toBeUndefined();
  });

  test('a prefix near the limit draws a warning about the service\'s suffix', () => {
    // GIVEN
    const { stack, pipeline } = setup(true);

    // WHEN
    new TrainingStep(pipeline, 'Train', { image: IMAGE, jobNamePrefix: `team-${'a'.repeat(40)}` });

    // THEN
    Annotations.fromStack(stack).hasWarning('/Stack/Pipeline/Train', Match.stringLikeRegexp("jobNamePrefix 'team-a+' is 45 characters; the service appends about 26 .* Keep the prefix to 37 characters or fewer"));
  });
});

describe('job name prefixes: bad input', () => {
  test('a prefix without the pipeline switch', () => {
    const { pipeline } = setup(false);
    expect(() => new TrainingStep(pipeline, 'Train', { image: IMAGE, jobNamePrefix: 'team-a' }))
      .toThrow(/TrainingStep Stack\/Pipeline\/Train: jobNamePrefix is rendered only when the pipeline uses custom job prefixes; received 'team-a' in pipeline Stack\/Pipeline without useCustomJobPrefix/);
  });

  test.each([
    ['an underscore', 'team_a', /jobNamePrefix must be 1-63 letters, digits and hyphens, .* received 'team_a' \(6 characters\)\. Use e\.g\. 'team-a'/],
    ['a trailing hyphen', 'team-', /received 'team-' \(5 characters\)/],
    ['64 characters', 'a'.repeat(64), /must be 1-63 letters, digits and hyphens, .*\{0,62\}\); received 'a{64}' \(64 characters\)/],
  ])('%s', (_name, prefix, message) => {
    const { pipeline } = setup(true);
    expect(() => new TrainingStep(pipeline, 'Train', { image: IMAGE, jobNamePrefix: prefix })).toThrow(message);
  });

  test('a tuning prefix above 32 characters', () => {
    const { pipeline } = setup(true);
    expect(() => new TuningStep(pipeline, 'Tune', {
      trainingJob: { image: IMAGE, metricDefinitions: [{ name: 'm', regex: 'm=([0-9]+)' }] },
      objective: { type: TuningObjectiveType.MINIMIZE, metricName: 'm' },
      hyperparameterRanges: [new ContinuousParameter('eta', { minValue: 0.1, maxValue: 0.5 })],
      jobNamePrefix: 'x'.repeat(33),
    })).toThrow(/TuningStep Stack\/Pipeline\/Tune: jobNamePrefix must be 1-32 letters, digits and hyphens, .*the HyperParameterTuningJobName pattern/);
  });

  test('a token prefix', () => {
    const { pipeline } = setup(true);
    const name = new ParameterString('Team');
    expect(() => new ProcessingStep(pipeline, 'Process', { image: IMAGE, jobNamePrefix: name.valueAsString }))
      .toThrow(/ProcessingStep Stack\/Pipeline\/Process: jobNamePrefix must be literal text known at synth; received a token/);
  });

  test('a model name prefix with a bad character, and a non-boolean switch', () => {
    const { pipeline, stack } = setup(true);
    expect(() => new ModelStep(pipeline, 'Model', { container: { image: IMAGE }, modelNamePrefix: 'my model' }))
      .toThrow(/ModelStep Stack\/Pipeline\/Model: modelNamePrefix must be 1-63 letters, digits and hyphens, .*the ModelName pattern/);
    expect(() => new Pipeline(stack, 'Other', { useCustomJobPrefix: 'yes' as any }))
      .toThrow(/Pipeline Stack\/Other: useCustomJobPrefix must be true or false/);
  });
});

describe('derived prefixes (property)', () => {
  test('any valid step name gives a prefix of the member\'s pattern that leaves room for the suffix', () => {
    const stepName = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
    fc.assert(fc.property(stepName, fc.boolean(), (name, automl) => {
      // GIVEN
      const { stack, pipeline } = setup(true);
      if (automl) {
        new AutoMLStep(pipeline, 'Step', { stepName: name, inputs: [AutoMLInput.s3('s3://my-bucket/train.csv')], targetAttributeName: 'y' });
      } else {
        new TrainingStep(pipeline, 'Step', { image: IMAGE, stepName: name });
      }
      const [member, max] = automl ? ['AutoMLJobName', 32] : ['TrainingJobName', 63];

      // WHEN
      const rendered = stepOf(stack.resolve(pipeline.renderDefinition()), name).Arguments[member] as string;

      // THEN
      expect(rendered).toMatch(new RegExp(`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,${max - 1}}$`));
      expect(rendered.length).toBeLessThanOrEqual(max - 26);
    }), { numRuns: 100 });
  });
});
