import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  Condition, ConditionStep, ContainerImage, FailStep, InstanceType, JsonGet, ModelApprovalStatus, ModelPackageGroup,
  ModelStep, ParameterFloat, ParameterInteger, ParameterString, Pipeline, ProcessingInput, ProcessingOutput,
  ProcessingStep, PropertyFile, RegisterModelStep, TrainingInput, TrainingStep, TransformStep,
} from '../../lib';
import { acknowledgeBucketGrants, acknowledgeDataBucket, acknowledger } from '../nag';

/** The XGBoost framework version of training, evaluation and inference. */
const XGBOOST_VERSION = '1.7-1';

/**
 * The abalone pipeline of the SageMaker developer guide ("Define a pipeline"), end to end:
 *
 * AbaloneProcess -> AbaloneTrain -> AbaloneEval -> AbaloneMSECond
 *   if MSE <= MseThreshold: AbaloneRegisterModel, AbaloneCreateModel -> AbaloneTransform
 *   else:                   AbaloneMSEFail
 */
export class AbaloneStack extends Stack {
  public readonly pipeline: Pipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Holds the input data (upload it under abalone/) and, as the pipeline's artifact bucket, every
    // default output location: s3://<bucket>/<pipeline name>/<execution id>/<step name>/...
    const bucket = new s3.Bucket(this, 'Data', {
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
    });

    // The guide's parameters, with its defaults (its data locations live in the SageMaker default bucket).
    const processingInstanceCount = new ParameterInteger('ProcessingInstanceCount', { defaultValue: 1 });
    const instanceType = new ParameterString('InstanceType', { defaultValue: 'ml.m5.xlarge' });
    const modelApprovalStatus = new ParameterString('ModelApprovalStatus', {
      defaultValue: 'PendingManualApproval',
      enumValues: ['Approved', 'Rejected', 'PendingManualApproval'],
    });
    const inputData = new ParameterString('InputData', { defaultValue: 's3://example-bucket/abalone/abalone-dataset.csv' });
    const batchData = new ParameterString('BatchData', { defaultValue: 's3://example-bucket/abalone/abalone-dataset-batch' });
    const mseThreshold = new ParameterFloat('MseThreshold', { defaultValue: 6.0 });

    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineName: 'AbalonePipeline',
      description: 'The abalone pipeline of the SageMaker developer guide: process, train, evaluate, and register, create and batch-transform the model if its MSE is within the threshold',
      parameters: [processingInstanceCount, instanceType, modelApprovalStatus, inputData, batchData, mseThreshold],
      artifactBucket: bucket,
    });
    // InputData and BatchData are parameters, so no step can grant access to them: let the jobs
    // (and the model, which runs as the same role) read the data uploaded under abalone/.
    bucket.grantRead(this.pipeline.defaultJobRole, 'abalone/*');

    // 1. Feature engineering: SKLearnProcessor(framework_version='1.2-1').run(code='preprocessing.py', ...)
    const process = ProcessingStep.sklearn(this.pipeline, 'AbaloneProcess', {
      frameworkVersion: '1.2-1',
      code: path.join(__dirname, 'preprocessing.py'),
      instanceType: InstanceType.M5_XLARGE,
      instanceCount: processingInstanceCount.valueAsNumber,
      inputs: [ProcessingInput.fromS3Uri('input', inputData.valueAsString, { localPath: '/opt/ml/processing/input' })],
      outputs: [
        ProcessingOutput.default('train', { localPath: '/opt/ml/processing/train' }),
        ProcessingOutput.default('validation', { localPath: '/opt/ml/processing/validation' }),
        ProcessingOutput.default('test', { localPath: '/opt/ml/processing/test' }),
      ],
    });
    const processed = process.properties.ProcessingOutputConfig.Outputs;

    // 2. Training: the built-in XGBoost algorithm with the guide's hyperparameters.
    const train = new TrainingStep(this.pipeline, 'AbaloneTrain', {
      image: ContainerImage.xgboost(XGBOOST_VERSION),
      instanceType: InstanceType.of(instanceType.valueAsString),
      instanceCount: 1,
      hyperparameters: {
        objective: 'reg:linear',
        num_round: 50,
        max_depth: 5,
        eta: 0.2,
        gamma: 4,
        min_child_weight: 6,
        subsample: 0.7,
        silent: 0,
      },
      inputs: [
        TrainingInput.s3('train', processed['train'].S3Output.S3Uri, { contentType: 'text/csv' }),
        TrainingInput.s3('validation', processed['validation'].S3Output.S3Uri, { contentType: 'text/csv' }),
      ],
    });
    const modelData = train.properties.ModelArtifacts.S3ModelArtifacts;

    // 3. Evaluation: a script processor in the XGBoost image writes evaluation.json, declared as a property file.
    const evaluationReport = new PropertyFile({ propertyFileName: 'EvaluationReport', outputName: 'evaluation', filePath: 'evaluation.json' });
    const evaluate = new ProcessingStep(this.pipeline, 'AbaloneEval', {
      image: ContainerImage.xgboost(XGBOOST_VERSION),
      code: path.join(__dirname, 'evaluation.py'),
      containerEntrypoint: ['python3'],
      instanceType: InstanceType.M5_XLARGE,
      instanceCount: 1,
      inputs: [
        ProcessingInput.fromS3Uri('model', modelData, { localPath: '/opt/ml/processing/model' }),
        ProcessingInput.fromS3Uri('test', processed['test'].S3Output.S3Uri, { localPath: '/opt/ml/processing/test' }),
      ],
      outputs: [ProcessingOutput.default('evaluation', { localPath: '/opt/ml/processing/evaluation' })],
      propertyFiles: [evaluationReport],
    });
    const mse = JsonGet.fromPropertyFile(evaluationReport, 'regression_metrics.mse.value');

    // 4a. If the model is good enough: register it, create it and score the batch data with it.
    const group = new ModelPackageGroup(this, 'ModelPackageGroup', {
      modelPackageGroupName: 'AbaloneModelPackageGroupName',
      description: 'Abalone XGBoost models registered by AbalonePipeline',
    });
    const register = new RegisterModelStep(this.pipeline, 'AbaloneRegisterModel', {
      container: { image: ContainerImage.xgboost(XGBOOST_VERSION), modelData, framework: 'XGBOOST', frameworkVersion: XGBOOST_VERSION },
      modelPackageGroup: group,
      modelApprovalStatus: ModelApprovalStatus.of(modelApprovalStatus.valueAsString),
      supportedContentTypes: ['text/csv'],
      supportedResponseMIMETypes: ['text/csv'],
      supportedRealtimeInferenceInstanceTypes: [InstanceType.of('ml.t2.medium'), InstanceType.M5_XLARGE],
      supportedTransformInstanceTypes: [InstanceType.M5_XLARGE],
      modelMetrics: {
        modelQuality: {
          statistics: { s3Uri: `${evaluate.properties.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri}/evaluation.json` },
        },
      },
    });
    const createModel = new ModelStep(this.pipeline, 'AbaloneCreateModel', {
      container: { image: ContainerImage.xgboost(XGBOOST_VERSION), modelData },
    });
    const transform = new TransformStep(this.pipeline, 'AbaloneTransform', {
      modelName: createModel.properties.ModelName,
      inputS3Uri: batchData.valueAsString,
      instanceType: InstanceType.M5_XLARGE,
      instanceCount: 1,
    });

    // 4b. Otherwise stop the execution, quoting the MSE and the threshold.
    const fail = new FailStep(this.pipeline, 'AbaloneMSEFail', {
      errorMessage: `Execution failed due to MSE ${mse} > ${mseThreshold.valueAsNumber}`,
    });

    new ConditionStep(this.pipeline, 'AbaloneMSECond', {
      conditions: [Condition.lessThanOrEqualTo(mse, mseThreshold)],
      ifSteps: [register, createModel, transform],
      elseSteps: [fail],
    });
  }
}

/** Why the findings this example keeps are acceptable (docs/ci-gates.md). */
const REASONS = {
  DATA: 'InputData and BatchData are pipeline parameters chosen per execution, so the job role may read any object under the abalone/ prefix of the data bucket',
};

/** Acknowledges the cdk-nag findings specific to this example (the library suppresses its own: docs/iam-proof.md). */
function acknowledgeNagFindings(stack: Stack): void {
  const acknowledge = acknowledger(acknowledgeDataBucket(stack));
  acknowledge('Pipeline/JobRole', REASONS.DATA, 'AwsSolutions-IAM5[Resource::<Data666C94C7.Arn>/abalone/*]');
  acknowledgeBucketGrants(acknowledge, 'Pipeline/JobRole', 'read');
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeNagFindings(new AbaloneStack(app, 'Abalone', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
