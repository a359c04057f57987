import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  FailStep, ParameterInteger, ParameterString, Pipeline, PipelineScheduleTarget, PipelineTarget,
} from '../lib';
import { definitionOf, newStack, synthErrors } from './util';

const PIPELINE_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:123456789012:pipeline/retrain']] };

/** A stack with a pipeline declaring InputData (with a default) and Epochs (with a default). */
function withPipeline(): { stack: Stack; pipeline: Pipeline } {
  const { stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline', {
    pipelineName: 'retrain',
    parameters: [
      new ParameterString('InputData', { defaultValue: 's3://example-bucket/data.csv' }),
      new ParameterInteger('Epochs', { defaultValue: 10 }),
    ],
  });
  new FailStep(pipeline, 'Stop', { errorMessage: 'stop' });
  return { stack, pipeline };
}

function rule(stack: Stack, target: events.IRuleTarget): events.Rule {
  return new events.Rule(stack, 'OnUpload', {
    eventPattern: { source: ['aws.s3'], detailType: ['Object Created'] },
    targets: [target],
  });
}

function schedule(stack: Stack, target: scheduler.IScheduleTarget): scheduler.Schedule {
  return new scheduler.Schedule(stack, 'Nightly', {
    schedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0' }),
    target,
  });
}

/** `n` parameters P0, P1, ... */
function manyParameters(n: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`P${i}`, `${i}`]));
}

describe('PipelineTarget (EventBridge rule)', () => {
  test('renders the pipeline ARN, a role and SageMakerPipelineParameters in the rule target', () => {
    // GIVEN
    const { stack, pipeline } = withPipeline();

    // WHEN
    rule(stack, new PipelineTarget(pipeline, { parameters: { InputData: 's3://example-bucket/new.csv', Epochs: '20' } }));

    // THEN
    const template = Template.fromStack(stack);
    const ruleResource = Object.values(template.findResources('AWS::Events::Rule'))[0] as any;
    const roleId = ruleResource.Properties.Targets[0].RoleArn['Fn::GetAtt'][0];
    expect(roleId).toMatch(/^OnUploadEventsRole/);
    expect(ruleResource.Properties.Targets).toEqual([{
      Arn: PIPELINE_ARN,
      Id: 'Target0',
      RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
      SageMakerPipelineParameters: {
        PipelineParameterList: [
          { Name: 'InputData', Value: 's3://example-bucket/new.csv' },
          { Name: 'Epochs', Value: '20' },
        ],
      },
    }]);
    definitionOf(stack);
  });

  test('the created role is trusted by EventBridge and may only start this pipeline', () => {
    // GIVEN
    const { stack, pipeline } = withPipeline();

    // WHEN
    rule(stack, new PipelineTarget(pipeline));

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' } }] },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sagemaker:StartPipelineExecution', Effect: 'Allow', Resource: PIPELINE_ARN }] },
      Roles: [{ Ref: Match.stringLikeRegexp('^OnUploadEventsRole') }],
    });
    const target = (Object.values(template.findResources('AWS::Events::Rule'))[0] as any).Properties.Targets[0];
    expect(target.SageMakerPipelineParameters).toBeUndefined();
  });

  test('a given role is used and granted; dead-letter queue and retry policy are rendered', () => {
    // GIVEN
    const { stack, pipeline } = withPipeline();
    const role = new iam.Role(stack, 'Starter', { assumedBy: new iam.ServicePrincipal('events.amazonaws.com') });
    const queue = new sqs.Queue(stack, 'Dlq');

    // WHEN
    rule(stack, new PipelineTarget(pipeline, { role, deadLetterQueue: queue, retryAttempts: 3, maxEventAge: Duration.hours(2) }));

    // THEN
    const template = Template.fromStack(stack);
    const target = (Object.values(template.findResources('AWS::Events::Rule'))[0] as any).Properties.Targets[0];
    expect(target.RoleArn).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(role.node.defaultChild as iam.CfnRole), 'Arn'] });
    expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [stack.getLogicalId(queue.node.defaultChild as sqs.CfnQueue), 'Arn'] } });
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 7200 });
    template.resourceCountIs('AWS::IAM::Role', 2); // the pipeline's and the given one
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sagemaker:StartPipelineExecution', Resource: PIPELINE_ARN }] },
      Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) }],
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } })] },
    });
  });

  test('the parameters land on the right target when the rule has several', () => {
    // GIVEN
    const { stack, pipeline } = withPipeline();
    const r = new events.Rule(stack, 'OnUpload', { eventPattern: { source: ['aws.s3'] } });

    // WHEN
    r.addTarget(new PipelineTarget(pipeline, { parameters: { Epochs: '1' } }));
    r.addTarget(new PipelineTarget(pipeline));
    r.addTarget(new PipelineTarget(pipeline, { parameters: { Epochs: '3' } }));

    // THEN
    const targets = (Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'))[0] as any).Properties.Targets;
    expect(targets.map((t: any) => [t.Id, t.SageMakerPipelineParameters?.PipelineParameterList])).toEqual([
      ['Target0', [{ Name: 'Epochs', Value: '1' }]],
      ['Target1', undefined],
      ['Target2', [{ Name: 'Epochs', Value: '3' }]],
    ]);
  });

  test('ACCEPTANCE: passing an undeclared parameter fails synth, naming it and the declared ones', () => {
    // GIVEN
    const { stack, pipeline } = withPipeline();

    // WHEN
    rule(stack, new PipelineTarget(pipeline, { parameters: { InputData: 's3://example-bucket/new.csv', Epoch: '20' } }));

    // THEN
    expect(synthErrors(stack)).toEqual([
      "[Stack/OnUpload] PipelineTarget passes parameter 'Epoch', which pipeline Stack/Pipeline does not declare (declared: InputData, Epochs). Fix the name, or declare the parameter: new Pipeline(..., { parameters: [new ParameterString('Epoch', {...})] }) or pipeline.addParameter(...).",
    ]);
  });

  test('parameters used by steps added after the trigger count as declared', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'retrain' });
    rule(stack, new PipelineTarget(pipeline, { parameters: { Message: 'hello' } }));

    // WHEN
    new FailStep(pipeline, 'Stop', { errorMessage: new ParameterString('Message', { defaultValue: 'stop' }).valueAsString });

    // THEN
    expect(synthErrors(stack)).toEqual([]);
  });

  test('more than 200 parameters are rejected when the target is created', () => {
    // GIVEN
    const { pipeline } = withPipeline();

    // THEN
    expect(() => new PipelineTarget(pipeline, { parameters: manyParameters(201) }))
      .toThrow(/PipelineTarget for pipeline Stack\/Pipeline: an execution starts with at most 200 parameters; received 201/);
    expect(() => new PipelineTarget(pipeline, { parameters: manyParameters(200) })).not.toThrow();
  });

  test.each([
    ['a value over 1,024 characters', { InputData: 'x'.repeat(1025) }, /the value of parameter 'InputData' is 1025 characters; values are at most 1024/],
    ['a non-string value', { Epochs: 20 }, /the value of parameter 'Epochs' must be a string .*; received number 20. Pass String\(20\)/],
    ['an invalid name', { 'bad name': 'x' }, /parameter name 'bad name' is invalid/],
  ])('%s is rejected', (_name, parameters, message) => {
    const { pipeline } = withPipeline();
    expect(() => new PipelineTarget(pipeline, { parameters: parameters as any })).toThrow(message);
  });

  test.each([
    ['retryAttempts', { retryAttempts: 186 }, /retryAttempts must be an integer from 0 to 185; received 186/],
    ['maxEventAge', { maxEventAge: Duration.seconds(30) }, /maxEventAge must be from 60 seconds to 24 hours; received 30 seconds/],
  ])('an out-of-range %s is rejected', (_name, props, message) => {
    const { pipeline } = withPipeline();
    expect(() => new PipelineTarget(pipeline, props)).toThrow(message);
  });

  test('an imported pipeline is accepted without a name check', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = Pipeline.fromPipelineName(stack, 'Imported', 'existing-pipeline');

    // WHEN
    rule(stack, new PipelineTarget(pipeline, { parameters: { Anything: 'goes' } }));

    // THEN
    expect(synthErrors(stack)).toEqual([]);
    const target = (Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'))[0] as any).Properties.Targets[0];
    expect(target.Arn).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:123456789012:pipeline/existing-pipeline']] });
    expect(target.SageMakerPipelineParameters).toEqual({ PipelineParameterList: [{ Name: 'Anything', Value: 'goes' }] });
  });

  test('a declared parameter without a default that the trigger does not pass draws a warning', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'retrain', parameters: [new ParameterString('Required')] });
    new FailStep(pipeline, 'Stop', { errorMessage: 'stop' });

    // WHEN
    rule(stack, new PipelineTarget(pipeline));

    // THEN
    Annotations.fromStack(stack).hasWarning('/Stack/OnUpload', Match.stringLikeRegexp("PipelineTarget does not pass 'Required', which pipeline Stack/Pipeline declares without a default"));
  });
});

describe('PipelineScheduleTarget (EventBridge Scheduler)', () => {
  test('renders the pipeline ARN and the parameter list, and grants its role StartPipelineExecution', () => {
    // GIVEN
    const { stack, pipeline } = withPipeline();

    // WHEN
    schedule(stack, new PipelineScheduleTarget(pipeline, { parameters: { InputData: 's3://example-bucket/nightly.csv' } }));

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 2 * * ? *)',
      Target: Match.objectLike({
        Arn: PIPELINE_ARN,
        SageMakerPipelineParameters: { PipelineParameterList: [{ Name: 'InputData', Value: 's3://example-bucket/nightly.csv' }] },
      }),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sagemaker:StartPipelineExecution', Effect: 'Allow', Resource: PIPELINE_ARN }] },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })] },
    });
    definitionOf(stack);
  });

  test('is an aws-scheduler-targets SageMakerStartPipelineExecution', () => {
    const { pipeline } = withPipeline();
    const target: import('aws-cdk-lib/aws-scheduler-targets').SageMakerStartPipelineExecution = new PipelineScheduleTarget(pipeline);
    expect(target).toBeDefined();
  });

  test('ACCEPTANCE: passing an undeclared parameter fails synth, naming it and the declared ones', () => {
    // GIVEN
    const { stack, pipeline } = withPipeline();

    // WHEN
    schedule(stack, new PipelineScheduleTarget(pipeline, { parameters: { InputDataUri: 's3://example-bucket/nightly.csv' } }));

    // THEN
    expect(synthErrors(stack)).toEqual([
      "[Stack/Nightly] PipelineScheduleTarget passes parameter 'InputDataUri', which pipeline Stack/Pipeline does not declare (declared: InputData, Epochs). Fix the name, or declare the parameter: new Pipeline(..., { parameters: [new ParameterString('InputDataUri', {...})] }) or pipeline.addParameter(...).",
    ]);
  });

  test('more than 200 parameters are rejected', () => {
    const { pipeline } = withPipeline();
    expect(() => new PipelineScheduleTarget(pipeline, { parameters: manyParameters(201) }))
      .toThrow(/PipelineScheduleTarget for pipeline Stack\/Pipeline: an execution starts with at most 200 parameters; received 201/);
  });

  test('an imported pipeline is accepted without a name check', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = Pipeline.fromPipelineArn(stack, 'Imported', 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/existing');

    // WHEN
    schedule(stack, new PipelineScheduleTarget(pipeline, { parameters: { Anything: 'goes' } }));

    // THEN
    expect(synthErrors(stack)).toEqual([]);
    Template.fromStack(stack).hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({
        Arn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/existing',
        SageMakerPipelineParameters: { PipelineParameterList: [{ Name: 'Anything', Value: 'goes' }] },
      }),
    });
  });

  test('without parameters no parameter list is rendered', () => {
    // GIVEN
    const { stack, pipeline } = withPipeline();

    // WHEN
    schedule(stack, new PipelineScheduleTarget(pipeline));

    // THEN
    const target = (Object.values(Template.fromStack(stack).findResources('AWS::Scheduler::Schedule'))[0] as any).Properties.Target;
    expect(target.SageMakerPipelineParameters).toBeUndefined();
  });
});

describe('a mixed-case pipeline name: triggers target and grant the lower-case ARN SageMaker forms', () => {
  const LOWER_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:123456789012:pipeline/dailyretrain']] };

  function mixedCase(): { stack: Stack; pipeline: Pipeline } {
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'DailyRetrain' });
    new FailStep(pipeline, 'Stop', { errorMessage: 'stop' });
    return { stack, pipeline };
  }

  function startStatements(stack: Stack): any[] {
    return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => s.Action === 'sagemaker:StartPipelineExecution');
  }

  test('PipelineTarget', () => {
    // GIVEN
    const { stack, pipeline } = mixedCase();

    // WHEN
    rule(stack, new PipelineTarget(pipeline));

    // THEN
    const ruleResource = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'))[0] as any;
    expect(ruleResource.Properties.Targets[0].Arn).toEqual(LOWER_ARN);
    expect(startStatements(stack)).toEqual([{ Action: 'sagemaker:StartPipelineExecution', Effect: 'Allow', Resource: LOWER_ARN }]);
  });

  test('PipelineScheduleTarget', () => {
    // GIVEN
    const { stack, pipeline } = mixedCase();

    // WHEN
    schedule(stack, new PipelineScheduleTarget(pipeline));

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Scheduler::Schedule', { Target: { Arn: LOWER_ARN } });
    expect(startStatements(stack)).toEqual([{ Action: 'sagemaker:StartPipelineExecution', Effect: 'Allow', Resource: LOWER_ARN }]);
  });
});
