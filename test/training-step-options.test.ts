import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ContainerImage, Pipeline, TrainingInput, TrainingRecordWrapperType, TrainingS3DataType, TrainingStep,
} from '../lib';
import { definitionOf, newStack, stepOf } from './util';

const IMAGE = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1');

function training(scope: Construct, id: string, extra: Partial<ConstructorParameters<typeof TrainingStep>[2]> = {}): TrainingStep {
  return new TrainingStep(scope, id, { image: IMAGE, outputPath: 's3://example-bucket/models', ...extra });
}

function logicalId(stack: Stack, construct: Construct): string {
  return stack.getLogicalId(construct.node.defaultChild as any);
}

/** Every IAM statement of the stack, flattened. */
function statements(stack: Stack): any[] {
  const template = Template.fromStack(stack).toJSON();
  return Object.values(template.Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((r) => r.Properties.PolicyDocument.Statement);
}

describe('TrainingStep options', () => {
  test('without the new options the request is unchanged', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    // WHEN
    training(pipeline, 'Train');
    // THEN
    const args = stepOf(definitionOf(stack), 'Train').Arguments;
    expect(Object.keys(args)).toEqual(['AlgorithmSpecification', 'OutputDataConfig', 'StoppingCondition', 'ResourceConfig', 'RoleArn']);
    expect(args.AlgorithmSpecification).toEqual({ TrainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1', TrainingInputMode: 'File' });
    expect(args.OutputDataConfig).toEqual({ S3OutputPath: 's3://example-bucket/models' });
    expect(args.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 86400 });
    expect(args.ResourceConfig).toEqual({ VolumeSizeInGB: 30, InstanceCount: 1, InstanceType: 'ml.m5.xlarge' });
  });

  test('renders every option exactly', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const outputKey = new kms.Key(stack, 'OutputKey');
    const volumeKey = new kms.Key(stack, 'VolumeKey');
    const bucket = new s3.Bucket(stack, 'Bucket');
    // WHEN
    const train = training(pipeline, 'Train', {
      metricDefinitions: [{ name: 'validation:rmse', regex: 'rmse=([0-9\\.]+)' }],
      outputKmsKey: outputKey,
      volumeKmsKey: volumeKey,
      useSpotInstances: true,
      maxRuntime: Duration.hours(1),
      maxWait: Duration.hours(2),
      checkpointS3Uri: `s3://${bucket.bucketName}/checkpoints`,
      checkpointLocalPath: '/opt/ml/checkpoints',
      vpc,
      enableNetworkIsolation: true,
      enableInterContainerTrafficEncryption: false,
      retryStrategy: { maximumRetryAttempts: 3 },
      inputs: [
        TrainingInput.s3('train', 's3://example-bucket/train', { recordWrapperType: TrainingRecordWrapperType.RECORD_IO, shuffle: { seed: 7 } }),
        TrainingInput.s3('manifest', 's3://example-bucket/manifest', { s3DataType: TrainingS3DataType.AUGMENTED_MANIFEST_FILE, attributeNames: ['source-ref', 'label'] }),
      ],
    });
    // THEN
    const args = stepOf(definitionOf(stack), 'Train').Arguments;
    const sg = stack.getLogicalId((train.node.findChild('SecurityGroup') as ec2.SecurityGroup).node.defaultChild as ec2.CfnSecurityGroup);
    expect(args).toEqual({
      AlgorithmSpecification: {
        TrainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1',
        TrainingInputMode: 'File',
        MetricDefinitions: [{ Name: 'validation:rmse', Regex: 'rmse=([0-9\\.]+)' }],
      },
      OutputDataConfig: { S3OutputPath: 's3://example-bucket/models', KmsKeyId: `\${GetAtt:${logicalId(stack, outputKey)}.Arn}` },
      StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 },
      ResourceConfig: { VolumeSizeInGB: 30, InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeKmsKeyId: `\${GetAtt:${logicalId(stack, volumeKey)}.Arn}` },
      RoleArn: expect.stringMatching(/^\$\{GetAtt:PipelineJobRole.*\.Arn\}$/),
      InputDataConfig: [
        {
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://example-bucket/train', S3DataDistributionType: 'FullyReplicated' } },
          ChannelName: 'train',
          RecordWrapperType: 'RecordIO',
          ShuffleConfig: { Seed: 7 },
        },
        {
          DataSource: {
            S3DataSource: {
              S3DataType: 'AugmentedManifestFile',
              S3Uri: 's3://example-bucket/manifest',
              S3DataDistributionType: 'FullyReplicated',
              AttributeNames: ['source-ref', 'label'],
            },
          },
          ChannelName: 'manifest',
        },
      ],
      VpcConfig: {
        SecurityGroupIds: [`\${GetAtt:${sg}.GroupId}`],
        Subnets: vpc.privateSubnets.map((s) => `\${Ref:${logicalId(stack, s)}}`),
      },
      EnableNetworkIsolation: true,
      EnableInterContainerTrafficEncryption: false,
      EnableManagedSpotTraining: true,
      CheckpointConfig: { S3Uri: `s3://\${Ref:${logicalId(stack, bucket)}}/checkpoints`, LocalPath: '/opt/ml/checkpoints' },
      RetryStrategy: { MaximumRetryAttempts: 3 },
    });
    expect(train.connections.securityGroups).toHaveLength(1);
  });

  test('algorithmName replaces the image', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    // WHEN
    new TrainingStep(pipeline, 'Train', { algorithmName: 'arn:aws:sagemaker:us-east-1:123456789012:algorithm/my-algo', outputPath: 's3://example-bucket/models' });
    // THEN
    expect(stepOf(definitionOf(stack), 'Train').Arguments.AlgorithmSpecification).toEqual({
      AlgorithmName: 'arn:aws:sagemaker:us-east-1:123456789012:algorithm/my-algo',
      TrainingInputMode: 'File',
    });
  });

  test('given subnets and security groups are used, and no group is created', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    // WHEN
    const train = training(pipeline, 'Train', { vpc, subnets: { subnetType: ec2.SubnetType.PUBLIC }, securityGroups: [sg] });
    // THEN
    const args = stepOf(definitionOf(stack), 'Train').Arguments;
    expect(args.VpcConfig).toEqual({
      SecurityGroupIds: [`\${GetAtt:${logicalId(stack, sg)}.GroupId}`],
      Subnets: vpc.publicSubnets.map((s) => `\${Ref:${logicalId(stack, s)}}`),
    });
    expect(train.node.tryFindChild('SecurityGroup')).toBeUndefined();
  });

  test('the job role gets the VPC, KMS and checkpoint permissions', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const outputKey = new kms.Key(stack, 'OutputKey');
    const volumeKey = new kms.Key(stack, 'VolumeKey');
    // WHEN
    training(pipeline, 'Train', { vpc, outputKmsKey: outputKey, volumeKmsKey: volumeKey, checkpointS3Uri: 's3://ckpt-bucket/run1' });
    // THEN
    const all = statements(stack);
    expect(all).toContainEqual(expect.objectContaining({
      Action: [
        'ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface',
        'ec2:DeleteNetworkInterfacePermission', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs',
        'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
      ],
      Resource: '*',
    }));
    for (const key of [outputKey, volumeKey]) {
      expect(all).toContainEqual(expect.objectContaining({
        Action: expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt']),
        Resource: { 'Fn::GetAtt': [logicalId(stack, key), 'Arn'] },
      }));
    }
    expect(all).toContainEqual(expect.objectContaining({
      Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
      Resource: expect.arrayContaining([{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::ckpt-bucket/run1*']] }]),
    }));
    // the created security group lets the instances talk to each other
    Template.fromStack(stack).resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
  });

  test.each<[string, Partial<ConstructorParameters<typeof TrainingStep>[2]>, RegExp]>([
    ['neither image nor algorithm', { image: undefined }, /Pipeline\/Train: give exactly one of image and algorithmName; received neither/],
    ['both image and algorithm', { algorithmName: 'algo' }, /give exactly one of image and algorithmName; received both/],
    ['41 metric definitions', { metricDefinitions: Array.from({ length: 41 }, (_, i) => ({ name: `m${i}`, regex: 'x' })) }, /metricDefinitions has 41 entries; a training job takes at most 40/],
    ['an empty metric name', { metricDefinitions: [{ name: '', regex: 'x' }] }, /metricDefinitions names must be 1-255 characters; received ''/],
    ['a long metric regex', { metricDefinitions: [{ name: 'm', regex: 'x'.repeat(501) }] }, /metricDefinitions\['m'\]\.regex must be 1-500 characters; received 501 characters/],
    ['a duplicate metric', { metricDefinitions: [{ name: 'm', regex: 'x' }, { name: 'm', regex: 'y' }] }, /names metric 'm' twice/],
    ['spot without maxWait', { useSpotInstances: true }, /useSpotInstances requires maxWait/],
    ['maxWait below maxRuntime', { useSpotInstances: true, maxRuntime: Duration.hours(2), maxWait: Duration.hours(1) }, /maxWait must be at least maxRuntime \(7200 seconds\); received 3600 seconds/],
    ['maxWait without spot', { maxWait: Duration.hours(2) }, /maxWait applies only to managed spot training/],
    ['a local checkpoint path alone', { checkpointLocalPath: '/opt/ml/checkpoints' }, /checkpointLocalPath requires checkpointS3Uri/],
    ['a relative checkpoint path', { checkpointS3Uri: 's3://b/c', checkpointLocalPath: 'ckpt' }, /checkpointLocalPath must be an absolute path.*received 'ckpt'/],
    ['a checkpoint URI that is not S3', { checkpointS3Uri: '/tmp/ckpt' }, /checkpointS3Uri must be an s3:\/\/ URI.*received '\/tmp\/ckpt'/],
    ['0 retry attempts', { retryStrategy: { maximumRetryAttempts: 0 } }, /retryStrategy\.maximumRetryAttempts must be an integer from 1 to 30; received 0/],
    ['31 retry attempts', { retryStrategy: { maximumRetryAttempts: 31 } }, /retryStrategy\.maximumRetryAttempts must be an integer from 1 to 30; received 31/],
    ['subnets without a VPC', { subnets: { subnetType: ec2.SubnetType.PUBLIC } }, /subnets and securityGroups apply only with vpc; received subnets without a vpc/],
  ])('%s is refused', (_name, extra, message) => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    // WHEN / THEN
    expect(() => training(pipeline, 'Train', extra)).toThrow(message);
  });

  test('security groups without a VPC, and six of them, are refused', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const groups = Array.from({ length: 6 }, (_, i) => new ec2.SecurityGroup(stack, `Sg${i}`, { vpc }));
    // WHEN / THEN
    expect(() => training(pipeline, 'A', { securityGroups: [groups[0]] })).toThrow(/received securityGroups without a vpc/);
    expect(() => training(pipeline, 'B', { vpc, securityGroups: groups })).toThrow(/securityGroups takes 1-5 security groups; received 6/);
  });

  test.each<[string, () => TrainingInput, RegExp]>([
    ['a fractional shuffle seed', () => TrainingInput.s3('train', 's3://b/k', { shuffle: { seed: 1.5 } }), /TrainingInput 'train': shuffle\.seed must be an integer; received 1\.5/],
    ['attribute names on an S3 prefix', () => TrainingInput.s3('train', 's3://b/k', { attributeNames: ['a'] }), /attributeNames apply only to augmented manifest files; received s3DataType S3Prefix/],
    ['17 attribute names', () => TrainingInput.s3('train', 's3://b/k', {
      s3DataType: TrainingS3DataType.AUGMENTED_MANIFEST_FILE,
      attributeNames: Array.from({ length: 17 }, (_, i) => `a${i}`),
    }), /attributeNames takes 1-16 names; received 17/],
  ])('channel option: %s is refused', (_name, make, message) => {
    expect(make).toThrow(message);
  });
});
