import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  ContainerImage, ExecutionVariable, ExperimentConfigProperty, FailStep, Join, JsonGet, ParameterInteger, ParameterString, Pipeline,
  PipelineExperimentConfig, ProcessingStep, PropertyFile, TrainingStep,
} from '../lib';
import { bodyText, definitionOf, newStack, stepOf } from './util';

const IMAGE = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1.2-1');

/** A processing step with one output named `evaluation`, declaring `propertyFiles`. */
function evaluationStep(pipeline: Pipeline, id: string, propertyFiles: PropertyFile[]): ProcessingStep {
  return new ProcessingStep(pipeline, id, {
    image: IMAGE,
    outputs: [{ outputName: 'evaluation', localPath: '/opt/ml/processing/evaluation', s3Uri: 's3://example-bucket/evaluation' }],
    propertyFiles,
  });
}

function logicalIdOf(bucket: s3.Bucket): string {
  return bucket.stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
}

describe('ExecutionVariable', () => {
  test.each([
    ['START_DATE_TIME', ExecutionVariable.START_DATE_TIME, 'StartDateTime'],
    ['CURRENT_DATE_TIME', ExecutionVariable.CURRENT_DATE_TIME, 'CurrentDateTime'],
    ['PIPELINE_NAME', ExecutionVariable.PIPELINE_NAME, 'PipelineName'],
    ['PIPELINE_ARN', ExecutionVariable.PIPELINE_ARN, 'PipelineArn'],
    ['PIPELINE_EXECUTION_ID', ExecutionVariable.PIPELINE_EXECUTION_ID, 'PipelineExecutionId'],
    ['PIPELINE_EXECUTION_ARN', ExecutionVariable.PIPELINE_EXECUTION_ARN, 'PipelineExecutionArn'],
    ['TRAINING_JOB_NAME', ExecutionVariable.TRAINING_JOB_NAME, 'TrainingJobName'],
    ['PROCESSING_JOB_NAME', ExecutionVariable.PROCESSING_JOB_NAME, 'ProcessingJobName'],
  ])('%s renders {"Get": "Execution.%s"}', (_member, variable, name) => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: variable });

    // THEN
    expect(stepOf(definitionOf(stack), 'Fail').Arguments.ErrorMessage).toEqual({ Get: `Execution.${name}` });
  });
});

describe('ExperimentConfigProperty', () => {
  test('EXPERIMENT_NAME and TRIAL_NAME render Gets of PipelineExperimentConfig', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    new FailStep(pipeline, 'Experiment', { errorMessage: ExperimentConfigProperty.EXPERIMENT_NAME });
    new FailStep(pipeline, 'Trial', { errorMessage: ExperimentConfigProperty.TRIAL_NAME });

    // THEN
    const definition = definitionOf(stack);
    expect(stepOf(definition, 'Experiment').Arguments.ErrorMessage).toEqual({ Get: 'PipelineExperimentConfig.ExperimentName' });
    expect(stepOf(definition, 'Trial').Arguments.ErrorMessage).toEqual({ Get: 'PipelineExperimentConfig.TrialName' });
  });
});

describe('Join.of', () => {
  test('renders On and Values with nested expressions', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const prefix = new ParameterString('Prefix', { defaultValue: 'runs' });

    // WHEN
    const inner = Join.of([ExecutionVariable.PIPELINE_NAME, ExecutionVariable.PIPELINE_EXECUTION_ID], '-');
    new FailStep(pipeline, 'Fail', { errorMessage: Join.of(['s3://example-bucket', prefix.valueAsString, inner, 'out'], '/') });

    // THEN
    const definition = definitionOf(stack);
    expect(stepOf(definition, 'Fail').Arguments.ErrorMessage).toEqual({
      'Std:Join': {
        On: '/',
        Values: [
          's3://example-bucket',
          { Get: 'Parameters.Prefix' },
          { 'Std:Join': { On: '-', Values: [{ Get: 'Execution.PipelineName' }, { Get: 'Execution.PipelineExecutionId' }] } },
          'out',
        ],
      },
    });
    expect(definition.Parameters).toEqual([{ Name: 'Prefix', Type: 'String', DefaultValue: 'runs' }]);
  });

  test('separator defaults to the empty string and literal numbers and booleans stay values', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const count = new ParameterInteger('Count', { defaultValue: 1 });

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: Join.of(['n=', count.valueAsNumber, ',', 2, ',', true]) });

    // THEN
    expect(stepOf(definitionOf(stack), 'Fail').Arguments.ErrorMessage).toEqual({
      'Std:Join': { On: '', Values: ['n=', { Get: 'Parameters.Count' }, ',', 2, ',', true] },
    });
  });

  test('a Join inside a template literal is nested in the outer Std:Join', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    const id = Join.of([ExecutionVariable.PIPELINE_NAME, ExecutionVariable.PIPELINE_EXECUTION_ID], '/');
    new FailStep(pipeline, 'Fail', { errorMessage: `run ${id} failed` });

    // THEN
    expect(stepOf(definitionOf(stack), 'Fail').Arguments.ErrorMessage).toEqual({
      'Std:Join': {
        On: '',
        Values: ['run ', { 'Std:Join': { On: '/', Values: [{ Get: 'Execution.PipelineName' }, { Get: 'Execution.PipelineExecutionId' }] } }, ' failed'],
      },
    });
  });

  test('an empty list is refused', () => {
    // GIVEN / WHEN / THEN
    expect(() => Join.of([])).toThrow(/Join.of needs at least one value; received an empty list/);
  });

  test('a token separator is refused', () => {
    // GIVEN / WHEN / THEN
    expect(() => Join.of(['a', 'b'], ExecutionVariable.PIPELINE_NAME)).toThrow(/Join.of separator must be literal text; received the token/);
  });
});

describe('concatenation of expressions and CloudFormation values', () => {
  test('an S3 URI of a bucket name and the execution id renders a Std:Join with the bucket kept as a Ref', () => {
    // GIVEN
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Data');
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    new ProcessingStep(pipeline, 'Prep', {
      image: IMAGE,
      outputs: [{
        outputName: 'train',
        localPath: '/opt/ml/processing/train',
        s3Uri: `s3://${bucket.bucketName}/${ExecutionVariable.PIPELINE_EXECUTION_ID}/train`,
      }],
    });

    // THEN
    const prep = stepOf(definitionOf(stack), 'Prep');
    expect(prep.Arguments.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri).toEqual({
      'Std:Join': {
        On: '',
        Values: ['s3://', `\${Ref:${logicalIdOf(bucket)}}`, '/', { Get: 'Execution.PipelineExecutionId' }, '/train'],
      },
    });
  });

  test('the raw PipelineDefinitionBody is an Fn::Join of strings and Refs that parses as JSON', () => {
    // GIVEN
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Data');
    const pipeline = new Pipeline(stack, 'Pipeline');
    new ProcessingStep(pipeline, 'Prep', {
      image: IMAGE,
      outputs: [{
        outputName: 'train',
        localPath: '/opt/ml/processing/train',
        s3Uri: `s3://${bucket.bucketName}/${ExecutionVariable.PIPELINE_EXECUTION_ID}/train`,
      }],
    });

    // WHEN
    const resources = Template.fromStack(stack).findResources('AWS::SageMaker::Pipeline');
    const body = Object.values(resources)[0].Properties.PipelineDefinition.PipelineDefinitionBody;

    // THEN
    expect(Object.keys(body)).toEqual(['Fn::Join']);
    const [separator, parts] = body['Fn::Join'] as [string, unknown[]];
    expect(separator).toBe('');
    for (const part of parts) {
      if (typeof part !== 'string') {
        expect(part).toEqual(expect.any(Object));
        expect(Object.keys(part as object)).toHaveLength(1);
        expect(['Ref', 'Fn::GetAtt', 'Fn::Sub']).toContain(Object.keys(part as object)[0]);
      }
    }
    expect(parts).toContainEqual({ Ref: logicalIdOf(bucket) });
    expect(() => JSON.parse(bodyText(body))).not.toThrow();
  });
});

describe('PropertyFile and JsonGet', () => {
  test('JsonGet in a FailStep message renders Std:JsonGet and the ProcessingStep renders PropertyFiles', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const report = new PropertyFile({ propertyFileName: 'EvaluationReport', outputName: 'evaluation', filePath: 'evaluation.json' });
    evaluationStep(pipeline, 'Eval', [report]);

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: JsonGet.fromPropertyFile(report, 'regression_metrics.mse.value') });

    // THEN
    const definition = definitionOf(stack);
    expect(stepOf(definition, 'Eval').PropertyFiles).toEqual([
      { PropertyFileName: 'EvaluationReport', OutputName: 'evaluation', FilePath: 'evaluation.json' },
    ]);
    expect(stepOf(definition, 'Fail').Arguments.ErrorMessage).toEqual({
      'Std:JsonGet': { PropertyFile: { Get: 'Steps.Eval.PropertyFiles.EvaluationReport' }, Path: 'regression_metrics.mse.value' },
    });
    expect(report.step?.node.path).toBe('Stack/Pipeline/Eval');
  });

  test('JsonGet in a template literal is joined, and orders the reader after the producer', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const report = new PropertyFile({ propertyFileName: 'EvaluationReport', outputName: 'evaluation', filePath: 'evaluation.json' });

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: `MSE is ${JsonGet.fromPropertyFile(report, 'mse')}` });
    evaluationStep(pipeline, 'Eval', [report]);

    // THEN
    const definition = definitionOf(stack);
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Eval', 'Fail']);
    expect(stepOf(definition, 'Fail').Arguments.ErrorMessage).toEqual({
      'Std:Join': { On: '', Values: ['MSE is ', { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Eval.PropertyFiles.EvaluationReport' }, Path: 'mse' } }] },
    });
  });

  test('the JsonGet step name follows a custom stepName', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const report = new PropertyFile({ propertyFileName: 'Report', outputName: 'evaluation', filePath: 'evaluation.json' });
    new ProcessingStep(pipeline, 'Eval', {
      stepName: 'Evaluate-Model',
      image: IMAGE,
      outputs: [{ outputName: 'evaluation', localPath: '/opt/ml/processing/evaluation', s3Uri: 's3://example-bucket/evaluation' }],
      propertyFiles: [report],
    });

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: JsonGet.fromPropertyFile(report, 'mse') });

    // THEN
    expect(stepOf(definitionOf(stack), 'Fail').Arguments.ErrorMessage['Std:JsonGet'].PropertyFile).toEqual({ Get: 'Steps.Evaluate-Model.PropertyFiles.Report' });
  });

  test('a property file naming an output the step does not have is refused eagerly', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const report = new PropertyFile({ propertyFileName: 'EvaluationReport', outputName: 'metrics', filePath: 'evaluation.json' });

    // WHEN / THEN
    expect(() => evaluationStep(pipeline, 'Eval', [report]))
      .toThrow(/Stack\/Pipeline\/Eval: property file 'EvaluationReport' names output 'metrics', which this step does not have \(outputs: evaluation\)/);
  });

  test('JsonGet of a property file declared on no step fails synth', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const report = new PropertyFile({ propertyFileName: 'EvaluationReport', outputName: 'evaluation', filePath: 'evaluation.json' });

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: JsonGet.fromPropertyFile(report, 'mse') });

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/JsonGet reads property file 'EvaluationReport', which is not declared on any step.*Stack\/Pipeline\/Fail/);
  });

  test('a PropertyFile declared on two steps is refused', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const report = new PropertyFile({ propertyFileName: 'EvaluationReport', outputName: 'evaluation', filePath: 'evaluation.json' });
    evaluationStep(pipeline, 'Eval', [report]);

    // WHEN / THEN
    expect(() => evaluationStep(pipeline, 'Eval2', [report]))
      .toThrow(/PropertyFile 'EvaluationReport' is already declared on Stack\/Pipeline\/Eval.*Create another PropertyFile for Stack\/Pipeline\/Eval2/);
  });

  test('two property files with one name on one step are refused', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const first = new PropertyFile({ propertyFileName: 'Report', outputName: 'evaluation', filePath: 'a.json' });
    const second = new PropertyFile({ propertyFileName: 'Report', outputName: 'evaluation', filePath: 'b.json' });

    // WHEN / THEN
    expect(() => evaluationStep(pipeline, 'Eval', [first, second])).toThrow(/Stack\/Pipeline\/Eval: propertyFileName 'Report' is used twice/);
  });

  test.each([
    [{ propertyFileName: 'has space', outputName: 'o', filePath: 'f.json' }, /PropertyFile name must be 1-64 characters.*received 'has space'/],
    [{ propertyFileName: 'Report', outputName: '', filePath: 'f.json' }, /PropertyFile 'Report' needs a non-empty outputName and filePath/],
    [{ propertyFileName: 'Report', outputName: 'o', filePath: '' }, /PropertyFile 'Report' needs a non-empty outputName and filePath/],
  ])('invalid PropertyFile props %p are refused', (props, message) => {
    // GIVEN / WHEN / THEN
    expect(() => new PropertyFile(props)).toThrow(message);
  });

  test('an empty JsonGet path is refused', () => {
    // GIVEN
    const report = new PropertyFile({ propertyFileName: 'Report', outputName: 'evaluation', filePath: 'evaluation.json' });

    // WHEN / THEN
    expect(() => JsonGet.fromPropertyFile(report, ' ')).toThrow(/JsonGet path must not be empty/);
  });
});

describe('PipelineExperimentConfig', () => {
  function pipelineWith(stack: ReturnType<typeof newStack>['stack'], experimentConfig?: PipelineExperimentConfig): Pipeline {
    const pipeline = new Pipeline(stack, 'Pipeline', { experimentConfig });
    new FailStep(pipeline, 'Fail');
    return pipeline;
  }

  test('the default records into the pipeline name and the execution id', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    pipelineWith(stack);

    // THEN
    expect(definitionOf(stack).PipelineExperimentConfig).toEqual({
      ExperimentName: { Get: 'Execution.PipelineName' },
      TrialName: { Get: 'Execution.PipelineExecutionId' },
    });
  });

  test('PipelineExperimentConfig.default() is the same as no config', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    pipelineWith(stack, PipelineExperimentConfig.default());

    // THEN
    expect(definitionOf(stack).PipelineExperimentConfig).toEqual({
      ExperimentName: { Get: 'Execution.PipelineName' },
      TrialName: { Get: 'Execution.PipelineExecutionId' },
    });
  });

  test('a custom config renders literals and expressions, and declares the parameters it uses', () => {
    // GIVEN
    const { stack } = newStack();
    const experiment = new ParameterString('Experiment', { defaultValue: 'abalone' });

    // WHEN
    pipelineWith(stack, PipelineExperimentConfig.custom({
      experimentName: experiment.valueAsString,
      trialName: `trial-${ExecutionVariable.PIPELINE_EXECUTION_ID}`,
    }));

    // THEN
    const definition = definitionOf(stack);
    expect(definition.PipelineExperimentConfig).toEqual({
      ExperimentName: { Get: 'Parameters.Experiment' },
      TrialName: { 'Std:Join': { On: '', Values: ['trial-', { Get: 'Execution.PipelineExecutionId' }] } },
    });
    expect(definition.Parameters).toEqual([{ Name: 'Experiment', Type: 'String', DefaultValue: 'abalone' }]);
  });

  test('a custom config with literal names renders them as strings', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    pipelineWith(stack, PipelineExperimentConfig.custom({ experimentName: 'abalone', trialName: 'baseline' }));

    // THEN
    expect(definitionOf(stack).PipelineExperimentConfig).toEqual({ ExperimentName: 'abalone', TrialName: 'baseline' });
  });

  test('an empty custom name is refused', () => {
    // GIVEN / WHEN / THEN
    expect(() => PipelineExperimentConfig.custom({ experimentName: '', trialName: 'x' }))
      .toThrow(/PipelineExperimentConfig.custom: ExperimentName must be a non-empty string or expression/);
  });

  test('disabled renders null', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    pipelineWith(stack, PipelineExperimentConfig.disabled());

    // THEN
    const definition = definitionOf(stack);
    expect(definition).toHaveProperty('PipelineExperimentConfig', null);
  });

  test('the default is null in a known region without SageMaker Experiments', () => {
    // GIVEN
    const { stack } = newStack({ env: { account: '123456789012', region: 'ap-southeast-5' } });

    // WHEN
    pipelineWith(stack);

    // THEN
    expect(definitionOf(stack)).toHaveProperty('PipelineExperimentConfig', null);
  });

  test('the default is kept in a region-agnostic stack', () => {
    // GIVEN
    const { stack } = newStack({});

    // WHEN
    pipelineWith(stack);

    // THEN
    expect(definitionOf(stack).PipelineExperimentConfig).toEqual({
      ExperimentName: { Get: 'Execution.PipelineName' },
      TrialName: { Get: 'Execution.PipelineExecutionId' },
    });
  });

  test('reading the experiment config while it is disabled fails synth naming the step', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { experimentConfig: PipelineExperimentConfig.disabled() });

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: ExperimentConfigProperty.TRIAL_NAME });

    // THEN
    expect(() => Template.fromStack(stack))
      .toThrow(/definition is invalid at Steps\[0\]\.Arguments\.ErrorMessage\.Get \(step Stack\/Pipeline\/Fail\): "PipelineExperimentConfig\.TrialName" references the experiment config, but PipelineExperimentConfig is null/);
  });

  test('a custom config is kept in a region without SageMaker Experiments', () => {
    // GIVEN
    const { stack } = newStack({ env: { account: '123456789012', region: 'ap-southeast-5' } });

    // WHEN
    pipelineWith(stack, PipelineExperimentConfig.custom({ experimentName: 'abalone', trialName: 'baseline' }));

    // THEN
    expect(definitionOf(stack).PipelineExperimentConfig).toEqual({ ExperimentName: 'abalone', TrialName: 'baseline' });
  });
});

describe('execution variables in job arguments', () => {
  test('a training job name in a hyperparameter renders its Get', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    new TrainingStep(pipeline, 'Train', {
      image: IMAGE,
      outputPath: 's3://example-bucket/models',
      hyperparameters: { job: ExecutionVariable.TRAINING_JOB_NAME },
    });

    // THEN
    expect(stepOf(definitionOf(stack), 'Train').Arguments.HyperParameters).toEqual({ job: { Get: 'Execution.TrainingJobName' } });
  });
});
