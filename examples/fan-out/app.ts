import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  Condition, ConditionStep, ContainerImage, FailStep, FanOut, InstanceType, JsonGet, ModelPackageGroup,
  ParameterFloat, Pipeline, ProcessingInput, ProcessingOutput, ProcessingStep, PropertyFile, RegisterModelStep,
  S3Location, TrainingInput, TrainingStep,
} from '../../lib';
import { acknowledger } from '../nag';

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
const REASONS = {
  ASSET: 'read access to content-hashed CDK assets (the evaluation script): Asset.grantRead grants the read action group of CDK (s3:GetObject*, s3:GetBucket*, s3:List*) on the asset objects',
  DATA: 'the jobs read the prepared data under the abalone/ prefixes of the data bucket, one object per split',
  JOB: 'SageMaker Pipelines names each job at run time (pipelines-<execution id>-<step>-...), so the pipeline role can only be scoped to the ARN prefix of this job type in the account and Region',
  LOGS: 'SageMaker jobs write to the /aws/sagemaker/<JobType> log groups with one stream per job, named at run time',
  PACKAGES: 'model package versions are created at run time in this one model package group, so the grant is scoped to the packages of the group (its name as given and in lower case, as model package ARNs spell it)',
  PREFIX: 'jobs read and write the default output locations under <pipeline name>/<execution id>/ of the artifact bucket, whose names are known only at run time',
  RW: 'bucket.grantReadWrite grants the read/write action groups of CDK (s3:GetObject*, s3:DeleteObject*, s3:Abort*, ...) on objects of the example bucket whose names are known only at run time',
  S1: 'example data bucket: a production app sends its server access logs to the central access-log bucket of its account (serverAccessLogsBucket), which an example cannot know',
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
  acknowledge('Pipeline/Role', REASONS.PACKAGES,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:us-east-1:<AWS::AccountId>:model-package/FanOutModels/*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:us-east-1:<AWS::AccountId>:model-package/fanoutmodels/*]');
  acknowledge('Pipeline/JobRole', REASONS.LOGS,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:us-east-1:<AWS::AccountId>:log-group:/aws/sagemaker/*]');
  acknowledge('Pipeline/JobRole', REASONS.STAR,
    'AwsSolutions-IAM5[Resource::*]');
  acknowledge('Pipeline/JobRole', REASONS.DATA,
    'AwsSolutions-IAM5[Resource::<Data666C94C7.Arn>/abalone/train/*]',
    'AwsSolutions-IAM5[Resource::<Data666C94C7.Arn>/abalone/validation/*]',
    'AwsSolutions-IAM5[Resource::<Data666C94C7.Arn>/abalone/test/*]');
  acknowledge('Pipeline/JobRole', REASONS.PREFIX,
    'AwsSolutions-IAM5[Resource::<Data666C94C7.Arn>/fan-out/*]');
  acknowledge('Pipeline/JobRole', REASONS.ASSET,
    'AwsSolutions-IAM5[Action::s3:GetObject*]',
    'AwsSolutions-IAM5[Action::s3:GetBucket*]',
    'AwsSolutions-IAM5[Action::s3:List*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-us-east-1/*]');
  acknowledge('Pipeline/JobRole', REASONS.RW,
    'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
    'AwsSolutions-IAM5[Action::s3:Abort*]');
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeNagFindings(new FanOutStack(app, 'FanOut', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
