import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ContainerImage, FailStep, ParameterString, Pipeline, TrainingInput, TrainingStep, LambdaOutputType, LambdaStep,
} from '../../lib';

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
      description: 'Lambda -> Train -> Fail: a Lambda step output feeds a training channel',
    });

    const prep = new LambdaStep(this.pipeline, 'Prep', {
      function: fn,
      inputs: { source: source.valueAsString },
      outputs: [{ outputName: 'train_path' }, { outputName: 'rows', outputType: LambdaOutputType.INTEGER }],
    });

    const train = new TrainingStep(this.pipeline, 'Train', {
      image: ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1'),
      outputPath: `s3://${bucket.bucketName}/models`,
      inputs: [TrainingInput.s3('train', prep.properties.Outputs.train_path, { contentType: 'text/csv' })],
      hyperparameters: { objective: 'reg:squarederror', num_round: 50 },
    });

    new FailStep(this.pipeline, 'Report', {
      errorMessage: `Dry run: trained on ${prep.output('rows')} rows; model at ${train.properties.ModelArtifacts.S3ModelArtifacts}`,
    });
  }
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  new LambdaConnectedStack(app, 'LambdaConnected', { env: { region: 'us-east-1' } });
  return app;
}

if (require.main === module) {
  createApp().synth();
}
