import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { definitionOf, newStack } from './util';
import { ContainerImage, DefinitionSource, FailStep, Pipeline, PipelineTarget, ProcessingStep } from '../lib';

const FIXTURE = path.join(__dirname, 'fixtures', 'sdk-definition.json');

/** The statements of every IAM policy in the template. */
function statements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('DefinitionSource (a definition written elsewhere)', () => {
  test('a JSON file exported by the SageMaker Python SDK deploys through Pipeline unchanged', () => {
    // GIVEN
    const { stack } = newStack();
    // WHEN
    new Pipeline(stack, 'Pipeline', { pipelineName: 'abalone', definitionSource: DefinitionSource.fromFile(FIXTURE) });
    // THEN
    expect(definitionOf(stack)).toEqual(JSON.parse(fs.readFileSync(FIXTURE, 'utf8')));
  });

  test('the pipeline role is granted what the definition needs: job actions, PassRole to SageMaker, register into its group', () => {
    // GIVEN
    const { stack } = newStack();
    // WHEN
    new Pipeline(stack, 'Pipeline', { definitionSource: DefinitionSource.fromFile(FIXTURE) });
    // THEN
    const all = statements(Template.fromStack(stack));
    const actions = all.flatMap((s) => [].concat(s.Action));
    expect(actions).toEqual(expect.arrayContaining(['sagemaker:CreateProcessingJob', 'sagemaker:CreateTrainingJob', 'sagemaker:CreateModelPackage']));
    expect(all).toContainEqual({
      Action: 'iam:PassRole',
      Effect: 'Allow',
      Resource: 'arn:aws:iam::123456789012:role/SageMakerJobs',
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
    const register = all.find((s) => [].concat(s.Action).includes('sagemaker:CreateModelPackage' as never));
    // CreateModelPackage's only resource type is model-package (the service authorization reference)
    expect(JSON.stringify(register.Resource)).toContain('model-package/AbaloneModels/*');
    expect(actions).not.toContain('sagemaker:CreateTransformJob');
  });

  test('an object (or the text pipeline.definition() returns) with CloudFormation tokens resolves them', () => {
    // GIVEN
    const { stack } = newStack();
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
    const definition = {
      Version: '2020-12-01',
      Metadata: {},
      Parameters: [],
      PipelineExperimentConfig: null,
      Steps: [{ Name: 'Notify', Type: 'Lambda', Arguments: {}, FunctionArn: fn.functionArn, OutputParameters: [] }],
    };
    // WHEN
    new Pipeline(stack, 'Pipeline', { definitionSource: DefinitionSource.fromObject(definition) });
    // THEN
    expect(definitionOf(stack).Steps[0].FunctionArn).toMatch(/^\$\{GetAtt:Fn[0-9A-F]+\.Arn\}$/);
    const invoke = statements(Template.fromStack(stack)).find((s) => s.Action === 'lambda:InvokeFunction');
    expect(invoke.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Fn/), 'Arn'] });
    expect(DefinitionSource.fromObject(JSON.stringify(definition)).definition).toEqual(JSON.parse(JSON.stringify(definition)));
  });

  test('grants and triggers work: a rule target is checked against the definition\'s parameters', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { definitionSource: DefinitionSource.fromFile(FIXTURE) });
    const rule = new events.Rule(stack, 'Rule', { schedule: events.Schedule.rate(Duration.days(1)) });
    // WHEN
    rule.addTarget(new PipelineTarget(pipeline, { parameters: { InputData: 's3://b/k', Unknown: 'x' } }));
    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/Unknown/);
  });

  test('an invalid definition fails synth with the validator\'s problems', () => {
    // GIVEN
    const { stack } = newStack();
    const definition = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    definition.Steps[1].Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri = { Get: 'Steps.AbaloneProcess.ProcessingOutputConfig.Outptus' };
    // WHEN
    new Pipeline(stack, 'Pipeline', { definitionSource: DefinitionSource.fromObject(definition) });
    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/Outptus/);
  });

  test('a pipeline takes a definition source or step constructs, not both', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { definitionSource: DefinitionSource.fromFile(FIXTURE) });
    // WHEN
    new ProcessingStep(pipeline, 'Extra', { image: ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1') });
    new FailStep(pipeline, 'Stop');
    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/definitionSource and also step constructs \(Stack\/Pipeline\/Extra, Stack\/Pipeline\/Stop\).*Remove the steps/);
  });

  test('bad sources are refused with a fix', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'definition-source-'));
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{ not json');
    expect(() => DefinitionSource.fromFile(path.join(dir, 'missing.json'))).toThrow(/is not a file\. Pass the path/);
    expect(() => DefinitionSource.fromFile(bad)).toThrow(/is not valid JSON .*Save the definition/);
    expect(() => DefinitionSource.fromObject('[1, 2]')).toThrow(/received an array\. Pass the whole definition document/);
    expect(() => DefinitionSource.fromObject('{')).toThrow(/not valid JSON/);
  });
});
