import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ContainerImage, ExecutionVariable, FailStep, InstanceType, ParameterInteger, ParameterString, Pipeline,
  ProcessingStep, TrainingInput, TrainingStep,
} from '../../lib';
import { acknowledgeDataBucket } from '../nag';

/**
 * The smallest useful pipeline: preprocess a CSV, train XGBoost on the result, and a Fail step
 * that reports the trained model's location when the pipeline is run in "dry" mode.
 */
export class GettingStartedStack extends Stack {
  public readonly pipeline: Pipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const bucket = new s3.Bucket(this, 'Data', {
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    const inputData = new ParameterString('InputData', { defaultValue: 's3://example-bucket/abalone/raw.csv' });
    const trainingInstanceCount = new ParameterInteger('TrainingInstanceCount', { defaultValue: 1 });

    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineName: 'getting-started',
      description: 'Preprocess -> Train -> Fail, the smallest pipeline of cdk-sagemaker-pipelines',
    });

    const prep = new ProcessingStep(this.pipeline, 'Prep', {
      image: ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3'),
      code: path.join(__dirname, 'preprocess.py'),
      instanceType: InstanceType.M5_XLARGE,
      inputs: [{ inputName: 'raw', s3Uri: inputData.valueAsString, localPath: '/opt/ml/processing/input' }],
      outputs: [
        { outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: `s3://${bucket.bucketName}/${ExecutionVariable.PIPELINE_EXECUTION_ID}/train` },
        { outputName: 'test', localPath: '/opt/ml/processing/test', s3Uri: `s3://${bucket.bucketName}/${ExecutionVariable.PIPELINE_EXECUTION_ID}/test` },
      ],
    });

    const train = new TrainingStep(this.pipeline, 'Train', {
      image: ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1'),
      instanceCount: trainingInstanceCount.valueAsNumber,
      outputPath: `s3://${bucket.bucketName}/models`,
      inputs: [
        TrainingInput.s3('train', prep.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri, { contentType: 'text/csv' }),
      ],
      hyperparameters: { objective: 'reg:squarederror', num_round: 50, max_depth: 5, eta: 0.2 },
    });

    new FailStep(this.pipeline, 'Report', {
      errorMessage: `Dry run: model written to ${train.properties.ModelArtifacts.S3ModelArtifacts}`,
    });
  }
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeDataBucket(new GettingStartedStack(app, 'GettingStarted', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
