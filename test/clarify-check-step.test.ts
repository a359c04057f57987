import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  ClarifyCheckStep, ClarifyCheckStepProps, ClarifyCheckType, ClarifyDatasetType, FailStep, InstanceType,
  ParameterBoolean, ParameterString, Pipeline, RetryPolicy, ShapAggregationMethod, StepExceptionType,
} from '../lib';
import { definitionOf, newStack, stepOf } from './util';

const CLARIFY_IMAGE = '205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0';

function newPipeline(stack: Stack): Pipeline {
  return new Pipeline(stack, 'Pipeline', { pipelineName: 'governance' });
}

function defaultOutput(step: string): unknown {
  return {
    'Std:Join': {
      On: '/',
      Values: ['s3:/', '${Ref:PipelineArtifactsEB21E7E8}', 'governance', { Get: 'Execution.PipelineExecutionId' }, step, 'clarify-check'],
    },
  };
}

function input(name: string, s3Uri: unknown, localPath: string, distribution = 'FullyReplicated', compression = 'None'): Record<string, unknown> {
  return {
    InputName: name,
    AppManaged: false,
    S3Input: {
      S3Uri: s3Uri, LocalPath: localPath, S3DataType: 'S3Prefix', S3InputMode: 'File', S3DataDistributionType: distribution, S3CompressionType: compression,
    },
  };
}

/** The analysis config file of a step's asset, parsed. */
function analysisConfigFile(step: ClarifyCheckStep): { text: string; json: any; hash: string } {
  const file = step._analysisConfigFile;
  expect(path.basename(file)).toEqual('analysis_config.json');
  const text = fs.readFileSync(file, 'utf8');
  return { text, json: JSON.parse(text), hash: path.basename(path.dirname(file)) };
}

/** The config input's S3 URI: the folder deployed unzipped under the artifact bucket's assets/ prefix. */
const CONFIG_PREFIX = expect.stringMatching(/^s3:\/\/\$\{Ref:PipelineArtifacts[0-9A-F]+\}\/assets\/[0-9a-f]{64}\/$/);

const BIAS = { labelValuesOrThreshold: [1], facets: [{ nameOrIndex: 'age', valueOrThreshold: 40 }] };

describe('ClarifyCheckStep', () => {
  test('a data bias check renders the Clarify job, the analysis config asset and the check keys', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    const step = new ClarifyCheckStep(pipeline, 'DataBias', {
      checkType: ClarifyCheckType.DATA_BIAS,
      dataConfig: { s3DataInputPath: 's3://data-bucket/train.csv', label: 'target', headers: ['target', 'age', 'income'] },
      biasConfig: { labelValuesOrThreshold: [1], facets: [{ nameOrIndex: 'age', valueOrThreshold: 40 }], groupName: 'income' },
    });

    // THEN
    const { hash, text } = analysisConfigFile(step);
    expect(text).toEqual('{"dataset_type": "text/csv", "headers": ["target", "age", "income"], "label": "target", '
      + '"label_values_or_threshold": [1], "facet": [{"name_or_index": "age", "value_or_threshold": 40}], "group_variable": "income", '
      + '"methods": {"pre_training_bias": {"methods": "all"}, "report": {"name": "report", "title": "Analysis Report"}}}');
    expect(stepOf(definitionOf(stack), 'DataBias')).toEqual({
      Name: 'DataBias',
      Type: 'ClarifyCheck',
      Arguments: {
        ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 } },
        AppSpecification: { ImageUri: CLARIFY_IMAGE },
        RoleArn: '${GetAtt:PipelineJobRole1E52ECA1.Arn}',
        ProcessingInputs: [
          input('analysis_config', CONFIG_PREFIX, '/opt/ml/processing/input/config'),
          input('dataset', 's3://data-bucket/train.csv', '/opt/ml/processing/input/data'),
        ],
        ProcessingOutputConfig: {
          Outputs: [{
            OutputName: 'analysis_result',
            AppManaged: false,
            S3Output: { S3Uri: defaultOutput('DataBias'), LocalPath: '/opt/ml/processing/output', S3UploadMode: 'EndOfJob' },
          }],
        },
      },
      CheckType: 'DATA_BIAS',
      ModelPackageGroupName: null,
      SkipCheck: false,
      FailOnViolation: true,
      RegisterNewBaseline: false,
      SuppliedBaselineConstraints: null,
    });
    expect(step.analysisConfigS3Uri).toMatch(/analysis_config\.json$/);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('a model bias check writes the predictor without the model name, which goes to ModelName', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const modelName = new ParameterString('ModelName', { defaultValue: 'churn-model' });

    // WHEN
    const step = new ClarifyCheckStep(pipeline, 'ModelBias', {
      checkType: ClarifyCheckType.MODEL_BIAS,
      dataConfig: {
        s3DataInputPath: 's3://data-bucket/train.jsonl',
        label: 'target',
        features: 'features',
        datasetType: ClarifyDatasetType.JSON_LINES,
        s3DataDistributionType: 'ShardedByS3Key',
        s3CompressionType: 'Gzip',
      },
      biasConfig: BIAS,
      modelConfig: {
        modelName: modelName.valueAsString,
        instanceType: InstanceType.M5_LARGE,
        instanceCount: 2,
        acceptType: 'application/jsonlines',
        contentType: 'application/jsonlines',
        contentTemplate: '{"features":$features}',
        endpointNamePrefix: 'clarify-shadow',
      },
      modelPredictedLabelConfig: { probability: 'score', probabilityThreshold: 0.7, labelHeaders: ['no', 'yes'] },
      methods: ['DPPL', 'DI'],
    });

    // THEN
    expect(analysisConfigFile(step).json).toEqual({
      dataset_type: 'application/jsonlines',
      features: 'features',
      label: 'target',
      label_values_or_threshold: [1],
      facet: [{ name_or_index: 'age', value_or_threshold: 40 }],
      methods: { post_training_bias: { methods: ['DPPL', 'DI'] }, report: { name: 'report', title: 'Analysis Report' } },
      predictor: {
        probability: 'score',
        label_headers: ['no', 'yes'],
        instance_type: 'ml.m5.large',
        initial_instance_count: 2,
        endpoint_name_prefix: 'clarify-shadow',
        accept_type: 'application/jsonlines',
        content_type: 'application/jsonlines',
        content_template: '{"features":$features}',
      },
      probability_threshold: 0.7,
    });
    const rendered = stepOf(definitionOf(stack), 'ModelBias');
    expect(rendered.ModelName).toEqual({ Get: 'Parameters.ModelName' });
    expect(rendered.CheckType).toEqual('MODEL_BIAS');
    expect(rendered.Arguments.ProcessingInputs[1]).toEqual(
      input('dataset', 's3://data-bucket/train.jsonl', '/opt/ml/processing/input/data', 'ShardedByS3Key', 'Gzip'));
    expect(Object.keys(rendered).slice(-7)).toEqual([
      'CheckType', 'ModelPackageGroupName', 'SkipCheck', 'FailOnViolation', 'RegisterNewBaseline', 'SuppliedBaselineConstraints', 'ModelName',
    ]);
  });

  test('a model explainability check writes SHAP settings and the model scores', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    const step = new ClarifyCheckStep(pipeline, 'Explainability', {
      checkType: ClarifyCheckType.MODEL_EXPLAINABILITY,
      dataConfig: { s3DataInputPath: 's3://data-bucket/train.csv', headers: ['target', 'age'], label: 'target' },
      modelConfig: { modelName: 'churn-model' },
      modelPredictedLabelConfig: { label: 0 },
      shapConfig: { baseline: [[35, 50000]], numSamples: 100, aggMethod: ShapAggregationMethod.MEAN_ABS, seed: 7 },
    });

    // THEN
    expect(analysisConfigFile(step).json).toEqual({
      dataset_type: 'text/csv',
      headers: ['target', 'age'],
      label: 'target',
      methods: {
        shap: { baseline: [[35, 50000]], num_samples: 100, agg_method: 'mean_abs', use_logit: false, save_local_shap_values: true, seed: 7 },
        report: { name: 'report', title: 'Analysis Report' },
      },
      predictor: { instance_type: 'ml.m5.xlarge', initial_instance_count: 1, label: 0 },
    });
    const rendered = stepOf(definitionOf(stack), 'Explainability');
    expect(rendered.CheckType).toEqual('MODEL_EXPLAINABILITY');
    expect(rendered.ModelName).toEqual('churn-model');
  });

  test('the same config gives the same asset; a different one a different asset', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const props: ClarifyCheckStepProps = { checkType: ClarifyCheckType.DATA_BIAS, dataConfig: { s3DataInputPath: 's3://b/d', label: 'y' }, biasConfig: BIAS };

    // WHEN
    const a = new ClarifyCheckStep(pipeline, 'A', props);
    const b = new ClarifyCheckStep(pipeline, 'B', props);
    const c = new ClarifyCheckStep(pipeline, 'C', { ...props, methods: ['CI'] });

    // THEN
    expect(analysisConfigFile(a).hash).toEqual(analysisConfigFile(b).hash);
    expect(analysisConfigFile(c).hash).not.toEqual(analysisConfigFile(a).hash);
  });

  test('dataset, output, flags and supplied constraints accept expressions and buckets', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const bucket = new s3.Bucket(stack, 'Results');
    const data = new ParameterString('TrainData', { defaultValue: 's3://data-bucket/train.csv' });
    const skip = new ParameterBoolean('SkipBiasCheck', { defaultValue: false });
    const constraints = new ParameterString('SuppliedConstraints', { defaultValue: 's3://baselines/bias.json' });

    // WHEN
    new ClarifyCheckStep(pipeline, 'DataBias', {
      checkType: ClarifyCheckType.DATA_BIAS,
      dataConfig: { s3DataInputPath: data.valueAsString, s3OutputPath: `s3://${bucket.bucketName}/bias`, label: 'y' },
      biasConfig: BIAS,
      skipCheck: skip,
      registerNewBaseline: true,
      failOnViolation: false,
      modelPackageGroupName: 'churn-models',
      suppliedBaselineConstraints: constraints.valueAsString,
    });

    // THEN
    const rendered = stepOf(definitionOf(stack), 'DataBias');
    expect(rendered.Arguments.ProcessingInputs[1].S3Input.S3Uri).toEqual({ Get: 'Parameters.TrainData' });
    expect(rendered.Arguments.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri).toEqual('s3://${Ref:Results25575328}/bias');
    expect(rendered).toMatchObject({
      ModelPackageGroupName: 'churn-models',
      SkipCheck: { Get: 'Parameters.SkipBiasCheck' },
      FailOnViolation: false,
      RegisterNewBaseline: true,
      SuppliedBaselineConstraints: { Get: 'Parameters.SuppliedConstraints' },
    });
    expect(rendered.ModelName).toBeUndefined();
  });

  test('baseline properties render Get references', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const check = new ClarifyCheckStep(pipeline, 'DataBias', {
      checkType: ClarifyCheckType.DATA_BIAS, dataConfig: { s3DataInputPath: 's3://b/d', label: 'y' }, biasConfig: BIAS,
    });

    // WHEN
    new FailStep(pipeline, 'Report', {
      errorMessage: `${check.properties.CalculatedBaselineConstraints} ${check.properties.BaselineUsedForDriftCheckConstraints}`,
    });

    // THEN
    expect(stepOf(definitionOf(stack), 'Report').Arguments.ErrorMessage).toEqual({
      'Std:Join': {
        On: '',
        Values: [{ Get: 'Steps.DataBias.CalculatedBaselineConstraints' }, ' ', { Get: 'Steps.DataBias.BaselineUsedForDriftCheckConstraints' }],
      },
    });
  });

  describe('errors', () => {
    const data = { s3DataInputPath: 's3://b/d', label: 'y' };
    const model = { modelName: 'm' };
    const shap = { aggMethod: ShapAggregationMethod.MEDIAN };
    test.each<[string, Record<string, unknown>, RegExp]>([
      ['an unknown check type', { checkType: 'DATA_DRIFT', dataConfig: data }, /Pipeline\/Check: checkType must be ClarifyCheckType.DATA_BIAS, MODEL_BIAS or MODEL_EXPLAINABILITY; received 'DATA_DRIFT'/],
      ['no data config', { checkType: ClarifyCheckType.DATA_BIAS }, /dataConfig is required/],
      ['a bias check without bias config', { checkType: ClarifyCheckType.DATA_BIAS, dataConfig: data }, /a DATA_BIAS check needs biasConfig/],
      ['a model bias check without model', { checkType: ClarifyCheckType.MODEL_BIAS, dataConfig: data, biasConfig: BIAS }, /a MODEL_BIAS check needs modelConfig/],
      ['a model on a data bias check', { checkType: ClarifyCheckType.DATA_BIAS, dataConfig: data, biasConfig: BIAS, modelConfig: model }, /modelConfig and modelPredictedLabelConfig apply only to MODEL_BIAS and MODEL_EXPLAINABILITY; received modelConfig with DATA_BIAS/],
      ['SHAP on a bias check', { checkType: ClarifyCheckType.MODEL_BIAS, dataConfig: data, biasConfig: BIAS, modelConfig: model, shapConfig: shap }, /shapConfig applies only to ClarifyCheckType.MODEL_EXPLAINABILITY/],
      ['an explainability check without SHAP', { checkType: ClarifyCheckType.MODEL_EXPLAINABILITY, dataConfig: data, modelConfig: model }, /a MODEL_EXPLAINABILITY check needs shapConfig/],
      ['bias config on an explainability check', { checkType: ClarifyCheckType.MODEL_EXPLAINABILITY, dataConfig: data, modelConfig: model, shapConfig: shap, biasConfig: BIAS }, /biasConfig applies only to bias checks/],
      ['methods on an explainability check', { checkType: ClarifyCheckType.MODEL_EXPLAINABILITY, dataConfig: data, modelConfig: model, shapConfig: shap, methods: ['CI'] }, /methods selects bias metrics/],
      ['empty methods', { checkType: ClarifyCheckType.DATA_BIAS, dataConfig: data, biasConfig: BIAS, methods: [] }, /methods must name at least one bias metric/],
      ['no facets', { checkType: ClarifyCheckType.DATA_BIAS, dataConfig: data, biasConfig: { labelValuesOrThreshold: [1], facets: [] } }, /biasConfig.facets must name at least one sensitive attribute/],
      ['an unknown dataset type', { checkType: ClarifyCheckType.DATA_BIAS, dataConfig: { ...data, datasetType: 'text/tsv' }, biasConfig: BIAS }, /dataConfig.datasetType must be one of text\/csv, .*received 'text\/tsv'/],
      ['an unknown accept type', { checkType: ClarifyCheckType.MODEL_BIAS, dataConfig: data, biasConfig: BIAS, modelConfig: { modelName: 'm', acceptType: 'application/json' } }, /modelConfig.acceptType must be 'text\/csv' or 'application\/jsonlines'; received 'application\/json'/],
      ['a content template without $features', { checkType: ClarifyCheckType.MODEL_BIAS, dataConfig: data, biasConfig: BIAS, modelConfig: { modelName: 'm', contentTemplate: '{}' } }, /contentTemplate must contain the placeholder \$features/],
      ['an invalid endpoint name prefix', { checkType: ClarifyCheckType.MODEL_BIAS, dataConfig: data, biasConfig: BIAS, modelConfig: { modelName: 'm', endpointNamePrefix: 'bad_prefix' } }, /endpointNamePrefix must be letters and digits/],
      ['an instance count of 0', { checkType: ClarifyCheckType.MODEL_BIAS, dataConfig: data, biasConfig: BIAS, modelConfig: { modelName: 'm', instanceCount: 0 } }, /modelConfig.instanceCount must be a positive integer; received 0/],
      ['an unknown SHAP aggregation', { checkType: ClarifyCheckType.MODEL_EXPLAINABILITY, dataConfig: data, modelConfig: model, shapConfig: { aggMethod: 'mean' } }, /shapConfig.aggMethod must be one of mean_abs, median, mean_sq; received 'mean'/],
      ['a SHAP sample count of 0', { checkType: ClarifyCheckType.MODEL_EXPLAINABILITY, dataConfig: data, modelConfig: model, shapConfig: { ...shap, numSamples: 0 } }, /shapConfig.numSamples must be a positive integer/],
      ['a SHAP baseline that is no S3 URI', { checkType: ClarifyCheckType.MODEL_EXPLAINABILITY, dataConfig: data, modelConfig: model, shapConfig: { ...shap, baseline: 'baseline.csv' } }, /shapConfig.baseline must be an s3:\/\/ URI or a list of rows/],
      ['a non-numeric probability threshold', { checkType: ClarifyCheckType.MODEL_BIAS, dataConfig: data, biasConfig: BIAS, modelConfig: model, modelPredictedLabelConfig: { probabilityThreshold: 'high' } }, /probabilityThreshold must be a number; received high/],
      ['a parameter in the label', { checkType: ClarifyCheckType.DATA_BIAS, dataConfig: { ...data, label: new ParameterString('Label').valueAsString }, biasConfig: BIAS }, /the Clarify analysis config is a file written when the app is synthesized.*analysis config.label received a pipeline expression/],
      ['a parameter in the model instance type', { checkType: ClarifyCheckType.MODEL_BIAS, dataConfig: data, biasConfig: BIAS, modelConfig: { modelName: 'm', instanceType: InstanceType.of(new ParameterString('Type').valueAsString) } }, /analysis config.predictor.instance_type received a pipeline expression/],
      ['a parameter in a facet', { checkType: ClarifyCheckType.DATA_BIAS, dataConfig: data, biasConfig: { labelValuesOrThreshold: [1], facets: [{ nameOrIndex: new ParameterString('Facet').valueAsString }] } }, /analysis config.facet\[0\].name_or_index received a pipeline expression/],
      ['a step property in the SHAP baseline', { checkType: ClarifyCheckType.MODEL_EXPLAINABILITY, dataConfig: data, modelConfig: model, shapConfig: { ...shap, baseline: new ParameterString('Baseline').valueAsString } }, /analysis config.methods.shap.baseline received a pipeline expression/],
      ['a dataset that is no S3 URI', { checkType: ClarifyCheckType.DATA_BIAS, dataConfig: { s3DataInputPath: 'data.csv' }, biasConfig: BIAS }, /dataConfig.s3DataInputPath: .*expected an s3:\/\/ URI/],
      ['retry policies', { checkType: ClarifyCheckType.DATA_BIAS, dataConfig: data, biasConfig: BIAS, retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING] })] }, /does not accept retryPolicies/],
    ])('%s', (_what, props, error) => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // THEN
      expect(() => new ClarifyCheckStep(pipeline, 'Check', props as any)).toThrow(error);
    });

    test('a CloudFormation value in the analysis config', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);
      const bucket = new s3.Bucket(stack, 'Baselines');

      // THEN
      expect(() => new ClarifyCheckStep(pipeline, 'Check', {
        checkType: ClarifyCheckType.MODEL_EXPLAINABILITY,
        dataConfig: { s3DataInputPath: 's3://b/d' },
        modelConfig: { modelName: 'm' },
        shapConfig: { aggMethod: ShapAggregationMethod.MEAN_ABS, baseline: `s3://${bucket.bucketName}/baseline.csv` },
      })).toThrow(/analysis config.methods.shap.baseline received a pipeline expression or CloudFormation value/);
    });
  });
});
