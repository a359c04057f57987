import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ContainerImage, InstanceType, ModelApprovalStatus, ModelPackageContainer, ModelPackageGroup, ModelStep, ParameterString,
  Pipeline, ProcessingInput, ProcessingOutput, ProcessingStep, RegisterModelStep, RetryPolicy, SageMakerJobExceptionType,
  StepExceptionType, TrainingInput, TrainingStep,
} from '../../lib';
import { acknowledgeBucketGrants, acknowledgeDataBucket, acknowledger } from '../nag';

const SKLEARN_VERSION = '1.2-1';
const XGBOOST_VERSION = '1.7-1';

/**
 * An inference pipeline model, as the SageMaker developer guide's "Pipeline steps" page registers
 * one (`PipelineModel(models=[SKLearnModel(entry_point='inference.py', source_dir=...), XGBoostModel(...)])`):
 *
 * Preprocess -> Train
 *   Register-RepackModel-0 -> Register   (RegisterModelStep of the inference pipeline)
 *   Create-RepackModel-0   -> Create     (ModelStep of the same inference pipeline)
 *
 * The scikit-learn container's model (the fitted transformer) is written by Preprocess, so it is
 * only known at run time: each model step gets a repack step that puts `inference.py` (with its
 * folder) into that model archive under `code/`. The XGBoost container serves the model trained
 * upstream as it is.
 */
export class InferencePipelineStack extends Stack {
  public readonly pipeline: Pipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const bucket = new s3.Bucket(this, 'Data', {
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    const inputData = new ParameterString('InputData', { defaultValue: 's3://example-bucket/abalone/abalone-dataset.csv' });
    const approval = new ParameterString('ModelApprovalStatus', {
      defaultValue: 'PendingManualApproval',
      enumValues: ['Approved', 'Rejected', 'PendingManualApproval'],
    });

    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineName: 'InferencePipeline',
      description: 'Fit a feature transformer and an XGBoost model, then register and create a two-container inference pipeline model with the transformer\'s inference code',
      artifactBucket: bucket,
    });
    bucket.grantRead(this.pipeline.defaultJobRole, 'abalone/*');

    // The feature transformer, written as a model archive, and the transformed training data.
    const preprocess = ProcessingStep.sklearn(this.pipeline, 'Preprocess', {
      frameworkVersion: SKLEARN_VERSION,
      code: path.join(__dirname, 'preprocessing.py'),
      instanceType: InstanceType.M5_XLARGE,
      inputs: [ProcessingInput.fromS3Uri('input', inputData.valueAsString, { localPath: '/opt/ml/processing/input' })],
      outputs: [
        ProcessingOutput.default('model', { localPath: '/opt/ml/processing/model' }),
        ProcessingOutput.default('train', { localPath: '/opt/ml/processing/train' }),
      ],
    });
    const outputs = preprocess.properties.ProcessingOutputConfig.Outputs;

    const train = new TrainingStep(this.pipeline, 'Train', {
      image: ContainerImage.xgboost(XGBOOST_VERSION),
      instanceType: InstanceType.M5_XLARGE,
      hyperparameters: { objective: 'reg:squarederror', num_round: 50, max_depth: 5, eta: 0.2 },
      inputs: [TrainingInput.s3('train', outputs['train'].S3Output.S3Uri, { contentType: 'text/csv' })],
    });

    // The two containers: the transformer with its inference code, then the XGBoost model.
    const containers: ModelPackageContainer[] = [
      {
        image: ContainerImage.sklearn(SKLEARN_VERSION, 'inference'),
        modelData: `${outputs['model'].S3Output.S3Uri}/model.tar.gz`,
        entryPoint: 'inference.py',
        sourceDir: path.join(__dirname, 'sklearn_source_dir'),
        framework: 'SKLEARN',
        frameworkVersion: SKLEARN_VERSION,
      },
      {
        image: ContainerImage.xgboost(XGBOOST_VERSION, 'inference'),
        modelData: train.properties.ModelArtifacts.S3ModelArtifacts,
        framework: 'XGBOOST',
        frameworkVersion: XGBOOST_VERSION,
      },
    ];
    const repackRetries = [RetryPolicy.sageMakerJob({ exceptionTypes: [SageMakerJobExceptionType.CAPACITY_ERROR], maxAttempts: 3 })];

    const group = new ModelPackageGroup(this, 'Group', {
      modelPackageGroupName: 'inference-pipelines',
      description: 'Transformer + XGBoost inference pipelines registered by InferencePipeline',
    });
    new RegisterModelStep(this.pipeline, 'Register', {
      containers,
      modelPackageGroup: group,
      modelApprovalStatus: ModelApprovalStatus.of(approval.valueAsString),
      supportedContentTypes: ['text/csv'],
      supportedResponseMIMETypes: ['text/csv'],
      supportedRealtimeInferenceInstanceTypes: [InstanceType.of('ml.t2.medium'), InstanceType.M5_XLARGE],
      supportedTransformInstanceTypes: [InstanceType.M5_XLARGE],
      repackRetryPolicies: repackRetries,
    });
    new ModelStep(this.pipeline, 'Create', {
      containers: containers.map(({ image, modelData, entryPoint, sourceDir }) => ({ image, modelData, entryPoint, sourceDir })),
      retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING], maxAttempts: 3 })],
      repackRetryPolicies: repackRetries,
    });
  }
}

/** Why each cdk-nag AwsSolutions finding that this example keeps is acceptable (docs/ci-gates.md). */
const REASONS = {
  DATA: 'InputData is a pipeline parameter chosen per execution, so the job role may read any object under the abalone/ prefix of the data bucket',
};

/**
 * Acknowledges, each with its reason, the cdk-nag AwsSolutions findings specific to this example (the
 * library suppresses its own inherent ones); `npm run synth:examples` fails on any other finding.
 */
function acknowledgeNagFindings(stack: Stack): void {
  const acknowledge = acknowledger(acknowledgeDataBucket(stack));
  acknowledge('Pipeline/JobRole', REASONS.DATA, 'AwsSolutions-IAM5[Resource::<Data666C94C7.Arn>/abalone/*]');
  acknowledgeBucketGrants(acknowledge, 'Pipeline/JobRole', 'readWrite');
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeNagFindings(new InferencePipelineStack(app, 'InferencePipeline', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
