import * as path from 'path';
import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ContainerImage, ExecutionVariable, FailStep, InstanceType, ParameterInteger, ParameterString, Pipeline, ProcessingStep, TrainingInput,

  ContinuousParameter, IntegerParameter, ParameterScaling, TuningObjectiveType, TuningStep, TuningStrategy,
} from '../../lib';
import { acknowledgeDataBucket } from '../nag';

const XGBOOST_IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';

/**
 * Hyperparameter tuning: preprocess a CSV, tune XGBoost on the result with Bayesian search, and a
 * Fail step that reports the best training job and the location of the best model.
 */
export class TuningStack extends Stack {
  public readonly pipeline: Pipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const bucket = new s3.Bucket(this, 'Data', {
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    const inputData = new ParameterString('InputData', { defaultValue: 's3://example-bucket/abalone/raw.csv' });
    const maxJobs = new ParameterInteger('MaxTrainingJobs', { defaultValue: 12 });

    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineName: 'tuning',
      description: 'Preprocess -> Tune XGBoost -> Fail reporting the best training job',
    });

    const prep = new ProcessingStep(this.pipeline, 'Prep', {
      image: ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3'),
      code: path.join(__dirname, 'preprocess.py'),
      instanceType: InstanceType.M5_XLARGE,
      inputs: [{ inputName: 'raw', s3Uri: inputData.valueAsString, localPath: '/opt/ml/processing/input' }],
      outputs: [
        { outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: `s3://${bucket.bucketName}/${ExecutionVariable.PIPELINE_EXECUTION_ID}/train` },
        { outputName: 'validation', localPath: '/opt/ml/processing/validation', s3Uri: `s3://${bucket.bucketName}/${ExecutionVariable.PIPELINE_EXECUTION_ID}/validation` },
      ],
    });

    const tune = new TuningStep(this.pipeline, 'Tune', {
      strategy: TuningStrategy.BAYESIAN,
      objective: { type: TuningObjectiveType.MINIMIZE, metricName: 'validation:rmse' },
      maxNumberOfTrainingJobs: maxJobs.valueAsNumber,
      maxParallelTrainingJobs: 3,
      hyperparameterRanges: [
        new ContinuousParameter('eta', { minValue: 0.05, maxValue: 0.5, scaling: ParameterScaling.LOGARITHMIC }),
        new ContinuousParameter('subsample', { minValue: 0.5, maxValue: 0.9 }),
        new IntegerParameter('max_depth', { minValue: 3, maxValue: 10 }),
      ],
      trainingJob: {
        image: ContainerImage.fromRegistry(XGBOOST_IMAGE),
        outputPath: `s3://${bucket.bucketName}/tuning`,
        inputs: [
          TrainingInput.s3('train', prep.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri, { contentType: 'text/csv' }),
          TrainingInput.s3('validation', prep.properties.ProcessingOutputConfig.Outputs['validation'].S3Output.S3Uri, { contentType: 'text/csv' }),
        ],
        hyperparameters: { objective: 'reg:squarederror', num_round: 100 },
        // the built-in XGBoost container logs this metric; the regex lets the tuner read it
        metricDefinitions: [{ name: 'validation:rmse', regex: '.*\\[[0-9]+\\].*#011validation-rmse:([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*' }],
        maxRuntime: Duration.hours(1),
      },
    });

    new FailStep(this.pipeline, 'Report', {
      errorMessage: `Dry run: best training job ${tune.properties.BestTrainingJob.TrainingJobName}, model at ${tune.topModelS3Uri(0, bucket.bucketName, 'tuning')}`,
    });
  }
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeDataBucket(new TuningStack(app, 'Tuning', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
