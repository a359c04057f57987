import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  Condition, ConditionStep, ContainerImage, ExecutionVariable, FailStep, InstanceType, JsonGet, ParameterFloat,
  ParameterString, Pipeline, ProcessingStep, PropertyFile, TrainingInput, TrainingStep,
} from '../../lib';
import { acknowledger } from '../nag';

/**
 * A quality gate: `Evaluate` measures a baseline's MSE on the input data and writes it to a property
 * file; `CheckMse` compares it with the `MseThreshold` parameter and either trains XGBoost (`Train`)
 * or stops the execution with a message that quotes the MSE (`MseTooHigh`).
 */
export class ConditionsStack extends Stack {
  public readonly pipeline: Pipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const bucket = new s3.Bucket(this, 'Data', {
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    const inputData = new ParameterString('InputData', { defaultValue: 's3://example-bucket/abalone/raw.csv' });
    const mseThreshold = new ParameterFloat('MseThreshold', { defaultValue: 6.0 });

    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineName: 'conditions',
      description: 'Evaluate -> CheckMse -> Train if the baseline MSE is within the threshold, else Fail',
    });

    const evaluation = new PropertyFile({ propertyFileName: 'EvaluationReport', outputName: 'evaluation', filePath: 'evaluation.json' });
    const evaluate = new ProcessingStep(this.pipeline, 'Evaluate', {
      image: ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3'),
      code: path.join(__dirname, 'evaluate.py'),
      instanceType: InstanceType.M5_XLARGE,
      inputs: [{ inputName: 'raw', s3Uri: inputData.valueAsString, localPath: '/opt/ml/processing/input' }],
      outputs: [
        { outputName: 'evaluation', localPath: '/opt/ml/processing/evaluation', s3Uri: `s3://${bucket.bucketName}/${ExecutionVariable.PIPELINE_EXECUTION_ID}/evaluation` },
        { outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: `s3://${bucket.bucketName}/${ExecutionVariable.PIPELINE_EXECUTION_ID}/train` },
      ],
      propertyFiles: [evaluation],
    });
    const mse = JsonGet.fromPropertyFile(evaluation, 'regression_metrics.mse.value');

    // Branch steps are created in the pipeline as usual; the condition step renders them in its branches.
    const train = new TrainingStep(this.pipeline, 'Train', {
      image: ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1'),
      outputPath: `s3://${bucket.bucketName}/models`,
      inputs: [TrainingInput.s3('train', evaluate.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri, { contentType: 'text/csv' })],
      hyperparameters: { objective: 'reg:squarederror', num_round: 50, max_depth: 5, eta: 0.2 },
    });
    const fail = new FailStep(this.pipeline, 'MseTooHigh', {
      errorMessage: `Baseline MSE ${mse} is above the threshold ${mseThreshold.valueAsNumber}; not training.`,
    });

    new ConditionStep(this.pipeline, 'CheckMse', {
      conditions: [Condition.lessThanOrEqualTo(mse, mseThreshold)],
      ifSteps: [train],
      elseSteps: [fail],
    });
  }
}

/** Why each cdk-nag AwsSolutions finding that this example keeps is acceptable (docs/ci-gates.md). */
const REASONS = {
  S1: 'example data bucket: a production app sends its server access logs to the central access-log bucket of its account (serverAccessLogsBucket), which an example cannot know',
  ASSET: 'read access to content-hashed CDK assets (the code, notebook or data of a step): Asset.grantRead and bucket.grantRead grant the read action group of CDK (s3:GetObject*, s3:GetBucket*, s3:List*) on the asset objects',
  JOB: 'SageMaker Pipelines names each job at run time (pipelines-<execution id>-<step>-...), so the pipeline role can only be scoped to the ARN prefix of this job type in the account and Region',
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
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:us-east-1:<AWS::AccountId>:processing-job/*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:us-east-1:<AWS::AccountId>:training-job/*]');
  acknowledge('Pipeline/JobRole', REASONS.LOGS,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:us-east-1:<AWS::AccountId>:log-group:/aws/sagemaker/*]');
  acknowledge('Pipeline/JobRole', REASONS.STAR,
    'AwsSolutions-IAM5[Resource::*]');
  acknowledge('Pipeline/JobRole', REASONS.PREFIX,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<Data666C94C7>/*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<Data666C94C7>/models*]');
  acknowledge('Pipeline/JobRole', REASONS.ASSET,
    'AwsSolutions-IAM5[Action::s3:GetObject*]',
    'AwsSolutions-IAM5[Action::s3:GetBucket*]',
    'AwsSolutions-IAM5[Action::s3:List*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-us-east-1/*]');
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeNagFindings(new ConditionsStack(app, 'Conditions', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
