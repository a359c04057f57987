import * as path from 'path';
import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  CacheConfig, ContainerImage, ExecutionVariable, InstanceType, ParameterString, Pipeline, ProcessingStep, RetryPolicy,
  SageMakerJobExceptionType, TransformAssemblyType, TransformBatchStrategy, TransformSplitType, TransformStep,
} from '../../lib';
import { acknowledgeBucketGrants, acknowledgeDataBucket, acknowledger } from '../nag';

/**
 * Batch scoring: a processing job turns raw CSV into model input, and a batch transform job scores
 * it with an existing SageMaker model chosen per execution by the `ModelName` parameter.
 */
export class BatchTransformStack extends Stack {
  public readonly pipeline: Pipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const bucket = new s3.Bucket(this, 'Data', {
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    const inputData = new ParameterString('InputData', { defaultValue: 's3://example-bucket/churn/raw.csv' });
    const modelName = new ParameterString('ModelName', { defaultValue: 'churn-xgboost' });

    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineName: 'batch-transform',
      description: 'Prepare a batch of records and score it with a batch transform job',
    });

    const prep = new ProcessingStep(this.pipeline, 'PrepareBatch', {
      image: ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3'),
      code: path.join(__dirname, 'prepare_batch.py'),
      instanceType: InstanceType.M5_LARGE,
      inputs: [{ inputName: 'raw', s3Uri: inputData.valueAsString, localPath: '/opt/ml/processing/input' }],
      outputs: [{
        outputName: 'batch',
        localPath: '/opt/ml/processing/batch',
        s3Uri: `s3://${bucket.bucketName}/${ExecutionVariable.PIPELINE_EXECUTION_ID}/batch`,
      }],
    });

    new TransformStep(this.pipeline, 'Score', {
      modelName: modelName.valueAsString,
      inputS3Uri: prep.properties.ProcessingOutputConfig.Outputs['batch'].S3Output.S3Uri,
      contentType: 'text/csv',
      splitType: TransformSplitType.LINE,
      outputPath: `s3://${bucket.bucketName}/${ExecutionVariable.PIPELINE_EXECUTION_ID}/scores`,
      accept: 'text/csv',
      assembleWith: TransformAssemblyType.LINE,
      batchStrategy: TransformBatchStrategy.MULTI_RECORD,
      maxPayloadInMB: 6,
      instanceCount: 1,
      retryPolicies: [RetryPolicy.sageMakerJob({ exceptionTypes: [SageMakerJobExceptionType.CAPACITY_ERROR], maxAttempts: 3 })],
      cacheConfig: CacheConfig.enabled(Duration.days(7)),
    });

    // A transform job runs as its model's execution role, so the step grants nothing: give that
    // role access to the batch input and the scores yourself.
    const modelRole = iam.Role.fromRoleName(this, 'ModelRole', 'churn-model-execution-role');
    bucket.grantReadWrite(modelRole);
  }
}

/** Why the findings this example keeps are acceptable (docs/ci-gates.md). */
const REASONS = {
  PREFIX: 'jobs read and write objects under this example prefix whose names are known only at run time (per execution or per job)',
};

/** Acknowledges the cdk-nag findings specific to this example (the library suppresses its own: docs/iam-proof.md). */
function acknowledgeNagFindings(stack: Stack): void {
  const acknowledge = acknowledger(acknowledgeDataBucket(stack));
  acknowledgeBucketGrants(acknowledge, 'ModelRole', 'readWrite');
  acknowledge('ModelRole', REASONS.PREFIX, 'AwsSolutions-IAM5[Resource::<Data666C94C7.Arn>/*]');
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeNagFindings(new BatchTransformStack(app, 'BatchTransform', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
