import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  Condition, ConditionStep, ContainerImage, ExecutionVariable, FailStep, Join, JsonGet, ParameterInteger,
  ParameterString, Pipeline, ProcessingStep, PropertyFile, Step, TrainingStep,
} from '../lib';
import { definitionOf, newStack, stepOf, synthErrors } from './util';

const IMAGE = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1.2-1');

function newPipeline() {
  const { app, stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline');
  return { app, stack, pipeline };
}

function evaluationStep(pipeline: Pipeline, id: string, propertyFiles: PropertyFile[] = []): ProcessingStep {
  return new ProcessingStep(pipeline, id, {
    image: IMAGE,
    outputs: [{ outputName: 'evaluation', localPath: '/opt/ml/processing/evaluation', s3Uri: 's3://example-bucket/evaluation' }],
    propertyFiles,
  });
}

function training(pipeline: Pipeline, id: string, extra: Partial<ConstructorParameters<typeof TrainingStep>[2]> = {}): TrainingStep {
  return new TrainingStep(pipeline, id, { image: IMAGE, outputPath: 's3://example-bucket/models', ...extra });
}

/** A step type that (wrongly) declares a property file on itself, to reach the non-processing check. */
class DeclaringStep extends Step {
  public readonly stepType = 'Fail';
  constructor(scope: Construct, id: string, file: PropertyFile) {
    super(scope, id, {}, { retry: 'none', cache: false });
    file._declareOn(this);
  }
  protected renderArguments(): Record<string, unknown> {
    return { ErrorMessage: '' };
  }
}

describe('JsonGet.fromS3Uri', () => {
  test('a literal URI is wrapped in Std:Join', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: JsonGet.fromS3Uri('s3://example-bucket/metrics.json', 'metrics.accuracy.value') });

    // THEN
    expect(stepOf(definitionOf(stack), 'Fail').Arguments.ErrorMessage).toEqual({
      'Std:JsonGet': { S3Uri: { 'Std:Join': { On: '', Values: ['s3://example-bucket/metrics.json'] } }, Path: 'metrics.accuracy.value' },
    });
  });

  test('a Join.of URI is kept, and a step property in it adds the step to DependsOn', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const train = training(pipeline, 'Train');
    const uri = Join.of([train.properties.OutputDataConfig.S3OutputPath, 'metrics.json'], '/');

    // WHEN
    new ConditionStep(pipeline, 'Check', { conditions: [Condition.greaterThan(JsonGet.fromS3Uri(uri, 'accuracy'), 0.9)] });
    const definition = definitionOf(stack);

    // THEN
    const check = stepOf(definition, 'Check');
    expect(check.Arguments.Conditions[0].LeftValue).toEqual({
      'Std:JsonGet': {
        S3Uri: { 'Std:Join': { On: '/', Values: [{ Get: 'Steps.Train.OutputDataConfig.S3OutputPath' }, 'metrics.json'] } },
        Path: 'accuracy',
      },
    });
    expect(check.DependsOn).toEqual(['Train']);
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Train', 'Check']);
  });

  test('a template literal with a parameter, an execution variable and a bucket becomes one Std:Join', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const bucket = new s3.Bucket(stack, 'Bucket');
    const prefix = new ParameterString('Prefix', { defaultValue: 'runs' });

    // WHEN
    new FailStep(pipeline, 'Fail', {
      errorMessage: JsonGet.fromS3Uri(`s3://${bucket.bucketName}/${prefix.valueAsString}/${ExecutionVariable.PIPELINE_EXECUTION_ID}/m.json`, 'mse'),
    });
    const definition = definitionOf(stack);

    // THEN
    const logicalId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    expect(stepOf(definition, 'Fail').Arguments.ErrorMessage['Std:JsonGet'].S3Uri).toEqual({
      'Std:Join': {
        On: '',
        Values: ['s3://', `\${Ref:${logicalId}}`, '/', { Get: 'Parameters.Prefix' }, '/', { Get: 'Execution.PipelineExecutionId' }, '/m.json'],
      },
    });
    expect(stepOf(definition, 'Fail').DependsOn).toBeUndefined();
    expect(definition.Parameters).toEqual([{ Name: 'Prefix', Type: 'String', DefaultValue: 'runs' }]);
  });

  test('a single step property as the URI is wrapped, and the step is not listed twice when dependsOn also names it', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const train = training(pipeline, 'Train');

    // WHEN
    new FailStep(pipeline, 'Fail', {
      errorMessage: JsonGet.fromS3Uri(train.properties.ModelArtifacts.S3ModelArtifacts, 'a.b'),
      dependsOn: [train],
    });
    const fail = stepOf(definitionOf(stack), 'Fail');

    // THEN
    expect(fail.DependsOn).toEqual(['Train']);
    expect(fail.Arguments.ErrorMessage['Std:JsonGet'].S3Uri).toEqual({ 'Std:Join': { On: '', Values: [{ Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' }] } });
  });

  test('explicit dependsOn come first, then the steps of the URI', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const prep = evaluationStep(pipeline, 'Prep');
    const train = training(pipeline, 'Train');

    // WHEN
    new FailStep(pipeline, 'Fail', {
      errorMessage: `accuracy ${JsonGet.fromS3Uri(`${train.properties.OutputDataConfig.S3OutputPath}/m.json`, 'acc')}`,
      dependsOn: [prep],
    });

    // THEN
    expect(stepOf(definitionOf(stack), 'Fail').DependsOn).toEqual(['Prep', 'Train']);
  });

  test('a number parameter in the URI is joined as itself (no nested Std:Join)', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const run = new ParameterInteger('Run', { defaultValue: 1 });

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: JsonGet.fromS3Uri(Join.of(['s3://example-bucket', run.valueAsString, 'm.json'], '/'), 'mse') });

    // THEN
    expect(stepOf(definitionOf(stack), 'Fail').Arguments.ErrorMessage['Std:JsonGet'].S3Uri).toEqual({
      'Std:Join': { On: '/', Values: ['s3://example-bucket', { Get: 'Parameters.Run' }, 'm.json'] },
    });
  });

  test('a JsonGet inside the URI is refused eagerly', () => {
    const report = new PropertyFile({ propertyFileName: 'Report', outputName: 'evaluation', filePath: 'e.json' });
    expect(() => JsonGet.fromS3Uri(`s3://b/${JsonGet.fromPropertyFile(report, 'key')}`, 'mse'))
      .toThrow(/JsonGet.fromS3Uri: the S3 URI may only join literals, parameters, execution variables and step properties.*Std:JsonGet/);
  });

  test.each([
    ['http://example.com/m.json', /s3Uri must be an s3:\/\/<bucket>\/<key> URI; received 'http:\/\/example.com\/m.json'/],
    ['s3://bucket-only', /s3Uri must be an s3:\/\/<bucket>\/<key> URI/],
  ])('refuses the literal URI %s', (uri, message) => {
    expect(() => JsonGet.fromS3Uri(uri, 'mse')).toThrow(message);
  });

  test('the S3 form in a condition inside a branch step orders the condition after the producer', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const train = training(pipeline, 'Train');
    const fail = new FailStep(pipeline, 'Fail', { errorMessage: JsonGet.fromS3Uri(`${train.properties.OutputDataConfig.S3OutputPath}/m.json`, 'acc') });

    // WHEN
    new ConditionStep(pipeline, 'Check', { conditions: [Condition.equals(1, 1)], ifSteps: [fail] });
    const definition = definitionOf(stack);

    // THEN
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Train', 'Check']);
    expect(stepOf(definition, 'Fail').DependsOn).toEqual(['Train']);
  });
});

describe('JsonGet paths', () => {
  test.each([
    'mse', 'regression_metrics.mse.value', 'Output[1]', '$.a.b', "a['b c']", "metrics['val:acc'].Value", 'a[*]', 'a[-1]', 'a[1:2]',
    'a..b', '[0].a', 'a[?(@.x > 1)]', 'a[?(@.y.z == "v")]', 'a[(@.length-1)]', '$',
  ])('accepts %s', (path) => {
    expect(() => JsonGet.fromS3Uri('s3://b/k.json', path)).not.toThrow();
    const report = new PropertyFile({ propertyFileName: 'Report', outputName: 'o', filePath: 'f.json' });
    expect(() => JsonGet.fromPropertyFile(report, path)).not.toThrow();
  });

  test.each([
    ['a[0', /unclosed '\[' at position 1/],
    ['a]', /unbalanced '\]' at position 1/],
    ['a[0]]', /unbalanced '\]' at position 4/],
    ["a['b", /unclosed quote ' in the brackets opened at position 1/],
    ["a['b]", /unclosed quote '/],
    ['a[(]', /'\]' at position 3 closes '\('/],
    ['a[?(@.x > 1]', /'\]' at position 11 closes '\('/],
    ['a..', /ends with '..'/],
    ['a.', /ends with '.'/],
    ['.a', /a member name is missing before '.' at position 0/],
    ['a...b', /'.' at position 3 cannot follow '.'/],
    ['a.[0]', /'\[' at position 2 cannot follow '.'/],
    ['a[]', /empty brackets at position 1/],
    ["a['b'c]", /the quoted key \['b'c\] at position 1 is malformed/],
    ['a b', /the member 'a b' at position 0 contains white space; write it as a quoted key \(\['a b'\]\)/],
    ['a(b)', /'\(' at position 1 is only allowed inside brackets/],
    ['a[(]', /closes/],
    ['a[(@.length-)]', /the expression \[\(@.length-\)\] at position 1 does not parse \(Expected expression after - at character/],
    ['a[?(@.x >)]', /the expression \[\?\(@.x >\)\] at position 1 does not parse/],
    ['a[?(@.x && )].b', /does not parse/],
  ])('refuses %s, naming the path', (path, message) => {
    const report = new PropertyFile({ propertyFileName: 'Report', outputName: 'o', filePath: 'f.json' });
    expect(() => JsonGet.fromPropertyFile(report, path)).toThrow(message);
    expect(() => JsonGet.fromS3Uri('s3://b/k.json', path)).toThrow(`JsonGet path '${path}' is not a valid JSON path`);
  });

  test('refuses an empty path and a token path', () => {
    const report = new PropertyFile({ propertyFileName: 'Report', outputName: 'o', filePath: 'f.json' });
    expect(() => JsonGet.fromPropertyFile(report, ' ')).toThrow(/JsonGet path must not be empty/);
    expect(() => JsonGet.fromPropertyFile(report, ExecutionVariable.PIPELINE_NAME)).toThrow(/JsonGet path must be literal text/);
  });
});

describe('JsonGet.fromPropertyFile errors', () => {
  test('a property file declared on a non-processing step fails synth, naming the declaring and the reading step', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const report = new PropertyFile({ propertyFileName: 'Report', outputName: 'o', filePath: 'f.json' });
    new DeclaringStep(pipeline, 'Declares', report);

    // WHEN
    new FailStep(pipeline, 'Reader', { errorMessage: JsonGet.fromPropertyFile(report, 'mse') });

    // THEN
    expect(synthErrors(stack).join('\n')).toMatch(
      /JsonGet reads property file 'Report' declared on Stack\/Pipeline\/Declares, a Fail step; the service reads property files of Processing steps only.*\(used by Stack\/Pipeline\/Reader\)/);
  });

  test('an undeclared property file fails synth, naming the reading step', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const report = new PropertyFile({ propertyFileName: 'Report', outputName: 'o', filePath: 'f.json' });

    // WHEN
    new ConditionStep(pipeline, 'Check', { conditions: [Condition.lessThan(JsonGet.fromPropertyFile(report, 'mse'), 1)] });

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/JsonGet reads property file 'Report', which is not declared on any step.*\(used by Stack\/Pipeline\/Check\)/);
  });

  test('not a PropertyFile', () => {
    expect(() => JsonGet.fromPropertyFile({ propertyFileName: 'x' } as any, 'mse')).toThrow(/JsonGet.fromPropertyFile needs a PropertyFile/);
  });
});

describe('FailStep messages', () => {
  test('a JsonGet, a condition Outcome and a parameter in one message', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const report = new PropertyFile({ propertyFileName: 'Evaluation', outputName: 'evaluation', filePath: 'evaluation.json' });
    evaluationStep(pipeline, 'Evaluate', [report]);
    const threshold = new ParameterString('Threshold', { defaultValue: '6' });
    const check = new ConditionStep(pipeline, 'Check', { conditions: [Condition.equals(1, 1)] });

    // WHEN
    new FailStep(pipeline, 'Fail', {
      errorMessage: `MSE ${JsonGet.fromPropertyFile(report, 'regression_metrics.mse.value')} above ${threshold.valueAsString} (gate: ${check.properties.Outcome})`,
    });
    const definition = definitionOf(stack);

    // THEN
    expect(stepOf(definition, 'Fail').Arguments.ErrorMessage).toEqual({
      'Std:Join': {
        On: '',
        Values: [
          'MSE ',
          { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Evaluate.PropertyFiles.Evaluation' }, Path: 'regression_metrics.mse.value' } },
          ' above ',
          { Get: 'Parameters.Threshold' },
          ' (gate: ',
          { Get: 'Steps.Check.Outcome' },
          ')',
        ],
      },
    });
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Evaluate', 'Check', 'Fail']);
  });

  test('a message that is only a parameter or only a JsonGet renders the expression itself', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const reason = new ParameterString('Reason', { defaultValue: 'stopped' });

    // WHEN
    new FailStep(pipeline, 'ByParameter', { errorMessage: reason.valueAsString });
    new FailStep(pipeline, 'ByJsonGet', { errorMessage: JsonGet.fromS3Uri('s3://example-bucket/reason.json', 'reason') });
    const definition = definitionOf(stack);

    // THEN
    expect(stepOf(definition, 'ByParameter').Arguments).toEqual({ ErrorMessage: { Get: 'Parameters.Reason' } });
    expect(stepOf(definition, 'ByJsonGet').Arguments).toEqual({
      ErrorMessage: { 'Std:JsonGet': { S3Uri: { 'Std:Join': { On: '', Values: ['s3://example-bucket/reason.json'] } }, Path: 'reason' } },
    });
  });
});
