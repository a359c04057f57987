import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { definitionOf, newStack, stepOf } from './util';
import {
  AutoMLAlgorithm, AutoMLChannelType, AutoMLCompressionType, AutoMLInput, AutoMLMetricName, AutoMLMode,
  AutoMLProblemType, AutoMLS3DataType, AutoMLStep, AutoMLStepProps, CacheConfig, ContainerImage, FailStep,
  ParameterInteger, ParameterString, Pipeline, ProcessingStep, RetryPolicy, SageMakerJobExceptionType,
  StepExceptionType,
} from '../lib';
// Not yet re-exported from lib/index.ts.

const MINIMAL: AutoMLStepProps = {
  inputs: [AutoMLInput.s3('s3://example-bucket/churn/train.csv')],
  targetAttributeName: 'churn',
};

/** A stack with a pipeline, and an AutoML step made with `props` (over the minimal ones). */
function automl(props: Partial<AutoMLStepProps> = {}): { stack: Stack; pipeline: Pipeline; step: AutoMLStep } {
  const { stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'churn-automl' });
  const step = new AutoMLStep(pipeline, 'AutoML', { ...MINIMAL, ...props });
  return { stack, pipeline, step };
}

/** The statements of the IAM policies attached to `role`. */
function roleStatements(stack: Stack, role: iam.IRole): any[] {
  const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter((p: any) => (p.Properties.Roles as any[]).some((r) => r.Ref === roleId));
  return policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

/** An S3 ARN as grantS3Uri renders it. */
function s3Arn(resource: string): unknown {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${resource}`]] };
}

describe('AutoMLStep rendering', () => {
  test('the minimal step renders inputs, a per-execution output, the job role and ENSEMBLING mode', () => {
    // GIVEN
    const { stack } = automl();

    // WHEN
    const step = stepOf(definitionOf(stack), 'AutoML');

    // THEN
    expect(step).toEqual({
      Name: 'AutoML',
      Type: 'AutoML',
      Arguments: {
        InputDataConfig: [{
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://example-bucket/churn/train.csv' } },
          TargetAttributeName: 'churn',
        }],
        OutputDataConfig: {
          S3OutputPath: {
            'Std:Join': {
              On: '/',
              Values: ['s3:/', '${Ref:PipelineArtifactsEB21E7E8}', 'churn-automl', { Get: 'Execution.PipelineExecutionId' }, 'AutoML', 'automl'],
            },
          },
        },
        RoleArn: '${GetAtt:PipelineJobRole1E52ECA1.Arn}',
        AutoMLJobConfig: { Mode: 'ENSEMBLING' },
      },
    });
  });

  test('every option renders exactly, in CreateAutoMLJob order', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'churn-automl' });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const group = new ec2.SecurityGroup(stack, 'Group', { vpc });
    const outputKey = new kms.Key(stack, 'OutputKey');
    const volumeKey = new kms.Key(stack, 'VolumeKey');
    const maxCandidates = new ParameterInteger('MaxCandidates', { defaultValue: 10 });

    // WHEN
    new AutoMLStep(pipeline, 'AutoML', {
      inputs: [
        AutoMLInput.s3('s3://example-bucket/churn/train.csv.gz', {
          s3DataType: AutoMLS3DataType.S3_PREFIX,
          contentType: 'text/csv;header=present',
          compressionType: AutoMLCompressionType.GZIP,
          channelType: AutoMLChannelType.TRAINING,
        }),
        AutoMLInput.s3('s3://example-bucket/churn/validation.manifest', {
          s3DataType: AutoMLS3DataType.MANIFEST_FILE, contentType: 'text/csv;header=present', channelType: AutoMLChannelType.VALIDATION,
        }),
      ],
      targetAttributeName: 'churn',
      sampleWeightAttributeName: 'weight',
      outputPath: 's3://example-bucket/automl-output',
      outputKmsKey: outputKey,
      problemType: AutoMLProblemType.BINARY_CLASSIFICATION,
      objectiveMetric: AutoMLMetricName.F1,
      mode: AutoMLMode.ENSEMBLING,
      maxCandidates: maxCandidates.valueAsNumber,
      maxRuntimePerTrainingJob: Duration.hours(1),
      maxAutoMLJobRuntime: Duration.hours(4),
      volumeKmsKey: volumeKey,
      enableInterContainerTrafficEncryption: true,
      vpc,
      securityGroups: [group],
      validationFraction: 0.25,
      featureSpecificationS3Uri: 's3://example-bucket/churn/features.json',
      algorithms: [AutoMLAlgorithm.XGBOOST, AutoMLAlgorithm.LIGHTGBM],
      tags: { team: 'churn' },
      retryPolicies: [
        RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING], maxAttempts: 3 }),
        RetryPolicy.sageMakerJob({ exceptionTypes: [SageMakerJobExceptionType.CAPACITY_ERROR], maxAttempts: 2 }),
      ],
      cacheConfig: CacheConfig.enabled(Duration.days(1)),
      displayName: 'Churn AutoML',
    });
    const step = stepOf(definitionOf(stack), 'AutoML');

    // THEN
    const keyArn = (key: kms.Key) => `\${GetAtt:${stack.getLogicalId(key.node.defaultChild as kms.CfnKey)}.Arn}`;
    const subnet = vpc.isolatedSubnets[0].node.defaultChild as ec2.CfnSubnet;
    expect(step.Arguments).toEqual({
      InputDataConfig: [
        {
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://example-bucket/churn/train.csv.gz' } },
          TargetAttributeName: 'churn',
          CompressionType: 'Gzip',
          ContentType: 'text/csv;header=present',
          ChannelType: 'training',
          SampleWeightAttributeName: 'weight',
        },
        {
          DataSource: { S3DataSource: { S3DataType: 'ManifestFile', S3Uri: 's3://example-bucket/churn/validation.manifest' } },
          TargetAttributeName: 'churn',
          ContentType: 'text/csv;header=present',
          ChannelType: 'validation',
          SampleWeightAttributeName: 'weight',
        },
      ],
      OutputDataConfig: { S3OutputPath: 's3://example-bucket/automl-output', KmsKeyId: keyArn(outputKey) },
      RoleArn: '${GetAtt:PipelineJobRole1E52ECA1.Arn}',
      ProblemType: 'BinaryClassification',
      AutoMLJobObjective: { MetricName: 'F1' },
      AutoMLJobConfig: {
        CompletionCriteria: { MaxCandidates: { Get: 'Parameters.MaxCandidates' }, MaxRuntimePerTrainingJobInSeconds: 3600, MaxAutoMLJobRuntimeInSeconds: 14400 },
        SecurityConfig: {
          VolumeKmsKeyId: keyArn(volumeKey),
          EnableInterContainerTrafficEncryption: true,
          VpcConfig: {
            SecurityGroupIds: [`\${GetAtt:${stack.getLogicalId(group.node.defaultChild as ec2.CfnSecurityGroup)}.GroupId}`],
            Subnets: [`\${Ref:${stack.getLogicalId(subnet)}}`],
          },
        },
        CandidateGenerationConfig: {
          FeatureSpecificationS3Uri: 's3://example-bucket/churn/features.json',
          AlgorithmsConfig: [{ AutoMLAlgorithms: ['xgboost', 'lightgbm'] }],
        },
        DataSplitConfig: { ValidationFraction: 0.25 },
        Mode: 'ENSEMBLING',
      },
      Tags: [{ Key: 'team', Value: 'churn' }],
    });
    expect(step.RetryPolicies).toEqual([
      { BackoffRate: 2, IntervalSeconds: 1, MaxAttempts: 3, ExceptionType: ['Step.THROTTLING'] },
      { BackoffRate: 2, IntervalSeconds: 1, MaxAttempts: 2, ExceptionType: ['SageMaker.CAPACITY_ERROR'] },
    ]);
    expect(step.CacheConfig).toEqual({ Enabled: true, ExpireAfter: 'P1D' });
    expect(step.DisplayName).toEqual('Churn AutoML');
  });

  test('a VPC without security groups gets a new security group', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'churn-automl' });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });

    // WHEN
    const automlStep = new AutoMLStep(pipeline, 'AutoML', { ...MINIMAL, vpc });
    const step = stepOf(definitionOf(stack), 'AutoML');

    // THEN
    const group = automlStep.securityGroups[0];
    expect(step.Arguments.AutoMLJobConfig.SecurityConfig.VpcConfig.SecurityGroupIds)
      .toEqual([`\${GetAtt:${stack.getLogicalId(group.node.defaultChild as ec2.CfnSecurityGroup)}.GroupId}`]);
    expect(automlStep.connections.securityGroups).toEqual([group]);
    const statements = roleStatements(stack, automlStep.role);
    expect(statements).toContainEqual(expect.objectContaining({ Action: expect.arrayContaining(['ec2:CreateNetworkInterface']), Resource: '*' }));
  });

  test('inputs can be step properties and parameters, and make the step read the producing step', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'churn-automl' });
    const prep = new ProcessingStep(pipeline, 'Prep', {
      image: ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1.2-1'),
      command: ['python3', '-c', 'print(1)'],
      outputs: [{ outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: 's3://example-bucket/prep/train' }],
    } as any);
    const target = new ParameterString('Target', { defaultValue: 'churn' });

    // WHEN
    new AutoMLStep(pipeline, 'AutoML', {
      inputs: [AutoMLInput.s3(prep.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri)],
      targetAttributeName: target.valueAsString,
    });
    const definition = definitionOf(stack);

    // THEN
    const channel = stepOf(definition, 'AutoML').Arguments.InputDataConfig[0];
    expect(channel.DataSource.S3DataSource.S3Uri).toEqual({ Get: "Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri" });
    expect(channel.TargetAttributeName).toEqual({ Get: 'Parameters.Target' });
    expect(definition.Parameters).toEqual([{ Name: 'Target', Type: 'String', DefaultValue: 'churn' }]);
  });
});

describe('AutoMLStep properties', () => {
  test('DescribeAutoMLJob properties, the synthetic report paths and the best candidate container render as Get', () => {
    // GIVEN
    const { stack, pipeline, step } = automl();
    const container = step.bestCandidateContainer();

    // WHEN
    new FailStep(pipeline, 'Report', {
      errorMessage: [
        step.properties.BestCandidate.CandidateName,
        step.properties.AutoMLJobStatus,
        step.bestCandidateProperties.ModelInsightsJsonReportPath,
        step.bestCandidateProperties.ExplainabilityJsonReportPath,
        container.image,
        container.modelDataUrl,
        container.environment.SAGEMAKER_PROGRAM,
      ].join(' '),
    });
    const values = stepOf(definitionOf(stack), 'Report').Arguments.ErrorMessage['Std:Join'].Values;

    // THEN
    expect(values.filter((v: unknown) => typeof v === 'object')).toEqual([
      { Get: 'Steps.AutoML.BestCandidate.CandidateName' },
      { Get: 'Steps.AutoML.AutoMLJobStatus' },
      { Get: 'Steps.AutoML.BestCandidateProperties.ModelInsightsJsonReportPath' },
      { Get: 'Steps.AutoML.BestCandidateProperties.ExplainabilityJsonReportPath' },
      { Get: 'Steps.AutoML.BestCandidate.InferenceContainers[0].Image' },
      { Get: 'Steps.AutoML.BestCandidate.InferenceContainers[0].ModelDataUrl' },
      { Get: "Steps.AutoML.BestCandidate.InferenceContainers[0].Environment['SAGEMAKER_PROGRAM']" },
    ]);
  });

  test('bestCandidateContainer reads the six environment variables of the SDK, at any index', () => {
    // GIVEN
    const { step } = automl();

    // WHEN
    const container = step.bestCandidateContainer(1);

    // THEN
    expect(Object.keys(container.environment)).toEqual([
      'MODEL_NAME', 'SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT', 'SAGEMAKER_PROGRAM', 'SAGEMAKER_SUBMIT_DIRECTORY',
      'SAGEMAKER_INFERENCE_SUPPORTED', 'SAGEMAKER_INFERENCE_OUTPUT',
    ]);
    expect(Stack.of(step).resolve(container.environment.MODEL_NAME)).toEqual({ Get: "Steps.AutoML.BestCandidate.InferenceContainers[1].Environment['MODEL_NAME']" });
    expect(() => step.bestCandidateContainer(-1)).toThrow(/Pipeline\/AutoML: bestCandidateContainer index must be a non-negative integer; received -1/);
    expect(() => step.bestCandidateContainer(0.5)).toThrow(/non-negative integer; received 0.5/);
  });
});

describe('AutoMLStep best model', () => {
  test('createBestModelStep creates a model step from the best candidate container', () => {
    // GIVEN
    const { stack, pipeline, step } = automl();

    // WHEN
    step.createBestModelStep(pipeline, 'BestModel');
    const model = stepOf(definitionOf(stack), 'BestModel');

    // THEN
    const get = (p: string) => ({ Get: `Steps.AutoML.BestCandidate.InferenceContainers[0].${p}` });
    expect(model.Type).toEqual('Model');
    expect(model.Arguments.PrimaryContainer).toEqual({
      Image: get('Image'),
      ModelDataUrl: get('ModelDataUrl'),
      Environment: {
        MODEL_NAME: get("Environment['MODEL_NAME']"),
        SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT: get("Environment['SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT']"),
        SAGEMAKER_PROGRAM: get("Environment['SAGEMAKER_PROGRAM']"),
        SAGEMAKER_SUBMIT_DIRECTORY: get("Environment['SAGEMAKER_SUBMIT_DIRECTORY']"),
        SAGEMAKER_INFERENCE_SUPPORTED: get("Environment['SAGEMAKER_INFERENCE_SUPPORTED']"),
        SAGEMAKER_INFERENCE_OUTPUT: get("Environment['SAGEMAKER_INFERENCE_OUTPUT']"),
      },
    });
    expect(model.Arguments.ExecutionRoleArn).toEqual('${GetAtt:PipelineJobRole1E52ECA1.Arn}');
  });

  test('a given execution role may read the AutoML output', () => {
    // GIVEN
    const { stack, pipeline, step } = automl();
    const role = new iam.Role(stack, 'ModelRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const custom = automl({ outputPath: 's3://output-bucket/automl/' });
    const otherRole = new iam.Role(custom.stack, 'ModelRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });

    // WHEN
    step.createBestModelStep(pipeline, 'BestModel', { executionRole: role, stepName: 'Best-Model' });
    custom.step.createBestModelStep(custom.pipeline, 'BestModel', { executionRole: otherRole });

    // THEN
    expect(stepOf(definitionOf(stack), 'Best-Model').Arguments.ExecutionRoleArn).toEqual(`\${GetAtt:${stack.getLogicalId(role.node.defaultChild as iam.CfnRole)}.Arn}`);
    expect(JSON.stringify(roleStatements(stack, role))).toMatch(/churn-automl\/\*/);
    expect(roleStatements(custom.stack, otherRole)).toContainEqual(expect.objectContaining({ Action: 's3:GetObject', Resource: s3Arn('output-bucket/automl/*') }));
  });
});

describe('AutoMLStep permissions', () => {
  test('the pipeline role gets only the AutoML job actions on automl-job ARNs and PassRole for SageMaker', () => {
    // GIVEN
    const { stack, pipeline } = automl();

    // WHEN
    const statements = roleStatements(stack, pipeline.role);

    // THEN
    expect(statements).toContainEqual({
      Action: ['sagemaker:CreateAutoMLJob', 'sagemaker:DescribeAutoMLJob', 'sagemaker:StopAutoMLJob', 'sagemaker:AddTags'],
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:123456789012:automl-job/*']] },
    });
    expect(statements).toContainEqual({
      Action: 'iam:PassRole',
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': ['PipelineJobRole1E52ECA1', 'Arn'] },
    });
    expect(JSON.stringify(statements)).not.toMatch(/TrainingJob|ProcessingJob|s3:/);
  });

  test('the job role may read the inputs and feature specification and write the output', () => {
    // GIVEN
    const { stack, step } = automl({
      outputPath: 's3://output-bucket/automl/',
      featureSpecificationS3Uri: 's3://spec-bucket/features.json',
    });

    // WHEN
    const statements = roleStatements(stack, step.role);

    // THEN
    const text = JSON.stringify(statements);
    // Read grants to one role share one statement.
    expect(statements).toContainEqual(expect.objectContaining({
      Action: 's3:GetObject', Resource: [s3Arn('example-bucket/churn/train.csv*'), s3Arn('spec-bucket/features.json*')],
    }));
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], Resource: s3Arn('output-bucket/automl/*'),
    }));
    expect(text).not.toMatch(/s3:\*/);
  });

  test('the default output grants the job role the pipeline prefix of the artifact bucket; KMS keys are granted', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'churn-automl' });
    const key = new kms.Key(stack, 'Key');
    const role = new iam.Role(stack, 'AutoMLRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });

    // WHEN
    new AutoMLStep(pipeline, 'AutoML', { ...MINIMAL, role, outputKmsKey: key, volumeKmsKey: key });
    const step = stepOf(definitionOf(stack), 'AutoML');

    // THEN
    expect(step.Arguments.RoleArn).toEqual(`\${GetAtt:${stack.getLogicalId(role.node.defaultChild as iam.CfnRole)}.Arn}`);
    const text = JSON.stringify(roleStatements(stack, role));
    expect(text).toMatch(/churn-automl\/\*/);
    expect(text).toMatch(/kms:Decrypt/);
    expect(JSON.stringify(roleStatements(stack, pipeline.role))).toMatch(/AutoMLRole/);
    expect(pipeline.node.tryFindChild('JobRole')).toBeUndefined();
  });
});

describe('AutoMLStep validation', () => {
  test.each([
    ['AUTO'],
    ['HYPERPARAMETER_TUNING'],
  ])('mode %s is refused with the reason', (mode) => {
    expect(() => automl({ mode: mode as AutoMLMode }))
      .toThrow(/Pipeline\/AutoML: mode must be ENSEMBLING; received '.*'\. SageMaker pipelines run AutoML jobs only in ENSEMBLING mode/);
  });

  test('a parameter as mode is refused', () => {
    const mode = new ParameterString('Mode', { defaultValue: 'ENSEMBLING' });
    expect(() => automl({ mode: mode.valueAsString as AutoMLMode })).toThrow(/mode must be ENSEMBLING; received a pipeline expression/);
  });

  test('inputs must be one training and at most one validation input', () => {
    const train = AutoMLInput.s3('s3://b/train.csv');
    const validation = AutoMLInput.s3('s3://b/validation.csv', { channelType: AutoMLChannelType.VALIDATION });
    expect(() => automl({ inputs: [] })).toThrow(/inputs takes one training input and at most one validation input; received 0 inputs/);
    expect(() => automl({ inputs: [train, validation, train] })).toThrow(/received 3 inputs/);
    expect(() => automl({ inputs: [train, train] })).toThrow(/received channel types training, training/);
    expect(() => automl({ inputs: [validation] })).toThrow(/received channel types validation/);
    expect(() => automl({ inputs: [{ s3Uri: 's3://b/x' } as any] })).toThrow(/inputs must be created with AutoMLInput.s3/);
  });

  test('training and validation content types must match', () => {
    expect(() => automl({
      inputs: [
        AutoMLInput.s3('s3://b/train.csv', { contentType: 'text/csv;header=present' }),
        AutoMLInput.s3('s3://b/validation.parquet', { channelType: AutoMLChannelType.VALIDATION, contentType: 'x-application/vnd.amazon+parquet' }),
      ],
    })).toThrow(/must have the same contentType; received text\/csv;header=present and x-application\/vnd.amazon\+parquet/);
  });

  test('AutoMLInput checks its URI and content type', () => {
    expect(() => AutoMLInput.s3('/local/train.csv')).toThrow(/AutoMLInput.s3: s3Uri must be an s3:\/\/ URI .*received '\/local\/train.csv'/);
    expect(() => AutoMLInput.s3(42 as any)).toThrow(/s3Uri must be an s3:\/\/ URI; received number/);
    expect(() => AutoMLInput.s3('s3://b/x', { contentType: '' })).toThrow(/contentType must be 1-256 characters/);
  });

  test('the target and sample weight attributes are 1-256 characters', () => {
    expect(() => automl({ targetAttributeName: undefined as any })).toThrow(/targetAttributeName is required; received none/);
    expect(() => automl({ targetAttributeName: '' })).toThrow(/targetAttributeName must be 1-256 characters/);
    expect(() => automl({ sampleWeightAttributeName: 'w'.repeat(257) })).toThrow(/sampleWeightAttributeName must be 1-256 characters; received 'w+' \(257 characters\)/);
    expect(() => automl({ targetAttributeName: 3 as any })).toThrow(/targetAttributeName must be a column name; received number/);
  });

  test('problemType and objectiveMetric go together and must fit', () => {
    expect(() => automl({ problemType: AutoMLProblemType.REGRESSION }))
      .toThrow(/give problemType and objectiveMetric together, or neither; received only problemType Regression/);
    expect(() => automl({ objectiveMetric: AutoMLMetricName.MSE }))
      .toThrow(/received only objectiveMetric MSE/);
    expect(() => automl({ problemType: AutoMLProblemType.REGRESSION, objectiveMetric: AutoMLMetricName.ACCURACY }))
      .toThrow(/objectiveMetric Accuracy does not apply to problemType Regression; received both. Regression takes MAE, MSE, R2, RMSE/);
    expect(() => automl({ problemType: AutoMLProblemType.BINARY_CLASSIFICATION, objectiveMetric: AutoMLMetricName.RMSE }))
      .toThrow(/objectiveMetric RMSE does not apply to problemType BinaryClassification/);
    expect(() => automl({ problemType: AutoMLProblemType.MULTICLASS_CLASSIFICATION, objectiveMetric: AutoMLMetricName.AUC }))
      .toThrow(/objectiveMetric AUC applies to binary classification only/);
    expect(() => automl({ problemType: 'Ranking' as any, objectiveMetric: AutoMLMetricName.AUC }))
      .toThrow(/problemType must be one of BinaryClassification, MulticlassClassification, Regression; received 'Ranking'/);
    expect(() => automl({ problemType: AutoMLProblemType.REGRESSION, objectiveMetric: 'LogLoss' as any }))
      .toThrow(/objectiveMetric must be one of .*; received 'LogLoss'/);
  });

  test('completion criteria are checked', () => {
    expect(() => automl({ maxCandidates: 0 })).toThrow(/Pipeline\/AutoML: maxCandidates must be an integer from 1 to 2147483647; received 0/);
    expect(() => automl({ maxRuntimePerTrainingJob: Duration.millis(500) })).toThrow(/maxRuntimePerTrainingJob must be a whole number of seconds, at least 1; received 0.5 seconds/);
    expect(() => automl({ maxAutoMLJobRuntime: Duration.seconds(0) })).toThrow(/maxAutoMLJobRuntime must be a whole number of seconds/);
    expect(() => automl({ maxRuntimePerTrainingJob: Duration.hours(2), maxAutoMLJobRuntime: Duration.hours(1) }))
      .toThrow(/maxRuntimePerTrainingJob \(7200 seconds\) must not exceed maxAutoMLJobRuntime \(3600 seconds\)/);
  });

  test('validationFraction is between 0 and 1', () => {
    expect(() => automl({ validationFraction: 0 })).toThrow(/validationFraction must be greater than 0 and less than 1; received 0/);
    expect(() => automl({ validationFraction: 1 })).toThrow(/received 1\./);
  });

  test('algorithms must be ENSEMBLING algorithms, listed once', () => {
    expect(() => automl({ algorithms: [] })).toThrow(/algorithms must name at least one algorithm; received an empty list/);
    expect(() => automl({ algorithms: ['mlp' as AutoMLAlgorithm] })).toThrow(/algorithm 'mlp' is not available in ENSEMBLING mode; received it in algorithms. Choose from catboost/);
    expect(() => automl({ algorithms: [AutoMLAlgorithm.XGBOOST, AutoMLAlgorithm.XGBOOST] })).toThrow(/algorithms names an algorithm twice/);
  });

  test('S3 URIs are checked', () => {
    expect(() => automl({ featureSpecificationS3Uri: 'features.json' })).toThrow(/featureSpecificationS3Uri must be an s3:\/\/ URI of at most 1,024 characters; received 'features.json'/);
    expect(() => automl({ outputPath: 'output/' })).toThrow(/outputPath must be an s3:\/\/ URI/);
  });

  test('tags are checked', () => {
    expect(() => automl({ tags: { 'aws:owner': 'x' } })).toThrow(/tag key 'aws:owner' is invalid; keys are 1-128 characters and must not start with 'aws:'/);
    expect(() => automl({ tags: { owner: 'x'.repeat(257) } })).toThrow(/tag 'owner' is 257 characters; values are at most 256/);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, 'v']));
    expect(() => automl({ tags: many })).toThrow(/tags has 51 entries; a job takes at most 50/);
  });

  test('VPC options are checked', () => {
    const { stack } = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const pipeline = new Pipeline(stack, 'Pipeline');
    expect(() => new AutoMLStep(pipeline, 'A', { ...MINIMAL, securityGroups: [] }))
      .toThrow(/subnets and securityGroups apply only with vpc; received securityGroups without a vpc/);
    expect(() => new AutoMLStep(pipeline, 'B', { ...MINIMAL, vpc, securityGroups: [] }))
      .toThrow(/securityGroups takes 1-5 security groups; received 0/);
    expect(() => new AutoMLStep(pipeline, 'C', { ...MINIMAL, vpc, subnets: { subnetType: ec2.SubnetType.PUBLIC } }))
      .toThrow();
  });

  test('retry policies of both kinds are accepted (the service retries AutoML steps)', () => {
    const policy = RetryPolicy.sageMakerJob({ exceptionTypes: [SageMakerJobExceptionType.RESOURCE_LIMIT], maxAttempts: 2 });
    const { stack } = automl({ retryPolicies: [policy] });
    expect(stepOf(definitionOf(stack), 'AutoML').RetryPolicies).toHaveLength(1);
  });
});
