import * as path from 'path';
import { Duration, FileSystem, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  CacheConfig, ContainerImage, ExecutionVariable, FailStep, InstanceType, Join, ParameterBoolean, ParameterFloat, ParameterInteger,
  ParameterString, Pipeline, ProcessingS3CompressionType, ProcessingS3DataDistributionType, ProcessingS3DataType, ProcessingS3InputMode,
  ProcessingS3UploadMode, ProcessingStep, RetryPolicy, SageMakerJobExceptionType, StepExceptionType, TrainingCompressionType, TrainingInput,
  TrainingInputMode, TrainingS3DataDistribution, TrainingS3DataType, TrainingStep,
} from '../lib';
import { definitionOf, newStack, stepOf, synthErrors } from './util';

const IMAGE_URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1.2-1';
const IMAGE = ContainerImage.fromRegistry(IMAGE_URI);
const CODE_DIR = path.join(__dirname, 'fixtures', 'code');
const CODE_A = path.join(CODE_DIR, 'preprocess-a.py');
const CODE_A_COPY = path.join(CODE_DIR, 'preprocess-a-copy.py');
const CODE_B = path.join(CODE_DIR, 'preprocess-b.py');

function newPipeline(stack: Stack): Pipeline {
  return new Pipeline(stack, 'Pipeline');
}

function roleArnOf(role: iam.IRole): string {
  return `\${GetAtt:${Stack.of(role).getLogicalId(role.node.defaultChild as iam.CfnRole)}.Arn}`;
}

/** A minimal training step with `extra` props. */
function training(scope: Construct, id: string, extra: Partial<ConstructorParameters<typeof TrainingStep>[2]> = {}): TrainingStep {
  return new TrainingStep(scope, id, { image: IMAGE, outputPath: 's3://example-bucket/models', ...extra });
}

/** A minimal processing step with `extra` props. */
function processing(scope: Construct, id: string, extra: Partial<ConstructorParameters<typeof ProcessingStep>[2]> = {}): ProcessingStep {
  return new ProcessingStep(scope, id, { image: IMAGE, ...extra });
}

/** `count` processing inputs named in0, in1, ... */
function inputs(count: number): Array<{ inputName: string; s3Uri: string; localPath: string }> {
  return Array.from({ length: count }, (_, i) => ({ inputName: `in${i}`, s3Uri: `s3://example-bucket/in${i}`, localPath: `/opt/ml/processing/in${i}` }));
}

/** `n` environment variables VAR_0, VAR_1, ... */
function environment(n: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`VAR_${i}`, `${i}`]));
}

/** The `code` input's S3 key and the entrypoint of a processing step running `code`, in a region-agnostic stack. */
function codeOf(code: string): { s3Uri: string; entrypoint: string[] } {
  const { stack } = newStack({});
  processing(newPipeline(stack), 'Prep', { code });
  const args = stepOf(definitionOf(stack), 'Prep').Arguments;
  const input = args.ProcessingInputs.find((i: any) => i.InputName === 'code');
  return { s3Uri: input.S3Input.S3Uri, entrypoint: args.AppSpecification.ContainerEntrypoint };
}

describe('ProcessingStep', () => {
  test('renders every prop', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const role = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });

    // WHEN
    new ProcessingStep(pipeline, 'Prep', {
      image: IMAGE,
      instanceType: InstanceType.C5_2XLARGE,
      instanceCount: 2,
      volumeSizeInGB: 50,
      containerEntrypoint: ['bash', '/opt/run.sh'],
      containerArguments: ['--train-ratio', '0.8'],
      inputs: [
        { inputName: 'raw', s3Uri: 's3://example-bucket/raw', localPath: '/opt/ml/processing/raw' },
        {
          inputName: 'manifest',
          s3Uri: 's3://example-bucket/manifest.json',
          localPath: '/opt/ml/processing/manifest',
          s3DataType: ProcessingS3DataType.MANIFEST_FILE,
          s3InputMode: ProcessingS3InputMode.PIPE,
          s3DataDistributionType: ProcessingS3DataDistributionType.SHARDED_BY_S3_KEY,
          s3CompressionType: ProcessingS3CompressionType.GZIP,
        },
      ],
      outputs: [
        { outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: 's3://example-bucket/train' },
        { outputName: 'logs', localPath: '/opt/ml/processing/logs', s3Uri: 's3://example-bucket/logs', s3UploadMode: ProcessingS3UploadMode.CONTINUOUS },
      ],
      environment: { MODE: 'full', RUN: ExecutionVariable.PIPELINE_EXECUTION_ID },
      maxRuntime: Duration.hours(2),
      role,
    });

    // THEN
    const prep = stepOf(definitionOf(stack), 'Prep');
    expect(prep.Type).toBe('Processing');
    expect(prep.Arguments).toEqual({
      ProcessingResources: { ClusterConfig: { InstanceType: 'ml.c5.2xlarge', InstanceCount: 2, VolumeSizeInGB: 50 } },
      AppSpecification: { ImageUri: IMAGE_URI, ContainerEntrypoint: ['bash', '/opt/run.sh'], ContainerArguments: ['--train-ratio', '0.8'] },
      RoleArn: roleArnOf(role),
      ProcessingInputs: [
        {
          InputName: 'raw',
          AppManaged: false,
          S3Input: {
            S3Uri: 's3://example-bucket/raw',
            LocalPath: '/opt/ml/processing/raw',
            S3DataType: 'S3Prefix',
            S3InputMode: 'File',
            S3DataDistributionType: 'FullyReplicated',
            S3CompressionType: 'None',
          },
        },
        {
          InputName: 'manifest',
          AppManaged: false,
          S3Input: {
            S3Uri: 's3://example-bucket/manifest.json',
            LocalPath: '/opt/ml/processing/manifest',
            S3DataType: 'ManifestFile',
            S3InputMode: 'Pipe',
            S3DataDistributionType: 'ShardedByS3Key',
            S3CompressionType: 'Gzip',
          },
        },
      ],
      ProcessingOutputConfig: {
        Outputs: [
          { OutputName: 'train', AppManaged: false, S3Output: { S3Uri: 's3://example-bucket/train', LocalPath: '/opt/ml/processing/train', S3UploadMode: 'EndOfJob' } },
          { OutputName: 'logs', AppManaged: false, S3Output: { S3Uri: 's3://example-bucket/logs', LocalPath: '/opt/ml/processing/logs', S3UploadMode: 'Continuous' } },
        ],
      },
      Environment: { MODE: 'full', RUN: { Get: 'Execution.PipelineExecutionId' } },
      StoppingCondition: { MaxRuntimeInSeconds: 7200 },
    });
  });

  test('defaults: ml.m5.xlarge, one instance, 30 GB, the image entrypoint, the default job role, no stopping condition', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    processing(pipeline, 'Prep');

    // THEN
    expect(stepOf(definitionOf(stack), 'Prep').Arguments).toEqual({
      ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 } },
      AppSpecification: { ImageUri: IMAGE_URI },
      RoleArn: roleArnOf(pipeline.defaultJobRole),
    });
  });

  test('instance type and count from parameters', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const type = new ParameterString('InstanceType', { defaultValue: 'ml.m5.large' });
    const count = new ParameterInteger('InstanceCount', { defaultValue: 1 });

    // WHEN
    processing(pipeline, 'Prep', { instanceType: InstanceType.of(type.valueAsString), instanceCount: count.valueAsNumber });

    // THEN
    expect(stepOf(definitionOf(stack), 'Prep').Arguments.ProcessingResources.ClusterConfig).toEqual({
      InstanceType: { Get: 'Parameters.InstanceType' },
      InstanceCount: { Get: 'Parameters.InstanceCount' },
      VolumeSizeInGB: 30,
    });
  });

  test('an instance type that is not ml.<family>.<size> is refused', () => {
    // GIVEN / WHEN / THEN
    expect(() => InstanceType.of('m5.xlarge')).toThrow(/Instance type must look like 'ml.<family>.<size>'.*received 'm5.xlarge'/);
  });

  describe('code', () => {
    test('is uploaded as an asset whose content-hashed key is the code input and the entrypoint', () => {
      // GIVEN
      const hash = FileSystem.fingerprint(CODE_A);

      // WHEN
      const { s3Uri, entrypoint } = codeOf(CODE_A);

      // THEN
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(s3Uri).toBe(`\${Sub:s3://cdk-hnb659fds-assets-\${AWS::AccountId}-\${AWS::Region}/${hash}.py}`);
      expect(entrypoint).toEqual(['python3', `/opt/ml/processing/input/code/${hash}.py`]);
    });

    test('renders the code input after the other inputs with the mount folder and default options', () => {
      // GIVEN
      const { stack } = newStack({});
      const pipeline = newPipeline(stack);

      // WHEN
      processing(pipeline, 'Prep', { code: CODE_A, inputs: inputs(1) });

      // THEN
      const args = stepOf(definitionOf(stack), 'Prep').Arguments;
      expect(args.ProcessingInputs.map((i: any) => i.InputName)).toEqual(['in0', 'code']);
      expect(args.ProcessingInputs[1]).toEqual({
        InputName: 'code',
        AppManaged: false,
        S3Input: {
          S3Uri: expect.stringMatching(/^\$\{Sub:s3:\/\/cdk-hnb659fds-assets-\$\{AWS::AccountId\}-\$\{AWS::Region\}\/[0-9a-f]{64}\.py\}$/),
          LocalPath: '/opt/ml/processing/input/code',
          S3DataType: 'S3Prefix',
          S3InputMode: 'File',
          S3DataDistributionType: 'FullyReplicated',
          S3CompressionType: 'None',
        },
      });
    });

    test('a different content changes the key, the same content keeps it', () => {
      // GIVEN
      const first = codeOf(CODE_A);

      // WHEN
      const again = codeOf(CODE_A);
      const copy = codeOf(CODE_A_COPY);
      const other = codeOf(CODE_B);

      // THEN
      expect(again.s3Uri).toBe(first.s3Uri);
      expect(copy.s3Uri).toBe(first.s3Uri);
      expect(other.s3Uri).not.toBe(first.s3Uri);
      expect(other.entrypoint).not.toEqual(first.entrypoint);
    });

    test('a custom entrypoint gets the script path appended', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN
      processing(pipeline, 'Prep', { code: CODE_A, containerEntrypoint: ['python3', '-u'] });

      // THEN
      const hash = FileSystem.fingerprint(CODE_A);
      expect(stepOf(definitionOf(stack), 'Prep').Arguments.AppSpecification.ContainerEntrypoint)
        .toEqual(['python3', '-u', `/opt/ml/processing/input/code/${hash}.py`]);
    });

    test('a missing file is refused naming the path', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN / THEN
      expect(() => processing(pipeline, 'Prep', { code: path.join(CODE_DIR, 'missing.py') }))
        .toThrow(/Stack\/Pipeline\/Prep: code must be the path of a local script file; '.*missing\.py' \(resolved to .*\) is not a file/);
    });

    test('a directory is refused', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN / THEN
      expect(() => processing(pipeline, 'Prep', { code: CODE_DIR })).toThrow(/Stack\/Pipeline\/Prep: code must be the path of a local script file/);
    });

    test('an input named code next to code is refused', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN / THEN
      expect(() => processing(pipeline, 'Prep', {
        code: CODE_A,
        inputs: [{ inputName: 'code', s3Uri: 's3://example-bucket/code', localPath: '/opt/ml/processing/code' }],
      })).toThrow(/Stack\/Pipeline\/Prep: inputName 'code' is used twice \('code' is the input that carries the step's script\)/);
    });
  });

  describe('limits', () => {
    test('eleven inputs are refused naming the construct path', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN / THEN
      expect(() => processing(pipeline, 'Prep', { inputs: inputs(11) }))
        .toThrow(/Stack\/Pipeline\/Prep: a processing job takes at most 10 inputs; received 11 \(in0, .*in10\)/);
    });

    test('ten inputs are accepted', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN
      processing(pipeline, 'Ten', { inputs: inputs(10) });

      // THEN
      expect(stepOf(definitionOf(stack), 'Ten').Arguments.ProcessingInputs).toHaveLength(10);
    });

    test('ten inputs and code are refused', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN / THEN
      expect(() => processing(pipeline, 'Eleven', { inputs: inputs(10), code: CODE_A }))
        .toThrow(/Stack\/Pipeline\/Eleven: a processing job takes at most 10 inputs; received 11 \(.*, code\)/);
    });

    test('duplicate input names are refused', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN / THEN
      expect(() => processing(pipeline, 'Prep', { inputs: [...inputs(2), ...inputs(1)] }))
        .toThrow(/Stack\/Pipeline\/Prep: inputName 'in0' is used twice; names must be unique within the step/);
    });

    test('duplicate output names are refused', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);
      const output = { outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: 's3://example-bucket/train' };

      // WHEN / THEN
      expect(() => processing(pipeline, 'Prep', { outputs: [output, output] }))
        .toThrow(/Stack\/Pipeline\/Prep: outputName 'train' is used twice/);
    });

    test('an environment of 100 entries is accepted', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN
      processing(pipeline, 'Hundred', { environment: environment(100) });

      // THEN
      expect(Object.keys(stepOf(definitionOf(stack), 'Hundred').Arguments.Environment)).toHaveLength(100);
    });

    test('an environment of 101 entries is refused', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN / THEN
      expect(() => processing(pipeline, 'Prep', { environment: environment(101) }))
        .toThrow(/Stack\/Pipeline\/Prep: environment has 101 entries; SageMaker jobs accept at most 100/);
    });

    test.each([
      [{ environment: { '1ABC': 'x' } }, /environment variable name '1ABC' is invalid/],
      [{ environment: { A: 'x'.repeat(257) } }, /environment variable 'A' is 257 characters; values are at most 256/],
      [{ environment: { A: 1 as any } }, /environment variable 'A' must be a string; received number/],
      [{ instanceCount: 0 }, /instanceCount must be an integer from 1 to 100; received 0/],
      [{ instanceCount: 101 }, /instanceCount must be an integer from 1 to 100; received 101/],
      [{ instanceCount: 1.5 }, /instanceCount must be an integer from 1 to 100; received 1.5/],
      [{ volumeSizeInGB: 0 }, /volumeSizeInGB must be an integer from 1 to 16384; received 0/],
      [{ containerArguments: ['x'.repeat(257)] }, /containerEntrypoint and containerArguments items are at most 256 characters; received one of 257/],
      [{ inputs: [{ inputName: 'raw', s3Uri: 's3://b/raw', localPath: ExecutionVariable.PIPELINE_NAME }] }, /input raw localPath must be fixed when the pipeline is defined/],
    ])('%p is refused naming the construct path', (props, message) => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN / THEN
      expect(() => processing(pipeline, 'Prep', props)).toThrow(new RegExp(`Stack/Pipeline/Prep: ${message.source}`));
    });

    test('a maxRuntime of 7 days is accepted', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN
      processing(pipeline, 'Prep', { maxRuntime: Duration.days(7) });

      // THEN
      expect(stepOf(definitionOf(stack), 'Prep').Arguments.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 604800 });
    });

    test('a maxRuntime above 7 days is refused eagerly', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN / THEN
      expect(() => processing(pipeline, 'Prep', { maxRuntime: Duration.days(8) }))
        .toThrow(/Stack\/Pipeline\/Prep: maxRuntime must be between 1 second and 7 days; received 691200 seconds/);
    });
  });
});

describe('TrainingStep', () => {
  test('renders every prop', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const role = new iam.Role(stack, 'TrainRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const depth = new ParameterInteger('MaxDepth', { defaultValue: 5 });
    const objective = new ParameterString('Objective', { defaultValue: 'reg:squarederror' });
    const eta = new ParameterFloat('Eta', { defaultValue: 0.2 });
    const early = new ParameterBoolean('EarlyStop', { defaultValue: false });

    // WHEN
    new TrainingStep(pipeline, 'Train', {
      image: IMAGE,
      outputPath: 's3://example-bucket/models',
      inputMode: TrainingInputMode.FAST_FILE,
      instanceType: InstanceType.G5_2XLARGE,
      instanceCount: 4,
      volumeSizeInGB: 100,
      maxRuntime: Duration.hours(3),
      environment: { SEED: '42' },
      role,
      inputs: [
        TrainingInput.s3('train', 's3://example-bucket/train'),
        TrainingInput.s3('validation', 's3://example-bucket/validation', {
          contentType: 'text/csv',
          s3DataType: TrainingS3DataType.AUGMENTED_MANIFEST_FILE,
          distribution: TrainingS3DataDistribution.SHARDED_BY_S3_KEY,
          compressionType: TrainingCompressionType.GZIP,
          inputMode: TrainingInputMode.PIPE,
        }),
        TrainingInput.s3('manifest', 's3://example-bucket/manifest', { s3DataType: TrainingS3DataType.MANIFEST_FILE, compressionType: TrainingCompressionType.NONE }),
      ],
      hyperparameters: {
        objective: 'reg:squarederror',
        num_round: 50,
        eta: 0.2,
        verbose: false,
        max_depth: depth.valueAsNumber,
        objective_param: objective.valueAsString,
        eta_param: eta.valueAsNumber,
        early_stop: early.valueAsString,
      },
    });

    // THEN
    const train = stepOf(definitionOf(stack), 'Train');
    const joined = (name: string) => ({ 'Std:Join': { On: '', Values: [{ Get: `Parameters.${name}` }] } });
    expect(train.Type).toBe('Training');
    expect(train.Arguments).toEqual({
      AlgorithmSpecification: { TrainingImage: IMAGE_URI, TrainingInputMode: 'FastFile' },
      OutputDataConfig: { S3OutputPath: 's3://example-bucket/models' },
      StoppingCondition: { MaxRuntimeInSeconds: 10800 },
      ResourceConfig: { VolumeSizeInGB: 100, InstanceCount: 4, InstanceType: 'ml.g5.2xlarge' },
      RoleArn: roleArnOf(role),
      InputDataConfig: [
        {
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://example-bucket/train', S3DataDistributionType: 'FullyReplicated' } },
          ChannelName: 'train',
        },
        {
          DataSource: { S3DataSource: { S3DataType: 'AugmentedManifestFile', S3Uri: 's3://example-bucket/validation', S3DataDistributionType: 'ShardedByS3Key' } },
          ContentType: 'text/csv',
          CompressionType: 'Gzip',
          InputMode: 'Pipe',
          ChannelName: 'validation',
        },
        {
          DataSource: { S3DataSource: { S3DataType: 'ManifestFile', S3Uri: 's3://example-bucket/manifest', S3DataDistributionType: 'FullyReplicated' } },
          CompressionType: 'None',
          ChannelName: 'manifest',
        },
      ],
      HyperParameters: {
        objective: 'reg:squarederror',
        num_round: '50',
        eta: '0.2',
        verbose: 'false',
        max_depth: joined('MaxDepth'),
        objective_param: { Get: 'Parameters.Objective' },
        eta_param: joined('Eta'),
        early_stop: joined('EarlyStop'),
      },
      Environment: { SEED: '42' },
    });
  });

  test('defaults: File mode, ml.m5.xlarge, one instance, 30 GB, a maxRuntime of 86400 seconds, the default job role', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    training(pipeline, 'Train');

    // THEN
    expect(stepOf(definitionOf(stack), 'Train').Arguments).toEqual({
      AlgorithmSpecification: { TrainingImage: IMAGE_URI, TrainingInputMode: 'File' },
      OutputDataConfig: { S3OutputPath: 's3://example-bucket/models' },
      StoppingCondition: { MaxRuntimeInSeconds: 86400 },
      ResourceConfig: { VolumeSizeInGB: 30, InstanceCount: 1, InstanceType: 'ml.m5.xlarge' },
      RoleArn: roleArnOf(pipeline.defaultJobRole),
    });
  });

  test.each([
    ['an object', { nested: { a: 1 } }, 'received object'],
    ['an array', [1, 2], 'received an array'],
    ['null', null, 'received null'],
  ])('a hyperparameter that is %s is refused naming the construct path and the hyperparameter', (_kind, value, received) => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN / THEN
    expect(() => training(pipeline, 'Train', { hyperparameters: { layers: value as any } }))
      .toThrow(new RegExp(`Stack/Pipeline/Train: hyperparameter 'layers' must be a string, number or boolean .*; ${received}\\. Serialize structured values yourself`));
  });

  test.each([
    [{ hyperparameters: { eta: Number.NaN } }, /hyperparameter 'eta' must be a finite number; received NaN/],
    [{ hyperparameters: { long: 'x'.repeat(2501) } }, /hyperparameter 'long' is 2501 characters; values are at most 2,500/],
    [{ hyperparameters: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`h${i}`, i])) }, /101 hyperparameters given; SageMaker accepts at most 100/],
    [{ inputs: [TrainingInput.s3('train', 's3://b/a'), TrainingInput.s3('train', 's3://b/b')] }, /channel 'train' is given twice/],
    [{ inputs: Array.from({ length: 21 }, (_, i) => TrainingInput.s3(`c${i}`, 's3://b/c')) }, /a training job takes at most 20 channels; received 21/],
    [{ inputs: [{ channelName: 'train' } as any] }, /inputs must be created with TrainingInput.s3\(channelName, s3Uri\)/],
    [{ maxRuntime: Duration.days(29) }, /maxRuntime must be between 1 second and 28 days; received 2505600 seconds/],
    [{ instanceCount: 0 }, /instanceCount must be an integer from 1 to 100000; received 0/],
  ])('%p is refused naming the construct path', (props, message) => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN / THEN
    expect(() => training(pipeline, 'Train', props)).toThrow(new RegExp(`Stack/Pipeline/Train: ${message.source}`));
  });

  test.each(['', 'has space', 'x'.repeat(65)])('channel name %p is refused', (name) => {
    // GIVEN / WHEN / THEN
    expect(() => TrainingInput.s3(name, 's3://example-bucket/train')).toThrow(/TrainingInput channel name must be 1-64 characters/);
  });
});

describe('FailStep', () => {
  test('a literal message', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: 'MSE above threshold' });

    // THEN
    expect(stepOf(definitionOf(stack), 'Fail')).toEqual({ Name: 'Fail', Type: 'Fail', Arguments: { ErrorMessage: 'MSE above threshold' } });
  });

  test('the default message is the empty string', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    new FailStep(pipeline, 'Fail');

    // THEN
    expect(stepOf(definitionOf(stack), 'Fail').Arguments).toEqual({ ErrorMessage: '' });
  });

  test('a Join.of message', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: Join.of(['execution', ExecutionVariable.PIPELINE_EXECUTION_ID, 'failed'], ' ') });

    // THEN
    expect(stepOf(definitionOf(stack), 'Fail').Arguments.ErrorMessage).toEqual({
      'Std:Join': { On: ' ', Values: ['execution', { Get: 'Execution.PipelineExecutionId' }, 'failed'] },
    });
  });

  test('a template with a step property', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const train = training(pipeline, 'Train');

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: `Dry run: model written to ${train.properties.ModelArtifacts.S3ModelArtifacts}` });

    // THEN
    expect(stepOf(definitionOf(stack), 'Fail').Arguments.ErrorMessage).toEqual({
      'Std:Join': { On: '', Values: ['Dry run: model written to ', { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' }] },
    });
  });

  test('a message that is not a string is refused', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN / THEN
    expect(() => new FailStep(pipeline, 'Fail', { errorMessage: 42 as any })).toThrow(/Stack\/Pipeline\/Fail: errorMessage must be a string or a string expression; received number/);
  });

  test('retryPolicies are refused', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const retryPolicies = [RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING] })];

    // WHEN / THEN
    expect(() => new FailStep(pipeline, 'Fail', { retryPolicies } as any))
      .toThrow(/FailStep Stack\/Pipeline\/Fail: this step type does not accept retryPolicies/);
  });

  test('cacheConfig is refused', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN / THEN
    expect(() => new FailStep(pipeline, 'Fail', { cacheConfig: CacheConfig.enabled() } as any))
      .toThrow(/FailStep Stack\/Pipeline\/Fail: this step type does not accept cacheConfig/);
  });
});

describe('step names', () => {
  test('default to the construct id', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    const step = new FailStep(pipeline, 'Stop-Here_1');

    // THEN
    expect(step.stepName).toBe('Stop-Here_1');
    expect(definitionOf(stack).Steps.map((s: any) => s.Name)).toEqual(['Stop-Here_1']);
  });

  test('a custom stepName is used', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    new FailStep(pipeline, 'Fail', { stepName: 'Stop' });

    // THEN
    expect(definitionOf(stack).Steps.map((s: any) => s.Name)).toEqual(['Stop']);
  });

  test.each(['My Step', 'x'.repeat(65), '', 'a.b'])('an invalid stepName %p is refused eagerly', (stepName) => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN / THEN
    expect(() => new FailStep(pipeline, 'Fail', { stepName }))
      .toThrow(/FailStep Stack\/Pipeline\/Fail: stepName must be 1-64 characters of A-Z, a-z, 0-9, - and _; received '/);
  });

  test('a token stepName is refused', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN / THEN
    expect(() => new FailStep(pipeline, 'Fail', { stepName: ExecutionVariable.PIPELINE_NAME })).toThrow(/stepName must be 1-64 characters/);
  });

  test('an invalid construct id fails synth', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    new FailStep(pipeline, 'My Step');

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/step name 'My Step' of Stack\/Pipeline\/My Step is invalid: step names are 1-64 characters/);
  });

  test('a step under a construct beneath the pipeline belongs to it', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const group = new Construct(pipeline, 'Group');

    // WHEN
    const step = new FailStep(group, 'Fail');

    // THEN
    expect(step.pipeline).toBe(pipeline);
    expect(definitionOf(stack).Steps.map((s: any) => s.Name)).toEqual(['Fail']);
  });

  test('a step created outside a Pipeline is refused', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN / THEN
    expect(() => new FailStep(stack, 'Fail')).toThrow(/FailStep Stack\/Fail is not inside a Pipeline. Create steps with the pipeline/);
  });
});

describe('displayName and description', () => {
  test('render DisplayName and Description', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    training(pipeline, 'Train', { displayName: 'Train XGBoost', description: 'Trains the model' });

    // THEN
    const train = stepOf(definitionOf(stack), 'Train');
    expect(train.DisplayName).toBe('Train XGBoost');
    expect(train.Description).toBe('Trains the model');
    expect(Object.keys(train)).toEqual(['Name', 'Type', 'Arguments', 'DisplayName', 'Description']);
  });

  test('the longest displayName and description are accepted', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    new FailStep(pipeline, 'Fail', { displayName: 'd'.repeat(256), description: 'x'.repeat(3072) });

    // THEN
    const fail = stepOf(definitionOf(stack), 'Fail');
    expect(fail.DisplayName).toHaveLength(256);
    expect(fail.Description).toHaveLength(3072);
  });

  test('a displayName of 257 characters is refused', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN / THEN
    expect(() => new FailStep(pipeline, 'Fail', { displayName: 'd'.repeat(257) }))
      .toThrow(/FailStep Stack\/Pipeline\/Fail: displayName must be at most 256 characters; received 257/);
  });

  test('a description of 3073 characters is refused', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN / THEN
    expect(() => new FailStep(pipeline, 'Fail', { description: 'x'.repeat(3073) }))
      .toThrow(/FailStep Stack\/Pipeline\/Fail: description must be at most 3,072 characters; received 3073/);
  });
});

describe('dependsOn', () => {
  test('dependsOn and addDependsOn render DependsOn names once, in order', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const a = processing(pipeline, 'A');
    const b = training(pipeline, 'B', { stepName: 'Train-B' });
    const c = new FailStep(pipeline, 'C', { dependsOn: [a] });

    // WHEN
    c.addDependsOn(b, a);

    // THEN
    expect(c.dependsOn).toEqual([a, b]);
    expect(stepOf(definitionOf(stack), 'C').DependsOn).toEqual(['A', 'Train-B']);
  });

  test('a step depending on itself is refused', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const step = new FailStep(pipeline, 'Fail');

    // WHEN / THEN
    expect(() => step.addDependsOn(step)).toThrow(/Stack\/Pipeline\/Fail: a step cannot depend on itself/);
  });

  test('a value that is not a step is refused', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN / THEN
    expect(() => new FailStep(pipeline, 'Fail', { dependsOn: ['A' as any] })).toThrow(/Stack\/Pipeline\/Fail: dependsOn accepts steps only; received A/);
  });
});

describe('retry policies', () => {
  test('both kinds render every field in the service key order', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    training(pipeline, 'Train', {
      retryPolicies: [
        RetryPolicy.step({
          exceptionTypes: [StepExceptionType.SERVICE_FAULT, StepExceptionType.THROTTLING],
          interval: Duration.seconds(10),
          backoffRate: 1.5,
          maxAttempts: 3,
        }),
        RetryPolicy.sageMakerJob({
          exceptionTypes: [
            SageMakerJobExceptionType.JOB_INTERNAL_ERROR,
            SageMakerJobExceptionType.CAPACITY_ERROR,
            SageMakerJobExceptionType.RESOURCE_LIMIT,
          ],
          interval: Duration.minutes(1),
          backoffRate: 3,
          expireAfter: Duration.hours(2),
        }),
      ],
    });

    // THEN
    const policies = stepOf(definitionOf(stack), 'Train').RetryPolicies;
    expect(policies).toEqual([
      { ExceptionType: ['Step.SERVICE_FAULT', 'Step.THROTTLING'], IntervalSeconds: 10, BackoffRate: 1.5, MaxAttempts: 3 },
      { ExceptionType: ['SageMaker.JOB_INTERNAL_ERROR', 'SageMaker.CAPACITY_ERROR', 'SageMaker.RESOURCE_LIMIT'], IntervalSeconds: 60, BackoffRate: 3, ExpireAfterMin: 120 },
    ]);
    expect(Object.keys(policies[0])).toEqual(['ExceptionType', 'IntervalSeconds', 'BackoffRate', 'MaxAttempts']);
    expect(Object.keys(policies[1])).toEqual(['ExceptionType', 'IntervalSeconds', 'BackoffRate', 'ExpireAfterMin']);
  });

  test('defaults: an interval of 1 second and a backoff rate of 2', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    processing(pipeline, 'Prep', { retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING] })] });

    // THEN
    expect(stepOf(definitionOf(stack), 'Prep').RetryPolicies).toEqual([{ ExceptionType: ['Step.THROTTLING'], IntervalSeconds: 1, BackoffRate: 2 }]);
  });

  test('the bounds are accepted', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    processing(pipeline, 'Prep', {
      retryPolicies: [
        RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING], interval: Duration.seconds(1), backoffRate: 0, maxAttempts: 1 }),
        RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING], interval: Duration.hours(12), maxAttempts: 20 }),
        RetryPolicy.sageMakerJob({ exceptionTypes: [SageMakerJobExceptionType.CAPACITY_ERROR], expireAfter: Duration.minutes(14400) }),
      ],
    });

    // THEN
    expect(stepOf(definitionOf(stack), 'Prep').RetryPolicies).toEqual([
      { ExceptionType: ['Step.THROTTLING'], IntervalSeconds: 1, BackoffRate: 0, MaxAttempts: 1 },
      { ExceptionType: ['Step.THROTTLING'], IntervalSeconds: 43200, BackoffRate: 2, MaxAttempts: 20 },
      { ExceptionType: ['SageMaker.CAPACITY_ERROR'], IntervalSeconds: 1, BackoffRate: 2, ExpireAfterMin: 14400 },
    ]);
  });

  test.each([
    [{ interval: Duration.seconds(0) }, /RetryPolicy.step interval must be whole seconds between 1 second and 12 hours; received 0 seconds/],
    [{ interval: Duration.seconds(43201) }, /RetryPolicy.step interval must be whole seconds between 1 second and 12 hours; received 43201 seconds/],
    [{ backoffRate: -1 }, /RetryPolicy.step backoffRate must be a number of at least 0; received -1/],
    [{ backoffRate: Number.POSITIVE_INFINITY }, /RetryPolicy.step backoffRate must be a number of at least 0; received Infinity/],
    [{ maxAttempts: 0 }, /RetryPolicy.step maxAttempts must be an integer from 1 to 20; received 0/],
    [{ maxAttempts: 21 }, /RetryPolicy.step maxAttempts must be an integer from 1 to 20; received 21/],
    [{ maxAttempts: 2.5 }, /RetryPolicy.step maxAttempts must be an integer from 1 to 20; received 2.5/],
    [{ expireAfter: Duration.minutes(14401) }, /RetryPolicy.step expireAfter must be at most 14,400 minutes \(10 days\); received 14401 minutes/],
    [{ maxAttempts: 3, expireAfter: Duration.minutes(10) }, /RetryPolicy.step takes maxAttempts or expireAfter, not both/],
  ])('%p is refused by the step it is given to, with the step\'s path', (options, message) => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN / THEN
    expect(() => processing(pipeline, 'Prep', { retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING], ...options })] }))
      .toThrow(new RegExp(`^ProcessingStep Stack/Pipeline/Prep: retryPolicies\\[0\\] is invalid: ${message.source}`));
  });

  test('ACCEPTANCE: RetryPolicy.sageMakerJob({ maxAttempts: 21 }) inside a step\'s props names the step and the policy', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN / THEN
    expect(() => training(pipeline, 'Train', {
      retryPolicies: [
        RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING] }),
        RetryPolicy.sageMakerJob({ exceptionTypes: [SageMakerJobExceptionType.CAPACITY_ERROR], maxAttempts: 21 }),
      ],
    })).toThrow(/^TrainingStep Stack\/Pipeline\/Train: retryPolicies\[1\] is invalid: RetryPolicy.sageMakerJob maxAttempts must be an integer from 1 to 20; received 21/);
  });

  test('empty exception types are refused', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN / THEN
    expect(() => processing(pipeline, 'A', { retryPolicies: [RetryPolicy.step({ exceptionTypes: [] })] }))
      .toThrow(/Stack\/Pipeline\/A: retryPolicies\[0\] is invalid: RetryPolicy.step needs at least one exception type; choose from Step.SERVICE_FAULT, Step.THROTTLING/);
    expect(() => processing(pipeline, 'B', { retryPolicies: [RetryPolicy.sageMakerJob({ exceptionTypes: [] })] }))
      .toThrow(/Stack\/Pipeline\/B: retryPolicies\[0\] is invalid: RetryPolicy.sageMakerJob needs at least one exception type/);
  });

  test('an exception type of the other kind is refused', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN / THEN
    expect(() => processing(pipeline, 'Prep', { retryPolicies: [RetryPolicy.step({ exceptionTypes: [SageMakerJobExceptionType.CAPACITY_ERROR as any] })] }))
      .toThrow(/Stack\/Pipeline\/Prep: retryPolicies\[0\] is invalid: RetryPolicy.step does not retry 'SageMaker.CAPACITY_ERROR'; it accepts Step.SERVICE_FAULT, Step.THROTTLING/);
  });
});

describe('CacheConfig', () => {
  test('a Duration renders as ISO-8601', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    training(pipeline, 'Train', { cacheConfig: CacheConfig.enabled(Duration.days(30)) });

    // THEN
    expect(stepOf(definitionOf(stack), 'Train').CacheConfig).toEqual({ Enabled: true, ExpireAfter: 'P30D' });
  });

  test.each(['P30D', 'PT12H', 'P1Y2M', 'p7d'])('the text %p is accepted as is', (text) => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    processing(pipeline, 'Prep', { cacheConfig: new CacheConfig({ expireAfter: text }) });

    // THEN
    expect(stepOf(definitionOf(stack), 'Prep').CacheConfig).toEqual({ Enabled: true, ExpireAfter: text });
  });

  test('without an expiry, and disabled', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    processing(pipeline, 'On', { cacheConfig: CacheConfig.enabled() });
    processing(pipeline, 'Off', { cacheConfig: new CacheConfig({ enabled: false }) });

    // THEN
    const definition = definitionOf(stack);
    expect(stepOf(definition, 'On').CacheConfig).toEqual({ Enabled: true });
    expect(stepOf(definition, 'Off').CacheConfig).toEqual({ Enabled: false });
  });

  test.each(['', 'thirty days', 'P', 'PT', '30', 'P30X'])('the text %p is refused', (text) => {
    // GIVEN / WHEN / THEN
    expect(() => new CacheConfig({ expireAfter: text })).toThrow(/CacheConfig expireAfter must be an ISO-8601 duration such as 'P30D' or 'PT12H'; received '/);
  });

  test('retry policies and caching render after the envelope in a fixed order', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const first = new FailStep(pipeline, 'First');

    // WHEN
    processing(pipeline, 'Prep', {
      displayName: 'Prep',
      description: 'Prepares data',
      dependsOn: [first],
      retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING] })],
      cacheConfig: CacheConfig.enabled(),
    });

    // THEN
    expect(Object.keys(stepOf(definitionOf(stack), 'Prep')))
      .toEqual(['Name', 'Type', 'Arguments', 'DependsOn', 'DisplayName', 'Description', 'RetryPolicies', 'CacheConfig']);
  });
});

describe('synth-time errors of steps', () => {
  test('several invalid steps are all reported', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    new FailStep(pipeline, 'Bad Name');
    new FailStep(pipeline, 'Another Bad');

    // THEN
    expect(synthErrors(stack)).toEqual([
      expect.stringContaining("step name 'Bad Name'"),
      expect.stringContaining("step name 'Another Bad'"),
    ]);
  });
});
