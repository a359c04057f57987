import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  ContainerImage, ExecutionVariable, InstanceType, ParameterInteger, ParameterString, Pipeline,
  ProcessingStep, TrainingInput, TrainingStep, PipelineScheduleTarget, PipelineTarget,
} from '../../lib';
import { acknowledgeDataBucket, acknowledger } from '../nag';

/**
 * A retraining pipeline started two ways: every night by an EventBridge Scheduler schedule, on the
 * full history, and by an EventBridge rule whenever a CSV lands under `incoming/` in the data bucket,
 * on the new data only with a smaller training run. Both triggers pass parameters by name; a name
 * the pipeline does not declare fails `cdk synth`.
 */
export class ScheduledRetrainingStack extends Stack {
  public readonly pipeline: Pipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const bucket = new s3.Bucket(this, 'Data', {
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    // Send the bucket's events to EventBridge, so that a rule can react to new objects. Set on the
    // resource itself: `eventBridgeEnabled: true` would add a Lambda-backed custom resource for it.
    (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };

    const inputData = new ParameterString('InputData', { defaultValue: 's3://example-bucket/history/' });
    const trainingRounds = new ParameterInteger('TrainingRounds', { defaultValue: 100 });
    const trainingInstanceCount = new ParameterInteger('TrainingInstanceCount', { defaultValue: 1 });
    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineName: 'scheduled-retraining',
      description: 'Preprocess -> Train, started nightly and on new data',
      parameters: [inputData, trainingRounds, trainingInstanceCount],
    });

    const prep = new ProcessingStep(this.pipeline, 'Prep', {
      image: ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3'),
      code: path.join(__dirname, 'preprocess.py'),
      instanceType: InstanceType.M5_XLARGE,
      inputs: [{ inputName: 'raw', s3Uri: inputData.valueAsString, localPath: '/opt/ml/processing/input' }],
      outputs: [
        {
          outputName: 'train',
          localPath: '/opt/ml/processing/train',
          s3Uri: `s3://${bucket.bucketName}/runs/${ExecutionVariable.PIPELINE_EXECUTION_ID}/train`,
        },
        {
          outputName: 'test',
          localPath: '/opt/ml/processing/test',
          s3Uri: `s3://${bucket.bucketName}/runs/${ExecutionVariable.PIPELINE_EXECUTION_ID}/test`,
        },
      ],
    });
    new TrainingStep(this.pipeline, 'Train', {
      image: ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1'),
      instanceCount: trainingInstanceCount.valueAsNumber,
      outputPath: `s3://${bucket.bucketName}/models`,
      inputs: [TrainingInput.s3('train', prep.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri, { contentType: 'text/csv' })],
      hyperparameters: { objective: 'reg:squarederror', num_round: trainingRounds.valueAsNumber, max_depth: 5, eta: 0.2 },
    });

    // Nightly at 03:00 UTC: retrain on the whole history with two instances.
    new scheduler.Schedule(this, 'Nightly', {
      description: 'Nightly full retraining',
      schedule: scheduler.ScheduleExpression.cron({ hour: '3', minute: '0' }),
      target: new PipelineScheduleTarget(this.pipeline, {
        parameters: { InputData: `s3://${bucket.bucketName}/history/`, TrainingInstanceCount: '2' },
        retryAttempts: 3,
      }),
    });

    // On every new CSV under incoming/: a quick run on the new data only.
    const failedStarts = new sqs.Queue(this, 'FailedStarts', { enforceSSL: true });
    new events.Rule(this, 'OnNewData', {
      description: 'Retrain when a CSV lands under incoming/',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [bucket.bucketName] },
          object: { key: [{ prefix: 'incoming/' }] },
        },
      },
      targets: [new PipelineTarget(this.pipeline, {
        parameters: { InputData: `s3://${bucket.bucketName}/incoming/`, TrainingRounds: '20' },
        deadLetterQueue: failedStarts,
        retryAttempts: 2,
      })],
    });
  }
}

/** Why the findings this example keeps are acceptable (docs/ci-gates.md). */
const REASONS = {
  SQS3: 'this queue is itself the dead-letter queue of the EventBridge rule target',
};

/** Acknowledges the cdk-nag findings specific to this example (the library suppresses its own: docs/iam-proof.md). */
function acknowledgeNagFindings(stack: Stack): void {
  const acknowledge = acknowledger(acknowledgeDataBucket(stack));
  acknowledge('FailedStarts', REASONS.SQS3, 'AwsSolutions-SQS3');
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeNagFindings(new ScheduledRetrainingStack(app, 'ScheduledRetraining', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
