import { IResolvable, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  CacheConfig, ContainerImage, FailStep, ParameterString, Pipeline, TrainingInput, TrainingStep, CallbackOutputType, CallbackStep,
} from '../lib';
import { definitionOf, newStack, stepOf, synthErrors } from './util';

const IMAGE = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1');

function allStatements(stack: Stack): any[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function pipelineStatements(stack: Stack, pipeline: Pipeline): any[] {
  const roleId = stack.getLogicalId(pipeline.role.node.defaultChild as iam.CfnRole);
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function actionsOf(statement: any): string[] {
  return ([] as string[]).concat(statement.Action);
}

function logicalId(construct: { node: { defaultChild?: unknown } }): string {
  const child = construct.node.defaultChild as any;
  return Stack.of(child).getLogicalId(child);
}

describe('CallbackStep', () => {
  test('renders Arguments, SqsQueueUrl and OutputParameters after CacheConfig', () => {
    // GIVEN
    const { stack } = newStack();
    const queue = new sqs.Queue(stack, 'Queue');
    const pipeline = new Pipeline(stack, 'Pipeline');
    const model = new ParameterString('Model', { defaultValue: 's3://example-bucket/model.tar.gz' });

    // WHEN
    new CallbackStep(pipeline, 'Approve', {
      queue,
      inputs: { model: model.valueAsString, note: `model ${model.valueAsString}`, threshold: 0.8 },
      outputs: [{ outputName: 'approved', outputType: CallbackOutputType.BOOLEAN }, { outputName: 'reviewer' }],
      cacheConfig: CacheConfig.enabled('PT1H'),
    });

    // THEN
    const step = stepOf(definitionOf(stack), 'Approve');
    expect(step).toEqual({
      Name: 'Approve',
      Type: 'Callback',
      Arguments: {
        model: { Get: 'Parameters.Model' },
        note: { 'Std:Join': { On: '', Values: ['model ', { Get: 'Parameters.Model' }] } },
        threshold: 0.8,
      },
      CacheConfig: { Enabled: true, ExpireAfter: 'PT1H' },
      SqsQueueUrl: `\${Ref:${logicalId(queue)}}`,
      OutputParameters: [{ OutputName: 'approved', OutputType: 'Boolean' }, { OutputName: 'reviewer', OutputType: 'String' }],
    });
    expect(Object.keys(step)).toEqual(['Name', 'Type', 'Arguments', 'CacheConfig', 'SqsQueueUrl', 'OutputParameters']);
  });

  test('empty inputs render {} and no outputs []', () => {
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    new CallbackStep(pipeline, 'Wait', { queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals', inputs: {} });
    expect(stepOf(definitionOf(stack), 'Wait')).toEqual({
      Name: 'Wait',
      Type: 'Callback',
      Arguments: {},
      SqsQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals',
      OutputParameters: [],
    });
  });

  test('outputs feed later steps, typed by outputType', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const cb = new CallbackStep(pipeline, 'Export', {
      queue: new sqs.Queue(stack, 'Queue'),
      inputs: {},
      outputs: [{ outputName: 'train_path' }, { outputName: 'ok', outputType: CallbackOutputType.BOOLEAN }],
    });

    // WHEN
    const trainPath: string = cb.properties.Outputs.train_path;
    const ok: IResolvable = cb.output('ok');
    const train = new TrainingStep(pipeline, 'Train', { image: IMAGE, outputPath: 's3://example-bucket/models', inputs: [TrainingInput.s3('train', trainPath)] });
    new FailStep(pipeline, 'Report', { errorMessage: `trained ${train.properties.ModelArtifacts.S3ModelArtifacts}` });

    // THEN
    const definition = definitionOf(stack);
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Export', 'Train', 'Report']);
    expect(stepOf(definition, 'Train').Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toEqual({ Get: "Steps.Export.OutputParameters['train_path']" });
    expect(stack.resolve(ok)).toEqual({ Get: "Steps.Export.OutputParameters['ok']" });
    expect(() => (cb as CallbackStep).output('train'))
      .toThrow(/'train' is not an output of step Export \(Stack\/Pipeline\/Export\); declared outputs: train_path, ok/);
  });

  test('the pipeline role may send messages to that queue only', () => {
    // GIVEN
    const { stack } = newStack();
    const queue = new sqs.Queue(stack, 'Queue');
    new sqs.Queue(stack, 'Other');
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    new CallbackStep(pipeline, 'A', { queue, inputs: {} });
    new CallbackStep(pipeline, 'B', { queue, inputs: {} });

    // THEN
    const sqsStatements = allStatements(stack).filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:') || a.startsWith('kms:')));
    const expected = { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(queue), 'Arn'] } };
    expect(sqsStatements).toEqual([expected]);
    expect(pipelineStatements(stack, pipeline)).toContainEqual(expected);
  });

  test('a KMS-encrypted queue grants GenerateDataKey and Decrypt on its key', () => {
    const { stack } = newStack();
    const key = new kms.Key(stack, 'Key');
    const queue = new sqs.Queue(stack, 'Queue', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key });
    const pipeline = new Pipeline(stack, 'Pipeline');
    new CallbackStep(pipeline, 'A', { queue, inputs: {} });

    expect(pipelineStatements(stack, pipeline).filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:') || a.startsWith('kms:')))).toEqual([
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(queue), 'Arn'] } },
      { Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(key), 'Arn'] } },
    ]);
  });

  test.each([
    ['https://sqs.eu-west-1.amazonaws.com/123456789012/approvals', 'arn:aws:sqs:eu-west-1:123456789012:approvals'],
    ['https://sqs.us-east-2.amazonaws.com/123456789012/jobs.fifo', 'arn:aws:sqs:us-east-2:123456789012:jobs.fifo'],
    ['https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q', 'arn:aws-cn:sqs:cn-north-1:123456789012:q'],
    ['https://sqs.us-gov-west-1.amazonaws.com/123456789012/q', 'arn:aws-us-gov:sqs:us-gov-west-1:123456789012:q'],
    ['https://us-west-2.queue.amazonaws.com/123456789012/legacy', 'arn:aws:sqs:us-west-2:123456789012:legacy'],
  ])('a literal queueUrl %s is granted on %s', (url, arn) => {
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    new CallbackStep(pipeline, 'A', { queueUrl: url, inputs: {} });
    expect(pipelineStatements(stack, pipeline).filter((s) => actionsOf(s).includes('sqs:SendMessage')))
      .toEqual([{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: arn }]);
  });

  test.each([
    ['both queue and queueUrl', (stack: Stack) => ({ queue: new sqs.Queue(stack, 'Q'), queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', inputs: {} }),
      /CallbackStep Stack\/Pipeline\/Cb: give either queue or queueUrl, not both; received queue Stack\/Q and queueUrl 'https:\/\/sqs.us-east-1.amazonaws.com\/123456789012\/q'/],
    ['neither queue nor queueUrl', () => ({ inputs: {} }), /CallbackStep Stack\/Pipeline\/Cb: give queue \(an sqs.IQueue, e.g. a CallbackHandler's queue\) or queueUrl; received neither/],
    ['a token queueUrl', (stack: Stack) => ({ queueUrl: new sqs.Queue(stack, 'Q').queueUrl, inputs: {} }),
      /queueUrl is a token .*so the queue's ARN cannot be derived .*Pass queue instead/],
    ['a malformed queueUrl', () => ({ queueUrl: 'sqs://approvals', inputs: {} }), /queueUrl 'sqs:\/\/approvals' is not an SQS queue URL; expected https:\/\/sqs.<region>.amazonaws.com\/<account>\/<queue name>/],
    ['missing inputs', () => ({ queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q' }), /inputs is required .*or \{\} for none/],
    ['duplicate output names', () => ({ queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', inputs: {}, outputs: [{ outputName: 'x' }, { outputName: 'x' }] }),
      /outputName 'x' is declared twice/],
    ['more than 50 outputs', () => ({ queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', inputs: {}, outputs: Array.from({ length: 51 }, (_, i) => ({ outputName: `o${i}` })) }),
      /a step has at most 50 outputs; received 51/],
  ])('rejects %s', (_name, props, error) => {
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    expect(() => new CallbackStep(pipeline, 'Cb', props(stack) as any)).toThrow(error);
  });

  test('refuses retry policies', () => {
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    expect(() => new CallbackStep(pipeline, 'Cb', { queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', inputs: {}, retryPolicies: [{}] } as any))
      .toThrow(/does not accept retryPolicies/);
  });

  test('an undeclared output read through properties is reported at synth', () => {
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const cb = new CallbackStep(pipeline, 'Cb', { queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', inputs: {}, outputs: [{ outputName: 'approved' }] });
    new FailStep(pipeline, 'Report', { errorMessage: (cb.properties.Outputs as any).Approved });
    expect(synthErrors(stack).join('\n')).toMatch(/'Approved' is not an output of step Cb \(Stack\/Pipeline\/Cb\); declared outputs: approved/);
  });
});
