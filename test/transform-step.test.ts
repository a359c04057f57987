import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { definitionOf, newStack, stepOf } from './util';
import {
  CacheConfig, ContainerImage, ExecutionVariable, InstanceType, ParameterInteger, ParameterString, Pipeline, ProcessingStep,
  RetryPolicy, SageMakerJobExceptionType, StepExceptionType, TrainingStep,
  TransformAssemblyType, TransformBatchStrategy, TransformCompressionType, TransformJoinSource, TransformS3DataType,
  TransformSplitType, TransformStep, TransformStepProps,
} from '../lib';

const IMAGE = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1.2-1');
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const MINIMAL: TransformStepProps = {
  modelName: 'churn-xgboost-v3',
  inputS3Uri: 's3://example-bucket/batch/input',
  outputPath: 's3://example-bucket/batch/output',
};

/** A stack with a pipeline, and a transform step made with `props` (over the minimal ones). */
function transform(props: Partial<TransformStepProps> = {}): { stack: Stack; pipeline: Pipeline; step: TransformStep } {
  const { stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'batch' });
  const step = new TransformStep(pipeline, 'Score', { ...MINIMAL, ...props });
  return { stack, pipeline, step };
}

/** The statements of the IAM policies attached to the pipeline's role. */
function pipelineRoleStatements(stack: Stack, pipeline: Pipeline): any[] {
  const roleId = stack.getLogicalId(pipeline.role.node.defaultChild as any);
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter((p: any) => (p.Properties.Roles as any[]).some((r) => r.Ref === roleId));
  return policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('TransformStep rendering', () => {
  test('the minimal step renders the required keys with their defaults', () => {
    // GIVEN
    const { stack } = transform();

    // WHEN
    const step = stepOf(definitionOf(stack), 'Score');

    // THEN
    expect(step).toEqual({
      Name: 'Score',
      Type: 'Transform',
      Arguments: {
        ModelName: 'churn-xgboost-v3',
        TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://example-bucket/batch/input' } } },
        TransformOutput: { S3OutputPath: 's3://example-bucket/batch/output' },
        TransformResources: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1 },
      },
    });
  });

  test('every option renders exactly, in CreateTransformJob order', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'batch' });
    const key = new kms.Key(stack, 'OutputKey');
    const keyId = stack.getLogicalId(key.node.defaultChild as kms.CfnKey);

    // WHEN
    new TransformStep(pipeline, 'Score', {
      modelName: 'churn-xgboost-v3',
      inputS3Uri: 's3://example-bucket/batch/input.manifest',
      s3DataType: TransformS3DataType.MANIFEST_FILE,
      contentType: 'text/csv',
      splitType: TransformSplitType.LINE,
      compressionType: TransformCompressionType.GZIP,
      outputPath: 's3://example-bucket/batch/output',
      accept: 'text/csv',
      assembleWith: TransformAssemblyType.LINE,
      outputKmsKey: key,
      instanceType: InstanceType.C5_2XLARGE,
      instanceCount: 4,
      volumeKmsKey: kms.Key.fromKeyArn(stack, 'VolumeKey', KEY_ARN),
      batchStrategy: TransformBatchStrategy.MULTI_RECORD,
      maxConcurrentTransforms: 4,
      maxPayloadInMB: 25,
      environment: { MODEL_SERVER_WORKERS: '2', LOG_LEVEL: 'info' },
      dataProcessing: { inputFilter: '$[1:]', outputFilter: '$[0,-1]', joinSource: TransformJoinSource.INPUT },
      modelClientConfig: { invocationsTimeout: Duration.minutes(2), invocationsMaxRetries: 2 },
      displayName: 'Batch scoring',
      description: 'Scores the batch input',
    });

    // THEN
    const step = stepOf(definitionOf(stack), 'Score');
    expect(step).toEqual({
      Name: 'Score',
      Type: 'Transform',
      Arguments: {
        ModelName: 'churn-xgboost-v3',
        TransformInput: {
          DataSource: { S3DataSource: { S3DataType: 'ManifestFile', S3Uri: 's3://example-bucket/batch/input.manifest' } },
          ContentType: 'text/csv',
          CompressionType: 'Gzip',
          SplitType: 'Line',
        },
        TransformOutput: {
          S3OutputPath: 's3://example-bucket/batch/output',
          Accept: 'text/csv',
          AssembleWith: 'Line',
          KmsKeyId: `\${GetAtt:${keyId}.Arn}`,
        },
        TransformResources: { InstanceType: 'ml.c5.2xlarge', InstanceCount: 4, VolumeKmsKeyId: KEY_ARN },
        BatchStrategy: 'MultiRecord',
        MaxConcurrentTransforms: 4,
        MaxPayloadInMB: 25,
        Environment: { MODEL_SERVER_WORKERS: '2', LOG_LEVEL: 'info' },
        DataProcessing: { InputFilter: '$[1:]', OutputFilter: '$[0,-1]', JoinSource: 'Input' },
        ModelClientConfig: { InvocationsTimeoutInSeconds: 120, InvocationsMaxRetries: 2 },
      },
      DisplayName: 'Batch scoring',
      Description: 'Scores the batch input',
    });
    expect(Object.keys(step.Arguments)).toEqual([
      'ModelName', 'TransformInput', 'TransformOutput', 'TransformResources', 'BatchStrategy', 'MaxConcurrentTransforms',
      'MaxPayloadInMB', 'Environment', 'DataProcessing', 'ModelClientConfig',
    ]);
    expect(Object.keys(step.Arguments.TransformInput)).toEqual(['DataSource', 'ContentType', 'CompressionType', 'SplitType']);
    expect(Object.keys(step.Arguments.TransformOutput)).toEqual(['S3OutputPath', 'Accept', 'AssembleWith', 'KmsKeyId']);
  });

  test('zero values of maxPayloadInMB, maxConcurrentTransforms and invocationsMaxRetries are rendered', () => {
    // GIVEN
    const { stack } = transform({ maxPayloadInMB: 0, maxConcurrentTransforms: 0, modelClientConfig: { invocationsMaxRetries: 0 } });

    // WHEN
    const args = stepOf(definitionOf(stack), 'Score').Arguments;

    // THEN
    expect(args.MaxPayloadInMB).toBe(0);
    expect(args.MaxConcurrentTransforms).toBe(0);
    expect(args.ModelClientConfig).toEqual({ InvocationsMaxRetries: 0 });
  });

  test('empty dataProcessing, modelClientConfig and environment render nothing', () => {
    // GIVEN
    const { stack } = transform({ dataProcessing: {}, modelClientConfig: {}, environment: {} });

    // WHEN
    const args = stepOf(definitionOf(stack), 'Score').Arguments;

    // THEN
    expect(args).not.toHaveProperty('DataProcessing');
    expect(args).not.toHaveProperty('ModelClientConfig');
    expect(args).not.toHaveProperty('Environment');
  });

  test('modelName, instance type and count accept parameters', () => {
    // GIVEN
    const modelName = new ParameterString('ModelName', { defaultValue: 'churn-xgboost-v3' });
    const instanceType = new ParameterString('TransformInstanceType', { defaultValue: 'ml.m5.xlarge' });
    const instanceCount = new ParameterInteger('TransformInstanceCount', { defaultValue: 2 });

    // WHEN
    const { stack } = transform({
      modelName: modelName.valueAsString,
      instanceType: InstanceType.of(instanceType.valueAsString),
      instanceCount: instanceCount.valueAsNumber,
    });

    // THEN
    const definition = definitionOf(stack);
    const args = stepOf(definition, 'Score').Arguments;
    expect(args.ModelName).toEqual({ Get: 'Parameters.ModelName' });
    expect(args.TransformResources).toEqual({
      InstanceType: { Get: 'Parameters.TransformInstanceType' },
      InstanceCount: { Get: 'Parameters.TransformInstanceCount' },
    });
    expect(definition.Parameters.map((p: any) => p.Name)).toEqual(
      expect.arrayContaining(['ModelName', 'TransformInstanceType', 'TransformInstanceCount']));
  });

  test('an input URI from a processing step output renders a Get, and the service orders the transform after it', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'batch' });
    const prep = new ProcessingStep(pipeline, 'Prep', {
      image: IMAGE,
      outputs: [{ outputName: 'batch', localPath: '/opt/ml/processing/batch', s3Uri: 's3://example-bucket/batch' }],
    });

    // WHEN
    const score = new TransformStep(pipeline, 'Score', {
      ...MINIMAL,
      inputS3Uri: prep.properties.ProcessingOutputConfig.Outputs['batch'].S3Output.S3Uri,
      outputPath: `s3://example-bucket/scores/${ExecutionVariable.PIPELINE_EXECUTION_ID}`,
    });

    // THEN
    const step = stepOf(definitionOf(stack), 'Score');
    expect(step.Arguments.TransformInput.DataSource.S3DataSource.S3Uri)
      .toEqual({ Get: "Steps.Prep.ProcessingOutputConfig.Outputs['batch'].S3Output.S3Uri" });
    expect(step.Arguments.TransformOutput.S3OutputPath).toEqual({
      'Std:Join': { On: '', Values: ['s3://example-bucket/scores/', { Get: 'Execution.PipelineExecutionId' }] },
    });
    // a data reference is an edge of the graph; the service derives it, so no DependsOn is emitted
    expect(step).not.toHaveProperty('DependsOn');
    expect(score._render().dataReferences).toEqual([prep]);
  });

  test('modelName can come from another step property, such as a training job name', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'batch' });
    const train = new TrainingStep(pipeline, 'Train', { image: IMAGE, outputPath: 's3://example-bucket/models' });

    // WHEN
    new TransformStep(pipeline, 'Score', { ...MINIMAL, modelName: train.properties.TrainingJobName });

    // THEN
    expect(stepOf(definitionOf(stack), 'Score').Arguments.ModelName).toEqual({ Get: 'Steps.Train.TrainingJobName' });
  });

  test('dependsOn renders DependsOn', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'batch' });
    const prep = new ProcessingStep(pipeline, 'Prep', { image: IMAGE });

    // WHEN
    new TransformStep(pipeline, 'Score', { ...MINIMAL, dependsOn: [prep] });

    // THEN
    expect(stepOf(definitionOf(stack), 'Score').DependsOn).toEqual(['Prep']);
  });

  test('retry policies of both kinds and cacheConfig are rendered', () => {
    // GIVEN
    const { stack } = transform({
      retryPolicies: [
        RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING], maxAttempts: 3 }),
        RetryPolicy.sageMakerJob({
          exceptionTypes: [SageMakerJobExceptionType.CAPACITY_ERROR], interval: Duration.seconds(30), expireAfter: Duration.hours(2),
        }),
      ],
      cacheConfig: CacheConfig.enabled(Duration.days(30)),
    });

    // WHEN
    const step = stepOf(definitionOf(stack), 'Score');

    // THEN
    expect(step.RetryPolicies).toEqual([
      { BackoffRate: 2, IntervalSeconds: 1, MaxAttempts: 3, ExceptionType: ['Step.THROTTLING'] },
      { BackoffRate: 2, IntervalSeconds: 30, ExpireAfterMin: 120, ExceptionType: ['SageMaker.CAPACITY_ERROR'] },
    ]);
    expect(step.CacheConfig).toEqual({ Enabled: true, ExpireAfter: 'P30D' });
    expect(Object.keys(step)).toEqual(['Name', 'Type', 'Arguments', 'RetryPolicies', 'CacheConfig']);
  });

  test('properties render Gets of the transform job', () => {
    // GIVEN
    const { stack, pipeline, step } = transform();

    // WHEN
    new ProcessingStep(pipeline, 'Report', {
      image: IMAGE,
      inputs: [{ inputName: 'scores', s3Uri: step.properties.TransformOutput.S3OutputPath, localPath: '/opt/ml/processing/scores' }],
    });

    // THEN
    expect(stepOf(definitionOf(stack), 'Report').Arguments.ProcessingInputs[0].S3Input.S3Uri)
      .toEqual({ Get: 'Steps.Score.TransformOutput.S3OutputPath' });
  });
});

describe('TransformStep permissions', () => {
  test('the pipeline role gets only the transform-job actions on transform-job ARNs, and no iam:PassRole', () => {
    // GIVEN
    const { stack, pipeline } = transform();

    // WHEN
    const statements = pipelineRoleStatements(stack, pipeline);

    // THEN
    expect(statements).toEqual([{
      Effect: 'Allow',
      Action: ['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:StopTransformJob', 'sagemaker:AddTags'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:123456789012:transform-job/*']] },
    }]);
  });

  test('no job role is created and nothing is granted to S3 or KMS', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'batch' });
    const key = new kms.Key(stack, 'OutputKey');

    // WHEN
    new TransformStep(pipeline, 'Score', { ...MINIMAL, outputKmsKey: key, volumeKmsKey: key });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 1);
    const text = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(text).not.toMatch(/iam:PassRole|kms:|s3:/);
    const keyPolicy = Object.values(template.findResources('AWS::KMS::Key'))[0] as any;
    expect(keyPolicy.Properties.KeyPolicy.Statement).toHaveLength(1);
  });

  test('two transform steps grant the actions once', () => {
    // GIVEN
    const { stack, pipeline } = transform();

    // WHEN
    new TransformStep(pipeline, 'Score2', MINIMAL);

    // THEN
    expect(pipelineRoleStatements(stack, pipeline)).toHaveLength(1);
  });
});

describe('TransformStep validation', () => {
  test.each<[string, Partial<TransformStepProps>, RegExp]>([
    ['modelName with invalid characters', { modelName: 'churn_model' },
      /Pipeline\/Score: modelName must be 1-63 letters, digits and hyphens.*received 'churn_model'/],
    ['empty modelName', { modelName: '' }, /modelName must be 1-63.*received ''/],
    ['modelName of 64 characters', { modelName: 'm'.repeat(64) }, /modelName must be 1-63/],
    ['modelName ending with a hyphen', { modelName: 'model-' }, /modelName must be 1-63/],
    ['inputS3Uri not an S3 URI', { inputS3Uri: 'example-bucket/input' }, /Score: inputS3Uri must be an S3 URI.*received 'example-bucket\/input'/],
    ['outputPath not an S3 URI', { outputPath: '/tmp/out' }, /Score: outputPath must be an S3 URI.*received '\/tmp\/out'/],
    ['outputPath too long', { outputPath: `s3://b/${'k'.repeat(1020)}` }, /outputPath must be an S3 URI of at most 1,024 characters/],
    ['s3DataType not in the enum', { s3DataType: 'Converse' as TransformS3DataType },
      /Score: s3DataType must be one of S3Prefix, ManifestFile, AugmentedManifestFile; received 'Converse'/],
    ['splitType not in the enum', { splitType: 'Json' as TransformSplitType },
      /splitType must be one of None, Line, RecordIO, TFRecord; received 'Json'/],
    ['compressionType not in the enum', { compressionType: 'Zip' as TransformCompressionType },
      /compressionType must be one of None, Gzip; received 'Zip'/],
    ['assembleWith not in the enum', { assembleWith: 'Json' as TransformAssemblyType }, /assembleWith must be one of None, Line; received 'Json'/],
    ['batchStrategy not in the enum', { batchStrategy: 'All' as TransformBatchStrategy },
      /batchStrategy must be one of MultiRecord, SingleRecord; received 'All'/],
    ['joinSource not in the enum', { dataProcessing: { joinSource: 'Output' as TransformJoinSource } },
      /dataProcessing.joinSource must be one of Input, None; received 'Output'/],
    ['contentType too long', { contentType: 'x'.repeat(257) }, /contentType must be a MIME type of at most 256 characters; received 257/],
    ['accept too long', { accept: 'x'.repeat(257) }, /accept must be a MIME type of at most 256 characters; received 257/],
    ['instanceCount of 0', { instanceCount: 0 }, /Score: instanceCount must be an integer of at least 1; received 0/],
    ['fractional instanceCount', { instanceCount: 1.5 }, /instanceCount must be an integer of at least 1; received 1.5/],
    ['maxPayloadInMB above 100', { maxPayloadInMB: 101 }, /Score: maxPayloadInMB must be an integer from 0 to 100; received 101/],
    ['negative maxPayloadInMB', { maxPayloadInMB: -1 }, /maxPayloadInMB must be an integer from 0 to 100; received -1/],
    ['negative maxConcurrentTransforms', { maxConcurrentTransforms: -1 }, /maxConcurrentTransforms must be an integer of at least 0; received -1/],
    ['maxConcurrentTransforms x maxPayloadInMB above 100', { maxConcurrentTransforms: 8, maxPayloadInMB: 20 },
      /maxConcurrentTransforms x maxPayloadInMB must be at most 100 MB; received 8 x 20 = 160/],
    ['17 environment variables', { environment: Object.fromEntries([...Array(17).keys()].map((i) => [`V${i}`, 'x'])) },
      /environment has 17 entries; a transform job accepts at most 16/],
    ['an invalid environment variable name', { environment: { '1BAD': 'x' } }, /environment variable name '1BAD' is invalid/],
    ['an environment value above 10,240 characters', { environment: { BIG: 'x'.repeat(10241) } },
      /environment variable 'BIG' is 10241 characters; values are at most 10,240/],
    ['an inputFilter not starting with $', { dataProcessing: { inputFilter: 'features' } },
      /dataProcessing.inputFilter must be a JSONPath of 1-63 characters starting with '\$'.*received 'features'/],
    ['an outputFilter above 63 characters', { dataProcessing: { outputFilter: `$${'.a'.repeat(32)}` } },
      /dataProcessing.outputFilter must be a JSONPath of 1-63 characters/],
    ['invocationsTimeout of 0', { modelClientConfig: { invocationsTimeout: Duration.seconds(0) } },
      /modelClientConfig.invocationsTimeout must be whole seconds from 1 second to 1 hour; received 0 seconds/],
    ['invocationsTimeout above an hour', { modelClientConfig: { invocationsTimeout: Duration.minutes(61) } },
      /invocationsTimeout must be whole seconds.*received 3660 seconds/],
    ['fractional invocationsTimeout', { modelClientConfig: { invocationsTimeout: Duration.millis(1500) } },
      /invocationsTimeout must be whole seconds.*received 1.5 seconds/],
    ['invocationsMaxRetries above 3', { modelClientConfig: { invocationsMaxRetries: 4 } },
      /modelClientConfig.invocationsMaxRetries must be an integer from 0 to 3; received 4/],
  ])('%s is rejected', (_case, props, message) => {
    expect(() => transform(props)).toThrow(message);
  });

  test('bounds accept their extremes', () => {
    expect(() => transform({
      modelName: 'm'.repeat(63),
      maxPayloadInMB: 100,
      maxConcurrentTransforms: 1,
      environment: Object.fromEntries([...Array(16).keys()].map((i) => [`V${i}`, 'x'.repeat(10240)])),
      dataProcessing: { inputFilter: `$${'.a'.repeat(31)}` },
      modelClientConfig: { invocationsTimeout: Duration.hours(1), invocationsMaxRetries: 3 },
    })).not.toThrow();
    expect(() => transform({ modelClientConfig: { invocationsTimeout: Duration.seconds(1) } })).not.toThrow();
  });

  test('tokens skip the literal checks', () => {
    // GIVEN
    const count = new ParameterInteger('Count', { defaultValue: 1 });
    const payload = new ParameterInteger('Payload', { defaultValue: 6 });

    // THEN
    expect(() => transform({ instanceCount: count.valueAsNumber, maxPayloadInMB: payload.valueAsNumber, maxConcurrentTransforms: 50 })).not.toThrow();
  });

  test('a transform step outside a pipeline is an error', () => {
    const { stack } = newStack();
    expect(() => new TransformStep(stack, 'Score', MINIMAL)).toThrow(/TransformStep Stack\/Score is not inside a Pipeline/);
  });
});

describe('default output path', () => {
  test('without outputPath the results go under the artifact bucket, unique per execution', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'batch' });
    // WHEN
    new TransformStep(pipeline, 'Score', { modelName: 'my-model', inputS3Uri: 's3://in/batch' });
    // THEN
    const args = stepOf(definitionOf(stack), 'Score').Arguments;
    expect(args.TransformOutput.S3OutputPath).toEqual({
      'Std:Join': {
        On: '/',
        Values: ['s3:/', expect.stringMatching(/^\$\{Ref:PipelineArtifacts[0-9A-F]+\}$/), 'batch', { Get: 'Execution.PipelineExecutionId' }, 'Score'],
      },
    });
  });
});
