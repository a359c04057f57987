import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { definitionOf, newStack, stepOf } from './util';
import {
  CacheConfig, ContainerImage, FailStep, InstanceType, NotebookJobStep, NotebookJobStepProps, ParameterString,
  Pipeline, RetryPolicy, SageMakerJobExceptionType,
} from '../lib';
// Not yet re-exported from lib/index.ts.

const EXAMPLE = path.join(__dirname, '..', 'examples', 'notebook-job');
const NOTEBOOK = path.join(EXAMPLE, 'report.ipynb');
const INIT = path.join(EXAMPLE, 'init.sh');
const HELPERS = path.join(EXAMPLE, 'helpers');
const IMAGE_URI = '885854791233.dkr.ecr.us-east-1.amazonaws.com/sagemaker-distribution-prod:1-cpu';
const MINIMAL: NotebookJobStepProps = {
  notebook: NOTEBOOK,
  image: ContainerImage.fromRegistry(IMAGE_URI),
  kernelName: 'python3',
};

/** A stack with a pipeline, and a notebook job step made with `props` (over the minimal ones). */
function notebookJob(props: Partial<NotebookJobStepProps> = {}, id: string = 'Report'): { stack: Stack; pipeline: Pipeline; step: NotebookJobStep } {
  const { stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'reports' });
  const step = new NotebookJobStep(pipeline, id, { ...MINIMAL, ...props });
  return { stack, pipeline, step };
}

/** The statements of the IAM policies attached to `role`. */
function roleStatements(stack: Stack, role: iam.IRole): any[] {
  const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter((p: any) => (p.Properties.Roles as any[]).some((r) => r.Ref === roleId));
  return policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

/** A fresh temporary folder. */
function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'notebook-job-test-'));
}

describe('NotebookJobStep rendering', () => {
  test('the minimal step renders the training job of the headless scheduler with the SDK defaults', () => {
    // GIVEN
    const { stack, pipeline, step } = notebookJob();

    // WHEN
    const rendered = stepOf(definitionOf(stack), 'Report');

    // THEN
    const bucket = `\${Ref:${stack.getLogicalId(pipeline.artifactBucket.node.defaultChild as any)}}`;
    const roleArn = `\${GetAtt:${stack.getLogicalId(step.role.node.defaultChild as iam.CfnRole)}.Arn}`;
    const input = rendered.Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri;
    expect(input).toMatch(new RegExp(`^s3://${bucket.replace(/[${}]/g, '\\$&')}/assets/[0-9a-f]{64}/$`));
    expect(rendered).toEqual({
      Name: 'Report',
      Type: 'Training',
      Arguments: {
        TrainingJobName: 'Report',
        RoleArn: roleArn,
        RetryStrategy: { MaximumRetryAttempts: 1 },
        StoppingCondition: { MaxRuntimeInSeconds: 172800 },
        EnableInterContainerTrafficEncryption: true,
        AlgorithmSpecification: { TrainingImage: IMAGE_URI, TrainingInputMode: 'File', ContainerEntrypoint: ['amazon_sagemaker_scheduler'] },
        InputDataConfig: [{
          ChannelName: 'sagemaker_headless_execution_pipelinestep',
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: input, S3DataDistributionType: 'FullyReplicated' } },
        }],
        OutputDataConfig: {
          S3OutputPath: { 'Std:Join': { On: '/', Values: ['s3:/', bucket, 'reports', { Get: 'Execution.PipelineExecutionId' }, 'Report'] } },
        },
        ResourceConfig: { VolumeSizeInGB: 30, InstanceCount: 1, InstanceType: 'ml.m5.large' },
        Tags: [
          { Key: 'sagemaker:name', Value: 'Report' },
          { Key: 'sagemaker:notebook-name', Value: 'report.ipynb' },
          { Key: 'sagemaker:notebook-job-origin', Value: 'PIPELINE_STEP' },
          { Key: 'sagemaker:is-studio-archived', Value: 'false' },
        ],
        Environment: {
          AWS_DEFAULT_REGION: 'us-east-1',
          SM_JOB_DEF_VERSION: '1.0',
          SM_ENV_NAME: 'sagemaker-default-env',
          SM_SKIP_EFS_SIMULATION: 'true',
          SM_EXECUTION_INPUT_PATH: '/opt/ml/input/data/sagemaker_headless_execution_pipelinestep',
          SM_KERNEL_NAME: 'python3',
          SM_INPUT_NOTEBOOK_NAME: 'report.ipynb',
          SM_OUTPUT_NOTEBOOK_NAME: 'Report.ipynb',
        },
      },
    });
  });

  test('every option renders exactly, in the SDK order', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'reports' });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const group = new ec2.SecurityGroup(stack, 'Group', { vpc });
    const outputKey = new kms.Key(stack, 'OutputKey');
    const volumeKey = new kms.Key(stack, 'VolumeKey');
    const role = new iam.Role(stack, 'NotebookRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const threshold = new ParameterString('Threshold', { defaultValue: '0.5' });

    // WHEN
    new NotebookJobStep(pipeline, 'Report', {
      notebook: NOTEBOOK,
      image: ContainerImage.fromRegistry(IMAGE_URI),
      kernelName: 'python3',
      notebookJobName: 'nightly_report',
      initializationScript: INIT,
      additionalDependencies: [HELPERS],
      parameters: { threshold: threshold.valueAsString, input_uri: 's3://example-bucket/churn/raw.csv', top: 5 },
      environment: { LOG_LEVEL: 'debug' },
      instanceType: InstanceType.M5_XLARGE,
      volumeSizeInGB: 50,
      volumeKmsKey: volumeKey,
      outputPath: 's3://report-bucket/notebooks',
      outputKmsKey: outputKey,
      enableInterContainerTrafficEncryption: false,
      vpc,
      securityGroups: [group],
      maxRetryAttempts: 3,
      maxRuntime: Duration.hours(6),
      tags: { team: 'analytics' },
      role,
      retryPolicies: [RetryPolicy.sageMakerJob({ exceptionTypes: [SageMakerJobExceptionType.CAPACITY_ERROR], maxAttempts: 2 })],
      description: 'Nightly churn report',
    });
    const rendered = stepOf(definitionOf(stack), 'Report');

    // THEN
    const keyArn = (key: kms.Key) => `\${GetAtt:${stack.getLogicalId(key.node.defaultChild as kms.CfnKey)}.Arn}`;
    const subnet = vpc.isolatedSubnets[0].node.defaultChild as ec2.CfnSubnet;
    const args = rendered.Arguments;
    expect(Object.keys(args)).toEqual([
      'TrainingJobName', 'RoleArn', 'RetryStrategy', 'StoppingCondition', 'EnableInterContainerTrafficEncryption', 'AlgorithmSpecification',
      'InputDataConfig', 'OutputDataConfig', 'ResourceConfig', 'VpcConfig', 'Tags', 'Environment', 'HyperParameters',
    ]);
    expect(args.TrainingJobName).toEqual('nightly-report');
    expect(args.RoleArn).toEqual(`\${GetAtt:${stack.getLogicalId(role.node.defaultChild as iam.CfnRole)}.Arn}`);
    expect(args.RetryStrategy).toEqual({ MaximumRetryAttempts: 3 });
    expect(args.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 21600 });
    expect(args.EnableInterContainerTrafficEncryption).toBe(false);
    expect(args.OutputDataConfig).toEqual({ S3OutputPath: 's3://report-bucket/notebooks', KmsKeyId: keyArn(outputKey) });
    expect(args.ResourceConfig).toEqual({ VolumeSizeInGB: 50, InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeKmsKeyId: keyArn(volumeKey) });
    expect(args.VpcConfig).toEqual({
      SecurityGroupIds: [`\${GetAtt:${stack.getLogicalId(group.node.defaultChild as ec2.CfnSecurityGroup)}.GroupId}`],
      Subnets: [`\${Ref:${stack.getLogicalId(subnet)}}`],
    });
    expect(args.Tags).toEqual([
      { Key: 'team', Value: 'analytics' },
      { Key: 'sagemaker:name', Value: 'nightly_report' },
      { Key: 'sagemaker:notebook-name', Value: 'report.ipynb' },
      { Key: 'sagemaker:notebook-job-origin', Value: 'PIPELINE_STEP' },
      { Key: 'sagemaker:is-studio-archived', Value: 'false' },
    ]);
    expect(args.Environment).toEqual({
      LOG_LEVEL: 'debug',
      AWS_DEFAULT_REGION: 'us-east-1',
      SM_JOB_DEF_VERSION: '1.0',
      SM_ENV_NAME: 'sagemaker-default-env',
      SM_SKIP_EFS_SIMULATION: 'true',
      SM_EXECUTION_INPUT_PATH: '/opt/ml/input/data/sagemaker_headless_execution_pipelinestep',
      SM_KERNEL_NAME: 'python3',
      SM_INPUT_NOTEBOOK_NAME: 'report.ipynb',
      SM_OUTPUT_NOTEBOOK_NAME: 'nightly-report.ipynb',
      SM_INIT_SCRIPT: 'init.sh',
    });
    expect(args.HyperParameters).toEqual({ threshold: { Get: 'Parameters.Threshold' }, input_uri: 's3://example-bucket/churn/raw.csv', top: '5' });
    expect(rendered.RetryPolicies).toEqual([{ BackoffRate: 2, IntervalSeconds: 1, MaxAttempts: 2, ExceptionType: ['SageMaker.CAPACITY_ERROR'] }]);
    expect(rendered.Description).toEqual('Nightly churn report');
    expect(rendered.CacheConfig).toBeUndefined();
  });

  test('in a region-agnostic stack AWS_DEFAULT_REGION is the stack region', () => {
    // GIVEN
    const { stack } = newStack({});
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'reports' });

    // WHEN
    new NotebookJobStep(pipeline, 'Report', MINIMAL);

    // THEN
    expect(stepOf(definitionOf(stack), 'Report').Arguments.Environment.AWS_DEFAULT_REGION).toEqual('${Ref:AWS::Region}');
  });
});

describe('NotebookJobStep files', () => {
  test('the notebook, init script and dependencies are deployed, unzipped, under a content-hashed prefix of the artifact bucket', () => {
    // GIVEN
    const { stack, pipeline, step } = notebookJob({ initializationScript: INIT, additionalDependencies: [HELPERS] });

    // WHEN
    const template = Template.fromStack(stack);

    // THEN
    const deployments = template.findResources('Custom::CDKBucketDeployment');
    expect(Object.keys(deployments)).toHaveLength(1);
    const deployment = Object.values(deployments)[0] as any;
    const hash = /assets\/([0-9a-f]{64})\/$/.exec(Stack.of(step).resolve(step.inputLocation)['Fn::Join'][1].slice(-1)[0])![1];
    expect(deployment.Properties.DestinationBucketKeyPrefix).toEqual(`assets/${hash}/`);
    expect(deployment.Properties.DestinationBucketName).toEqual({ Ref: stack.getLogicalId(pipeline.artifactBucket.node.defaultChild as any) });
    const pipelineResource = Object.values(template.findResources('AWS::SageMaker::Pipeline'))[0] as any;
    expect(JSON.stringify(pipelineResource.DependsOn)).toMatch(/Files/);
  });

  test('the staging hash follows the content: same files give the same prefix, changed files a new one', () => {
    // GIVEN
    const dir = tempDir();
    const notebook = path.join(dir, 'a.ipynb');
    fs.writeFileSync(notebook, '{"cells": []}');
    const first = notebookJob({ notebook }).step;
    const again = notebookJob({ notebook }).step;

    // WHEN
    fs.writeFileSync(notebook, '{"cells": [], "metadata": {}}');
    const changed = notebookJob({ notebook }).step;

    // THEN
    const prefix = (s: NotebookJobStep) => JSON.stringify(Stack.of(s).resolve(s.inputLocation));
    expect(prefix(first)).toEqual(prefix(again));
    expect(prefix(changed)).not.toEqual(prefix(first));
  });

  test('the job role may read the staged files and write the default output; nothing else in S3', () => {
    // GIVEN
    const { stack, step } = notebookJob();

    // WHEN
    const text = JSON.stringify(roleStatements(stack, step.role));

    // THEN
    expect(text).toMatch(/assets\/[0-9a-f]{64}\/\*/);
    expect(text).toMatch(/reports\/\*/);
    expect(text).toMatch(/s3:PutObject/);
  });

  test('the pipeline role gets the training-job actions and PassRole for SageMaker', () => {
    // GIVEN
    const { stack, pipeline, step } = notebookJob();

    // WHEN
    const statements = roleStatements(stack, pipeline.role);

    // THEN
    expect(statements).toContainEqual({
      Action: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags'],
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:123456789012:training-job/*']] },
    });
    expect(statements).toContainEqual({
      Action: 'iam:PassRole',
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [stack.getLogicalId(step.role.node.defaultChild as iam.CfnRole), 'Arn'] },
    });
  });
});

describe('NotebookJobStep properties', () => {
  test('the alias properties render the training job paths', () => {
    // GIVEN
    const { stack, pipeline, step } = notebookJob();
    const p = step.properties;

    // WHEN
    new FailStep(pipeline, 'Show', {
      errorMessage: [p.ComputingJobName, p.ComputingJobStatus, p.NotebookJobInputLocation, p.NotebookJobOutputLocationPrefix,
        p.InputNotebookName, p.OutputNotebookName].join(' '),
    });
    const values = stepOf(definitionOf(stack), 'Show').Arguments.ErrorMessage['Std:Join'].Values;

    // THEN
    expect(values.filter((v: unknown) => typeof v === 'object')).toEqual([
      { Get: 'Steps.Report.TrainingJobName' },
      { Get: 'Steps.Report.TrainingJobStatus' },
      { Get: 'Steps.Report.InputDataConfig[0].DataSource.S3DataSource.S3Uri' },
      { Get: 'Steps.Report.OutputDataConfig.S3OutputPath' },
      { Get: "Steps.Report.Environment['SM_INPUT_NOTEBOOK_NAME']" },
      { Get: "Steps.Report.Environment['SM_OUTPUT_NOTEBOOK_NAME']" },
    ]);
  });
});

describe('NotebookJobStep validation', () => {
  test('the notebook job name must start with a letter and use letters, digits, - and _', () => {
    expect(() => notebookJob({ notebookJobName: '1report' }))
      .toThrow(/Pipeline\/Report: notebookJobName must start with a letter and contain only letters, digits, hyphens and underscores \(at most 63 characters\); received '1report'/);
    expect(() => notebookJob({ notebookJobName: 'my report' })).toThrow(/received 'my report'/);
    expect(() => notebookJob({ notebookJobName: 'r'.repeat(64) })).toThrow(/at most 63 characters/);
    expect(() => notebookJob({}, '2024-report')).toThrow(/received the step name '2024-report' \(the default notebookJobName\)\. Set notebookJobName/);
  });

  test('the notebook, init script and dependencies must exist', () => {
    expect(() => notebookJob({ notebook: '/does/not/exist.ipynb' })).toThrow(/notebook must be an existing local file; received '\/does\/not\/exist.ipynb'/);
    expect(() => notebookJob({ notebook: EXAMPLE })).toThrow(/notebook must be an existing local file/);
    expect(() => notebookJob({ initializationScript: '/nope.sh' })).toThrow(/initializationScript must be an existing local file; received '\/nope.sh'/);
    expect(() => notebookJob({ additionalDependencies: [HELPERS, '/nope'] })).toThrow(/additionalDependencies\[1\] must be an existing local file or folder; received '\/nope'/);
  });

  test('two files with the same name are refused', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'report.ipynb'), '{}');
    expect(() => notebookJob({ additionalDependencies: [path.join(dir, 'report.ipynb')] }))
      .toThrow(/two of the notebook's files are named 'report.ipynb'/);
  });

  test('the kernel name is required', () => {
    expect(() => notebookJob({ kernelName: undefined as any })).toThrow(/kernelName is required; received none/);
    expect(() => notebookJob({ kernelName: ' ' })).toThrow(/kernelName is required; received ' '/);
  });

  test('the image must be in the stack region', () => {
    expect(() => notebookJob({ image: ContainerImage.fromRegistry('885854791233.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-distribution-prod:1-cpu') }))
      .toThrow(/image must be hosted in the stack's region us-east-1; received '885854791233.dkr.ecr.eu-west-1/);
  });

  test('system environment variables and tags cannot be overridden', () => {
    expect(() => notebookJob({ environment: { SM_KERNEL_NAME: 'x' } }))
      .toThrow(/environment variable 'SM_KERNEL_NAME' is set by the notebook job step itself/);
    expect(() => notebookJob({ tags: { 'sagemaker:name': 'x' } }))
      .toThrow(/tag key 'sagemaker:name' is set by the step itself/);
    expect(() => notebookJob({ tags: Object.fromEntries(Array.from({ length: 47 }, (_, i) => [`t${i}`, 'v'])) }))
      .toThrow(/tags has 47 entries; a job takes at most 46 besides the 4 the step adds/);
  });

  test('job options are checked', () => {
    expect(() => notebookJob({ maxRetryAttempts: 0 })).toThrow(/maxRetryAttempts must be an integer from 1 to 30; received 0/);
    expect(() => notebookJob({ maxRetryAttempts: '2' as any })).toThrow(/maxRetryAttempts must be an integer from 1 to 30; received 2/);
    expect(() => notebookJob({ maxRuntime: Duration.days(29) })).toThrow(/maxRuntime must be between 1 second and 28 days/);
    expect(() => notebookJob({ volumeSizeInGB: 0 })).toThrow(/volumeSizeInGB must be an integer from 1 to 16384; received 0/);
    expect(() => notebookJob({ parameters: { x: [1] as any } })).toThrow(/hyperparameter 'x' must be a string, number or boolean/);
  });

  test('caching is refused (the service does not cache notebook jobs)', () => {
    expect(() => notebookJob({ cacheConfig: CacheConfig.enabled() } as any)).toThrow(/this step type does not accept cacheConfig/);
  });
});
