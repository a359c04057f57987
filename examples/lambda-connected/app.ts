import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ContainerImage, FailStep, LambdaOutputType, LambdaStep, ModelStep, ParameterString, Pipeline, TrainingInput, TrainingStep,
} from '../../lib';
import { acknowledgeDataBucket, acknowledger } from '../nag';

/** The function's code: picks the training data prefix for the requested dataset and counts its rows. */
const PREPROCESS = `
import json


def handler(event, context):
    # A real function would split or copy the data; this one derives the location deterministically.
    source = event["source"]
    prefix = source.rsplit("/", 1)[0]
    return {"train_path": prefix + "/train/", "rows": 4177}
`;

/**
 * A Lambda step that prepares the data and returns where it put it (`train_path`), a training job
 * that reads that location, and a Fail step that reports the model's location (a dry run).
 */
export class LambdaConnectedStack extends Stack {
  public readonly pipeline: Pipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const bucket = new s3.Bucket(this, 'Data', {
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    const fn = new lambda.Function(this, 'Preprocess', {
      runtime: lambda.Runtime.PYTHON_3_12,
      handler: 'index.handler',
      code: lambda.Code.fromInline(PREPROCESS),
      timeout: Duration.minutes(5),
      description: 'Prepares the training data of the lambda-connected pipeline',
    });
    // lambda.Function's DependsOn on its role repeats the dependency of its Role GetAtt (cfn-lint W3005).
    (fn.node.defaultChild as lambda.CfnFunction).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
    const source = new ParameterString('InputData', { defaultValue: 's3://example-bucket/abalone/raw.csv' });

    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineName: 'lambda-connected',
      description: 'Lambda -> Train -> Model -> Fail: a Lambda step output feeds a training channel',
    });

    const prep = new LambdaStep(this.pipeline, 'Prep', {
      function: fn,
      inputs: { source: source.valueAsString },
      outputs: [{ outputName: 'train_path' }, { outputName: 'rows', outputType: LambdaOutputType.INTEGER }],
    });

    const xgboost = ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1');
    const train = new TrainingStep(this.pipeline, 'Train', {
      image: xgboost,
      outputPath: `s3://${bucket.bucketName}/models`,
      inputs: [TrainingInput.s3('train', prep.properties.Outputs.train_path, { contentType: 'text/csv' })],
      hyperparameters: { objective: 'reg:squarederror', num_round: 50 },
    });

    // The trained artifact becomes a SageMaker model (the seed article's Lambda -> Train -> Model).
    const model = new ModelStep(this.pipeline, 'Model', {
      container: { image: xgboost, modelData: train.properties.ModelArtifacts.S3ModelArtifacts },
    });

    new FailStep(this.pipeline, 'Report', {
      errorMessage: `Dry run: trained on ${prep.output('rows')} rows; model ${model.properties.ModelName} from ${train.properties.ModelArtifacts.S3ModelArtifacts}`,
    });
  }
}

/** Why the findings this example keeps are acceptable (docs/ci-gates.md). */
const REASONS = {
  L1_PY: 'Python 3.12 is a supported runtime; the example keeps the version its inline code was written for',
  LAMBDA_LOGS: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs',
};

/** Acknowledges the cdk-nag findings specific to this example (the library suppresses its own: docs/iam-proof.md). */
function acknowledgeNagFindings(stack: Stack): void {
  const acknowledge = acknowledger(acknowledgeDataBucket(stack));
  acknowledge('Preprocess', REASONS.LAMBDA_LOGS,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]');
  acknowledge('Preprocess', REASONS.L1_PY, 'AwsSolutions-L1');
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeNagFindings(new LambdaConnectedStack(app, 'LambdaConnected', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
