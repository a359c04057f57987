import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ContainerImage, FailStep, ParameterFloat, ParameterString, Pipeline, TrainingInput, TrainingStep, CallbackHandler,
} from '../../lib';
import { acknowledgeDataBucket } from '../nag';

/**
 * Train a model, then wait for an approval: a Callback step sends the model's location to the queue
 * of a CallbackHandler, whose function approves models within the RMSE limit at once and leaves the others to a
 * person. The approval's outputs (`approved`, `reviewer`) are read by the Fail step that ends this
 * dry run.
 */
export class CallbackApprovalStack extends Stack {
  public readonly pipeline: Pipeline;
  public readonly approvals: CallbackHandler;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const bucket = new s3.Bucket(this, 'Data', {
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    const trainData = new ParameterString('TrainData', { defaultValue: 's3://example-bucket/abalone/train/' });
    const maxRmse = new ParameterFloat('MaxRmse', { defaultValue: 2.5 });

    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineName: 'callback-approval',
      description: 'Train -> Callback approval -> Fail: a CallbackHandler-based model approval',
    });
    this.approvals = new CallbackHandler(this, 'Approvals', {
      handlerPath: path.join(__dirname, 'approval-handler.cjs'),
      pipelines: [this.pipeline],
    });

    const train = new TrainingStep(this.pipeline, 'Train', {
      image: ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1'),
      outputPath: `s3://${bucket.bucketName}/models`,
      inputs: [TrainingInput.s3('train', trainData.valueAsString, { contentType: 'text/csv' })],
      hyperparameters: { objective: 'reg:squarederror', num_round: 50 },
      metricDefinitions: [{ name: 'validation:rmse', regex: 'validation-rmse:([0-9\\.]+)' }],
    });

    const approval = this.approvals.callbackStep(this.pipeline, 'Approve', {
      inputs: {
        model: train.properties.ModelArtifacts.S3ModelArtifacts,
        rmse: train.properties.FinalMetricDataList['validation:rmse'].Value,
        max_rmse: maxRmse.valueAsNumber,
      },
      outputs: [{ outputName: 'approved' }, { outputName: 'reviewer' }],
    });

    new FailStep(this.pipeline, 'Report', {
      errorMessage: `Dry run: approved=${approval.properties.Outputs.approved} by ${approval.properties.Outputs.reviewer}`,
    });
  }
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeDataBucket(new CallbackApprovalStack(app, 'CallbackApproval', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
