import * as path from 'path';
import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  ContainerImage, InstanceType, NotebookJobStep, ParameterString, Pipeline, RetryPolicy, SageMakerJobExceptionType,
} from '../../lib';
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

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  new NotebookJobStack(app, 'NightlyReport', { env: { region: 'us-east-1' } });
  return app;
}

if (require.main === module) {
  createApp().synth();
}
