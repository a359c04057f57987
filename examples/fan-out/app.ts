import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  Condition, ConditionStep, ContainerImage, FailStep, FanOut, InstanceType, JsonGet, ModelPackageGroup,
  ParameterFloat, Pipeline, ProcessingInput, ProcessingOutput, ProcessingStep, PropertyFile, RegisterModelStep,
  S3Location, TrainingInput, TrainingStep,
} from '../../lib';
import { acknowledgeDataBucket } from '../nag';

/** The XGBoost framework version of training, evaluation and the registered models. */
const XGBOOST_VERSION = '1.7-1';

/** One hyperparameter set to train: its name is the key that names the branch's steps. */
interface HyperparameterSet {
  readonly name: string;
  readonly maxDepth: number;
  readonly eta: number;
}

/** The sets, known at synth (they could come from a configuration file read by the app). */
const SETS: HyperparameterSet[] = [
  { name: 'shallow', maxDepth: 3, eta: 0.3 },
  { name: 'medium', maxDepth: 6, eta: 0.2 },
  { name: 'deep', maxDepth: 10, eta: 0.1 },
];

/**
 * Fan-out at synth time: one XGBoost model per hyperparameter set, trained and evaluated in
 * parallel, then one condition over all their metrics.
 *
 *   Train-shallow -> Evaluate-shallow \
 *   Train-medium  -> Evaluate-medium   -> AllWithinThreshold -> if every RMSE <= RmseThreshold: Register-shallow, Register-medium, Register-deep
 *   Train-deep    -> Evaluate-deep    /                        else: RmseTooHigh
 *
 * At most two branches run at the same time (`maxConcurrency: 2`): Train-deep waits for the
 * shallow branch to finish.
 */
export class FanOutStack extends Stack {
  public readonly pipeline: Pipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Prepared data under abalone/train/, abalone/validation/ and abalone/test/; also the artifact bucket.
    const bucket = new s3.Bucket(this, 'Data', {
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    const rmseThreshold = new ParameterFloat('RmseThreshold', { defaultValue: 2.5 });
    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineName: 'fan-out',
      description: 'One XGBoost model per hyperparameter set, trained and evaluated in parallel; all registered if every RMSE is within the threshold',
      parameters: [rmseThreshold],
      artifactBucket: bucket,
    });
    const image = ContainerImage.xgboost(XGBOOST_VERSION);

    // One branch per set: Train-<name> and Evaluate-<name>; the branch returns the model and its RMSE.
    const perSet = new FanOut(this.pipeline, 'PerSet', {
      items: SETS,
      key: (set) => set.name,
      maxConcurrency: 2,
      branch: (branch) => {
        const train = new TrainingStep(branch, 'Train', {
          image,
          instanceType: InstanceType.M5_XLARGE,
          hyperparameters: { objective: 'reg:squarederror', num_round: 50, max_depth: branch.item.maxDepth, eta: branch.item.eta },
          inputs: [
            TrainingInput.s3('train', S3Location.fromBucket(bucket, 'abalone/train/'), { contentType: 'text/csv' }),
            TrainingInput.s3('validation', S3Location.fromBucket(bucket, 'abalone/validation/'), { contentType: 'text/csv' }),
          ],
        });
        const modelData = train.properties.ModelArtifacts.S3ModelArtifacts;
        // Property files belong to one step each: one per branch, same name (the step names differ).
        const report = new PropertyFile({ propertyFileName: 'EvaluationReport', outputName: 'evaluation', filePath: 'evaluation.json' });
        new ProcessingStep(branch, 'Evaluate', {
          image,
          code: path.join(__dirname, 'evaluate.py'),
          containerEntrypoint: ['python3'],
          instanceType: InstanceType.M5_XLARGE,
          inputs: [
            ProcessingInput.fromS3Uri('model', modelData, { localPath: '/opt/ml/processing/model' }),
            ProcessingInput.fromBucket('test', bucket, 'abalone/test/', { localPath: '/opt/ml/processing/test' }),
          ],
          outputs: [ProcessingOutput.default('evaluation', { localPath: '/opt/ml/processing/evaluation' })],
          propertyFiles: [report],
        });
        return { modelData, rmse: JsonGet.fromPropertyFile(report, 'regression_metrics.rmse.value') };
      },
    });

    // The models are registered only if all of them pass; a second fan-out over the same sets
    // creates Register-<name>, which the join condition runs in its if-branch.
    const group = new ModelPackageGroup(this, 'ModelPackageGroup', {
      modelPackageGroupName: 'FanOutModels',
      description: 'XGBoost models of the fan-out example, one version per hyperparameter set and execution',
    });
    const register = new FanOut(this.pipeline, 'Register', {
      items: perSet.branches,
      key: (b) => b.key,
      branch: (branch) => new RegisterModelStep(branch, 'Register', {
        container: { image, modelData: branch.item.result.modelData, framework: 'XGBOOST', frameworkVersion: XGBOOST_VERSION },
        modelPackageGroup: group,
        modelPackageDescription: `max_depth ${branch.item.item.maxDepth}, eta ${branch.item.item.eta}`,
        supportedContentTypes: ['text/csv'],
        supportedResponseMIMETypes: ['text/csv'],
        supportedRealtimeInferenceInstanceTypes: [InstanceType.M5_XLARGE],
        supportedTransformInstanceTypes: [InstanceType.M5_XLARGE],
      }),
    });

    // The join: reads every branch's RMSE, so it runs after every Evaluate step.
    const rmses = perSet.results.map((r) => r.rmse);
    const fail = new FailStep(this.pipeline, 'RmseTooHigh', {
      errorMessage: `A model is above the RMSE threshold ${rmseThreshold.valueAsNumber}: ${SETS.map((set, i) => `${set.name} ${rmses[i]}`).join(', ')}`,
    });
    new ConditionStep(this.pipeline, 'AllWithinThreshold', {
      conditions: rmses.map((rmse) => Condition.lessThanOrEqualTo(rmse, rmseThreshold)),
      ifSteps: register.steps,
      elseSteps: [fail],
    });
  }
}

/** Why each cdk-nag AwsSolutions finding that this example keeps is acceptable (docs/ci-gates.md). */
/**
 * Acknowledges the cdk-nag AwsSolutions finding specific to this example (its data bucket has no access
 * log); the library suppresses its own inherent ones. `npm run synth:examples` fails on any other finding.
 */
function acknowledgeNagFindings(stack: Stack): void {
  acknowledgeDataBucket(stack);
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeNagFindings(new FanOutStack(app, 'FanOut', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
