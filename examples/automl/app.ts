import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  AutoMLInput, AutoMLMetricName, AutoMLProblemType, AutoMLStep, CacheConfig, Condition, ConditionStep, FailStep,
  ParameterFloat, ParameterInteger, ParameterString, Pipeline, RetryPolicy, SageMakerJobExceptionType,
} from '../../lib';
import { acknowledgeDataBucket } from '../nag';
// Not yet re-exported from lib/index.ts.

/**
 * Churn prediction with SageMaker Autopilot: an AutoML job (ENSEMBLING mode) trains candidates on
 * the CSV named by the `TrainFile` parameter (under `churn/` of the data bucket); when the best candidate's F1 reaches `MinF1`, a model
 * step creates a SageMaker model from it, otherwise the execution fails with the best candidate's
 * name, score and report locations.
 */
export class AutoMLStack extends Stack {
  public readonly pipeline: Pipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const data = new s3.Bucket(this, 'Data', {
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    const trainFile = new ParameterString('TrainFile', { defaultValue: 'train.csv' });
    const maxCandidates = new ParameterInteger('MaxCandidates', { defaultValue: 20 });
    const minF1 = new ParameterFloat('MinF1', { defaultValue: 0.7 });

    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineName: 'churn-automl',
      description: 'Train churn candidates with Autopilot and create a model from the best one',
      parameters: [trainFile, maxCandidates, minF1],
    });

    const automl = new AutoMLStep(this.pipeline, 'AutoML', {
      // The bucket is known at synth, so the job role is granted read access to `churn/*` of it.
      inputs: [AutoMLInput.s3(`s3://${data.bucketName}/churn/${trainFile.valueAsString}`, { contentType: 'text/csv;header=present' })],
      targetAttributeName: 'churn',
      problemType: AutoMLProblemType.BINARY_CLASSIFICATION,
      objectiveMetric: AutoMLMetricName.F1,
      maxCandidates: maxCandidates.valueAsNumber,
      maxRuntimePerTrainingJob: Duration.minutes(30),
      maxAutoMLJobRuntime: Duration.hours(3),
      validationFraction: 0.2,
      retryPolicies: [RetryPolicy.sageMakerJob({ exceptionTypes: [SageMakerJobExceptionType.CAPACITY_ERROR], maxAttempts: 3 })],
      cacheConfig: CacheConfig.enabled(Duration.days(7)),
    });

    const best = automl.properties.BestCandidate;
    new ConditionStep(this.pipeline, 'CheckF1', {
      conditions: [Condition.greaterThanOrEqualTo(best.FinalAutoMLJobObjectiveMetric.Value, minF1.valueAsNumber)],
      ifSteps: [automl.createBestModelStep(this.pipeline, 'BestModel')],
      elseSteps: [new FailStep(this.pipeline, 'F1TooLow', {
        errorMessage: `Best candidate ${best.CandidateName} reached F1 ${best.FinalAutoMLJobObjectiveMetric.Value}, below ${minF1.valueAsNumber}. `
          + `Model insights: ${automl.bestCandidateProperties.ModelInsightsJsonReportPath}; `
          + `explainability: ${automl.bestCandidateProperties.ExplainabilityJsonReportPath}`,
      })],
    });
  }
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeDataBucket(new AutoMLStack(app, 'ChurnAutoML', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
