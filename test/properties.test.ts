/* eslint-disable dot-notation -- property paths are written as in the AWS documentation: Outputs['train'] */
import { Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ContainerImage, FailStep, Join, ModelStep, Pipeline, ProcessingInput, ProcessingStep, TrainingInput, TrainingStep, TransformStep } from '../lib';
import { definitionOf, newStack, stepOf, synthErrors } from './util';

const IMAGE = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1.2-1');

/** A processing step with outputs `train` and `test` and one input `raw`. */
function prepStep(pipeline: Pipeline, id = 'Prep', stepName?: string): ProcessingStep {
  return new ProcessingStep(pipeline, id, {
    stepName,
    image: IMAGE,
    inputs: [{ inputName: 'raw', s3Uri: 's3://example-bucket/raw', localPath: '/opt/ml/processing/input' }],
    outputs: [
      { outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: 's3://example-bucket/train' },
      { outputName: 'test', localPath: '/opt/ml/processing/test', s3Uri: 's3://example-bucket/test' },
    ],
  });
}

/** A training step reading `s3Uri` as its `train` channel. */
function trainStep(pipeline: Pipeline, s3Uri: string, id = 'Train'): TrainingStep {
  return new TrainingStep(pipeline, id, {
    image: IMAGE,
    outputPath: 's3://example-bucket/models',
    inputs: [TrainingInput.s3('train', s3Uri)],
  });
}

describe('processing step properties', () => {
  test("Outputs['train'].S3Output.S3Uri in a training channel renders a Get of the step's property", () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const prep = prepStep(pipeline);

    // WHEN
    trainStep(pipeline, prep.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri);

    // THEN
    const train = stepOf(definitionOf(stack), 'Train');
    expect(train.Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toEqual({
      Get: "Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri",
    });
  });

  test('a property reference is a data edge, not a DependsOn entry', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const prep = prepStep(pipeline);

    // WHEN
    trainStep(pipeline, prep.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri);

    // THEN
    const definition = definitionOf(stack);
    expect(stepOf(definition, 'Train').DependsOn).toBeUndefined();
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Prep', 'Train']);
  });

  test('Outputs[0] indexes by position', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const prep = prepStep(pipeline);

    // WHEN
    trainStep(pipeline, prep.properties.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri);

    // THEN
    const train = stepOf(definitionOf(stack), 'Train');
    expect(train.Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toEqual({
      Get: 'Steps.Prep.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri',
    });
  });

  test("ProcessingInputs['code'] looks an input up by name", () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const prep = prepStep(pipeline);

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: prep.properties.ProcessingInputs['code'].S3Input.S3Uri });

    // THEN
    expect(stepOf(definitionOf(stack), 'Fail').Arguments.ErrorMessage).toEqual({ Get: "Steps.Prep.ProcessingInputs['code'].S3Input.S3Uri" });
  });

  test("Environment['KEY'] looks a map key up", () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const prep = prepStep(pipeline);

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: prep.properties.Environment['KEY'] });

    // THEN
    expect(stepOf(definitionOf(stack), 'Fail').Arguments.ErrorMessage).toEqual({ Get: "Steps.Prep.Environment['KEY']" });
  });

  test('enum and timestamp leaves are string tokens', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const prep = prepStep(pipeline);

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: `${prep.properties.ProcessingJobStatus} at ${prep.properties.ProcessingEndTime}` });

    // THEN
    expect(stepOf(definitionOf(stack), 'Fail').Arguments.ErrorMessage).toEqual({
      'Std:Join': { On: '', Values: [{ Get: 'Steps.Prep.ProcessingJobStatus' }, ' at ', { Get: 'Steps.Prep.ProcessingEndTime' }] },
    });
  });

  test('the step name in Get follows a custom stepName', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const prep = prepStep(pipeline, 'Prep', 'Preprocess-Abalone');

    // WHEN
    trainStep(pipeline, prep.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri);

    // THEN
    const train = stepOf(definitionOf(stack), 'Train');
    expect(train.Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toEqual({
      Get: "Steps.Preprocess-Abalone.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri",
    });
  });

  test('the same property read twice is the same token', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const prep = prepStep(pipeline);

    // WHEN
    const first = prep.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri;
    const second = prep.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri;

    // THEN
    expect(first).toBe(second);
    expect(Token.isUnresolved(first)).toBe(true);
  });
});

describe('training step properties', () => {
  test('ModelArtifacts.S3ModelArtifacts renders its Get, in a template literal as a Std:Join', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const train = trainStep(pipeline, 's3://example-bucket/train');

    // WHEN
    new FailStep(pipeline, 'Exact', { errorMessage: train.properties.ModelArtifacts.S3ModelArtifacts });
    new FailStep(pipeline, 'Report', { errorMessage: `model written to ${train.properties.ModelArtifacts.S3ModelArtifacts}` });

    // THEN
    const definition = definitionOf(stack);
    expect(stepOf(definition, 'Exact').Arguments.ErrorMessage).toEqual({ Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' });
    expect(stepOf(definition, 'Report').Arguments.ErrorMessage).toEqual({
      'Std:Join': { On: '', Values: ['model written to ', { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' }] },
    });
  });

  test("HyperParameters['eta'] looks a map key up", () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const train = trainStep(pipeline, 's3://example-bucket/train');

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: train.properties.HyperParameters['eta'] });

    // THEN
    expect(stepOf(definitionOf(stack), 'Fail').Arguments.ErrorMessage).toEqual({ Get: "Steps.Train.HyperParameters['eta']" });
  });

  test("FinalMetricDataList['validation:rmse'].Value is a number token", () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const train = trainStep(pipeline, 's3://example-bucket/train');

    // WHEN
    const rmse = train.properties.FinalMetricDataList['validation:rmse'].Value;
    new FailStep(pipeline, 'Fail', { errorMessage: Join.of(['RMSE ', rmse]) });

    // THEN
    expect(typeof rmse).toBe('number');
    expect(Token.isUnresolved(rmse)).toBe(true);
    expect(stepOf(definitionOf(stack), 'Fail').Arguments.ErrorMessage).toEqual({
      'Std:Join': { On: '', Values: ['RMSE ', { Get: "Steps.Train.FinalMetricDataList['validation:rmse'].Value" }] },
    });
  });

  // Regression test: this once rendered incorrectly.
  test("FinalMetricDataList['validation:rmse'].Value in a template literal renders a Std:Join", () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const train = trainStep(pipeline, 's3://example-bucket/train');

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: `RMSE ${train.properties.FinalMetricDataList['validation:rmse'].Value} is too high` });

    // THEN
    expect(stepOf(definitionOf(stack), 'Fail').Arguments.ErrorMessage).toEqual({
      'Std:Join': { On: '', Values: ['RMSE ', { Get: "Steps.Train.FinalMetricDataList['validation:rmse'].Value" }, ' is too high'] },
    });
  });

  test('a number property in a hyperparameter is wrapped in Std:Join', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const first = trainStep(pipeline, 's3://example-bucket/train', 'First');

    // WHEN
    new TrainingStep(pipeline, 'Second', {
      image: IMAGE,
      outputPath: 's3://example-bucket/models',
      hyperparameters: { seconds: first.properties.TrainingTimeInSeconds },
    });

    // THEN
    expect(stepOf(definitionOf(stack), 'Second').Arguments.HyperParameters).toEqual({
      seconds: { 'Std:Join': { On: '', Values: [{ Get: 'Steps.First.TrainingTimeInSeconds' }] } },
    });
  });

  test('a boolean leaf is an IResolvable that renders its Get', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const train = trainStep(pipeline, 's3://example-bucket/train');

    // WHEN
    const isolated = train.properties.EnableNetworkIsolation;

    // THEN
    expect(stack.resolve(isolated)).toEqual({ Get: 'Steps.Train.EnableNetworkIsolation' });
  });
});

describe('compile-time checks', () => {
  test('misspelt members do not type-check', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const prep = prepStep(pipeline);
    const train = trainStep(pipeline, 's3://example-bucket/train');

    // WHEN
    const outputs = () => {
      // @ts-expect-error: 'Outptus' is not a member of ProcessingOutputConfig
      return prep.properties.ProcessingOutputConfig.Outptus;
    };
    const artifacts = () => {
      // @ts-expect-error: 'ModelArtifact' is not a member of DescribeTrainingJobResponse
      return train.properties.ModelArtifact;
    };

    // THEN: the misspellings are caught by the compiler; at run time they are invalid nodes, not undefined
    expect(outputs()).toBeDefined();
    expect(artifacts()).toBeDefined();
  });
});

describe('invalid property paths used through any', () => {
  test('a misspelt member fails synth naming the nearest valid member and the step path', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const prep = prepStep(pipeline);

    // WHEN
    trainStep(pipeline, (prep.properties.ProcessingOutputConfig as any).Outptus['train'].S3Output.S3Uri);

    // THEN
    expect(() => Template.fromStack(stack))
      .toThrow(/'Outptus' is not a property of Prep\.ProcessingOutputConfig \(ProcessingOutputConfig\); did you mean 'Outputs'\? \(step Stack\/Pipeline\/Prep\)/);
    expect(synthErrors(stack)).toEqual([expect.stringContaining('used by Stack/Pipeline/Train')]);
  });

  test('a misspelt root member in a template literal fails synth with a suggestion', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const train = trainStep(pipeline, 's3://example-bucket/train');

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: `model at ${(train.properties as any).ModelArtifact.S3ModelArtifacts}` });

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/'ModelArtifact' is not a property of step Train .*did you mean 'ModelArtifacts'\?.*Stack\/Pipeline\/Train/);
  });

  test('a member with the wrong case fails synth with the right spelling', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const prep = prepStep(pipeline);

    // WHEN
    trainStep(pipeline, (prep.properties as any).processingOutputConfig.Outputs[0].S3Output.S3Uri);

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/'processingOutputConfig' is not a property of step Prep.*did you mean 'ProcessingOutputConfig'\?/);
  });

  test('a name key on a list that is not keyed fails synth', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const first = trainStep(pipeline, 's3://example-bucket/train', 'First');

    // WHEN
    trainStep(pipeline, (first.properties as any).InputDataConfig['train'].DataSource.S3DataSource.S3Uri, 'Second');

    // THEN
    expect(() => Template.fromStack(stack))
      .toThrow(/Property First\.InputDataConfig \(InputDataConfig\) can be indexed by position only \(for example \[0\]\); the service cannot look its items up by name 'train'\. \(Step Stack\/Pipeline\/First\)/);
  });

  test('a structure node in a template literal fails synth saying it is not a value', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const train = trainStep(pipeline, 's3://example-bucket/train');

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: `model at ${(train.properties as any).ModelArtifacts}` });

    // THEN
    expect(() => Template.fromStack(stack))
      .toThrow(/Property Train\.'ModelArtifacts' is the structure ModelArtifacts, not a value; choose one of its members \(S3ModelArtifacts.*\(step Stack\/Pipeline\/Train\)/);
  });

  test('a list node used as a value fails synth saying to index it', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const prep = prepStep(pipeline);

    // WHEN
    trainStep(pipeline, prep.properties.ProcessingOutputConfig.Outputs as any);

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/'ProcessingOutputConfig\.Outputs' is a list, not a value; index it/);
  });

  test('a key with a single quote fails synth', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const prep = prepStep(pipeline);

    // WHEN
    trainStep(pipeline, prep.properties.ProcessingOutputConfig.Outputs["it's"].S3Output.S3Uri);

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/Property key 'it's' of Prep\.ProcessingOutputConfig\.Outputs contains a single quote/);
  });
});

describe('a misspelt property through any, passed where a URI or a string is checked, gives the property check\'s message', () => {
  function withTraining(): { stack: any; pipeline: Pipeline; train: TrainingStep } {
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'p' });
    const train = trainStep(pipeline, 's3://example-bucket/train');
    return { stack, pipeline, train };
  }

  test('ProcessingInput.fromS3Uri', () => {
    // GIVEN
    const { train } = withTraining();

    // WHEN
    const misspelt = (train.properties as any).ModelArtifact.S3ModelArtifacts;

    // THEN
    let message = '';
    try {
      ProcessingInput.fromS3Uri('model', misspelt);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^S3Location.fromUri: 'ModelArtifact' is not a property of step Train \(\w+\); did you mean 'ModelArtifacts'\? \(step Stack\/Pipeline\/Train\)$/);
    expect(message).not.toMatch(/received object/);
  });

  test('ModelStep container.modelData', () => {
    // GIVEN
    const { pipeline, train } = withTraining();

    // WHEN / THEN
    expect(() => new ModelStep(pipeline, 'CreateModel', { container: { image: IMAGE, modelData: (train.properties as any).ModelArtifact.S3ModelArtifacts } }))
      .toThrow(/^Stack\/Pipeline\/CreateModel: container\.modelData: 'ModelArtifact' is not a property of step Train \(\w+\); did you mean 'ModelArtifacts'\? \(step Stack\/Pipeline\/Train\)$/);
  });

  test('a structure passed as a value names its members', () => {
    // GIVEN
    const { pipeline, train } = withTraining();

    // WHEN / THEN
    expect(() => new ModelStep(pipeline, 'CreateModel', { container: { image: IMAGE, modelData: (train.properties as any).ModelArtifacts } }))
      .toThrow(/container\.modelData: Property Train\.'ModelArtifacts' is the structure \w+, not a value; choose one of its members \(S3ModelArtifacts/);
  });

  test('a FailStep errorMessage and a TransformStep modelName', () => {
    // GIVEN
    const { pipeline, train } = withTraining();

    // WHEN / THEN
    expect(() => new FailStep(pipeline, 'Stop', { errorMessage: (train.properties as any).FailureReasonn }))
      .toThrow(/Stack\/Pipeline\/Stop: errorMessage: 'FailureReasonn' is not a property of step Train .*did you mean 'FailureReason'\?/);
    expect(() => new TransformStep(pipeline, 'Score', { modelName: (train.properties as any).ModelNam, inputS3Uri: 's3://b/in', outputPath: 's3://b/out' }))
      .toThrow(/Stack\/Pipeline\/Score: modelName: 'ModelNam' is not a property of step Train/);
  });
});
