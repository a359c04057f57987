import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  Condition, ConditionStep, ContainerImage, ExecutionVariable, FailStep, InstanceType, JsonGet, ParameterFloat,
  ParameterString, Pipeline, ProcessingStep, PropertyFile, TrainingInput, TrainingStep,
} from '../../lib';
import { acknowledgeDataBucket } from '../nag';

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

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeDataBucket(new ConditionsStack(app, 'Conditions', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
