import * as path from 'path';
import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  ContainerImage, InstanceType, NotebookJobStep, ParameterString, Pipeline, RetryPolicy, SageMakerJobExceptionType,
} from '../../lib';
import { acknowledger } from '../nag';
// Not yet re-exported from lib/index.ts.

/**
 * A nightly report: a notebook job runs `report.ipynb` (with `init.sh` run first and the `helpers`
 * package uploaded next to it) on the SageMaker Distribution image, with notebook parameters from the
 * pipeline's parameters. A second notebook job reads the first one's output location.
 */
export class NotebookJobStack extends Stack {
  public readonly pipeline: Pipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const inputUri = new ParameterString('InputUri', { defaultValue: 's3://example-bucket/churn/raw.csv' });
    const threshold = new ParameterString('Threshold', { defaultValue: '0.5' });
    // SageMaker Distribution (CPU) in us-east-1; use the account of your region.
    const image = ContainerImage.fromRegistry('885854791233.dkr.ecr.us-east-1.amazonaws.com/sagemaker-distribution-prod:1-cpu');

    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineName: 'nightly-report',
      description: 'Run the churn report notebook',
      parameters: [inputUri, threshold],
    });

    const report = new NotebookJobStep(this.pipeline, 'Report', {
      notebook: path.join(__dirname, 'report.ipynb'),
      initializationScript: path.join(__dirname, 'init.sh'),
      additionalDependencies: [path.join(__dirname, 'helpers')],
      image,
      kernelName: 'python3',
      notebookJobName: 'churn_report',
      parameters: { input_uri: inputUri.valueAsString, threshold: threshold.valueAsString },
      environment: { REPORT_TITLE: 'Churn' },
      instanceType: InstanceType.M5_XLARGE,
      maxRuntime: Duration.hours(4),
      maxRetryAttempts: 2,
      retryPolicies: [RetryPolicy.sageMakerJob({ exceptionTypes: [SageMakerJobExceptionType.CAPACITY_ERROR], maxAttempts: 3 })],
    });

    new NotebookJobStep(this.pipeline, 'Summary', {
      notebook: path.join(__dirname, 'report.ipynb'),
      image,
      kernelName: 'python3',
      // The executed report notebook, as a run-time value: <output prefix>/<training job name>/output/...
      parameters: { input_uri: report.properties.NotebookJobOutputLocationPrefix, threshold: '0.9' },
    });

  }
}

/** Why each cdk-nag AwsSolutions finding that this example keeps is acceptable (docs/ci-gates.md). */
const REASONS = {
  ASSET: 'read access to content-hashed CDK assets (the code, notebook or data of a step): Asset.grantRead and bucket.grantRead grant the read action group of CDK (s3:GetObject*, s3:GetBucket*, s3:List*) on the asset objects',
  BD: 'CDK-internal BucketDeployment custom-resource function (aws-cdk-lib manages its runtime, managed policy and the read/write grants it needs to copy the asset into the artifact bucket)',
  JOB: 'SageMaker Pipelines names each job at run time (pipelines-<execution id>-<step>-...), so the pipeline role can only be scoped to the ARN prefix of this job type in the account and Region',
  LOGS: 'SageMaker jobs write to the /aws/sagemaker/<JobType> log groups with one stream per job, named at run time',
  PREFIX: 'jobs read and write objects under this example prefix whose names are known only at run time (per execution or per job)',
  RW: 'bucket.grantReadWrite grants the read/write action groups of CDK (s3:GetObject*, s3:DeleteObject*, s3:Abort*, ...) on objects of the example bucket whose names are known only at run time',
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
  acknowledge('Pipeline/Role', REASONS.JOB,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:us-east-1:<AWS::AccountId>:training-job/*]');
  acknowledge('Pipeline/JobRole', REASONS.LOGS,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:us-east-1:<AWS::AccountId>:log-group:/aws/sagemaker/*]');
  acknowledge('Pipeline/JobRole', REASONS.STAR,
    'AwsSolutions-IAM5[Resource::*]');
  acknowledge('Pipeline/JobRole', REASONS.ASSET,
    'AwsSolutions-IAM5[Action::s3:GetObject*]',
    'AwsSolutions-IAM5[Action::s3:GetBucket*]',
    'AwsSolutions-IAM5[Action::s3:List*]');
  acknowledge('Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C', REASONS.BD,
    'AwsSolutions-IAM5[Action::s3:GetObject*]',
    'AwsSolutions-IAM5[Action::s3:GetBucket*]',
    'AwsSolutions-IAM5[Action::s3:List*]',
    'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
    'AwsSolutions-IAM5[Action::s3:Abort*]',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-us-east-1/*]',
    'AwsSolutions-IAM5[Resource::<PipelineArtifactsEB21E7E8.Arn>/*]',
    'AwsSolutions-L1');
  acknowledge('Pipeline/JobRole', REASONS.PREFIX,
    'AwsSolutions-IAM5[Resource::<PipelineArtifactsEB21E7E8.Arn>/assets/4e97d154da326e726157cfe0e9af2bdad9a91c917e4482b6276e5795db7fe460/*]',
    'AwsSolutions-IAM5[Resource::<PipelineArtifactsEB21E7E8.Arn>/nightly-report/*]',
    'AwsSolutions-IAM5[Resource::<PipelineArtifactsEB21E7E8.Arn>/assets/71adaa3546e1e5949c21450e43c7d0d53c7f71796cfba0005ec9503a48dacd0f/*]');
  acknowledge('Pipeline/JobRole', REASONS.RW,
    'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
    'AwsSolutions-IAM5[Action::s3:Abort*]');
  acknowledge('Pipeline/Artifacts', REASONS.S1_ART,
    'AwsSolutions-S1');
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeNagFindings(new NotebookJobStack(app, 'NightlyReport', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
