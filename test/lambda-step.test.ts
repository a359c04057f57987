import { Annotations as CdkAnnotations, Duration, IResolvable, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  CacheConfig, ContainerImage, FailStep, LambdaOutputType, LambdaStep, ParameterString, Pipeline, RetryPolicy, StepExceptionType,
  TrainingInput, TrainingStep,
} from '../lib';
import { definitionOf, newStack, stepOf, synthErrors } from './util';

const IMAGE = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1');

function newFunction(stack: Stack, id = 'Fn', timeout?: Duration): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.PYTHON_3_12,
    handler: 'index.handler',
    code: lambda.Code.fromInline('def handler(event, context):\n    return {}\n'),
    timeout,
  });
}

function logicalId(construct: { node: { defaultChild?: unknown } }, stack: Stack): string {
  return stack.getLogicalId(construct.node.defaultChild as lambda.CfnFunction);
}

/** Statements of the pipeline role's policies. */
function pipelineStatements(stack: Stack, pipeline: Pipeline): any[] {
  const template = Template.fromStack(stack);
  const roleId = stack.getLogicalId(pipeline.role.node.defaultChild as iam.CfnRole);
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

/** Every statement of every policy in the stack. */
function allStatements(stack: Stack): any[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function actionsOf(statement: any): string[] {
  return ([] as string[]).concat(statement.Action);
}

describe('LambdaStep', () => {
  test('renders Arguments with expressions, FunctionArn and OutputParameters after CacheConfig', () => {
    // GIVEN
    const { stack } = newStack();
    const fn = newFunction(stack);
    const pipeline = new Pipeline(stack, 'Pipeline');
    const source = new ParameterString('Source', { defaultValue: 's3://example-bucket/raw.csv' });

    // WHEN
    new LambdaStep(pipeline, 'Prep', {
      function: fn,
      inputs: { source: source.valueAsString, prefix: `${source.valueAsString}/out`, rows: 100, dry: false },
      outputs: [
        { outputName: 'train_path' },
        { outputName: 'rows', outputType: LambdaOutputType.INTEGER },
        { outputName: 'ratio', outputType: LambdaOutputType.FLOAT },
        { outputName: 'ok', outputType: LambdaOutputType.BOOLEAN },
      ],
      cacheConfig: CacheConfig.enabled('P30D'),
      displayName: 'Preprocess',
    });

    // THEN
    const step = stepOf(definitionOf(stack), 'Prep');
    expect(step).toEqual({
      Name: 'Prep',
      Type: 'Lambda',
      Arguments: {
        source: { Get: 'Parameters.Source' },
        prefix: { 'Std:Join': { On: '', Values: [{ Get: 'Parameters.Source' }, '/out'] } },
        rows: 100,
        dry: false,
      },
      DisplayName: 'Preprocess',
      CacheConfig: { Enabled: true, ExpireAfter: 'P30D' },
      FunctionArn: `\${GetAtt:${logicalId(fn, stack)}.Arn}`,
      OutputParameters: [
        { OutputName: 'train_path', OutputType: 'String' },
        { OutputName: 'rows', OutputType: 'Integer' },
        { OutputName: 'ratio', OutputType: 'Float' },
        { OutputName: 'ok', OutputType: 'Boolean' },
      ],
    });
    expect(Object.keys(step)).toEqual(['Name', 'Type', 'Arguments', 'DisplayName', 'CacheConfig', 'FunctionArn', 'OutputParameters']);
  });

  test('without inputs and outputs renders {} and []', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    new LambdaStep(pipeline, 'Ping', { function: lambda.Function.fromFunctionArn(stack, 'Imported', 'arn:aws:lambda:us-east-1:123456789012:function:ping') });

    // THEN
    expect(stepOf(definitionOf(stack), 'Ping')).toEqual({
      Name: 'Ping',
      Type: 'Lambda',
      Arguments: {},
      FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ping',
      OutputParameters: [],
    });
  });

  test('an output feeds a TrainingStep channel (OutputParameters[\'train_path\']) and a downstream step', () => {
    // GIVEN
    const { stack } = newStack();
    const fn = newFunction(stack);
    const pipeline = new Pipeline(stack, 'Pipeline');
    const prep = new LambdaStep(pipeline, 'Prep', {
      function: fn,
      outputs: [{ outputName: 'train_path' }, { outputName: 'rows', outputType: LambdaOutputType.INTEGER }],
    });

    // WHEN
    const trainPath: string = prep.properties.Outputs.train_path;
    const rows: number = prep.output('rows');
    const train = new TrainingStep(pipeline, 'Train', {
      image: IMAGE,
      outputPath: 's3://example-bucket/models',
      inputs: [TrainingInput.s3('train', trainPath)],
      instanceCount: 1,
    });
    new FailStep(pipeline, 'Report', { errorMessage: `rows=${rows} model=${train.properties.ModelArtifacts.S3ModelArtifacts}` });

    // THEN
    const definition = definitionOf(stack);
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Prep', 'Train', 'Report']);
    expect(stepOf(definition, 'Train').Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri)
      .toEqual({ Get: "Steps.Prep.OutputParameters['train_path']" });
    expect(stepOf(definition, 'Report').Arguments.ErrorMessage).toEqual({
      'Std:Join': {
        On: '',
        Values: ['rows=', { Get: "Steps.Prep.OutputParameters['rows']" }, ' model=', { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' }],
      },
    });
  });

  test('outputs are typed by outputType', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const step = new LambdaStep(pipeline, 'Prep', {
      function: newFunction(stack),
      outputs: [
        { outputName: 's' },
        { outputName: 'i', outputType: LambdaOutputType.INTEGER },
        { outputName: 'f', outputType: LambdaOutputType.FLOAT },
        { outputName: 'b', outputType: LambdaOutputType.BOOLEAN },
      ],
    });

    // WHEN (compile-time: each assignment type-checks)
    const s: string = step.properties.Outputs.s;
    const i: number = step.properties.Outputs.i;
    const f: number = step.output('f');
    const b: IResolvable = step.output('b');

    // THEN
    expect(typeof s).toBe('string');
    expect(typeof i).toBe('number');
    expect(typeof f).toBe('number');
    expect(stack.resolve(b)).toEqual({ Get: "Steps.Prep.OutputParameters['b']" });
    expect(stack.resolve(s)).toEqual({ Get: "Steps.Prep.OutputParameters['s']" });
  });

  test('output() of an undeclared name throws naming the declared ones', () => {
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const step = new LambdaStep(pipeline, 'Prep', { function: newFunction(stack), outputs: [{ outputName: 'train_path' }, { outputName: 'rows' }] });

    expect(() => (step as LambdaStep).output('trainpath'))
      .toThrow(/'trainpath' is not an output of step Prep \(Stack\/Pipeline\/Prep\); declared outputs: train_path, rows/);
  });

  test('an undeclared name read through properties is reported at synth', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const step = new LambdaStep(pipeline, 'Prep', { function: newFunction(stack), outputs: [{ outputName: 'train_path' }] });

    // WHEN
    new FailStep(pipeline, 'Report', { errorMessage: (step.properties.Outputs as any).trainPath });

    // THEN
    expect(synthErrors(stack).join('\n')).toMatch(/'trainPath' is not an output of step Prep \(Stack\/Pipeline\/Prep\); declared outputs: train_path/);
  });

  test('the pipeline role may invoke that function and no other', () => {
    // GIVEN
    const { stack } = newStack();
    const fn = newFunction(stack);
    const other = newFunction(stack, 'Other');
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    new LambdaStep(pipeline, 'A', { function: fn });
    new LambdaStep(pipeline, 'B', { function: fn, dependsOn: [] });

    // THEN
    const invoke = allStatements(stack).filter((s) => actionsOf(s).some((a) => a.startsWith('lambda:')));
    expect(invoke).toEqual([{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(fn, stack), 'Arn'] } }]);
    expect(pipelineStatements(stack, pipeline)).toContainEqual(invoke[0]);
    expect(JSON.stringify(allStatements(stack))).not.toContain(logicalId(other, stack));
  });

  test('an imported function with a qualifier is granted on exactly that ARN', () => {
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:prep:live';
    new LambdaStep(pipeline, 'Prep', { function: lambda.Function.fromFunctionArn(stack, 'Fn', arn) });

    const invoke = pipelineStatements(stack, pipeline).filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    expect(invoke).toEqual([{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: arn }]);
    expect(stepOf(definitionOf(stack), 'Prep').FunctionArn).toBe(arn);
  });

  test('warns when the function timeout exceeds the 10-minute step limit', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    new LambdaStep(pipeline, 'Long', { function: newFunction(stack, 'LongFn', Duration.minutes(15)) });
    new LambdaStep(pipeline, 'Short', { function: newFunction(stack, 'ShortFn', Duration.minutes(10)) });
    // The two steps are unconnected on purpose here.
    CdkAnnotations.of(pipeline).acknowledgeWarning('cdk-sagemaker-pipelines:disconnectedStep', 'independent steps in this test');

    // THEN
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue());
    expect(warnings).toHaveLength(1);
    expect(warnings[0].id).toBe('/Stack/Pipeline/Long');
    expect(String(warnings[0].entry.data)).toMatch(/function Stack\/LongFn has a timeout of 900 seconds, but SageMaker fails a Lambda step after 600 seconds/);
  });

  test('accepts caching, refuses retry policies', () => {
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    expect(() => new LambdaStep(pipeline, 'Prep', {
      function: newFunction(stack),
      retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING], maxAttempts: 2 })],
    } as any)).toThrow(/Stack\/Pipeline\/Prep: this step type does not accept retryPolicies/);
  });

  test.each([
    ['duplicate output names', { outputs: [{ outputName: 'a' }, { outputName: 'a' }] }, /Stack\/Pipeline\/Prep: outputName 'a' is declared twice; output names must be unique within the step \(declared: a, a\)/],
    ['more than 50 outputs', { outputs: Array.from({ length: 51 }, (_, i) => ({ outputName: `o${i}` })) }, /Stack\/Pipeline\/Prep: a step has at most 50 outputs; received 51/],
    ['an empty output name', { outputs: [{ outputName: '' }] }, /every output needs a literal, non-empty outputName; received ""/],
    ['a quote in an output name', { outputs: [{ outputName: "it's" }] }, /contains a single quote/],
    ['an unknown output type', { outputs: [{ outputName: 'a', outputType: 'Text' }] }, /output 'a' has outputType 'Text'; use LambdaOutputType.STRING, INTEGER, FLOAT or BOOLEAN/],
    ['an object input', { inputs: { config: { a: 1 } } }, /input 'config' must be a string, number or boolean \(or an expression token\); received object/],
    ['no function', { function: undefined }, /LambdaStep Stack\/Pipeline\/Prep: function must be a lambda.IFunction; received undefined/],
  ])('rejects %s', (_name, extra, error) => {
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    expect(() => new LambdaStep(pipeline, 'Prep', { function: newFunction(stack), ...(extra as any) })).toThrow(error);
  });

  test('exactly 50 outputs are accepted', () => {
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    new LambdaStep(pipeline, 'Prep', { function: newFunction(stack), outputs: Array.from({ length: 50 }, (_, i) => ({ outputName: `o${i}` })) });
    expect(stepOf(definitionOf(stack), 'Prep').OutputParameters).toHaveLength(50);
  });

  test('the function policy statement matches the pipeline role only', () => {
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const fn = newFunction(stack);
    new LambdaStep(pipeline, 'Prep', { function: fn });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(fn, stack), 'Arn'] } }]) },
      Roles: [{ Ref: stack.getLogicalId(pipeline.role.node.defaultChild as iam.CfnRole) }],
    });
  });
});
