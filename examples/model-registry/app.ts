import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ContainerImage, ExecutionVariable, InstanceType, ModelApprovalStatus, ModelPackageGroup, ModelStep, ParameterString,
  Pipeline, ProcessingStep, RegisterModelStep, RetryPolicy, StepExceptionType, TrainingInput, TrainingStep,
  TransformSplitType, TransformStep,
} from '../../lib';
import { acknowledgeBucketGrants, acknowledgeDataBucket, acknowledger } from '../nag';

const XGBOOST = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';
const SKLEARN = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';

/**
 * Train a model, create a SageMaker model from it and score a batch with it, evaluate it, and
 * register it in a model package group with an approval status chosen per execution.
 */
export class ModelRegistryStack extends Stack {
  public readonly pipeline: Pipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const bucket = new s3.Bucket(this, 'Data', {
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    const trainData = new ParameterString('TrainData', { defaultValue: 's3://example-bucket/churn/train' });
    const batchData = new ParameterString('BatchData', { defaultValue: 's3://example-bucket/churn/batch' });
    const approval = new ParameterString('ModelApprovalStatus', {
      defaultValue: 'PendingManualApproval',
      enumValues: ['Approved', 'Rejected', 'PendingManualApproval'],
    });

    const group = new ModelPackageGroup(this, 'ChurnModels', {
      modelPackageGroupName: 'churn-models',
      description: 'Churn XGBoost models trained by the model-registry pipeline',
    });

    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineName: 'model-registry',
      description: 'Train -> CreateModel -> Transform, and Evaluate -> RegisterModel',
    });

    const train = new TrainingStep(this.pipeline, 'Train', {
      image: ContainerImage.fromRegistry(XGBOOST),
      instanceType: InstanceType.M5_XLARGE,
      outputPath: `s3://${bucket.bucketName}/models`,
      inputs: [TrainingInput.s3('train', trainData.valueAsString, { contentType: 'text/csv' })],
      hyperparameters: { objective: 'binary:logistic', num_round: 100 },
    });
    const modelData = train.properties.ModelArtifacts.S3ModelArtifacts;

    const model = new ModelStep(this.pipeline, 'CreateModel', {
      container: { image: ContainerImage.fromRegistry(XGBOOST), modelData },
      retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING], maxAttempts: 3 })],
    });

    new TransformStep(this.pipeline, 'Score', {
      modelName: model.properties.ModelName,
      inputS3Uri: batchData.valueAsString,
      contentType: 'text/csv',
      splitType: TransformSplitType.LINE,
      outputPath: `s3://${bucket.bucketName}/${ExecutionVariable.PIPELINE_EXECUTION_ID}/scores`,
    });
    // The transform job runs as the model's execution role (the pipeline's job role).
    bucket.grantReadWrite(model.executionRole);

    const evaluate = new ProcessingStep(this.pipeline, 'Evaluate', {
      image: ContainerImage.fromRegistry(SKLEARN),
      instanceType: InstanceType.M5_LARGE,
      inputs: [{ inputName: 'model', s3Uri: modelData, localPath: '/opt/ml/processing/model' }],
      outputs: [{
        outputName: 'evaluation',
        localPath: '/opt/ml/processing/evaluation',
        s3Uri: `s3://${bucket.bucketName}/${ExecutionVariable.PIPELINE_EXECUTION_ID}/evaluation`,
      }],
    });

    new RegisterModelStep(this.pipeline, 'Register', {
      container: { image: ContainerImage.fromRegistry(XGBOOST), modelData, framework: 'XGBOOST', frameworkVersion: '1.7-1' },
      modelPackageGroup: group,
      modelApprovalStatus: ModelApprovalStatus.of(approval.valueAsString),
      supportedContentTypes: ['text/csv'],
      supportedResponseMIMETypes: ['text/csv'],
      supportedTransformInstanceTypes: [InstanceType.M5_XLARGE],
      supportedRealtimeInferenceInstanceTypes: [InstanceType.M5_LARGE],
      modelMetrics: {
        modelQuality: {
          statistics: { s3Uri: `${evaluate.properties.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri}/evaluation.json` },
        },
      },
      customerMetadataProperties: { pipeline: 'model-registry' },
      task: 'CLASSIFICATION',
    });
  }
}

/** Why the findings this example keeps are acceptable (docs/ci-gates.md). */
const REASONS = {
  PREFIX: 'jobs read and write objects under this example prefix whose names are known only at run time (per execution or per job)',
};

/** Acknowledges the cdk-nag findings specific to this example (the library suppresses its own: docs/iam-proof.md). */
function acknowledgeNagFindings(stack: Stack): void {
  const acknowledge = acknowledger(acknowledgeDataBucket(stack));
  acknowledge('Pipeline/JobRole', REASONS.PREFIX, 'AwsSolutions-IAM5[Resource::<Data666C94C7.Arn>/*]');
  acknowledgeBucketGrants(acknowledge, 'Pipeline/JobRole', 'readWrite');
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeNagFindings(new ModelRegistryStack(app, 'ModelRegistry', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
