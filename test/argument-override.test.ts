import { Fn } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fc from 'fast-check';
import {
  ContainerImage, ExecutionVariable, FailStep, LambdaStep, ParameterInteger, ParameterString, Pipeline, ProcessingStep, TrainingStep,
} from '../lib';
import { definitionOf, newStack, stepOf, synthErrors } from './util';

const IMAGE = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1');

function setup() {
  const { stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline');
  const train = new TrainingStep(pipeline, 'Train', { image: IMAGE, outputPath: 's3://example-bucket/models' });
  return { stack, pipeline, train };
}

describe('addArgumentOverride / addArgumentDeletion', () => {
  test('sets a member the construct does not model, creating the objects on the way', () => {
    // GIVEN
    const { stack, train } = setup();
    // WHEN
    train.addArgumentOverride('ResourceConfig.KeepAlivePeriodInSeconds', 600);
    train.addArgumentOverride('RetryStrategy.MaximumRetryAttempts', 3);
    // THEN
    const args = stepOf(definitionOf(stack), 'Train').Arguments;
    expect(args.ResourceConfig).toEqual({ VolumeSizeInGB: 30, InstanceCount: 1, InstanceType: 'ml.m5.xlarge', KeepAlivePeriodInSeconds: 600 });
    expect(args.RetryStrategy).toEqual({ MaximumRetryAttempts: 3 });
  });

  test('replaces a rendered member and deletes another; the later of two overrides wins', () => {
    // GIVEN
    const { stack, train } = setup();
    // WHEN
    train.addArgumentOverride('StoppingCondition.MaxRuntimeInSeconds', 100);
    train.addArgumentOverride('StoppingCondition.MaxRuntimeInSeconds', 200);
    train.addArgumentDeletion('ResourceConfig.VolumeSizeInGB');
    train.addArgumentDeletion('No.Such.Member');
    // THEN
    const args = stepOf(definitionOf(stack), 'Train').Arguments;
    expect(args.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 200 });
    expect(args.ResourceConfig).toEqual({ InstanceCount: 1, InstanceType: 'ml.m5.xlarge' });
    expect(args.No).toBeUndefined();
  });

  test('list items by index: replace, append and delete', () => {
    // GIVEN
    const { stack, train } = setup();
    train.addArgumentOverride('InputDataConfig', [{ ChannelName: 'a', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://b/a' } } }]);
    // WHEN
    train.addArgumentOverride('InputDataConfig[1]', { ChannelName: 'b', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://b/b' } } });
    train.addArgumentOverride('InputDataConfig[2]', { ChannelName: 'c', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://b/c' } } });
    train.addArgumentOverride('InputDataConfig[0].ContentType', 'text/csv');
    train.addArgumentDeletion('InputDataConfig[1]');
    // THEN
    const args = stepOf(definitionOf(stack), 'Train').Arguments;
    expect(args.InputDataConfig.map((c: any) => c.ChannelName)).toEqual(['a', 'c']);
    expect(args.InputDataConfig[0].ContentType).toBe('text/csv');
  });

  test("keys holding dots go in ['key'] brackets", () => {
    // GIVEN
    const { stack, train } = setup();
    // WHEN
    train.addArgumentOverride("HyperParameters['learning.rate']", '0.1');
    // THEN
    expect(stepOf(definitionOf(stack), 'Train').Arguments.HyperParameters).toEqual({ 'learning.rate': '0.1' });
  });

  test('values may be expressions and CloudFormation tokens, and references become edges', () => {
    // GIVEN
    const { stack, pipeline, train } = setup();
    const bucket = new s3.Bucket(stack, 'Data');
    const count = new ParameterInteger('Count', { defaultValue: 2 });
    const prefix = new ParameterString('Prefix', { defaultValue: 'p' });
    const report = new FailStep(pipeline, 'Report', { errorMessage: 'x' });
    // WHEN
    train.addArgumentOverride('ResourceConfig.InstanceCount', count.valueAsNumber);
    train.addArgumentOverride('OutputDataConfig.S3OutputPath', `s3://${bucket.bucketName}/${prefix.valueAsString}/${ExecutionVariable.PIPELINE_EXECUTION_ID}`);
    train.addArgumentOverride('Environment', { REGION: Fn.ref('AWS::Region') });
    report.addArgumentOverride('ErrorMessage', `model at ${train.properties.ModelArtifacts.S3ModelArtifacts}`);
    // THEN
    const definition = definitionOf(stack);
    const args = stepOf(definition, 'Train').Arguments;
    expect(args.ResourceConfig.InstanceCount).toEqual({ Get: 'Parameters.Count' });
    expect(args.OutputDataConfig.S3OutputPath).toEqual({
      'Std:Join': { On: '', Values: ['s3://', expect.stringMatching(/^\$\{Ref:Data/), '/', { Get: 'Parameters.Prefix' }, '/', { Get: 'Execution.PipelineExecutionId' }] },
    });
    expect(args.Environment).toEqual({ REGION: '${Ref:AWS::Region}' });
    expect(definition.Parameters.map((p: any) => p.Name)).toEqual(['Prefix', 'Count']);
    expect(stepOf(definition, 'Report').Arguments.ErrorMessage['Std:Join'].Values[1]).toEqual({ Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' });
    // the Fail step reads Train, so it comes after it
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Train', 'Report']);
  });

  test('does not change the step configuration it overrides (shared objects stay intact)', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const environment = { A: '1' };
    const first = new ProcessingStep(pipeline, 'First', { image: IMAGE, environment, code: 's3://b/c.py' });
    const second = new ProcessingStep(pipeline, 'Second', { image: IMAGE, environment, code: 's3://b/c.py' });
    // WHEN
    first.addArgumentOverride('Environment.B', '2');
    // THEN
    const definition = definitionOf(stack);
    expect(stepOf(definition, 'First').Arguments.Environment).toEqual({ A: '1', B: '2' });
    expect(stepOf(definition, 'Second').Arguments.Environment).toEqual({ A: '1' });
    expect(environment).toEqual({ A: '1' });
    expect(second).toBeDefined();
  });

  test('an override added after a first render is in the template', () => {
    // GIVEN
    const { stack, pipeline, train } = setup();
    pipeline.renderDefinition();
    // WHEN
    train.addArgumentOverride('StoppingCondition.MaxWaitTimeInSeconds', 7200);
    // THEN
    expect(stepOf(definitionOf(stack), 'Train').Arguments.StoppingCondition.MaxWaitTimeInSeconds).toBe(7200);
  });

  test('works on steps with free-form Arguments (Lambda)', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const fn = lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:us-east-1:123456789012:function:f');
    const step = new LambdaStep(pipeline, 'Call', { function: fn, inputs: { a: 1 } });
    // WHEN
    step.addArgumentOverride('b', 'two');
    // THEN
    expect(stepOf(definitionOf(stack), 'Call').Arguments).toEqual({ a: 1, b: 'two' });
  });

  describe('validation', () => {
    test('a misspelt member is a synth error naming the step, the member and the nearest valid name', () => {
      // GIVEN
      const { stack, train } = setup();
      // WHEN
      train.addArgumentOverride('ResourceConfig.KeepAlivePeriodInSecond', 600);
      // THEN
      const errors = synthErrors(stack);
      expect(errors).toContain('[Stack/Pipeline] definition is invalid at Steps[0].Arguments.ResourceConfig.KeepAlivePeriodInSecond (step Stack/Pipeline/Train):'
        + ' Unknown member "KeepAlivePeriodInSecond" in ResourceConfig. Did you mean "KeepAlivePeriodInSeconds"? Remove it or fix its name.');
    });

    test('deleting a required member is a synth error naming the step', () => {
      // GIVEN
      const { stack, train } = setup();
      // WHEN
      train.addArgumentDeletion('RoleArn');
      // THEN
      expect(synthErrors(stack).join('\n')).toMatch(/\(step Stack\/Pipeline\/Train\): Missing required member "RoleArn"/);
    });

    test('a value of the wrong type is a synth error', () => {
      // GIVEN
      const { stack, train } = setup();
      // WHEN
      train.addArgumentOverride('ResourceConfig.InstanceCount', 'two');
      // THEN
      expect(synthErrors(stack).join('\n')).toMatch(/ResourceConfig\.InstanceCount \(step Stack\/Pipeline\/Train\)/);
    });

    test.each([
      ['', /is empty/],
      ['A..B', /a member name is missing before '.B'/],
      ['A[x]', /'\[x\]' is neither \[n\]/],
      ['A[-1]', /neither \[n\]/],
      ['A]', /invalid/],
      ['.A', /a member name is missing/],
      ['A.', /a member name is missing before '\(end\)'/],
      ["A['']", /neither/],
    ])('a malformed path %p is an error naming the step', (path, why) => {
      // GIVEN
      const { train } = setup();
      // WHEN / THEN
      expect(() => train.addArgumentOverride(path, 1)).toThrow(/TrainingStep Stack\/Pipeline\/Train: argument path .* is invalid/);
      expect(() => train.addArgumentOverride(path, 1)).toThrow(why);
      expect(() => train.addArgumentDeletion(path)).toThrow(/TrainingStep Stack\/Pipeline\/Train/);
    });

    test('undefined as a value points to addArgumentDeletion', () => {
      // GIVEN
      const { train } = setup();
      // WHEN / THEN
      expect(() => train.addArgumentOverride('A', undefined)).toThrow(/received undefined; to remove the member, call addArgumentDeletion\('A'\)/);
    });

    test('a path through a string, or an index into an object, names the step and what is there', () => {
      // GIVEN
      const { stack, train } = setup();
      // WHEN
      train.addArgumentOverride('RoleArn.Member', 'x');
      // THEN
      expect(() => definitionOf(stack)).toThrow(/TrainingStep Stack\/Pipeline\/Train: cannot apply argument override 'RoleArn.Member': Arguments.RoleArn is .*not an object/);
    });

    test('an index past the end of a list says how far it may go', () => {
      // GIVEN
      const { stack, train } = setup();
      train.addArgumentOverride('InputDataConfig', []);
      // WHEN
      train.addArgumentOverride('InputDataConfig[3]', {});
      // THEN
      expect(() => definitionOf(stack)).toThrow(/Arguments.InputDataConfig has 0 item\(s\), so \[3\] can be at most \[0\]/);
    });

    test('an index into an object is an error', () => {
      // GIVEN
      const { stack, train } = setup();
      // WHEN
      train.addArgumentOverride('ResourceConfig[0]', {});
      // THEN
      expect(() => definitionOf(stack)).toThrow(/Arguments.ResourceConfig is an expression or token, not a list|Arguments.ResourceConfig is .* not a list/);
    });
  });

  test('property: any member path set by an override reads back the same value', () => {
    fc.assert(fc.property(
      fc.array(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/), { minLength: 1, maxLength: 4 }),
      fc.oneof(fc.string(), fc.integer(), fc.boolean()),
      (members, value) => {
        // GIVEN
        const { pipeline } = setupLambda();
        // WHEN
        pipeline.step.addArgumentOverride(members.join('.'), value);
        // THEN
        let read: any = (pipeline.pipeline.renderDefinition().Steps as any[])[0].Arguments;
        for (const m of members) {
          read = read[m];
        }
        expect(read).toEqual(value);
      }), { numRuns: 50 });
  });
});

function setupLambda() {
  const { stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline');
  const fn = lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:us-east-1:123456789012:function:f');
  const step = new LambdaStep(pipeline, 'Call', { function: fn });
  return { pipeline: { pipeline, step } };
}
