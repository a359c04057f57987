import * as fc from 'fast-check';
import { definitionOf, newStack, stepOf } from './util';
import {
  AutoMLInput, AutoMLStep, ClarifyCheckStep, ClarifyCheckType, ContainerImage, ContinuousParameter, Join, ParameterString, Pipeline,
  ProcessingInput, ProcessingOutput, ProcessingS3UploadMode, ProcessingStep, TrainingInput, TrainingInputMode, TrainingStep,
  TransformSplitType, TransformStep, TuningObjectiveType, TuningStep,
} from '../lib';

/**
 * Enum-typed request members that the service evaluates at run time take a String parameter's
 * `valueAsString` (or another string expression) as well as a member of the enum. The expectations
 * marked "SDK" are what the SageMaker Python SDK renders when a `ParameterString` is passed for the
 * matching `Union[str, PipelineVariable]` argument (`TrainingInput(input_mode=..., s3_data_type=...,
 * distribution=..., compression=..., record_wrapping=...)`, `Estimator(input_mode=...)`,
 * `ProcessingInput(s3_data_type=..., s3_input_mode=..., s3_data_distribution_type=...,
 * s3_compression_type=...)`, `ProcessingOutput(s3_upload_mode=...)`, `Transformer.transform(split_type=...,
 * content_type=..., compression_type=..., data_type=...)` and `Transformer(assemble_with=...,
 * strategy=...)`): the parameter's `{"Get": "Parameters.<name>"}` in the member's place.
 */

const IMAGE = ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1');

function setup() {
  const { stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'enums' });
  return { stack, pipeline };
}

const get = (name: string) => ({ Get: `Parameters.${name}` });

describe('training', () => {
  test('channel and job members render the parameters (SDK TrainingInput / Estimator with ParameterString)', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const inputMode = new ParameterString('InputMode', { defaultValue: 'File', enumValues: ['File', 'Pipe', 'FastFile'] });
    const dataType = new ParameterString('DataType', { defaultValue: 'S3Prefix' });
    const distribution = new ParameterString('Distribution', { defaultValue: 'FullyReplicated' });
    const compression = new ParameterString('Compression', { defaultValue: 'None' });
    const wrapper = new ParameterString('RecordWrapper', { defaultValue: 'None' });
    const jobMode = new ParameterString('JobInputMode', { defaultValue: 'File' });

    // WHEN
    new TrainingStep(pipeline, 'Train', {
      image: IMAGE,
      inputMode: jobMode.valueAsString,
      inputs: [TrainingInput.s3('train', 's3://example-bucket/train/', {
        inputMode: inputMode.valueAsString,
        s3DataType: dataType.valueAsString,
        distribution: distribution.valueAsString,
        compressionType: compression.valueAsString,
        recordWrapperType: wrapper.valueAsString,
      })],
    });

    // THEN: SDK
    const definition = definitionOf(stack);
    const args = stepOf(definition, 'Train').Arguments;
    expect(args.AlgorithmSpecification.TrainingInputMode).toEqual(get('JobInputMode'));
    expect(args.InputDataConfig[0]).toEqual({
      DataSource: { S3DataSource: { S3DataType: get('DataType'), S3Uri: 's3://example-bucket/train/', S3DataDistributionType: get('Distribution') } },
      CompressionType: get('Compression'),
      InputMode: get('InputMode'),
      ChannelName: 'train',
      RecordWrapperType: get('RecordWrapper'),
    });
    expect(definition.Parameters).toContainEqual({ Name: 'InputMode', Type: 'String', DefaultValue: 'File', EnumValues: ['File', 'Pipe', 'FastFile'] });
  });

  test('an expression other than a parameter renders as itself', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const mode = new ParameterString('Mode', { defaultValue: 'File' });

    // WHEN
    new TrainingStep(pipeline, 'Train', { image: IMAGE, inputMode: Join.of([mode.valueAsString, 'File'], '') });

    // THEN
    expect(stepOf(definitionOf(stack), 'Train').Arguments.AlgorithmSpecification.TrainingInputMode)
      .toEqual({ 'Std:Join': { On: '', Values: [get('Mode'), 'File'] } });
  });

  test('literals keep their eager check', () => {
    // GIVEN
    const { pipeline } = setup();

    // WHEN / THEN
    expect(() => new TrainingStep(pipeline, 'Train', { image: IMAGE, inputMode: 'Stream' }))
      .toThrow("Stack/Pipeline/Train: inputMode must be one of File, Pipe, FastFile; received 'Stream'.");
    expect(() => new TrainingStep(pipeline, 'Train2', { image: IMAGE, inputs: [TrainingInput.s3('train', 's3://b/k', { compressionType: 'Zip' })] }))
      .toThrow("Stack/Pipeline/Train2: input 'train': compressionType must be one of None, Gzip; received 'Zip'.");
  });

  test('a parameter whose enumValues lie outside the allowed set is refused with the construct path', () => {
    // GIVEN
    const { pipeline } = setup();
    const mode = new ParameterString('Mode', { defaultValue: 'File', enumValues: ['File', 'Stream'] });

    // WHEN / THEN
    expect(() => new TrainingStep(pipeline, 'Train', { image: IMAGE, inputs: [TrainingInput.s3('train', 's3://b/k', { inputMode: mode.valueAsString })] }))
      .toThrow("Stack/Pipeline/Train: input 'train': inputMode takes String parameter 'Mode' whose enumValues list 'Stream', not accepted by the service here (allowed: File, Pipe, FastFile). Remove them from the parameter's enumValues.");
  });

  test('attributeNames with a data type chosen at run time are left to the service', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const dataType = new ParameterString('DataType', { defaultValue: 'AugmentedManifestFile' });

    // WHEN
    new TrainingStep(pipeline, 'Train', { image: IMAGE, inputs: [TrainingInput.s3('train', 's3://b/k', { s3DataType: dataType.valueAsString, attributeNames: ['source-ref'] })] });

    // THEN
    expect(stepOf(definitionOf(stack), 'Train').Arguments.InputDataConfig[0].DataSource.S3DataSource)
      .toEqual({ S3DataType: get('DataType'), S3Uri: 's3://b/k', S3DataDistributionType: 'FullyReplicated', AttributeNames: ['source-ref'] });
  });

  test('enum members still type-check and render as before', () => {
    // GIVEN
    const { stack, pipeline } = setup();

    // WHEN
    new TrainingStep(pipeline, 'Train', { image: IMAGE, inputMode: TrainingInputMode.PIPE });

    // THEN
    expect(stepOf(definitionOf(stack), 'Train').Arguments.AlgorithmSpecification.TrainingInputMode).toBe('Pipe');
  });
});

describe('processing', () => {
  test('input and output members render the parameters (SDK ProcessingInput / ProcessingOutput with ParameterString)', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const p = (name: string, defaultValue: string) => new ParameterString(name, { defaultValue }).valueAsString;

    // WHEN
    new ProcessingStep(pipeline, 'Prep', {
      image: IMAGE,
      inputs: [ProcessingInput.fromS3Uri('raw', 's3://example-bucket/raw/', {
        s3DataType: p('DataType', 'S3Prefix'),
        s3InputMode: p('InputMode', 'File'),
        s3DataDistributionType: p('Distribution', 'FullyReplicated'),
        s3CompressionType: p('Compression', 'None'),
      })],
      outputs: [ProcessingOutput.toS3Uri('out', 's3://example-bucket/out/', { s3UploadMode: p('UploadMode', 'EndOfJob') })],
    });

    // THEN: SDK
    const args = stepOf(definitionOf(stack), 'Prep').Arguments;
    expect(args.ProcessingInputs[0].S3Input).toEqual({
      S3Uri: 's3://example-bucket/raw/',
      LocalPath: '/opt/ml/processing/input/raw',
      S3DataType: get('DataType'),
      S3InputMode: get('InputMode'),
      S3DataDistributionType: get('Distribution'),
      S3CompressionType: get('Compression'),
    });
    expect(args.ProcessingOutputConfig.Outputs[0].S3Output.S3UploadMode).toEqual(get('UploadMode'));
  });

  test.each([
    ['s3DataType', 'input raw s3DataType'],
    ['s3InputMode', 'input raw s3InputMode'],
    ['s3DataDistributionType', 'input raw s3DataDistributionType'],
    ['s3CompressionType', 'input raw s3CompressionType'],
  ])('a literal %s outside the enum is refused', (prop, label) => {
    // GIVEN
    const { pipeline } = setup();

    // WHEN / THEN
    expect(() => new ProcessingStep(pipeline, 'Prep', { image: IMAGE, inputs: [ProcessingInput.fromS3Uri('raw', 's3://b/k', { [prop]: 'Bogus' })] }))
      .toThrow(new RegExp(`^Stack/Pipeline/Prep: ${label} must be one of .*; received 'Bogus'\\.$`));
  });

  test('an upload mode parameter listing a value the service does not take is refused', () => {
    // GIVEN
    const { pipeline } = setup();
    const mode = new ParameterString('UploadMode', { defaultValue: 'EndOfJob', enumValues: ['EndOfJob', 'Continuous', 'Sometimes'] });

    // WHEN / THEN
    expect(() => new ProcessingStep(pipeline, 'Prep', { image: IMAGE, outputs: [ProcessingOutput.toS3Uri('out', 's3://b/o', { s3UploadMode: mode.valueAsString })] }))
      .toThrow("Stack/Pipeline/Prep: output out s3UploadMode takes String parameter 'UploadMode' whose enumValues list 'Sometimes', not accepted by the service here (allowed: EndOfJob, Continuous). Remove them from the parameter's enumValues.");
  });

  test('a parameter whose enumValues are all allowed is accepted', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const mode = new ParameterString('UploadMode', { defaultValue: 'EndOfJob', enumValues: [ProcessingS3UploadMode.END_OF_JOB, ProcessingS3UploadMode.CONTINUOUS] });

    // WHEN
    new ProcessingStep(pipeline, 'Prep', { image: IMAGE, outputs: [ProcessingOutput.toS3Uri('out', 's3://b/o', { s3UploadMode: mode.valueAsString })] });

    // THEN
    expect(stepOf(definitionOf(stack), 'Prep').Arguments.ProcessingOutputConfig.Outputs[0].S3Output.S3UploadMode).toEqual(get('UploadMode'));
  });
});

describe('transform', () => {
  const MINIMAL = { modelName: 'churn-xgboost-v3', inputS3Uri: 's3://example-bucket/batch/input', outputPath: 's3://example-bucket/batch/output' };

  test('input, output and strategy members render the parameters (SDK Transformer / transform() with ParameterString)', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const p = (name: string, defaultValue: string) => new ParameterString(name, { defaultValue }).valueAsString;

    // WHEN
    new TransformStep(pipeline, 'Score', {
      ...MINIMAL,
      s3DataType: p('DataType', 'S3Prefix'),
      contentType: p('ContentType', 'text/csv'),
      splitType: p('SplitType', 'Line'),
      compressionType: p('Compression', 'None'),
      assembleWith: p('AssembleWith', 'Line'),
      batchStrategy: p('BatchStrategy', 'MultiRecord'),
    });

    // THEN: SDK
    const args = stepOf(definitionOf(stack), 'Score').Arguments;
    expect(args.TransformInput).toEqual({
      DataSource: { S3DataSource: { S3DataType: get('DataType'), S3Uri: 's3://example-bucket/batch/input' } },
      ContentType: get('ContentType'),
      CompressionType: get('Compression'),
      SplitType: get('SplitType'),
    });
    expect(args.TransformOutput.AssembleWith).toEqual(get('AssembleWith'));
    expect(args.BatchStrategy).toEqual(get('BatchStrategy'));
  });

  test('a literal outside the enum and a parameter listing one are refused', () => {
    // GIVEN
    const { pipeline } = setup();
    const split = new ParameterString('SplitType', { defaultValue: 'Line', enumValues: ['Line', 'Paragraph'] });

    // WHEN / THEN
    expect(() => new TransformStep(pipeline, 'Score', { ...MINIMAL, batchStrategy: 'AllRecords' }))
      .toThrow("Stack/Pipeline/Score: batchStrategy must be one of MultiRecord, SingleRecord; received 'AllRecords'.");
    expect(() => new TransformStep(pipeline, 'Score2', { ...MINIMAL, splitType: split.valueAsString }))
      .toThrow("Stack/Pipeline/Score2: splitType takes String parameter 'SplitType' whose enumValues list 'Paragraph'");
    expect(TransformSplitType.LINE).toBe('Line');
  });

  test('any literal outside the enum is refused (property)', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !['None', 'Line', 'RecordIO', 'TFRecord'].includes(s) && !s.includes('${Token')), (value) => {
      const { pipeline } = setup();
      expect(() => new TransformStep(pipeline, 'Score', { ...MINIMAL, splitType: value })).toThrow('Stack/Pipeline/Score: splitType must be one of');
    }), { numRuns: 30 });
  });
});

describe('tuning', () => {
  test('the training definition\'s channels and input mode render the parameters (SDK HyperparameterTuner over an Estimator with ParameterString input_mode)', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const mode = new ParameterString('InputMode', { defaultValue: 'File' });

    // WHEN
    new TuningStep(pipeline, 'Tune', {
      trainingJob: {
        image: IMAGE,
        inputMode: mode.valueAsString,
        inputs: [TrainingInput.s3('train', 's3://example-bucket/train/', { inputMode: mode.valueAsString })],
        metricDefinitions: [{ name: 'validation:rmse', regex: 'rmse=([0-9\\.]+)' }],
      },
      objective: { type: TuningObjectiveType.MINIMIZE, metricName: 'validation:rmse' },
      hyperparameterRanges: [new ContinuousParameter('eta', { minValue: 0.1, maxValue: 0.5 })],
    });

    // THEN: SDK
    const definition = stepOf(definitionOf(stack), 'Tune').Arguments.TrainingJobDefinition;
    expect(definition.AlgorithmSpecification.TrainingInputMode).toEqual(get('InputMode'));
    expect(definition.InputDataConfig[0].InputMode).toEqual(get('InputMode'));
  });

  test('a literal outside the enum is refused with the construct path', () => {
    // GIVEN
    const { pipeline } = setup();

    // WHEN / THEN
    expect(() => new TuningStep(pipeline, 'Tune', {
      trainingJob: { image: IMAGE, inputs: [TrainingInput.s3('train', 's3://b/k', { recordWrapperType: 'Protobuf' })], metricDefinitions: [{ name: 'm', regex: 'm=(.*)' }] },
      objective: { type: TuningObjectiveType.MINIMIZE, metricName: 'm' },
      hyperparameterRanges: [new ContinuousParameter('eta', { minValue: 0.1, maxValue: 0.5 })],
    })).toThrow("Stack/Pipeline/Tune: input 'train': recordWrapperType must be one of None, RecordIO; received 'Protobuf'.");
  });
});

describe('AutoML', () => {
  test('s3DataType and compressionType render the parameters', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const dataType = new ParameterString('DataType', { defaultValue: 'S3Prefix', enumValues: ['S3Prefix', 'ManifestFile'] });
    const compression = new ParameterString('Compression', { defaultValue: 'None' });

    // WHEN
    new AutoMLStep(pipeline, 'AutoML', {
      inputs: [AutoMLInput.s3('s3://example-bucket/churn/train.csv', { s3DataType: dataType.valueAsString, compressionType: compression.valueAsString })],
      targetAttributeName: 'churn',
    });

    // THEN
    const input = stepOf(definitionOf(stack), 'AutoML').Arguments.InputDataConfig[0];
    expect(input.DataSource).toEqual({ S3DataSource: { S3DataType: get('DataType'), S3Uri: 's3://example-bucket/churn/train.csv' } });
    expect(input.CompressionType).toEqual(get('Compression'));
  });

  test('a literal outside the enum and a parameter listing one are refused', () => {
    // GIVEN
    const { pipeline } = setup();
    const compression = new ParameterString('Compression', { defaultValue: 'None', enumValues: ['None', 'Zip'] });

    // WHEN / THEN
    expect(() => new AutoMLStep(pipeline, 'AutoML', { inputs: [AutoMLInput.s3('s3://b/k.csv', { s3DataType: 'Folder' })], targetAttributeName: 'churn' }))
      .toThrow("Stack/Pipeline/AutoML: inputs[0].s3DataType must be one of S3Prefix, ManifestFile, AugmentedManifestFile; received 'Folder'.");
    expect(() => new AutoMLStep(pipeline, 'AutoML2', { inputs: [AutoMLInput.s3('s3://b/k.csv', { compressionType: compression.valueAsString })], targetAttributeName: 'churn' }))
      .toThrow("Stack/Pipeline/AutoML2: inputs[0].compressionType takes String parameter 'Compression' whose enumValues list 'Zip'");
  });
});

describe('check steps', () => {
  const BIAS = { labelValuesOrThreshold: [1], facets: [{ nameOrIndex: 'age', valueOrThreshold: 40 }] };

  test('a clarify check\'s dataset distribution and compression render the parameters in the dataset input', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const distribution = new ParameterString('Distribution', { defaultValue: 'FullyReplicated' });
    const compression = new ParameterString('Compression', { defaultValue: 'None', enumValues: ['None', 'Gzip'] });

    // WHEN
    new ClarifyCheckStep(pipeline, 'DataBias', {
      checkType: ClarifyCheckType.DATA_BIAS,
      dataConfig: { s3DataInputPath: 's3://data-bucket/train.csv', label: 'target', s3DataDistributionType: distribution.valueAsString, s3CompressionType: compression.valueAsString },
      biasConfig: BIAS,
    });

    // THEN
    const dataset = stepOf(definitionOf(stack), 'DataBias').Arguments.ProcessingInputs[1].S3Input;
    expect(dataset.S3DataDistributionType).toEqual(get('Distribution'));
    expect(dataset.S3CompressionType).toEqual(get('Compression'));
  });

  test('a literal outside the allowed values is refused', () => {
    // GIVEN
    const { pipeline } = setup();

    // WHEN / THEN
    expect(() => new ClarifyCheckStep(pipeline, 'DataBias', {
      checkType: ClarifyCheckType.DATA_BIAS,
      dataConfig: { s3DataInputPath: 's3://data-bucket/train.csv', label: 'target', s3CompressionType: 'Zip' },
      biasConfig: BIAS,
    })).toThrow("Stack/Pipeline/DataBias: dataConfig.s3CompressionType must be one of None, Gzip; received 'Zip'.");
  });
});

describe('a String parameter\'s enumValues against the allowed values', () => {
  test('accepted exactly when every listed value is allowed (property)', () => {
    const allowed = ['File', 'Pipe', 'FastFile'];
    const candidates = [...allowed, 'Stream', 'file', 'Pipe ', 'Auto'];
    fc.assert(fc.property(fc.uniqueArray(fc.constantFrom(...candidates), { minLength: 1 }), (enumValues) => {
      // GIVEN
      const { pipeline } = setup();
      const mode = new ParameterString('Mode', { defaultValue: enumValues[0], enumValues });

      // WHEN
      const create = () => new TrainingStep(pipeline, 'Train', { image: IMAGE, inputMode: mode.valueAsString });

      // THEN
      if (enumValues.every((v) => allowed.includes(v))) {
        expect(create).not.toThrow();
      } else {
        expect(create).toThrow(`Stack/Pipeline/Train: inputMode takes String parameter 'Mode' whose enumValues list ${enumValues.filter((v) => !allowed.includes(v)).map((v) => `'${v}'`).join(', ')}`);
      }
    }), { numRuns: 40 });
  });
});
