import * as path from 'path';
import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ExecutionVariable, InstanceType, Pipeline, ProcessingInput, ProcessingOutput, ProcessingStep,
} from '../../lib';
import { acknowledger } from '../nag';

/**
 * Two processing steps as the SageMaker Python SDK's processors set them up:
 * `Preprocess` (SKLearnProcessor) runs `preprocessing.py` from a local code folder in the SageMaker
 * Scikit-learn image; `Aggregate` (PySparkProcessor) runs a PySpark application on its output with
 * a Python dependency, a Spark configuration and Spark event logs.
 */
export class ProcessingStack extends Stack {
  public readonly pipeline: Pipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const data = new s3.Bucket(this, 'Data', {
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
    });

    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineName: 'processing',
      description: 'SKLearnProcessor and PySparkProcessor steps of cdk-sagemaker-pipelines',
    });

    const preprocess = ProcessingStep.sklearn(this.pipeline, 'Preprocess', {
      frameworkVersion: '1.2-1',
      sourceDir: path.join(__dirname, 'src'),
      code: 'preprocessing.py',
      instanceType: InstanceType.M5_XLARGE,
      inputs: [ProcessingInput.fromBucket('raw', data, 'abalone/raw/')],
      outputs: [ProcessingOutput.default('train'), ProcessingOutput.toBucket('test', data, 'abalone/test/')],
      containerArguments: ['--test-ratio', '0.2'],
      maxRuntime: Duration.hours(1),
    });

    ProcessingStep.pySpark(this.pipeline, 'Aggregate', {
      frameworkVersion: '3.5',
      submitApp: path.join(__dirname, 'spark', 'aggregate.py'),
      submitPyFiles: [path.join(__dirname, 'spark', 'spark_utils.py')],
      configuration: [
        { classification: 'spark-defaults', properties: { 'spark.executor.memory': '2g', 'spark.executor.cores': '1' } },
      ],
      sparkEventLogsS3Uri: `s3://${data.bucketName}/spark-events`,
      instanceType: InstanceType.M5_XLARGE,
      instanceCount: 2,
      containerArguments: [
        '--input', preprocess.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri,
        '--output', `s3://${data.bucketName}/abalone/summary/${ExecutionVariable.PIPELINE_EXECUTION_ID}`,
      ],
    });
    // Spark writes the summary to S3 itself (from every instance), so the job role needs write access there.
    data.grantReadWrite(this.pipeline.defaultJobRole, 'abalone/summary/*');
  }
}

/** Why each cdk-nag AwsSolutions finding that this example keeps is acceptable (docs/ci-gates.md). */
const REASONS = {
  S1: 'example data bucket: a production app sends its server access logs to the central access-log bucket of its account (serverAccessLogsBucket), which an example cannot know',
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
  acknowledge('Data', REASONS.S1, 'AwsSolutions-S1');
  acknowledge('Pipeline/Artifacts', REASONS.S1_ART,
    'AwsSolutions-S1');
  acknowledge('Pipeline/Role', REASONS.JOB,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:us-east-1:<AWS::AccountId>:processing-job/*]');
  acknowledge('Pipeline/JobRole', REASONS.LOGS,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:us-east-1:<AWS::AccountId>:log-group:/aws/sagemaker/*]');
  acknowledge('Pipeline/JobRole', REASONS.STAR,
    'AwsSolutions-IAM5[Resource::*]');
  acknowledge('Pipeline/JobRole', REASONS.ASSET,
    'AwsSolutions-IAM5[Action::s3:GetObject*]',
    'AwsSolutions-IAM5[Action::s3:GetBucket*]',
    'AwsSolutions-IAM5[Action::s3:List*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-us-east-1/*]');
  acknowledge('Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C', REASONS.BD,
    'AwsSolutions-IAM5[Action::s3:GetObject*]',
    'AwsSolutions-IAM5[Action::s3:GetBucket*]',
    'AwsSolutions-IAM5[Action::s3:List*]',
    'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
    'AwsSolutions-IAM5[Action::s3:Abort*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-us-east-1/*]',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'AwsSolutions-IAM5[Resource::<PipelineArtifactsEB21E7E8.Arn>/*]',
    'AwsSolutions-L1');
  acknowledge('Pipeline/JobRole', REASONS.PREFIX,
    'AwsSolutions-IAM5[Resource::<Data666C94C7.Arn>/abalone/raw/*]',
    'AwsSolutions-IAM5[Resource::<PipelineArtifactsEB21E7E8.Arn>/processing/*]',
    'AwsSolutions-IAM5[Resource::<Data666C94C7.Arn>/abalone/test/*]',
    'AwsSolutions-IAM5[Resource::<PipelineArtifactsEB21E7E8.Arn>/assets/ace25a26f628158a3e0d7b542c7cb067ea7bfd16e2c62cba4da6e1e6fa9d361c/*]',
    'AwsSolutions-IAM5[Resource::<PipelineArtifactsEB21E7E8.Arn>/assets/3b7fd2ee71c5e839ba0e81b0a71e7d993f05dc27579cb0f743692654a8e1cb23/*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<Data666C94C7>/spark-events*]',
    'AwsSolutions-IAM5[Resource::<Data666C94C7.Arn>/abalone/summary/*]');
  acknowledge('Pipeline/JobRole', REASONS.RW,
    'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
    'AwsSolutions-IAM5[Action::s3:Abort*]');
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeNagFindings(new ProcessingStack(app, 'Processing', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
