import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { definitionOf, newStack, stepOf } from './util';
import {
  CacheConfig, ContainerImage, ContainerMode, InferenceExecutionMode, ModelStep, ModelStepProps, Pipeline, RetryPolicy,
  SageMakerJobExceptionType, StepExceptionType, TrainingStep, TransformStep,
} from '../lib';

const IMAGE = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1');
const IMAGE2 = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1.2-1');
const JOB_ROLE = expect.stringMatching(/^\$\{GetAtt:PipelineJobRole[0-9A-F]+\.Arn\}$/);

function model(props: Partial<ModelStepProps> = {}): { stack: Stack; pipeline: Pipeline; step: ModelStep } {
  const { stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'models' });
  const step = new ModelStep(pipeline, 'CreateModel', {
    ...(props.containers === undefined ? { container: { image: IMAGE, modelData: 's3://example-bucket/model/model.tar.gz' } } : {}),
    ...props,
  });
  return { stack, pipeline, step };
}

/** The statements of the IAM policies attached to `role`. */
function statementsOf(stack: Stack, role: iam.IRole): any[] {
  const roleId = stack.getLogicalId(role.node.defaultChild as any);
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter((p: any) => (p.Properties.Roles as any[]).some((r) => r.Ref === roleId))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('ModelStep rendering', () => {
  test('one container renders PrimaryContainer and the pipeline job role', () => {
    // GIVEN
    const { stack } = model();

    // WHEN
    const step = stepOf(definitionOf(stack), 'CreateModel');

    // THEN
    expect(step).toEqual({
      Name: 'CreateModel',
      Type: 'Model',
      Arguments: {
        PrimaryContainer: { Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1', ModelDataUrl: 's3://example-bucket/model/model.tar.gz' },
        ExecutionRoleArn: JOB_ROLE,
      },
    });
  });

  test('every option renders in CreateModel order (inference pipeline model, VPC, isolation, retries)', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'models' });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const role = new iam.Role(stack, 'ModelRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const train = new TrainingStep(pipeline, 'Train', { image: IMAGE, outputPath: 's3://example-bucket/models' });

    // WHEN
    new ModelStep(pipeline, 'CreateModel', {
      containers: [
        { image: IMAGE2, containerHostname: 'preprocess', environment: { SAGEMAKER_PROGRAM: 'preprocess.py' }, modelData: 's3://example-bucket/sklearn/model.tar.gz' },
        { image: IMAGE, containerHostname: 'xgboost', mode: ContainerMode.SINGLE_MODEL, modelData: train.properties.ModelArtifacts.S3ModelArtifacts },
      ],
      inferenceExecutionMode: InferenceExecutionMode.DIRECT,
      executionRole: role,
      vpc,
      securityGroups: [sg],
      enableNetworkIsolation: true,
      retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING], maxAttempts: 3 })],
      displayName: 'Create the model',
      description: 'An inference pipeline model',
    });

    // THEN
    const step = stepOf(definitionOf(stack), 'CreateModel');
    expect(step.Type).toEqual('Model');
    expect(step.Arguments).toEqual({
      Containers: [
        {
          ContainerHostname: 'preprocess',
          Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1.2-1',
          ModelDataUrl: 's3://example-bucket/sklearn/model.tar.gz',
          Environment: { SAGEMAKER_PROGRAM: 'preprocess.py' },
        },
        {
          ContainerHostname: 'xgboost',
          Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1',
          Mode: 'SingleModel',
          ModelDataUrl: { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' },
        },
      ],
      InferenceExecutionConfig: { Mode: 'Direct' },
      ExecutionRoleArn: expect.stringMatching(/^\$\{GetAtt:ModelRole[0-9A-F]+\.Arn\}$/),
      VpcConfig: {
        SecurityGroupIds: [expect.stringMatching(/^\$\{GetAtt:Sg[0-9A-F]+\.GroupId\}$/)],
        Subnets: [expect.stringMatching(/^\$\{Ref:VpcIsolated/), expect.stringMatching(/^\$\{Ref:VpcIsolated/)],
      },
      EnableNetworkIsolation: true,
    });
    expect(step.RetryPolicies).toEqual([{ ExceptionType: ['Step.THROTTLING'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 }]);
    expect(step.DisplayName).toEqual('Create the model');
    expect(step.CacheConfig).toBeUndefined();
  });

  test('a VPC without security groups gets a new one, and the role the EC2 network actions', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'models' });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });

    // WHEN
    const step = new ModelStep(pipeline, 'CreateModel', { container: { image: IMAGE }, vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });

    // THEN
    const args = stepOf(definitionOf(stack), 'CreateModel').Arguments;
    expect(args.VpcConfig.SecurityGroupIds).toEqual([expect.stringMatching(/^\$\{GetAtt:PipelineCreateModelSecurityGroup[0-9A-F]+\.GroupId\}$/)]);
    expect(step.connections.securityGroups).toHaveLength(1);
    expect(statementsOf(stack, step.executionRole)).toContainEqual(expect.objectContaining({ Action: expect.arrayContaining(['ec2:CreateNetworkInterface']), Resource: '*' }));
  });

  test('a multi-model container renders Mode MultiModel', () => {
    // GIVEN
    const { stack } = model({ container: { image: IMAGE, modelData: 's3://example-bucket/models/', mode: ContainerMode.MULTI_MODEL } });

    // THEN
    expect(stepOf(definitionOf(stack), 'CreateModel').Arguments.PrimaryContainer.Mode).toEqual('MultiModel');
  });

  test('the ModelName property feeds a TransformStep', () => {
    // GIVEN
    const { stack, pipeline, step } = model();

    // WHEN
    new TransformStep(pipeline, 'Score', {
      modelName: step.properties.ModelName,
      inputS3Uri: 's3://example-bucket/batch',
      outputPath: 's3://example-bucket/scores',
    });

    // THEN
    const definition = definitionOf(stack);
    expect(stepOf(definition, 'Score').Arguments.ModelName).toEqual({ Get: 'Steps.CreateModel.ModelName' });
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['CreateModel', 'Score']);
  });
});

describe('ModelStep permissions', () => {
  test('the pipeline role may create models and pass the execution role to SageMaker only', () => {
    // GIVEN
    const { stack, pipeline, step } = model();

    // WHEN
    const statements = statementsOf(stack, pipeline.role);

    // THEN
    expect(statements).toContainEqual({
      Action: ['sagemaker:CreateModel', 'sagemaker:DescribeModel', 'sagemaker:AddTags'],
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:123456789012:model/*']] },
    });
    expect(statements).toContainEqual({
      Action: 'iam:PassRole',
      Effect: 'Allow',
      Resource: stack.resolve(step.executionRole.roleArn),
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
  });

  test('the execution role may pull the image and read model data in a known bucket', () => {
    // GIVEN
    const { stack, step } = model();

    // WHEN
    const statements = statementsOf(stack, step.executionRole);

    // THEN
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:us-east-1:123456789012:repository/xgboost']] },
    }));
    expect(statements).toContainEqual(expect.objectContaining({
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::example-bucket/model/model.tar.gz*']] },
    }));
  });

  test('model data from a step property grants no S3 access', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'models' });
    const role = new iam.Role(stack, 'ModelRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const train = new TrainingStep(pipeline, 'Train', { image: IMAGE, outputPath: 's3://example-bucket/models' });

    // WHEN
    new ModelStep(pipeline, 'CreateModel', { container: { image: IMAGE, modelData: train.properties.ModelArtifacts.S3ModelArtifacts }, executionRole: role });

    // THEN
    definitionOf(stack);
    expect(JSON.stringify(statementsOf(stack, role))).not.toContain('s3:');
  });
});

describe('ModelStep validation', () => {
  test.each<[string, Partial<ModelStepProps>, RegExp]>([
    ['neither container nor containers', { container: undefined }, /CreateModel: give exactly one of container .* received neither/],
    ['both container and containers', { containers: [{ image: IMAGE }], container: { image: IMAGE } }, /received both/],
    ['no containers', { containers: [] }, /containers takes 1-15 containers; received 0/],
    ['16 containers', { containers: Array.from({ length: 16 }, () => ({ image: IMAGE })) }, /1-15 containers; received 16/],
    ['a container without image', { container: { image: 'xgboost' as any } }, /container\.image must be a ContainerImage/],
    ['an invalid host name', { container: { image: IMAGE, containerHostname: '-bad' } }, /containerHostname must be 1-63 .* received '-bad'/],
    ['a duplicate host name', { containers: [{ image: IMAGE, containerHostname: 'a' }, { image: IMAGE, containerHostname: 'a' }] }, /containerHostname 'a' is used by two containers/],
    ['model data that is not an S3 URI', { container: { image: IMAGE, modelData: 'bucket/model.tar.gz' } }, /container\.modelData must be an s3:\/\/ .* received 'bucket\/model\.tar\.gz'/],
    ['a bad environment name', { container: { image: IMAGE, environment: { '1X': 'y' } } }, /variable name '1X' is invalid/],
    ['a long environment value', { container: { image: IMAGE, environment: { X: 'y'.repeat(1025) } } }, /'X' is 1025 characters; values are at most 1,024/],
    ['a non-string environment value', { container: { image: IMAGE, environment: { X: 1 as any } } }, /'X' must be a string; received number/],
    ['a bad container mode', { container: { image: IMAGE, mode: 'Many' as any } }, /container\.mode must be a ContainerMode; received 'Many'/],
    ['inferenceExecutionMode with one container', { inferenceExecutionMode: InferenceExecutionMode.SERIAL }, /inferenceExecutionMode applies only to an inference pipeline model/],
    ['a bad inferenceExecutionMode', { containers: [{ image: IMAGE }], inferenceExecutionMode: 'Parallel' as any }, /inferenceExecutionMode must be .* received 'Parallel'/],
    ['subnets without a vpc', { subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }, /subnets and securityGroups apply only with vpc; received subnets/],
    ['a SageMaker job retry policy', { retryPolicies: [RetryPolicy.sageMakerJob({ exceptionTypes: [SageMakerJobExceptionType.CAPACITY_ERROR] })] }, /accepts only RetryPolicy\.step policies/],
    ['cacheConfig', { cacheConfig: CacheConfig.enabled(Duration.days(1)) } as any, /does not accept cacheConfig/],
  ])('rejects %s', (_name, props, error) => {
    // GIVEN / WHEN / THEN
    expect(() => model(props)).toThrow(error);
  });

  test('rejects security groups without a vpc, and an empty security group list', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'models' });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });

    // WHEN / THEN
    expect(() => new ModelStep(pipeline, 'A', { container: { image: IMAGE }, securityGroups: [sg] })).toThrow(/received securityGroups without a vpc/);
    expect(() => new ModelStep(pipeline, 'B', { container: { image: IMAGE }, vpc, securityGroups: [] })).toThrow(/securityGroups takes 1-5 security groups; received 0/);
  });
});
