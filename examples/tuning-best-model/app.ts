import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ContainerImage, ContinuousParameter, ExecutionVariable, InstanceType, IntegerParameter, ModelStep, ParameterInteger,
  ParameterScaling, ParameterString, Pipeline, TrainingInput, TransformSplitType, TransformStep, TuningObjectiveType,
  TuningStep, TuningStrategy,
} from '../../lib';
import { acknowledgeBucketGrants, acknowledgeDataBucket, acknowledger } from '../nag';

/** The XGBoost framework version of the training jobs and of the model. */
const XGBOOST_VERSION = '1.7-1';
/** Key prefix of the tuning job's training output in the data bucket. */
const TUNING_PREFIX = 'tuning';

/**
 * Tune, then use the best model: a Bayesian hyperparameter tuning job over the built-in XGBoost
 * algorithm (`Tune`), a SageMaker model created from the best training job's artifacts
 * (`BestModel`, via `tune.topModelS3Uri(0, ...)`), and a batch transform job that scores the
 * `BatchData` with it (`Score`).
 */
export class TuningBestModelStack extends Stack {
  public readonly pipeline: Pipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const bucket = new s3.Bucket(this, 'Data', {
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    const trainData = new ParameterString('TrainData', { defaultValue: 's3://example-bucket/abalone/train' });
    const validationData = new ParameterString('ValidationData', { defaultValue: 's3://example-bucket/abalone/validation' });
    const batchData = new ParameterString('BatchData', { defaultValue: 's3://example-bucket/abalone/batch' });
    const maxJobs = new ParameterInteger('MaxTrainingJobs', { defaultValue: 10 });

    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineName: 'tuning-best-model',
      description: 'Tune XGBoost -> create a model from the best training job -> batch transform with it',
    });
    // The data locations are parameters, so no step can grant access to them: let the jobs (and
    // the model, which runs as the same role) read what is uploaded under abalone/.
    bucket.grantRead(this.pipeline.defaultJobRole, 'abalone/*');

    const tune = new TuningStep(this.pipeline, 'Tune', {
      strategy: TuningStrategy.BAYESIAN,
      objective: { type: TuningObjectiveType.MINIMIZE, metricName: 'validation:rmse' },
      maxNumberOfTrainingJobs: maxJobs.valueAsNumber,
      maxParallelTrainingJobs: 2,
      hyperparameterRanges: [
        new ContinuousParameter('eta', { minValue: 0.05, maxValue: 0.5, scaling: ParameterScaling.LOGARITHMIC }),
        new ContinuousParameter('min_child_weight', { minValue: 1, maxValue: 10 }),
        new IntegerParameter('max_depth', { minValue: 3, maxValue: 10 }),
      ],
      trainingJob: {
        image: ContainerImage.xgboost(XGBOOST_VERSION),
        instanceType: InstanceType.M5_XLARGE,
        // The top-model URI below is built from this bucket and prefix.
        outputPath: `s3://${bucket.bucketName}/${TUNING_PREFIX}`,
        inputs: [
          TrainingInput.s3('train', trainData.valueAsString, { contentType: 'text/csv' }),
          TrainingInput.s3('validation', validationData.valueAsString, { contentType: 'text/csv' }),
        ],
        hyperparameters: { objective: 'reg:squarederror', num_round: 100 },
        // The built-in XGBoost container logs this metric; the regex lets the tuner read it.
        metricDefinitions: [{ name: 'validation:rmse', regex: '.*\\[[0-9]+\\].*#011validation-rmse:([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*' }],
        maxRuntime: Duration.hours(1),
      },
    });

    // s3://<bucket>/tuning/<best training job name>/output/model.tar.gz, a Std:Join over
    // Steps.Tune.TrainingJobSummaries[0].TrainingJobName (the service lists the best job first).
    const model = new ModelStep(this.pipeline, 'BestModel', {
      container: {
        image: ContainerImage.xgboost(XGBOOST_VERSION, 'inference'),
        modelData: tune.topModelS3Uri(0, bucket.bucketName, TUNING_PREFIX),
      },
    });

    new TransformStep(this.pipeline, 'Score', {
      modelName: model.properties.ModelName,
      inputS3Uri: batchData.valueAsString,
      contentType: 'text/csv',
      splitType: TransformSplitType.LINE,
      accept: 'text/csv',
      outputPath: `s3://${bucket.bucketName}/scores/${ExecutionVariable.PIPELINE_EXECUTION_ID}`,
      instanceType: InstanceType.M5_XLARGE,
      instanceCount: 1,
    });
    // A transform job runs as its model's execution role (here the shared job role): let it write the scores.
    bucket.grantReadWrite(model.executionRole, 'scores/*');
  }
}

/** Why the findings this example keeps are acceptable (docs/ci-gates.md). */
const REASONS = {
  DATA: 'TrainData, ValidationData and BatchData are pipeline parameters chosen per execution, so the job role may read any object under the abalone/ prefix of the data bucket',
  PREFIX: 'the tuning job\'s training jobs write their models, and the transform job its scores, under these prefixes, in objects named at run time (per training job or per execution)',
};

/** Acknowledges the cdk-nag findings specific to this example (the library suppresses its own: docs/iam-proof.md). */
function acknowledgeNagFindings(stack: Stack): void {
  const acknowledge = acknowledger(acknowledgeDataBucket(stack));
  acknowledge('Pipeline/JobRole', REASONS.DATA, 'AwsSolutions-IAM5[Resource::<Data666C94C7.Arn>/abalone/*]');
  acknowledge('Pipeline/JobRole', REASONS.PREFIX, 'AwsSolutions-IAM5[Resource::<Data666C94C7.Arn>/scores/*]');
  acknowledgeBucketGrants(acknowledge, 'Pipeline/JobRole', 'readWrite');
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeNagFindings(new TuningBestModelStack(app, 'TuningBestModel', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
