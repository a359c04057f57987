import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  CacheConfig, ContainerImage, DatasetFormat, FailStep, InstanceType, ModelQualityProblemType, ParameterBoolean,
  ParameterString, Pipeline, QualityCheckStep, QualityCheckType, RegisterModelStep, RetryPolicy, S3Location,
  StepExceptionType,
} from '../lib';
import { definitionOf, newStack, stepOf } from './util';

const MONITOR_IMAGE = '156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer';
const ASSET_BUCKET = 's3://cdk-hnb659fds-assets-123456789012-us-east-1';

let fixtures: string;
let script: string;

beforeAll(() => {
  fixtures = fs.mkdtempSync(path.join(os.tmpdir(), 'quality-check-'));
  script = path.join(fixtures, 'preprocess.py');
  fs.writeFileSync(script, 'def preprocess_handler(inference_record):\n    return {}\n');
});

afterAll(() => {
  fs.rmSync(fixtures, { recursive: true, force: true });
});

function newPipeline(stack: Stack): Pipeline {
  return new Pipeline(stack, 'Pipeline', { pipelineName: 'governance' });
}

function defaultOutput(step: string): unknown {
  return {
    'Std:Join': {
      On: '/',
      Values: ['s3:/', '${Ref:PipelineArtifactsEB21E7E8}', 'governance', { Get: 'Execution.PipelineExecutionId' }, step, 'quality-check'],
    },
  };
}

function input(name: string, s3Uri: unknown): Record<string, unknown> {
  return {
    InputName: name,
    AppManaged: false,
    S3Input: {
      S3Uri: s3Uri,
      LocalPath: `/opt/ml/processing/input/${name}`,
      S3DataType: 'S3Prefix',
      S3InputMode: 'File',
      S3DataDistributionType: 'FullyReplicated',
      S3CompressionType: 'None',
    },
  };
}

/** Every IAM statement of the stack's policies, flattened. */
function statements(stack: Stack): any[] {
  const template = Template.fromStack(stack).toJSON();
  return Object.values(template.Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((r) => r.Properties.PolicyDocument.Statement);
}

describe('QualityCheckStep', () => {
  test('a model package group grants ListModelPackages on "*" (its only resource type is model-package) and the group in both spellings', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    new QualityCheckStep(pipeline, 'DataQuality', {
      checkType: QualityCheckType.DATA_QUALITY,
      baselineDataset: 's3://data-bucket/train.csv',
      datasetFormat: DatasetFormat.csv(),
      modelPackageGroupName: 'ChurnModels',
    });

    // THEN
    const arn = (resource: string): unknown => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sagemaker:us-east-1:123456789012:${resource}`]] });
    const all = statements(stack);
    expect(all).toContainEqual({ Effect: 'Allow', Action: 'sagemaker:ListModelPackages', Resource: '*' });
    expect(all).toContainEqual({ Effect: 'Allow', Action: 'sagemaker:DescribeModelPackageGroup', Resource: [arn('model-package-group/churnmodels'), arn('model-package-group/ChurnModels')] });
    expect(all).toContainEqual({ Effect: 'Allow', Action: 'sagemaker:DescribeModelPackage', Resource: [arn('model-package/churnmodels/*'), arn('model-package/ChurnModels/*')] });
    // No statement names ListModelPackages on a group ARN, which IAM would never match.
    for (const statement of all) {
      const actions = [statement.Action].flat();
      if (actions.includes('sagemaker:ListModelPackages')) {
        expect(statement.Resource).toEqual('*');
      }
    }
  });

  test('a data quality check renders the Model Monitor baselining job and the check keys', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    new QualityCheckStep(pipeline, 'DataQuality', {
      checkType: QualityCheckType.DATA_QUALITY,
      baselineDataset: 's3://data-bucket/train/train.csv',
      datasetFormat: DatasetFormat.csv({ header: false }),
    });

    // THEN
    expect(stepOf(definitionOf(stack), 'DataQuality')).toEqual({
      Name: 'DataQuality',
      Type: 'QualityCheck',
      Arguments: {
        ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 } },
        AppSpecification: { ImageUri: MONITOR_IMAGE },
        RoleArn: '${GetAtt:PipelineJobRole1E52ECA1.Arn}',
        ProcessingInputs: [input('baseline_dataset_input', 's3://data-bucket/train/train.csv')],
        ProcessingOutputConfig: {
          Outputs: [{
            OutputName: 'quality_check_output',
            AppManaged: false,
            S3Output: { S3Uri: defaultOutput('DataQuality'), LocalPath: '/opt/ml/processing/output', S3UploadMode: 'EndOfJob' },
          }],
        },
        Environment: {
          output_path: '/opt/ml/processing/output',
          publish_cloudwatch_metrics: 'Disabled',
          dataset_format: '{"csv": {"header": false, "output_columns_position": "START"}}',
          dataset_source: '/opt/ml/processing/input/baseline_dataset_input',
        },
      },
      CheckType: 'DATA_QUALITY',
      ModelPackageGroupName: null,
      SkipCheck: false,
      FailOnViolation: true,
      RegisterNewBaseline: false,
      SuppliedBaselineStatistics: null,
      SuppliedBaselineConstraints: null,
    });
  });

  test('the check keys are emitted in the SDK order', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    new QualityCheckStep(pipeline, 'DataQuality', {
      checkType: QualityCheckType.DATA_QUALITY,
      baselineDataset: 's3://data-bucket/train.csv',
      datasetFormat: DatasetFormat.parquet(),
      cacheConfig: CacheConfig.enabled(Duration.days(30)),
    });

    // THEN
    expect(Object.keys(stepOf(definitionOf(stack), 'DataQuality'))).toEqual([
      'Name', 'Type', 'Arguments', 'CacheConfig', 'CheckType', 'ModelPackageGroupName', 'SkipCheck', 'FailOnViolation',
      'RegisterNewBaseline', 'SuppliedBaselineStatistics', 'SuppliedBaselineConstraints',
    ]);
  });

  test.each([
    [DatasetFormat.csv(), '{"csv": {"header": true, "output_columns_position": "START"}}'],
    [DatasetFormat.csv({ outputColumnsPosition: 'END' }), '{"csv": {"header": true, "output_columns_position": "END"}}'],
    [DatasetFormat.json(), '{"json": {"lines": true}}'],
    [DatasetFormat.json({ lines: false }), '{"json": {"lines": false}}'],
    [DatasetFormat.parquet(), '{"parquet": {}}'],
  ])('dataset format %# renders as the SDK writes it', (format, text) => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    new QualityCheckStep(pipeline, 'Check', { checkType: QualityCheckType.DATA_QUALITY, baselineDataset: 's3://b/d', datasetFormat: format });

    // THEN
    expect(stepOf(definitionOf(stack), 'Check').Arguments.Environment.dataset_format).toEqual(text);
  });

  test('a model quality check sets analysis type, problem type and attributes, which accept parameters', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const problemType = new ParameterString('ProblemType', { defaultValue: 'BinaryClassification' });

    // WHEN
    new QualityCheckStep(pipeline, 'ModelQuality', {
      checkType: QualityCheckType.MODEL_QUALITY,
      baselineDataset: 's3://data-bucket/predictions/',
      datasetFormat: DatasetFormat.csv(),
      problemType: problemType.valueAsString,
      inferenceAttribute: 'prediction',
      probabilityAttribute: 'probability',
      groundTruthAttribute: 'label',
      probabilityThresholdAttribute: 0.5,
    });

    // THEN
    const definition = definitionOf(stack);
    expect(stepOf(definition, 'ModelQuality').Arguments.Environment).toEqual({
      output_path: '/opt/ml/processing/output',
      publish_cloudwatch_metrics: 'Disabled',
      dataset_format: '{"csv": {"header": true, "output_columns_position": "START"}}',
      dataset_source: '/opt/ml/processing/input/baseline_dataset_input',
      analysis_type: 'MODEL_QUALITY',
      problem_type: { Get: 'Parameters.ProblemType' },
      inference_attribute: 'prediction',
      probability_attribute: 'probability',
      ground_truth_attribute: 'label',
      probability_threshold_attribute: '0.5',
    });
    expect(stepOf(definition, 'ModelQuality').CheckType).toEqual('MODEL_QUALITY');
    expect(definition.Parameters).toEqual([{ Name: 'ProblemType', Type: 'String', DefaultValue: 'BinaryClassification' }]);
  });

  test('scripts: a local file becomes an asset the job role reads, an s3:// URI is mounted by its file name', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    const step = new QualityCheckStep(pipeline, 'DataQuality', {
      checkType: QualityCheckType.DATA_QUALITY,
      baselineDataset: 's3://data-bucket/train.csv',
      datasetFormat: DatasetFormat.csv(),
      recordPreprocessorScript: script,
      postAnalyticsProcessorScript: 's3://scripts-bucket/post/postprocess.py',
    });

    // THEN
    const asset = step.node.findChild('RecordPreprocessorScript') as any;
    const hash = asset.assetHash as string;
    const args = stepOf(definitionOf(stack), 'DataQuality').Arguments;
    expect(args.ProcessingInputs).toEqual([
      input('baseline_dataset_input', 's3://data-bucket/train.csv'),
      input('post_analytics_processor_script_input', 's3://scripts-bucket/post/postprocess.py'),
      input('record_preprocessor_script_input', `${ASSET_BUCKET}/${hash}.py`),
    ]);
    expect(args.Environment).toEqual({
      output_path: '/opt/ml/processing/output',
      publish_cloudwatch_metrics: 'Disabled',
      dataset_format: '{"csv": {"header": true, "output_columns_position": "START"}}',
      record_preprocessor_script: `/opt/ml/processing/input/record_preprocessor_script_input/${hash}.py`,
      post_analytics_processor_script: '/opt/ml/processing/input/post_analytics_processor_script_input/postprocess.py',
      dataset_source: '/opt/ml/processing/input/baseline_dataset_input',
    });
    const all = JSON.stringify(statements(stack));
    expect(all).toContain(':s3:::scripts-bucket/post/postprocess.py*');
    expect(all).toContain(':s3:::data-bucket/train.csv*');
  });

  test('flags, supplied baselines and the model package group render as given, expressions included', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const skip = new ParameterBoolean('SkipDataQualityCheck', { defaultValue: false });
    const register = new ParameterBoolean('RegisterNewBaseline', { defaultValue: false });
    const statistics = new ParameterString('SuppliedStatistics', { defaultValue: 's3://baselines/statistics.json' });

    // WHEN
    new QualityCheckStep(pipeline, 'DataQuality', {
      checkType: QualityCheckType.DATA_QUALITY,
      baselineDataset: 's3://data-bucket/train.csv',
      datasetFormat: DatasetFormat.csv(),
      skipCheck: skip,
      failOnViolation: false,
      registerNewBaseline: register,
      modelPackageGroupName: { modelPackageGroupName: 'churn-models' },
      suppliedBaselineStatistics: statistics.valueAsString,
      suppliedBaselineConstraints: 's3://baselines/constraints.json',
    });

    // THEN
    const step = stepOf(definitionOf(stack), 'DataQuality');
    expect(step).toMatchObject({
      CheckType: 'DATA_QUALITY',
      ModelPackageGroupName: 'churn-models',
      SkipCheck: { Get: 'Parameters.SkipDataQualityCheck' },
      FailOnViolation: false,
      RegisterNewBaseline: { Get: 'Parameters.RegisterNewBaseline' },
      SuppliedBaselineStatistics: { Get: 'Parameters.SuppliedStatistics' },
      SuppliedBaselineConstraints: 's3://baselines/constraints.json',
    });
    const all = JSON.stringify(statements(stack));
    expect(all).toContain(':s3:::baselines/constraints.json*');
    expect(all).toContain('model-package-group/churn-models');
  });

  test('check job config: role, instances, volume and output keys, runtime, environment and network', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const role = new iam.Role(stack, 'CheckRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const key = new kms.Key(stack, 'Key');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const instanceType = new ParameterString('CheckInstanceType', { defaultValue: 'ml.m5.2xlarge' });

    // WHEN
    new QualityCheckStep(pipeline, 'DataQuality', {
      checkType: QualityCheckType.DATA_QUALITY,
      baselineDataset: 's3://data-bucket/train.csv',
      datasetFormat: DatasetFormat.csv(),
      checkJobConfig: {
        role,
        instanceType: InstanceType.of(instanceType.valueAsString),
        instanceCount: 2,
        volumeSizeInGB: 60,
        volumeKmsKey: key,
        outputKmsKey: key,
        maxRuntime: Duration.hours(2),
        environment: { LOG_LEVEL: 'debug' },
        networkConfig: { vpc, enableNetworkIsolation: true, enableInterContainerTrafficEncryption: true },
      },
    });

    // THEN
    const args = stepOf(definitionOf(stack), 'DataQuality').Arguments;
    expect(args.ProcessingResources).toEqual({
      ClusterConfig: {
        InstanceType: { Get: 'Parameters.CheckInstanceType' }, InstanceCount: 2, VolumeSizeInGB: 60, VolumeKmsKeyId: '${GetAtt:Key961B73FD.Arn}',
      },
    });
    expect(args.RoleArn).toEqual('${GetAtt:CheckRoleC64CEE57.Arn}');
    expect(args.ProcessingOutputConfig.KmsKeyId).toEqual('${GetAtt:Key961B73FD.Arn}');
    expect(args.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 7200 });
    expect(Object.keys(args.Environment)[0]).toEqual('LOG_LEVEL');
    expect(args.NetworkConfig).toEqual({
      EnableInterContainerTrafficEncryption: true,
      EnableNetworkIsolation: true,
      VpcConfig: {
        SecurityGroupIds: ['${GetAtt:PipelineDataQualitySecurityGroup97C43BBC.GroupId}'],
        Subnets: ['${Ref:VpcisoSubnet1SubnetF803BCCA}', '${Ref:VpcisoSubnet2SubnetD15FCDEF}'],
      },
    });
    // The pipeline role passes the check role to SageMaker and creates processing jobs.
    const all = statements(stack);
    expect(all).toContainEqual(expect.objectContaining({
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': ['CheckRoleC64CEE57', 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }));
    expect(JSON.stringify(all)).toContain('sagemaker:CreateProcessingJob');
  });

  test('a baseline dataset and output can be S3Locations of buckets', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const bucket = new s3.Bucket(stack, 'Data');

    // WHEN
    new QualityCheckStep(pipeline, 'DataQuality', {
      checkType: QualityCheckType.DATA_QUALITY,
      baselineDataset: S3Location.fromBucket(bucket, 'train/'),
      datasetFormat: DatasetFormat.csv(),
      outputS3Uri: S3Location.fromBucket(bucket, 'baselines/'),
    });

    // THEN
    const args = stepOf(definitionOf(stack), 'DataQuality').Arguments;
    expect(args.ProcessingInputs[0].S3Input.S3Uri).toEqual('s3://${Ref:Data666C94C7}/train/');
    expect(args.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri).toEqual('s3://${Ref:Data666C94C7}/baselines/');
  });

  test('baseline properties render Get references and make readers depend on the check', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const check = new QualityCheckStep(pipeline, 'DataQuality', {
      checkType: QualityCheckType.DATA_QUALITY,
      baselineDataset: 's3://data-bucket/train.csv',
      datasetFormat: DatasetFormat.csv(),
    });

    // WHEN
    new FailStep(pipeline, 'Report', {
      errorMessage: `stats ${check.properties.CalculatedBaselineStatistics} constraints ${check.properties.CalculatedBaselineConstraints}`
        + ` drift ${check.properties.BaselineUsedForDriftCheckStatistics} ${check.properties.BaselineUsedForDriftCheckConstraints}`,
    });

    // THEN
    const definition = definitionOf(stack);
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['DataQuality', 'Report']);
    expect(stepOf(definition, 'Report').Arguments.ErrorMessage).toEqual({
      'Std:Join': {
        On: '',
        Values: [
          'stats ', { Get: 'Steps.DataQuality.CalculatedBaselineStatistics' },
          ' constraints ', { Get: 'Steps.DataQuality.CalculatedBaselineConstraints' },
          ' drift ', { Get: 'Steps.DataQuality.BaselineUsedForDriftCheckStatistics' },
          ' ', { Get: 'Steps.DataQuality.BaselineUsedForDriftCheckConstraints' },
        ],
      },
    });
  });

  test('acceptance: QualityCheck baseline properties feed a RegisterModel step\'s drift-check baselines', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const dataQuality = new QualityCheckStep(pipeline, 'DataQuality', {
      checkType: QualityCheckType.DATA_QUALITY,
      baselineDataset: 's3://data-bucket/train.csv',
      datasetFormat: DatasetFormat.csv(),
    });
    const modelQuality = new QualityCheckStep(pipeline, 'ModelQuality', {
      checkType: QualityCheckType.MODEL_QUALITY,
      baselineDataset: 's3://data-bucket/predictions.csv',
      datasetFormat: DatasetFormat.csv(),
      problemType: ModelQualityProblemType.REGRESSION,
      inferenceAttribute: '_c0',
      groundTruthAttribute: '_c1',
    });

    // WHEN
    new RegisterModelStep(pipeline, 'Register', {
      container: { image: ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1'), modelData: 's3://models/model.tar.gz' },
      modelPackageGroupName: 'churn-models',
      driftCheckBaselines: {
        modelDataQuality: {
          statistics: { s3Uri: dataQuality.properties.BaselineUsedForDriftCheckStatistics },
          constraints: { s3Uri: dataQuality.properties.BaselineUsedForDriftCheckConstraints },
        },
        modelQuality: {
          statistics: { s3Uri: modelQuality.properties.BaselineUsedForDriftCheckStatistics },
          constraints: { s3Uri: modelQuality.properties.BaselineUsedForDriftCheckConstraints },
        },
      },
      modelMetrics: {
        modelDataQuality: { statistics: { s3Uri: dataQuality.properties.CalculatedBaselineStatistics } },
      },
    });

    // THEN
    const register = stepOf(definitionOf(stack), 'Register');
    expect(register.Arguments.DriftCheckBaselines).toEqual({
      ModelQuality: {
        Statistics: { ContentType: 'application/json', S3Uri: { Get: 'Steps.ModelQuality.BaselineUsedForDriftCheckStatistics' } },
        Constraints: { ContentType: 'application/json', S3Uri: { Get: 'Steps.ModelQuality.BaselineUsedForDriftCheckConstraints' } },
      },
      ModelDataQuality: {
        Statistics: { ContentType: 'application/json', S3Uri: { Get: 'Steps.DataQuality.BaselineUsedForDriftCheckStatistics' } },
        Constraints: { ContentType: 'application/json', S3Uri: { Get: 'Steps.DataQuality.BaselineUsedForDriftCheckConstraints' } },
      },
    });
    expect(register.Arguments.ModelMetrics.ModelDataQuality.Statistics.S3Uri).toEqual({ Get: 'Steps.DataQuality.CalculatedBaselineStatistics' });
  });

  test('a misspelt property is reported at synth with the valid names', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const check = new QualityCheckStep(pipeline, 'DataQuality', {
      checkType: QualityCheckType.DATA_QUALITY, baselineDataset: 's3://b/d', datasetFormat: DatasetFormat.csv(),
    });

    // WHEN
    new FailStep(pipeline, 'Report', { errorMessage: `${(check.properties as any).CalculatedBaselineStatistic}` });

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/'CalculatedBaselineStatistic' is not a property of step DataQuality \(QualityCheck step properties\); did you mean 'CalculatedBaselineStatistics'/);
  });

  test('accepts caching, not retries', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // THEN
    expect(() => new QualityCheckStep(pipeline, 'DataQuality', {
      checkType: QualityCheckType.DATA_QUALITY,
      baselineDataset: 's3://b/d',
      datasetFormat: DatasetFormat.csv(),
      retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING] })],
    } as any)).toThrow(/does not accept retryPolicies/);
  });

  describe('errors', () => {
    const base = { baselineDataset: 's3://b/d', datasetFormat: DatasetFormat.csv() };
    test.each<[string, Record<string, unknown>, RegExp]>([
      ['an unknown check type', { checkType: 'DATA_DRIFT' }, /Pipeline\/Check: checkType must be QualityCheckType.DATA_QUALITY or QualityCheckType.MODEL_QUALITY; received 'DATA_DRIFT'/],
      ['a dataset format that is not a DatasetFormat', { checkType: QualityCheckType.DATA_QUALITY, datasetFormat: { csv: {} } }, /datasetFormat must be DatasetFormat.csv\(\)/],
      ['model-quality attributes on a data quality check', { checkType: QualityCheckType.DATA_QUALITY, problemType: 'Regression', groundTruthAttribute: 'y' }, /problemType, groundTruthAttribute apply only to QualityCheckType.MODEL_QUALITY/],
      ['a record preprocessor on a model quality check', { checkType: QualityCheckType.MODEL_QUALITY, problemType: 'Regression', recordPreprocessorScript: 's3://b/s.py' }, /recordPreprocessorScript applies only to QualityCheckType.DATA_QUALITY/],
      ['a model quality check without problem type', { checkType: QualityCheckType.MODEL_QUALITY }, /a MODEL_QUALITY check needs problemType/],
      ['an unknown problem type', { checkType: QualityCheckType.MODEL_QUALITY, problemType: 'Ranking' }, /problemType must be one of BinaryClassification, MulticlassClassification, Regression; received 'Ranking'/],
      ['a baseline dataset that is no S3 URI', { checkType: QualityCheckType.DATA_QUALITY, baselineDataset: '/local/data.csv' }, /baselineDataset: .*expected an s3:\/\/ URI.*received '\/local\/data.csv'/],
      ['an output that is no S3 URI', { checkType: QualityCheckType.DATA_QUALITY, outputS3Uri: 'bucket/out' }, /outputS3Uri: .*expected an s3:\/\/ URI/],
      ['a missing script file', { checkType: QualityCheckType.DATA_QUALITY, postAnalyticsProcessorScript: '/does/not/exist.py' }, /postAnalyticsProcessorScript must be a local script file or an s3:\/\/ URI; '\/does\/not\/exist.py'/],
      ['a script URI ending in /', { checkType: QualityCheckType.DATA_QUALITY, postAnalyticsProcessorScript: 's3://b/scripts/' }, /postAnalyticsProcessorScript must name a file/],
      ['a script that is an expression', { checkType: QualityCheckType.DATA_QUALITY, postAnalyticsProcessorScript: new ParameterString('Script').valueAsString }, /postAnalyticsProcessorScript must be fixed when the pipeline is defined/],
      ['a supplied baseline that is no S3 URI', { checkType: QualityCheckType.DATA_QUALITY, suppliedBaselineStatistics: 'statistics.json' }, /suppliedBaselineStatistics: expected an s3:\/\/ URI.*Pass the S3 URI of the baseline JSON file/],
      ['a skipCheck that is a string expression', { checkType: QualityCheckType.DATA_QUALITY, skipCheck: new ParameterString('Skip') }, /skipCheck must be true, false or a Boolean expression \(a ParameterBoolean\); received a String expression/],
      ['an invalid model package group name', { checkType: QualityCheckType.DATA_QUALITY, modelPackageGroupName: 'bad_name' }, /modelPackageGroupName must be 1-63 letters and digits with hyphens between them; received 'bad_name'/],
      ['a reserved environment variable', { checkType: QualityCheckType.DATA_QUALITY, checkJobConfig: { environment: { dataset_source: '/x' } } }, /checkJobConfig.environment must not set 'dataset_source'/],
      ['an instance count out of range', { checkType: QualityCheckType.DATA_QUALITY, checkJobConfig: { instanceCount: 0 } }, /checkJobConfig.instanceCount must be an integer from 1 to 100; received 0/],
      ['a volume size out of range', { checkType: QualityCheckType.DATA_QUALITY, checkJobConfig: { volumeSizeInGB: 20000 } }, /checkJobConfig.volumeSizeInGB must be an integer from 1 to 16384/],
      ['a runtime above 7 days', { checkType: QualityCheckType.DATA_QUALITY, checkJobConfig: { maxRuntime: Duration.days(8) } }, /maxRuntime must be between 1 second and 7 days/],
    ])('%s', (_what, props, error) => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // THEN
      expect(() => new QualityCheckStep(pipeline, 'Check', { ...base, ...props } as any)).toThrow(error);
    });

    test('security groups or subnets without a VPC', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);
      const vpc = new ec2.Vpc(stack, 'Vpc');
      const group = new ec2.SecurityGroup(stack, 'Group', { vpc });

      // THEN
      expect(() => new QualityCheckStep(pipeline, 'Check', {
        ...base, checkType: QualityCheckType.DATA_QUALITY, checkJobConfig: { networkConfig: { securityGroups: [group] } },
      })).toThrow(/networkConfig.subnets and securityGroups apply only with networkConfig.vpc/);
    });

    test('a CSV output columns position other than START or END', () => {
      expect(() => DatasetFormat.csv({ outputColumnsPosition: 'MIDDLE' as any })).toThrow(/outputColumnsPosition must be 'START' or 'END'; received 'MIDDLE'/);
    });
  });
});
