import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ContainerImage, FailStep, ParameterFloat, ParameterString, Pipeline, TrainingInput, TrainingStep, CallbackHandler,
} from '../../lib';
import { acknowledger } from '../nag';

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

/** Why each cdk-nag AwsSolutions finding that this example keeps is acceptable (docs/ci-gates.md). */
const REASONS = {
  S1: 'example data bucket: a production app sends its server access logs to the central access-log bucket of its account (serverAccessLogsBucket), which an example cannot know',
  EXEC: 'the handler reports success or failure for executions of this one pipeline; execution ARNs are created at run time, so the grant is scoped to the execution/* prefix of the pipeline',
  JOB: 'SageMaker Pipelines names each job at run time (pipelines-<execution id>-<step>-...), so the pipeline role can only be scoped to the ARN prefix of this job type in the account and Region',
  L1_HANDLER: 'Node.js 22 is a supported LTS runtime and the CallbackHandler default; the shipped handler is tested on it',
  LAMBDA_LOGS: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs',
  LOGS: 'SageMaker jobs write to the /aws/sagemaker/<JobType> log groups with one stream per job, named at run time',
  PREFIX: 'jobs read and write objects under this example prefix whose names are known only at run time (per execution or per job)',
  STAR: 'ecr:GetAuthorizationToken and cloudwatch:PutMetricData (conditioned on the /aws/sagemaker namespaces) support no resource-level permissions',
};

/**
 * Acknowledges, each with its reason, the cdk-nag AwsSolutions findings this example keeps on purpose;
 * `npm run synth:examples` fails on any other finding. A path that no longer exists throws, so the list
 * stays current.
 */
function acknowledgeNagFindings(stack: Stack): void {
  const acknowledge = acknowledger(stack);
  acknowledge('Data', REASONS.S1, 'AwsSolutions-S1');
  acknowledge('Pipeline/Role', REASONS.JOB,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:us-east-1:<AWS::AccountId>:training-job/*]');
  acknowledge('Pipeline/JobRole', REASONS.LOGS,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:us-east-1:<AWS::AccountId>:log-group:/aws/sagemaker/*]');
  acknowledge('Pipeline/JobRole', REASONS.STAR,
    'AwsSolutions-IAM5[Resource::*]');
  acknowledge('Pipeline/JobRole', REASONS.PREFIX,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<Data666C94C7>/models*]');
  acknowledge('Approvals/Function', REASONS.LAMBDA_LOGS,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]');
  acknowledge('Approvals/Function', REASONS.EXEC,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:us-east-1:<AWS::AccountId>:pipeline/callback-approval/execution/*]');
  acknowledge('Approvals/Function', REASONS.L1_HANDLER,
    'AwsSolutions-L1');
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeNagFindings(new CallbackApprovalStack(app, 'CallbackApproval', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
