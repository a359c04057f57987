import * as path from 'path';
import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ExecutionVariable, InstanceType, Pipeline, ProcessingInput, ProcessingOutput, ProcessingStep,
} from '../../lib';
import { acknowledger, EXAMPLE_DATA_BUCKET } from '../nag';

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
  ASSET: 'the example\'s own bucket.grantRead / grantReadWrite on its data prefixes grants the read action group of CDK (s3:GetObject*, s3:GetBucket*, s3:List*)',
  PREFIX: 'jobs read and write objects under this example prefix whose names are known only at run time (per execution or per job)',
  RW: 'bucket.grantReadWrite grants the read/write action groups of CDK (s3:GetObject*, s3:DeleteObject*, s3:Abort*, ...) on objects of the example bucket whose names are known only at run time',
};

/**
 * Acknowledges, each with its reason, the cdk-nag AwsSolutions findings specific to this example (the
 * library suppresses its own inherent ones, see docs/iam-proof.md); `npm run synth:examples` fails on any
 * other finding. A path that no longer exists throws, so the list stays current.
 */
function acknowledgeNagFindings(stack: Stack): void {
  const acknowledge = acknowledger(stack);
  acknowledge('Data', EXAMPLE_DATA_BUCKET, 'AwsSolutions-S1');
  acknowledge('Pipeline/JobRole', REASONS.ASSET,
    'AwsSolutions-IAM5[Action::s3:GetObject*]',
    'AwsSolutions-IAM5[Action::s3:GetBucket*]',
    'AwsSolutions-IAM5[Action::s3:List*]');
  acknowledge('Pipeline/JobRole', REASONS.PREFIX,
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
