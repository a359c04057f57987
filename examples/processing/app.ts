import * as path from 'path';
import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ExecutionVariable, InstanceType, Pipeline, ProcessingInput, ProcessingOutput, ProcessingStep,
} from '../../lib';
import { acknowledgeBucketGrants, acknowledgeDataBucket, acknowledger } from '../nag';

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

/** Why the findings this example keeps are acceptable (docs/ci-gates.md). */
const REASONS = {
  PREFIX: 'jobs read and write objects under this example prefix whose names are known only at run time (per execution or per job)',
};

/** Acknowledges the cdk-nag findings specific to this example (the library suppresses its own: docs/iam-proof.md). */
function acknowledgeNagFindings(stack: Stack): void {
  const acknowledge = acknowledger(acknowledgeDataBucket(stack));
  acknowledgeBucketGrants(acknowledge, 'Pipeline/JobRole', 'readWrite');
  acknowledge('Pipeline/JobRole', REASONS.PREFIX,
    'AwsSolutions-IAM5[Resource::<Data666C94C7.Arn>/abalone/summary/*]');
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeNagFindings(new ProcessingStack(app, 'Processing', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
