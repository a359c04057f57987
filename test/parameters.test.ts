import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  ContainerImage, FailStep, ParameterBoolean, ParameterFloat, ParameterInteger, ParameterString, ParameterType, Pipeline,
  ProcessingStep, TrainingStep,
} from '../lib';
import { definitionOf, newStack, stepOf, synthErrors } from './util';

const IMAGE_URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1';

/** A training step with the smallest valid props, plus `extra`. */
function trainingStep(pipeline: Pipeline, id: string, extra: Partial<ConstructorParameters<typeof TrainingStep>[2]> = {}): TrainingStep {
  return new TrainingStep(pipeline, id, {
    image: ContainerImage.fromRegistry(IMAGE_URI),
    outputPath: 's3://example-bucket/models',
    ...extra,
  });
}

describe('ParameterString', () => {
  test('renders Name, Type, DefaultValue and EnumValues in that order', () => {
    // GIVEN
    const { stack } = newStack();
    const mode = new ParameterString('Mode', { defaultValue: 'fast', enumValues: ['fast', 'slow'] });

    // WHEN
    const pipeline = new Pipeline(stack, 'Pipeline', { parameters: [mode] });
    new FailStep(pipeline, 'Fail', { errorMessage: mode.valueAsString });

    // THEN
    const definition = definitionOf(stack);
    expect(definition.Parameters).toEqual([{ Name: 'Mode', Type: 'String', DefaultValue: 'fast', EnumValues: ['fast', 'slow'] }]);
    expect(Object.keys(definition.Parameters[0])).toEqual(['Name', 'Type', 'DefaultValue', 'EnumValues']);
    expect(stepOf(definition, 'Fail').Arguments.ErrorMessage).toEqual({ Get: 'Parameters.Mode' });
  });

  test('exposes its type, default and enum values', () => {
    // GIVEN / WHEN
    const mode = new ParameterString('Mode', { defaultValue: 'a', enumValues: ['a', 'b'] });

    // THEN
    expect(mode.parameterType).toBe(ParameterType.STRING);
    expect(mode.defaultValue).toBe('a');
    expect(mode.enumValues).toEqual(['a', 'b']);
  });

  test('enumValues without a default render without DefaultValue', () => {
    // GIVEN
    const { stack } = newStack();
    const mode = new ParameterString('Mode', { enumValues: ['a', 'b'] });
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: mode.valueAsString });

    // THEN
    expect(definitionOf(stack).Parameters).toEqual([{ Name: 'Mode', Type: 'String', EnumValues: ['a', 'b'] }]);
  });

  test('a default outside enumValues is refused', () => {
    // GIVEN / WHEN / THEN
    expect(() => new ParameterString('Mode', { defaultValue: 'medium', enumValues: ['fast', 'slow'] }))
      .toThrow(/Default 'medium' of String parameter 'Mode' is not one of its enumValues \(fast, slow\)/);
  });

  test('empty enumValues are refused', () => {
    // GIVEN / WHEN / THEN
    expect(() => new ParameterString('Mode', { enumValues: [] })).toThrow(/enumValues of String parameter 'Mode' is empty/);
  });

  test('duplicate enumValues are refused', () => {
    // GIVEN / WHEN / THEN
    expect(() => new ParameterString('Mode', { enumValues: ['a', 'b', 'a'] })).toThrow(/enumValues of String parameter 'Mode' lists 'a' twice/);
  });

  test('a non-string enum value is refused', () => {
    // GIVEN / WHEN / THEN
    expect(() => new ParameterString('Mode', { enumValues: ['a', 1 as any] })).toThrow(/enumValues of String parameter 'Mode' must be literal strings; received number 1/);
  });

  test('a CloudFormation token as default is refused', () => {
    // GIVEN
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Data');

    // WHEN / THEN
    expect(() => new ParameterString('Bucket', { defaultValue: bucket.bucketName }))
      .toThrow(/Default of String parameter 'Bucket' must be a literal string; received a token/);
  });
});

describe('ParameterInteger', () => {
  test('renders its default as a number', () => {
    // GIVEN
    const { stack } = newStack();
    const count = new ParameterInteger('Count', { defaultValue: 3 });
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    trainingStep(pipeline, 'Train', { instanceCount: count.valueAsNumber });

    // THEN
    expect(definitionOf(stack).Parameters).toEqual([{ Name: 'Count', Type: 'Integer', DefaultValue: 3 }]);
    expect(count.parameterType).toBe(ParameterType.INTEGER);
  });

  test.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])('a non-integer default %p is refused', (value) => {
    // GIVEN / WHEN / THEN
    expect(() => new ParameterInteger('Count', { defaultValue: value })).toThrow(/Default of Integer parameter 'Count' must be a literal integer; received number/);
  });

  test('a number token as default is refused', () => {
    // GIVEN
    const other = new ParameterInteger('Other');

    // WHEN / THEN
    expect(() => new ParameterInteger('Count', { defaultValue: other.valueAsNumber }))
      .toThrow(/Default of Integer parameter 'Count' must be a literal integer; received a number token/);
  });

  test('valueAsNumber in instanceCount renders a plain Get', () => {
    // GIVEN
    const { stack } = newStack();
    const count = new ParameterInteger('TrainingInstanceCount', { defaultValue: 1 });
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    trainingStep(pipeline, 'Train', { instanceCount: count.valueAsNumber });

    // THEN
    const train = stepOf(definitionOf(stack), 'Train');
    expect(train.Arguments.ResourceConfig.InstanceCount).toEqual({ Get: 'Parameters.TrainingInstanceCount' });
  });

  test('in a hyperparameter it renders the Std:Join of the SDK to_string()', () => {
    // GIVEN
    const { stack } = newStack();
    const rounds = new ParameterInteger('X', { defaultValue: 50 });
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    trainingStep(pipeline, 'Train', { hyperparameters: { num_round: rounds.valueAsNumber, as_string: rounds.valueAsString } });

    // THEN
    const joined = { 'Std:Join': { On: '', Values: [{ Get: 'Parameters.X' }] } };
    const train = stepOf(definitionOf(stack), 'Train');
    expect(train.Arguments.HyperParameters).toEqual({ num_round: joined, as_string: joined });
  });
});

describe('ParameterFloat', () => {
  test('renders a fractional default', () => {
    // GIVEN
    const { stack } = newStack();
    const eta = new ParameterFloat('Eta', { defaultValue: 0.25 });
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    trainingStep(pipeline, 'Train', { hyperparameters: { eta: eta.valueAsNumber } });

    // THEN
    const definition = definitionOf(stack);
    expect(definition.Parameters).toEqual([{ Name: 'Eta', Type: 'Float', DefaultValue: 0.25 }]);
    expect(stepOf(definition, 'Train').Arguments.HyperParameters.eta).toEqual({ 'Std:Join': { On: '', Values: [{ Get: 'Parameters.Eta' }] } });
    expect(eta.parameterType).toBe(ParameterType.FLOAT);
  });

  test.each([Number.NaN, Number.NEGATIVE_INFINITY])('a non-finite default %p is refused', (value) => {
    // GIVEN / WHEN / THEN
    expect(() => new ParameterFloat('Eta', { defaultValue: value })).toThrow(/Default of Float parameter 'Eta' must be a literal finite number/);
  });
});

describe('ParameterBoolean', () => {
  test('renders a boolean default and a string form through Std:Join', () => {
    // GIVEN
    const { stack } = newStack();
    const flag = new ParameterBoolean('Flag', { defaultValue: true });
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: flag.valueAsString });

    // THEN
    const definition = definitionOf(stack);
    expect(definition.Parameters).toEqual([{ Name: 'Flag', Type: 'Boolean', DefaultValue: true }]);
    expect(stepOf(definition, 'Fail').Arguments.ErrorMessage).toEqual({ 'Std:Join': { On: '', Values: [{ Get: 'Parameters.Flag' }] } });
    expect(flag.parameterType).toBe(ParameterType.BOOLEAN);
  });

  test('value is the parameter itself as an IResolvable', () => {
    // GIVEN / WHEN
    const flag = new ParameterBoolean('Flag');

    // THEN
    expect(flag.value).toBe(flag);
  });
});

describe('defaults of the wrong type', () => {
  test.each([
    ['String', () => new ParameterString('P', { defaultValue: 5 as any }), /Default of String parameter 'P' must be a literal string; received number 5/],
    ['Integer', () => new ParameterInteger('P', { defaultValue: '3' as any }), /Default of Integer parameter 'P' must be a literal integer; received '3'/],
    ['Float', () => new ParameterFloat('P', { defaultValue: '0.1' as any }), /Default of Float parameter 'P' must be a literal finite number; received '0.1'/],
    ['Boolean', () => new ParameterBoolean('P', { defaultValue: 'true' as any }), /Default of Boolean parameter 'P' must be true or false; received 'true'/],
    ['Boolean (number)', () => new ParameterBoolean('P', { defaultValue: 0 as any }), /Default of Boolean parameter 'P' must be true or false; received number 0/],
  ])('%s is refused', (_kind, create, message) => {
    // GIVEN / WHEN / THEN
    expect(create).toThrow(message);
  });
});

describe('parameter names', () => {
  test.each(['', 'has space', 'a.b', 'x'.repeat(65), 'dollar$'])('%p is refused', (name) => {
    // GIVEN / WHEN / THEN
    expect(() => new ParameterString(name)).toThrow(/Pipeline parameter name must be 1-64 characters of A-Z, a-z, 0-9, - and _; received '/);
  });

  test('64 characters of letters, digits, - and _ are accepted', () => {
    // GIVEN
    const { stack } = newStack();
    const name = `A-b_9${'x'.repeat(59)}`;
    const parameter = new ParameterString(name);
    const pipeline = new Pipeline(stack, 'Pipeline', { parameters: [parameter] });

    // WHEN
    new FailStep(pipeline, 'Fail');

    // THEN
    expect(definitionOf(stack).Parameters).toEqual([{ Name: name, Type: 'String' }]);
  });
});

describe('declaration in Parameters', () => {
  test('each parameter is rendered once, including falsy defaults', () => {
    // GIVEN
    const { stack } = newStack();
    const count = new ParameterInteger('Count', { defaultValue: 0 });
    const prefix = new ParameterString('Prefix', { defaultValue: '' });
    const dry = new ParameterBoolean('Dry', { defaultValue: false });
    const rate = new ParameterFloat('Rate', { defaultValue: 0 });
    const pipeline = new Pipeline(stack, 'Pipeline', { parameters: [count, prefix] });

    // WHEN
    trainingStep(pipeline, 'Train', {
      instanceCount: count.valueAsNumber,
      hyperparameters: { prefix: prefix.valueAsString, dry: dry.valueAsString, rate: rate.valueAsNumber, count: count.valueAsNumber },
    });
    new FailStep(pipeline, 'Fail', { errorMessage: `${prefix.valueAsString}:${dry.valueAsString}:${count.valueAsString}` });

    // THEN
    expect(definitionOf(stack).Parameters).toEqual([
      { Name: 'Count', Type: 'Integer', DefaultValue: 0 },
      { Name: 'Prefix', Type: 'String', DefaultValue: '' },
      { Name: 'Dry', Type: 'Boolean', DefaultValue: false },
      { Name: 'Rate', Type: 'Float', DefaultValue: 0 },
    ]);
  });

  test('a parameter without a default renders only Name and Type', () => {
    // GIVEN
    const { stack } = newStack();
    const input = new ParameterString('InputData');
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: input.valueAsString });

    // THEN
    expect(definitionOf(stack).Parameters).toEqual([{ Name: 'InputData', Type: 'String' }]);
  });

  test('a parameter used only by a step is declared automatically', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const input = new ParameterString('InputData', { defaultValue: 's3://example-bucket/raw.csv' });

    // WHEN
    new ProcessingStep(pipeline, 'Prep', {
      image: ContainerImage.fromRegistry(IMAGE_URI),
      inputs: [{ inputName: 'raw', s3Uri: input.valueAsString, localPath: '/opt/ml/processing/input' }],
    });

    // THEN
    const definition = definitionOf(stack);
    expect(definition.Parameters).toEqual([{ Name: 'InputData', Type: 'String', DefaultValue: 's3://example-bucket/raw.csv' }]);
    expect(stepOf(definition, 'Prep').Arguments.ProcessingInputs[0].S3Input.S3Uri).toEqual({ Get: 'Parameters.InputData' });
  });

  test('no parameters render an empty list', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: 'stop' });

    // THEN
    expect(definitionOf(stack).Parameters).toEqual([]);
  });

  test('declared order is the parameters prop order, then addParameter, then first use in construct order', () => {
    // GIVEN
    const { stack } = newStack();
    const a = new ParameterString('A');
    const b = new ParameterString('B');
    const c = new ParameterString('C');
    const d = new ParameterString('D');
    const e = new ParameterString('E');
    const unused = new ParameterString('Unused', { defaultValue: 'x' });
    const pipeline = new Pipeline(stack, 'Pipeline', { parameters: [b, unused, a] });

    // WHEN
    new FailStep(pipeline, 'First', { errorMessage: `${d.valueAsString}${a.valueAsString}` });
    new FailStep(pipeline, 'Second', { errorMessage: `${c.valueAsString}${d.valueAsString}${b.valueAsString}` });
    pipeline.addParameter(e, b);

    // THEN
    expect(definitionOf(stack).Parameters.map((p: any) => p.Name)).toEqual(['B', 'Unused', 'A', 'E', 'D', 'C']);
  });

  test('two different parameters with one name fail synth naming the name', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const first = new ParameterString('Threshold', { defaultValue: '0.5' });
    const second = new ParameterString('Threshold', { defaultValue: '0.7' });

    // WHEN
    new FailStep(pipeline, 'First', { errorMessage: first.valueAsString });
    new FailStep(pipeline, 'Second', { errorMessage: second.valueAsString });

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/two different parameters are named 'Threshold'.*Stack\/Pipeline\/Second/);
  });

  test('two parameters of different types with one name fail synth', () => {
    // GIVEN
    const { stack } = newStack();
    const asString = new ParameterString('Count');
    const asInteger = new ParameterInteger('Count');
    const pipeline = new Pipeline(stack, 'Pipeline', { parameters: [asString] });

    // WHEN
    trainingStep(pipeline, 'Train', { instanceCount: asInteger.valueAsNumber });

    // THEN
    expect(synthErrors(stack)).toEqual([expect.stringMatching(/two different parameters are named 'Count'.*"Type":"String".*"Type":"Integer"/)]);
  });

  test('two identical declarations with one name render once', () => {
    // GIVEN
    const { stack } = newStack();
    const first = new ParameterString('Threshold', { defaultValue: '0.5' });
    const second = new ParameterString('Threshold', { defaultValue: '0.5' });
    const pipeline = new Pipeline(stack, 'Pipeline', { parameters: [first] });

    // WHEN
    new FailStep(pipeline, 'First', { errorMessage: first.valueAsString });
    new FailStep(pipeline, 'Second', { errorMessage: second.valueAsString });

    // THEN
    expect(definitionOf(stack).Parameters).toEqual([{ Name: 'Threshold', Type: 'String', DefaultValue: '0.5' }]);
  });

  test('addParameter refuses a value that is not a parameter', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN / THEN
    expect(() => pipeline.addParameter('InputData' as any)).toThrow(/Pipeline Stack\/Pipeline: addParameter accepts ParameterString, ParameterInteger, ParameterFloat or ParameterBoolean; received InputData/);
  });
});

describe('parameters inside strings', () => {
  test('a String parameter in a template literal inside an S3 URI renders a Std:Join', () => {
    // GIVEN
    const { stack } = newStack();
    const prefix = new ParameterString('Prefix', { defaultValue: 'runs' });
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    trainingStep(pipeline, 'Train', { outputPath: `s3://example-bucket/${prefix}/models` });

    // THEN
    const train = stepOf(definitionOf(stack), 'Train');
    expect(train.Arguments.OutputDataConfig.S3OutputPath).toEqual({
      'Std:Join': { On: '', Values: ['s3://example-bucket/', { Get: 'Parameters.Prefix' }, '/models'] },
    });
  });

  test('a String parameter with a bucket name token keeps the bucket as a CloudFormation value', () => {
    // GIVEN
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Data');
    const prefix = new ParameterString('Prefix');
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    trainingStep(pipeline, 'Train', { outputPath: `s3://${bucket.bucketName}/${prefix.valueAsString}` });

    // THEN
    const bucketRef = `\${Ref:${stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}}`;
    const train = stepOf(definitionOf(stack), 'Train');
    expect(train.Arguments.OutputDataConfig.S3OutputPath).toEqual({
      'Std:Join': { On: '', Values: ['s3://', bucketRef, '/', { Get: 'Parameters.Prefix' }] },
    });
  });

  // Regression test: this once rendered incorrectly.
  test('an Integer parameter in a template literal renders its Get inside the Std:Join', () => {
    // GIVEN
    const { stack } = newStack();
    const count = new ParameterInteger('Count', { defaultValue: 2 });
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: `count=${count.valueAsNumber}` });

    // THEN
    const fail = stepOf(definitionOf(stack), 'Fail');
    expect(fail.Arguments.ErrorMessage).toEqual({ 'Std:Join': { On: '', Values: ['count=', { Get: 'Parameters.Count' }] } });
  });
});
