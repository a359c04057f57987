import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ContainerImage, ExecutionVariable, InstanceType, ModelApprovalStatus, ModelPackageGroup, ModelStep, ParameterString,
  Pipeline, ProcessingStep, RegisterModelStep, RetryPolicy, StepExceptionType, TrainingInput, TrainingStep,
  TransformSplitType, TransformStep,
} from '../../lib';
import { acknowledger } from '../nag';

const XGBOOST = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';
const SKLEARN = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';

/**
 * Train a model, create a SageMaker model from it and score a batch with it, evaluate it, and
 * register it in a model package group with an approval status chosen per execution.
 */
export class ModelRegistryStack extends Stack {
  public readonly pipeline: Pipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const bucket = new s3.Bucket(this, 'Data', {
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    const trainData = new ParameterString('TrainData', { defaultValue: 's3://example-bucket/churn/train' });
    const batchData = new ParameterString('BatchData', { defaultValue: 's3://example-bucket/churn/batch' });
    const approval = new ParameterString('ModelApprovalStatus', {
      defaultValue: 'PendingManualApproval',
      enumValues: ['Approved', 'Rejected', 'PendingManualApproval'],
    });

    const group = new ModelPackageGroup(this, 'ChurnModels', {
      modelPackageGroupName: 'churn-models',
      description: 'Churn XGBoost models trained by the model-registry pipeline',
    });

    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineName: 'model-registry',
      description: 'Train -> CreateModel -> Transform, and Evaluate -> RegisterModel',
    });

    const train = new TrainingStep(this.pipeline, 'Train', {
      image: ContainerImage.fromRegistry(XGBOOST),
      instanceType: InstanceType.M5_XLARGE,
      outputPath: `s3://${bucket.bucketName}/models`,
      inputs: [TrainingInput.s3('train', trainData.valueAsString, { contentType: 'text/csv' })],
      hyperparameters: { objective: 'binary:logistic', num_round: 100 },
    });
    const modelData = train.properties.ModelArtifacts.S3ModelArtifacts;

    const model = new ModelStep(this.pipeline, 'CreateModel', {
      container: { image: ContainerImage.fromRegistry(XGBOOST), modelData },
      retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING], maxAttempts: 3 })],
    });

    new TransformStep(this.pipeline, 'Score', {
      modelName: model.properties.ModelName,
      inputS3Uri: batchData.valueAsString,
      contentType: 'text/csv',
      splitType: TransformSplitType.LINE,
      outputPath: `s3://${bucket.bucketName}/${ExecutionVariable.PIPELINE_EXECUTION_ID}/scores`,
    });
    // The transform job runs as the model's execution role (the pipeline's job role).
    bucket.grantReadWrite(model.executionRole);

    const evaluate = new ProcessingStep(this.pipeline, 'Evaluate', {
      image: ContainerImage.fromRegistry(SKLEARN),
      instanceType: InstanceType.M5_LARGE,
      inputs: [{ inputName: 'model', s3Uri: modelData, localPath: '/opt/ml/processing/model' }],
      outputs: [{
        outputName: 'evaluation',
        localPath: '/opt/ml/processing/evaluation',
        s3Uri: `s3://${bucket.bucketName}/${ExecutionVariable.PIPELINE_EXECUTION_ID}/evaluation`,
      }],
    });

    new RegisterModelStep(this.pipeline, 'Register', {
      container: { image: ContainerImage.fromRegistry(XGBOOST), modelData, framework: 'XGBOOST', frameworkVersion: '1.7-1' },
      modelPackageGroup: group,
      modelApprovalStatus: ModelApprovalStatus.of(approval.valueAsString),
      supportedContentTypes: ['text/csv'],
      supportedResponseMIMETypes: ['text/csv'],
      supportedTransformInstanceTypes: [InstanceType.M5_XLARGE],
      supportedRealtimeInferenceInstanceTypes: [InstanceType.M5_LARGE],
      modelMetrics: {
        modelQuality: {
          statistics: { s3Uri: `${evaluate.properties.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri}/evaluation.json` },
        },
      },
      customerMetadataProperties: { pipeline: 'model-registry' },
      task: 'CLASSIFICATION',
    });
  }
}

/** Why each cdk-nag AwsSolutions finding that this example keeps is acceptable (docs/ci-gates.md). */
const REASONS = {
  ASSET: 'read access to content-hashed CDK assets (the code, notebook or data of a step): Asset.grantRead and bucket.grantRead grant the read action group of CDK (s3:GetObject*, s3:GetBucket*, s3:List*) on the asset objects',
  ECR_STAR: 'ecr:GetAuthorizationToken supports no resource-level permissions',
  JOB: 'SageMaker Pipelines names each job at run time (pipelines-<execution id>-<step>-...), so the pipeline role can only be scoped to the ARN prefix of this job type in the account and Region',
  LOGS: 'SageMaker jobs write to the /aws/sagemaker/<JobType> log groups with one stream per job, named at run time',
  MODEL: 'SageMaker Pipelines names each model at run time (pipelines-<execution id>-...), so the pipeline role can only be scoped to the model ARN prefix in the account and Region',
  PACKAGES: 'model package versions are created at run time in this one model package group, so the grant is scoped to the packages of the group',
  PREFIX: 'jobs read and write objects under this example prefix whose names are known only at run time (per execution or per job)',
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
  acknowledge('Data', REASONS.S1,
    'AwsSolutions-S1');
  acknowledge('Pipeline/Role', REASONS.JOB,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:us-east-1:<AWS::AccountId>:training-job/*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:us-east-1:<AWS::AccountId>:transform-job/*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:us-east-1:<AWS::AccountId>:processing-job/*]');
  acknowledge('Pipeline/Role', REASONS.MODEL,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:us-east-1:<AWS::AccountId>:model/*]');
  acknowledge('Pipeline/Role', REASONS.PACKAGES,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:us-east-1:<AWS::AccountId>:model-package/churn-models/*]');
  acknowledge('Pipeline/Role', REASONS.ECR_STAR,
    'AwsSolutions-IAM5[Resource::*]');
  acknowledge('Pipeline/JobRole', REASONS.STAR,
    'AwsSolutions-IAM5[Resource::*]');
  acknowledge('Pipeline/JobRole', REASONS.LOGS,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:us-east-1:<AWS::AccountId>:log-group:/aws/sagemaker/*]');
  acknowledge('Pipeline/JobRole', REASONS.PREFIX,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<Data666C94C7>/models*]',
    'AwsSolutions-IAM5[Resource::<Data666C94C7.Arn>/*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<Data666C94C7>/*]');
  acknowledge('Pipeline/JobRole', REASONS.ASSET,
    'AwsSolutions-IAM5[Action::s3:GetObject*]',
    'AwsSolutions-IAM5[Action::s3:GetBucket*]',
    'AwsSolutions-IAM5[Action::s3:List*]');
  acknowledge('Pipeline/JobRole', REASONS.RW,
    'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
    'AwsSolutions-IAM5[Action::s3:Abort*]');
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeNagFindings(new ModelRegistryStack(app, 'ModelRegistry', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
