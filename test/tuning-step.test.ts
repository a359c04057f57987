import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { definitionOf, newStack, stepOf } from './util';
import {
  CacheConfig, ContainerImage, FailStep, InstanceType, ParameterInteger, Pipeline, RetryPolicy, StepExceptionType, TrainingInput,

  CategoricalParameter, ContinuousParameter, IntegerParameter, ParameterRange, ParameterScaling, TuningEarlyStopping,
  TuningObjectiveType, TuningStep, TuningStepProps, TuningStrategy, WarmStartType,
} from '../lib';

const IMAGE_URI = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';
const IMAGE = ContainerImage.fromRegistry(IMAGE_URI);
const OBJECTIVE = { type: TuningObjectiveType.MINIMIZE, metricName: 'validation:rmse' };
const METRICS = [{ name: 'validation:rmse', regex: 'rmse=([0-9\\.]+)' }];

function tuning(stack: Stack, extra: Partial<TuningStepProps> = {}): { pipeline: Pipeline; tune: TuningStep } {
  const pipeline = new Pipeline(stack, 'Pipeline');
  const tune = new TuningStep(pipeline, 'Tune', {
    trainingJob: { image: IMAGE, outputPath: 's3://example-bucket/tuning', metricDefinitions: METRICS },
    objective: OBJECTIVE,
    hyperparameterRanges: [new ContinuousParameter('eta', { minValue: 0.1, maxValue: 0.5 })],
    ...extra,
  });
  return { pipeline, tune };
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as any);
}

describe('TuningStep', () => {
  test('renders the minimal request with defaults, all three range lists and static hyperparameters', () => {
    // GIVEN
    const { stack } = newStack();
    // WHEN
    tuning(stack);
    // THEN
    const step = stepOf(definitionOf(stack), 'Tune');
    expect(step.Type).toBe('Tuning');
    expect(step.Arguments).toEqual({
      HyperParameterTuningJobConfig: {
        Strategy: 'Bayesian',
        ResourceLimits: { MaxNumberOfTrainingJobs: 1, MaxParallelTrainingJobs: 1 },
        TrainingJobEarlyStoppingType: 'Off',
        HyperParameterTuningJobObjective: { Type: 'Minimize', MetricName: 'validation:rmse' },
        ParameterRanges: {
          ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.1', MaxValue: '0.5', ScalingType: 'Auto' }],
          CategoricalParameterRanges: [],
          IntegerParameterRanges: [],
        },
      },
      TrainingJobDefinition: {
        StaticHyperParameters: {},
        RoleArn: expect.stringMatching(/^\$\{GetAtt:PipelineJobRole.*\.Arn\}$/),
        OutputDataConfig: { S3OutputPath: 's3://example-bucket/tuning' },
        ResourceConfig: { VolumeSizeInGB: 30, InstanceCount: 1, InstanceType: 'ml.m5.xlarge' },
        StoppingCondition: { MaxRuntimeInSeconds: 86400 },
        AlgorithmSpecification: {
          TrainingImage: IMAGE_URI,
          TrainingInputMode: 'File',
          MetricDefinitions: [{ Name: 'validation:rmse', Regex: 'rmse=([0-9\\.]+)' }],
        },
      },
    });
  });

  test('a tuning step with every option set renders exactly and passes the validator', () => {
    // GIVEN
    const { stack } = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const outputKey = new kms.Key(stack, 'OutputKey');
    const volumeKey = new kms.Key(stack, 'VolumeKey');
    const rounds = new ParameterInteger('Rounds', { defaultValue: 50 });
    const role = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    // WHEN
    const { tune } = tuning(stack, {
      strategy: TuningStrategy.BAYESIAN,
      maxNumberOfTrainingJobs: 20,
      maxParallelTrainingJobs: 4,
      maxRuntime: Duration.hours(6),
      earlyStopping: TuningEarlyStopping.AUTO,
      objective: { type: TuningObjectiveType.MAXIMIZE, metricName: 'validation:auc' },
      hyperparameterRanges: [
        ParameterRange.continuous('eta', { minValue: 0.01, maxValue: 0.5, scaling: ParameterScaling.LOGARITHMIC }),
        ParameterRange.continuous('subsample', { minValue: 0.5, maxValue: 0.99, scaling: ParameterScaling.REVERSE_LOGARITHMIC }),
        ParameterRange.integer('max_depth', { minValue: 3, maxValue: 10, scaling: ParameterScaling.LINEAR }),
        ParameterRange.categorical('booster', ['gbtree', 'dart']),
        new CategoricalParameter('normalize', [true, false]),
      ],
      warmStart: { type: WarmStartType.TRANSFER_LEARNING, parents: ['earlier-tuning-1', 'earlier-tuning-2'] },
      retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING], maxAttempts: 3 })],
      cacheConfig: CacheConfig.enabled(Duration.days(30)),
      trainingJob: {
        image: IMAGE,
        outputPath: 's3://example-bucket/tuning',
        inputs: [TrainingInput.s3('train', 's3://example-bucket/train', { contentType: 'text/csv', shuffle: { seed: 1 } })],
        hyperparameters: { objective: 'binary:logistic', num_round: rounds.valueAsNumber, verbosity: 0 },
        instanceType: InstanceType.of('ml.m5.2xlarge'),
        instanceCount: 2,
        volumeSizeInGB: 50,
        maxRuntime: Duration.hours(1),
        environment: { LOG_LEVEL: 'debug' },
        role,
        metricDefinitions: [{ name: 'validation:auc', regex: 'auc=([0-9\\.]+)' }],
        outputKmsKey: outputKey,
        volumeKmsKey: volumeKey,
        useSpotInstances: true,
        maxWait: Duration.hours(2),
        checkpointS3Uri: 's3://example-bucket/checkpoints',
        vpc,
        enableNetworkIsolation: true,
        enableInterContainerTrafficEncryption: true,
        retryStrategy: { maximumRetryAttempts: 2 },
      },
    });
    // THEN
    const step = stepOf(definitionOf(stack), 'Tune');
    const sg = logicalId(stack, tune.node.findChild('SecurityGroup') as ec2.SecurityGroup);
    expect(step.RetryPolicies).toEqual([{ BackoffRate: 2, IntervalSeconds: 1, MaxAttempts: 3, ExceptionType: ['Step.THROTTLING'] }]);
    expect(step.CacheConfig).toEqual({ Enabled: true, ExpireAfter: 'P30D' });
    expect(step.Arguments).toEqual({
      HyperParameterTuningJobConfig: {
        Strategy: 'Bayesian',
        ResourceLimits: { MaxNumberOfTrainingJobs: 20, MaxParallelTrainingJobs: 4, MaxRuntimeInSeconds: 21600 },
        TrainingJobEarlyStoppingType: 'Auto',
        HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
        ParameterRanges: {
          ContinuousParameterRanges: [
            { Name: 'eta', MinValue: '0.01', MaxValue: '0.5', ScalingType: 'Logarithmic' },
            { Name: 'subsample', MinValue: '0.5', MaxValue: '0.99', ScalingType: 'ReverseLogarithmic' },
          ],
          CategoricalParameterRanges: [
            { Name: 'booster', Values: ['gbtree', 'dart'] },
            { Name: 'normalize', Values: ['true', 'false'] },
          ],
          IntegerParameterRanges: [{ Name: 'max_depth', MinValue: '3', MaxValue: '10', ScalingType: 'Linear' }],
        },
      },
      TrainingJobDefinition: {
        StaticHyperParameters: {
          objective: 'binary:logistic',
          num_round: { 'Std:Join': { On: '', Values: [{ Get: 'Parameters.Rounds' }] } },
          verbosity: '0',
        },
        RoleArn: `\${GetAtt:${logicalId(stack, role)}.Arn}`,
        OutputDataConfig: { S3OutputPath: 's3://example-bucket/tuning', KmsKeyId: `\${GetAtt:${logicalId(stack, outputKey)}.Arn}` },
        ResourceConfig: { VolumeSizeInGB: 50, InstanceCount: 2, InstanceType: 'ml.m5.2xlarge', VolumeKmsKeyId: `\${GetAtt:${logicalId(stack, volumeKey)}.Arn}` },
        StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 },
        AlgorithmSpecification: {
          TrainingImage: IMAGE_URI,
          TrainingInputMode: 'File',
          MetricDefinitions: [{ Name: 'validation:auc', Regex: 'auc=([0-9\\.]+)' }],
        },
        InputDataConfig: [{
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://example-bucket/train', S3DataDistributionType: 'FullyReplicated' } },
          ContentType: 'text/csv',
          ChannelName: 'train',
          ShuffleConfig: { Seed: 1 },
        }],
        Environment: { LOG_LEVEL: 'debug' },
        VpcConfig: {
          SecurityGroupIds: [`\${GetAtt:${sg}.GroupId}`],
          Subnets: vpc.privateSubnets.map((s) => `\${Ref:${logicalId(stack, s)}}`),
        },
        EnableNetworkIsolation: true,
        EnableInterContainerTrafficEncryption: true,
        EnableManagedSpotTraining: true,
        CheckpointConfig: { S3Uri: 's3://example-bucket/checkpoints' },
        RetryStrategy: { MaximumRetryAttempts: 2 },
      },
      WarmStartConfig: {
        ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'earlier-tuning-1' }, { HyperParameterTuningJobName: 'earlier-tuning-2' }],
        WarmStartType: 'TransferLearning',
      },
    });
  });

  test('acceptance: the top model URI joins the bucket placeholder, the prefix and the job name on "/"', () => {
    // GIVEN
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Models');
    const { pipeline, tune } = tuning(stack, {
      trainingJob: { image: IMAGE, outputPath: `s3://${bucket.bucketName}/tuning`, metricDefinitions: METRICS },
    });
    // WHEN
    new FailStep(pipeline, 'Report', { errorMessage: tune.topModelS3Uri(0, bucket.bucketName, 'tuning') });
    new FailStep(pipeline, 'NoPrefix', { errorMessage: tune.topModelS3Uri(49, 'fixed-bucket') });
    // THEN
    const definition = definitionOf(stack);
    expect(stepOf(definition, 'Report').Arguments.ErrorMessage).toEqual({
      'Std:Join': {
        On: '/',
        Values: ['s3:/', `\${Ref:${logicalId(stack, bucket)}}`, 'tuning', { Get: 'Steps.Tune.TrainingJobSummaries[0].TrainingJobName' }, 'output/model.tar.gz'],
      },
    });
    expect(stepOf(definition, 'NoPrefix').Arguments.ErrorMessage).toEqual({
      'Std:Join': { On: '/', Values: ['s3:/', 'fixed-bucket', { Get: 'Steps.Tune.TrainingJobSummaries[49].TrainingJobName' }, 'output/model.tar.gz'] },
    });
  });

  test('acceptance: BestTrainingJob.TrainingJobName renders a Get on the step', () => {
    // GIVEN
    const { stack } = newStack();
    const { pipeline, tune } = tuning(stack);
    // WHEN
    new FailStep(pipeline, 'Report', { errorMessage: tune.properties.BestTrainingJob.TrainingJobName });
    // THEN
    expect(stepOf(definitionOf(stack), 'Report').Arguments.ErrorMessage).toEqual({ Get: 'Steps.Tune.BestTrainingJob.TrainingJobName' });
  });

  test.each([-1, 50, 1.5])('topModelS3Uri refuses topK %s', (k) => {
    const { stack } = newStack();
    const { tune } = tuning(stack);
    expect(() => tune.topModelS3Uri(k, 'bucket')).toThrow(new RegExp(`Pipeline/Tune: topModelS3Uri topK must be an integer from 0 to 49 .*received ${k}`.replace('.5', '\\.5')));
  });

  test('topModelS3Uri refuses a prefix with slashes', () => {
    const { stack } = newStack();
    const { tune } = tuning(stack);
    expect(() => tune.topModelS3Uri(0, 'bucket', '/models/')).toThrow(/Remove the leading and trailing slashes/);
  });

  test('multi-algorithm definitions carry their own names, objectives and ranges', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    // WHEN
    new TuningStep(pipeline, 'Tune', {
      strategy: TuningStrategy.RANDOM,
      maxNumberOfTrainingJobs: 10,
      maxParallelTrainingJobs: 2,
      trainingJobDefinitions: [
        {
          definitionName: 'xgb',
          image: IMAGE,
          outputPath: 's3://example-bucket/xgb',
          metricDefinitions: METRICS,
          objective: OBJECTIVE,
          hyperparameterRanges: [new IntegerParameter('max_depth', { minValue: 2, maxValue: 8 })],
        },
        {
          definitionName: 'linear',
          algorithmName: 'my-linear-algorithm',
          outputPath: 's3://example-bucket/linear',
          hyperparameters: { epochs: 5 },
        },
      ],
    });
    // THEN
    const args = stepOf(definitionOf(stack), 'Tune').Arguments;
    expect(args.HyperParameterTuningJobConfig).toEqual({
      Strategy: 'Random',
      ResourceLimits: { MaxNumberOfTrainingJobs: 10, MaxParallelTrainingJobs: 2 },
      TrainingJobEarlyStoppingType: 'Off',
    });
    expect(args.TrainingJobDefinition).toBeUndefined();
    expect(args.TrainingJobDefinitions).toHaveLength(2);
    expect(args.TrainingJobDefinitions[0]).toMatchObject({
      DefinitionName: 'xgb',
      TuningObjective: { Type: 'Minimize', MetricName: 'validation:rmse' },
      HyperParameterRanges: {
        ContinuousParameterRanges: [],
        CategoricalParameterRanges: [],
        IntegerParameterRanges: [{ Name: 'max_depth', MinValue: '2', MaxValue: '8', ScalingType: 'Auto' }],
      },
      StaticHyperParameters: {},
      AlgorithmSpecification: { TrainingImage: IMAGE_URI, TrainingInputMode: 'File' },
    });
    expect(args.TrainingJobDefinitions[1]).toMatchObject({
      DefinitionName: 'linear',
      HyperParameterRanges: { ContinuousParameterRanges: [], CategoricalParameterRanges: [], IntegerParameterRanges: [] },
      StaticHyperParameters: { epochs: '5' },
      AlgorithmSpecification: { AlgorithmName: 'my-linear-algorithm', TrainingInputMode: 'File' },
    });
    expect(args.TrainingJobDefinitions[1].TuningObjective).toBeUndefined();
  });

  test('Grid omits MaxNumberOfTrainingJobs by default and takes categorical ranges', () => {
    // GIVEN
    const { stack } = newStack();
    // WHEN
    tuning(stack, { strategy: TuningStrategy.GRID, objective: undefined, hyperparameterRanges: [new CategoricalParameter('max_depth', [3, 5, 7])] });
    // THEN
    const config = stepOf(definitionOf(stack), 'Tune').Arguments.HyperParameterTuningJobConfig;
    expect(config.ResourceLimits).toEqual({ MaxParallelTrainingJobs: 1 });
    expect(config.HyperParameterTuningJobObjective).toBeUndefined();
    expect(config.ParameterRanges.CategoricalParameterRanges).toEqual([{ Name: 'max_depth', Values: ['3', '5', '7'] }]);
  });

  test('the pipeline role may create, describe, stop and list the tuning job and pass the job role', () => {
    // GIVEN
    const { stack } = newStack();
    // WHEN
    tuning(stack);
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'iam:PassRole', Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } }),
          Match.objectLike({
            Action: [
              'sagemaker:CreateHyperParameterTuningJob', 'sagemaker:DescribeHyperParameterTuningJob', 'sagemaker:StopHyperParameterTuningJob',
              'sagemaker:ListTrainingJobsForHyperParameterTuningJob', 'sagemaker:AddTags',
            ],
            Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':hyper-parameter-tuning-job/\\*')])] },
          }),
        ]),
      },
    });
    // the job role can write the output prefix
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::example-bucket/tuning*']] },
        })]),
      },
    });
  });

  test('an objective metric without metric definitions is a warning', () => {
    // GIVEN
    const { stack } = newStack();
    // WHEN
    tuning(stack, { trainingJob: { image: IMAGE, outputPath: 's3://example-bucket/tuning' } });
    // THEN
    Annotations.fromStack(stack).hasWarning('/Stack/Pipeline/Tune', Match.stringLikeRegexp("objective metric 'validation:rmse' has no metricDefinitions entry"));
  });

  test.each<[string, Partial<TuningStepProps>, RegExp]>([
    ['no training job', { trainingJob: undefined }, /Pipeline\/Tune: give exactly one of trainingJob and trainingJobDefinitions; received neither/],
    ['both forms', { trainingJobDefinitions: [] }, /give exactly one of trainingJob and trainingJobDefinitions; received both/],
    ['an unknown strategy', { strategy: 'Genetic' as TuningStrategy }, /strategy must be one of Bayesian, Random, Hyperband, Grid; received 'Genetic'/],
    ['0 training jobs', { maxNumberOfTrainingJobs: 0 }, /Pipeline\/Tune: maxNumberOfTrainingJobs must be a positive integer; received 0/],
    ['0 parallel jobs', { maxParallelTrainingJobs: 0 }, /maxParallelTrainingJobs must be a positive integer; received 0/],
    ['more parallel than total jobs', { maxNumberOfTrainingJobs: 2, maxParallelTrainingJobs: 3 }, /maxParallelTrainingJobs \(3\) exceeds maxNumberOfTrainingJobs \(2\)/],
    ['a 1-minute maxRuntime', { maxRuntime: Duration.minutes(1) }, /maxRuntime must be from 120 seconds to 15,768,000 seconds \(182\.5 days\); received 60 seconds/],
    ['a 200-day maxRuntime', { maxRuntime: Duration.days(200) }, /maxRuntime must be from 120 seconds.*received 17280000 seconds/],
    ['Hyperband with early stopping', { strategy: TuningStrategy.HYPERBAND, earlyStopping: TuningEarlyStopping.AUTO }, /earlyStopping must be Off with the Hyperband strategy/],
    ['no objective with Bayesian', { objective: undefined }, /an objective is required with the Bayesian strategy; received none/],
    ['no objective with early stopping', { strategy: TuningStrategy.RANDOM, objective: undefined, earlyStopping: TuningEarlyStopping.AUTO }, /an objective is required with the Random strategy and early stopping/],
    ['an unknown objective type', { objective: { type: 'Best' as TuningObjectiveType, metricName: 'm' } }, /objective\.type must be Maximize or Minimize; received 'Best'/],
    ['an empty metric name', { objective: { type: TuningObjectiveType.MINIMIZE, metricName: '' } }, /objective\.metricName must be 1-255 literal characters/],
    ['a metric outside the definitions', { objective: { type: TuningObjectiveType.MINIMIZE, metricName: 'train:loss' } }, /objective metric 'train:loss' is not among the training job's metricDefinitions \(validation:rmse\)/],
    ['31 ranges', { hyperparameterRanges: Array.from({ length: 31 }, (_, i) => new IntegerParameter(`p${i}`, { minValue: 1, maxValue: 2 })) }, /31 hyperparameter ranges given; a tuning job searches at most 30/],
    ['two ranges for one hyperparameter', { hyperparameterRanges: [new IntegerParameter('d', { minValue: 1, maxValue: 2 }), new CategoricalParameter('d', ['1'])] }, /hyperparameter 'd' has two ranges/],
    ['a tuned static hyperparameter', {
      trainingJob: { image: IMAGE, outputPath: 's3://b/k', metricDefinitions: METRICS, hyperparameters: { eta: 0.2 } },
    }, /hyperparameter 'eta' is both tuned and static/],
    ['a range that is not a ParameterRange', { hyperparameterRanges: [{ name: 'x' } as any] }, /hyperparameterRanges must be ContinuousParameter, IntegerParameter or CategoricalParameter objects/],
    ['Grid with a continuous range', { strategy: TuningStrategy.GRID }, /the Grid strategy searches only categorical ranges; received continuous range 'eta'/],
    ['Grid without ranges', { strategy: TuningStrategy.GRID, hyperparameterRanges: [] }, /the Grid strategy needs at least one CategoricalParameter range/],
    ['an unknown warm start type', { warmStart: { type: 'Copy' as WarmStartType, parents: ['a'] } }, /warmStart\.type must be one of IdenticalDataAndAlgorithm, TransferLearning; received 'Copy'/],
    ['no warm start parents', { warmStart: { type: WarmStartType.TRANSFER_LEARNING, parents: [] } }, /warmStart\.parents takes 1-5 tuning job names; received 0/],
    ['six warm start parents', { warmStart: { type: WarmStartType.TRANSFER_LEARNING, parents: ['a', 'b', 'c', 'd', 'e', 'f'] } }, /received 6/],
    ['an invalid parent name', { warmStart: { type: WarmStartType.TRANSFER_LEARNING, parents: ['bad_name'] } }, /warmStart\.parents must be tuning job names .*received 'bad_name'/],
    ['a step-level objective with definitions', {
      trainingJob: undefined,
      trainingJobDefinitions: [{ definitionName: 'a', image: IMAGE, outputPath: 's3://b/k', objective: OBJECTIVE }],
    }, /with trainingJobDefinitions, give the objective and hyperparameterRanges in each definition; received objective on the step/],
    ['eleven definitions', {
      trainingJob: undefined,
      objective: undefined,
      hyperparameterRanges: undefined,
      trainingJobDefinitions: Array.from({ length: 11 }, (_, i) => ({ definitionName: `d${i}`, image: IMAGE, outputPath: 's3://b/k', objective: OBJECTIVE })),
    }, /trainingJobDefinitions takes 1-10 definitions; received 11/],
    ['an invalid definition name', {
      trainingJob: undefined,
      objective: undefined,
      hyperparameterRanges: undefined,
      trainingJobDefinitions: [{ definitionName: 'bad_name', image: IMAGE, outputPath: 's3://b/k', objective: OBJECTIVE }],
    }, /trainingJobDefinitions\[0\]\.definitionName must be 1-64 letters and digits.*received 'bad_name'/],
    ['a duplicate definition name', {
      trainingJob: undefined,
      objective: undefined,
      hyperparameterRanges: undefined,
      trainingJobDefinitions: [
        { definitionName: 'a', image: IMAGE, outputPath: 's3://b/k', objective: OBJECTIVE },
        { definitionName: 'a', image: IMAGE, outputPath: 's3://b/k', objective: OBJECTIVE },
      ],
    }, /definitionName 'a' is used twice/],
    ['a definition without objective', {
      trainingJob: undefined,
      objective: undefined,
      hyperparameterRanges: undefined,
      trainingJobDefinitions: [{ definitionName: 'a', image: IMAGE, outputPath: 's3://b/k' }],
    }, /definition 'a': an objective is required with the Bayesian strategy/],
    ['a definition option error names the definition', {
      trainingJob: undefined,
      objective: undefined,
      hyperparameterRanges: undefined,
      trainingJobDefinitions: [{ definitionName: 'a', outputPath: 's3://b/k', objective: OBJECTIVE }],
    }, /give exactly one of trainingJobDefinitions\[0\]\.image and trainingJobDefinitions\[0\]\.algorithmName; received neither/],
    ['a training job option error names trainingJob', {
      trainingJob: { image: IMAGE, outputPath: 's3://b/k', metricDefinitions: METRICS, useSpotInstances: true },
    }, /trainingJob\.useSpotInstances requires trainingJob\.maxWait/],
  ])('%s is refused', (_name, extra, message) => {
    const { stack } = newStack();
    expect(() => tuning(stack, extra)).toThrow(message);
  });

  test.each<[string, () => ParameterRange, RegExp]>([
    ['an empty name', () => new ContinuousParameter('', { minValue: 0, maxValue: 1 }), /ContinuousParameter: the hyperparameter name must be 1-256 literal characters; received ''/],
    ['min above max', () => new ContinuousParameter('eta', { minValue: 2, maxValue: 1 }), /ContinuousParameter 'eta': minValue must not exceed maxValue; received minValue 2 and maxValue 1/],
    ['a fractional integer bound', () => new IntegerParameter('depth', { minValue: 1.5, maxValue: 3 }), /IntegerParameter 'depth': minValue must be an integer; received 1\.5/],
    ['an infinite bound', () => new ContinuousParameter('eta', { minValue: 0, maxValue: Infinity }), /maxValue must be a finite number; received Infinity/],
    ['a string bound', () => new ContinuousParameter('eta', { minValue: '0' as any, maxValue: 1 }), /minValue must be a number \(or a number parameter\); received string/],
    ['logarithmic from 0', () => new ContinuousParameter('eta', { minValue: 0, maxValue: 1, scaling: ParameterScaling.LOGARITHMIC }), /logarithmic scaling needs a range above 0; received minValue 0/],
    ['reverse logarithmic up to 1', () => new ContinuousParameter('s', { minValue: 0.5, maxValue: 1, scaling: ParameterScaling.REVERSE_LOGARITHMIC }), /reverse logarithmic scaling needs a range within \[0, 1\).*maxValue 1/],
    ['reverse logarithmic on integers', () => new IntegerParameter('d', { minValue: 0, maxValue: 0, scaling: ParameterScaling.REVERSE_LOGARITHMIC }), /reverse logarithmic scaling applies only to continuous ranges/],
    ['an unknown scaling', () => new IntegerParameter('d', { minValue: 1, maxValue: 2, scaling: 'Cubic' as ParameterScaling }), /scaling must be one of Auto, Linear, Logarithmic, ReverseLogarithmic; received 'Cubic'/],
    ['no categorical values', () => new CategoricalParameter('c', []), /CategoricalParameter 'c': give 1-30 values; received 0/],
    ['31 categorical values', () => new CategoricalParameter('c', Array.from({ length: 31 }, (_, i) => i)), /give 1-30 values; received 31/],
    ['a long categorical value', () => new CategoricalParameter('c', ['x'.repeat(257)]), /values must be 1-256 characters/],
    ['a duplicate categorical value', () => new CategoricalParameter('c', ['a', 'a']), /value 'a' is given twice/],
    ['an object categorical value', () => new CategoricalParameter('c', [{} as any]), /values must be strings, numbers or booleans; received object/],
  ])('range: %s is refused', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  test('numeric range bounds accept pipeline parameters, rendered as strings', () => {
    // GIVEN
    const { stack } = newStack();
    const max = new ParameterInteger('MaxDepth', { defaultValue: 8 });
    // WHEN
    tuning(stack, { hyperparameterRanges: [new IntegerParameter('max_depth', { minValue: 2, maxValue: max.valueAsNumber })] });
    // THEN
    const ranges = stepOf(definitionOf(stack), 'Tune').Arguments.HyperParameterTuningJobConfig.ParameterRanges;
    expect(ranges.IntegerParameterRanges).toEqual([
      { Name: 'max_depth', MinValue: '2', MaxValue: { 'Std:Join': { On: '', Values: [{ Get: 'Parameters.MaxDepth' }] } }, ScalingType: 'Auto' },
    ]);
  });
});
