import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  AutoMLInput, AutoMLMetricName, AutoMLProblemType, AutoMLStep, CacheConfig, Condition, ConditionStep, FailStep,
  ParameterFloat, ParameterInteger, ParameterString, Pipeline, RetryPolicy, SageMakerJobExceptionType,
} from '../../lib';
import { acknowledger } from '../nag';
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

/** Why each cdk-nag AwsSolutions finding that this example keeps is acceptable (docs/ci-gates.md). */
const REASONS = {
  ASSET: 'read access to content-hashed CDK assets (the code, notebook or data of a step): Asset.grantRead and bucket.grantRead grant the read action group of CDK (s3:GetObject*, s3:GetBucket*, s3:List*) on the asset objects',
  JOB: 'SageMaker Pipelines names each job at run time (pipelines-<execution id>-<step>-...), so the pipeline role can only be scoped to the ARN prefix of this job type in the account and Region',
  LOGS: 'SageMaker jobs write to the /aws/sagemaker/<JobType> log groups with one stream per job, named at run time',
  MODEL: 'SageMaker Pipelines names each model at run time (pipelines-<execution id>-...), so the pipeline role can only be scoped to the model ARN prefix in the account and Region',
  PREFIX: 'jobs read and write objects under this example prefix whose names are known only at run time (per execution or per job)',
  RW: 'bucket.grantReadWrite grants the read/write action groups of CDK (s3:GetObject*, s3:DeleteObject*, s3:Abort*, ...) on objects of the example bucket whose names are known only at run time',
  S1: 'example data bucket: a production app sends its server access logs to the central access-log bucket of its account (serverAccessLogsBucket), which an example cannot know',
  S1_ART: 'the artifact bucket of the pipeline is created by the library, which has no server-access-log option yet; production apps pass their own artifactBucket with access logs',
  STAR: 'ecr:GetAuthorizationToken and cloudwatch:PutMetricData (conditioned on the /aws/sagemaker namespaces) support no resource-level permissions',
};

/**
 * Acknowledges, each with its reason, the cdk-nag AwsSolutions findings this example keeps on purpose;
 * `npm run synth:examples` fails on any other finding. A path that no longer exists throws, so the list
 * stays current.
 */
function acknowledgeNagFindings(stack: Stack): void {
  const acknowledge = acknowledger(stack);
  acknowledge('Data', REASONS.S1,
    'AwsSolutions-S1');
  acknowledge('Pipeline/Artifacts', REASONS.S1_ART,
    'AwsSolutions-S1');
  acknowledge('Pipeline/Role', REASONS.JOB,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:us-east-1:<AWS::AccountId>:automl-job/*]');
  acknowledge('Pipeline/Role', REASONS.MODEL,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:us-east-1:<AWS::AccountId>:model/*]');
  acknowledge('Pipeline/JobRole', REASONS.LOGS,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:us-east-1:<AWS::AccountId>:log-group:/aws/sagemaker/*]');
  acknowledge('Pipeline/JobRole', REASONS.STAR,
    'AwsSolutions-IAM5[Resource::*]');
  acknowledge('Pipeline/JobRole', REASONS.PREFIX,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<Data666C94C7>/churn/*]',
    'AwsSolutions-IAM5[Resource::<PipelineArtifactsEB21E7E8.Arn>/churn-automl/*]');
  acknowledge('Pipeline/JobRole', REASONS.ASSET,
    'AwsSolutions-IAM5[Action::s3:GetObject*]',
    'AwsSolutions-IAM5[Action::s3:GetBucket*]',
    'AwsSolutions-IAM5[Action::s3:List*]');
  acknowledge('Pipeline/JobRole', REASONS.RW,
    'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
    'AwsSolutions-IAM5[Action::s3:Abort*]');
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeNagFindings(new AutoMLStack(app, 'ChurnAutoML', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
