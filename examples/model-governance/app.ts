import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  CacheConfig, CheckJobConfig, ClarifyCheckStep, ClarifyCheckType, ContainerImage, DatasetFormat, InstanceType,
  ModelQualityProblemType, ParameterBoolean, ParameterString, Pipeline, QualityCheckStep, QualityCheckType,
  RegisterModelStep,
} from '../../lib';
import { acknowledger } from '../nag';

/**
 * Model governance: data quality, data bias and model quality checks calculate baselines, compare
 * them with those of the latest approved model of the group, and hand the baselines to the model
 * registration as its drift-check baselines and metrics.
 */
export class ModelGovernanceStack extends Stack {
  public readonly pipeline: Pipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    // Access logs are delivered under a bucket policy, not the legacy log-delivery ACL (cfn-lint W3045).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);

    const trainData = new ParameterString('TrainData', { defaultValue: 's3://example-bucket/churn/train.csv' });
    const predictions = new ParameterString('ValidationPredictions', { defaultValue: 's3://example-bucket/churn/validation-predictions.csv' });
    const modelData = new ParameterString('ModelData', { defaultValue: 's3://example-bucket/churn/model.tar.gz' });
    // The first execution has no approved model to compare with: start it with SkipChecks=true.
    const skipChecks = new ParameterBoolean('SkipChecks', { defaultValue: false });
    const registerNewBaselines = new ParameterBoolean('RegisterNewBaselines', { defaultValue: false });
    const modelPackageGroupName = 'churn-models';

    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineName: 'model-governance',
      description: 'Check data quality, data bias and model quality, then register the model with its baselines',
      // Where the checks write their results, one prefix per execution and step.
      artifactBucket: new s3.Bucket(this, 'Artifacts', {
        // Server access logs go to a bucket of their own (cdk-nag AwsSolutions-S1).
        serverAccessLogsBucket: new s3.Bucket(this, 'AccessLogs', {
          enforceSSL: true,
          blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
          encryption: s3.BucketEncryption.S3_MANAGED,
        }),
        enforceSSL: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        encryption: s3.BucketEncryption.S3_MANAGED,
      }),
    });

    const checkJobConfig: CheckJobConfig = { instanceType: InstanceType.M5_XLARGE, volumeSizeInGB: 30 };
    const common = {
      checkJobConfig,
      skipCheck: skipChecks,
      registerNewBaseline: registerNewBaselines,
      modelPackageGroupName,
      cacheConfig: CacheConfig.enabled('P30D'),
    };

    const dataQuality = new QualityCheckStep(this.pipeline, 'DataQualityCheck', {
      ...common,
      checkType: QualityCheckType.DATA_QUALITY,
      baselineDataset: trainData.valueAsString,
      datasetFormat: DatasetFormat.csv({ header: true }),
    });

    const dataBias = new ClarifyCheckStep(this.pipeline, 'DataBiasCheck', {
      ...common,
      checkType: ClarifyCheckType.DATA_BIAS,
      dataConfig: {
        s3DataInputPath: trainData.valueAsString,
        label: 'churn',
        headers: ['churn', 'age', 'tenure', 'monthly_charges', 'gender'],
      },
      biasConfig: { labelValuesOrThreshold: [1], facets: [{ nameOrIndex: 'gender', valueOrThreshold: ['female'] }] },
    });

    const modelQuality = new QualityCheckStep(this.pipeline, 'ModelQualityCheck', {
      ...common,
      checkType: QualityCheckType.MODEL_QUALITY,
      baselineDataset: predictions.valueAsString,
      datasetFormat: DatasetFormat.csv({ header: true }),
      problemType: ModelQualityProblemType.BINARY_CLASSIFICATION,
      inferenceAttribute: 'prediction',
      probabilityAttribute: 'probability',
      groundTruthAttribute: 'churn',
      probabilityThresholdAttribute: 0.5,
    });

    new RegisterModelStep(this.pipeline, 'RegisterModel', {
      container: {
        image: ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1'),
        modelData: modelData.valueAsString,
      },
      modelPackageGroupName,
      supportedContentTypes: ['text/csv'],
      supportedResponseMIMETypes: ['text/csv'],
      modelMetrics: {
        modelDataQuality: {
          statistics: { s3Uri: dataQuality.properties.CalculatedBaselineStatistics },
          constraints: { s3Uri: dataQuality.properties.CalculatedBaselineConstraints },
        },
        modelQuality: {
          statistics: { s3Uri: modelQuality.properties.CalculatedBaselineStatistics },
          constraints: { s3Uri: modelQuality.properties.CalculatedBaselineConstraints },
        },
      },
      driftCheckBaselines: {
        modelDataQuality: {
          statistics: { s3Uri: dataQuality.properties.BaselineUsedForDriftCheckStatistics },
          constraints: { s3Uri: dataQuality.properties.BaselineUsedForDriftCheckConstraints },
        },
        modelQuality: {
          statistics: { s3Uri: modelQuality.properties.BaselineUsedForDriftCheckStatistics },
          constraints: { s3Uri: modelQuality.properties.BaselineUsedForDriftCheckConstraints },
        },
        bias: {
          configFile: { s3Uri: dataBias.analysisConfigS3Uri },
          preTrainingConstraints: { s3Uri: dataBias.properties.BaselineUsedForDriftCheckConstraints },
        },
      },
    });
  }
}

/** Why each cdk-nag AwsSolutions finding that this example keeps is acceptable (docs/ci-gates.md). */
const REASONS = {
  BD: 'CDK-internal BucketDeployment custom-resource function (aws-cdk-lib manages its runtime, managed policy and the read/write grants it needs to copy the Clarify analysis config, unzipped, into the artifact bucket)',
  CONFIG: 'read access to the content-hashed prefix holding the Clarify analysis config (assets/<hash>/analysis_config.json); the object name inside it is fixed by the Clarify container',
  ASSET: 'read access to the content-hashed CDK file asset (the Clarify analysis config) in the bootstrap bucket; Asset.grantRead grants the read action group of CDK (s3:GetObject*, s3:GetBucket*, s3:List*) on the bucket',
  JOB: 'SageMaker Pipelines names each job at run time (pipelines-<execution id>-<step>-...), so the pipeline role can only be scoped to the ARN prefix of this job type in the account and Region',
  PACKAGES: 'model package versions of the group are created at run time (model-package/<group>/<version>)',
  LOGS: 'SageMaker jobs write to the /aws/sagemaker/<JobType> log groups with one stream per job, named at run time',
  PREFIX: 'jobs write their results under a per-execution prefix of the artifact bucket whose names are known only at run time',
  RW: 'bucket.grantReadWrite grants the read/write action groups of CDK (s3:GetObject*, s3:DeleteObject*, s3:Abort*, ...) on the per-execution prefix of the artifact bucket',
  STAR: 'ecr:GetAuthorizationToken and cloudwatch:PutMetricData (conditioned on the /aws/sagemaker namespaces) support no resource-level permissions',
};

/**
 * Acknowledges, each with its reason, the cdk-nag AwsSolutions findings this example keeps on purpose;
 * `npm run synth:examples` fails on any other finding.
 */
function acknowledgeNagFindings(stack: Stack): void {
  const acknowledge = acknowledger(stack);
  acknowledge('Pipeline/Role', REASONS.JOB,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:us-east-1:<AWS::AccountId>:processing-job/*]');
  acknowledge('Pipeline/Role', REASONS.PACKAGES,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:us-east-1:<AWS::AccountId>:model-package/churn-models/*]');
  acknowledge('Pipeline/Role', REASONS.STAR,
    'AwsSolutions-IAM5[Resource::*]');
  acknowledge('Pipeline/JobRole', REASONS.STAR,
    'AwsSolutions-IAM5[Resource::*]');
  acknowledge('Pipeline/JobRole', REASONS.LOGS,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:us-east-1:<AWS::AccountId>:log-group:/aws/sagemaker/*]');
  acknowledge('Pipeline/JobRole', REASONS.ASSET,
    'AwsSolutions-IAM5[Action::s3:GetObject*]',
    'AwsSolutions-IAM5[Action::s3:GetBucket*]',
    'AwsSolutions-IAM5[Action::s3:List*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-us-east-1/*]');
  acknowledge('Pipeline/JobRole', REASONS.RW,
    'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
    'AwsSolutions-IAM5[Action::s3:Abort*]');
  acknowledge('Pipeline/JobRole', REASONS.PREFIX,
    'AwsSolutions-IAM5[Resource::<Artifacts82DD59A1.Arn>/model-governance/*]');
  acknowledge('Pipeline/JobRole', REASONS.CONFIG,
    'AwsSolutions-IAM5[Resource::<Artifacts82DD59A1.Arn>/assets/ca298a4973bc1227fb59542271feb1e6a061d1a742f7fb50bf1956dbc891453d/*]');
  acknowledge('Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C', REASONS.BD,
    'AwsSolutions-IAM5[Action::s3:GetObject*]',
    'AwsSolutions-IAM5[Action::s3:GetBucket*]',
    'AwsSolutions-IAM5[Action::s3:List*]',
    'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
    'AwsSolutions-IAM5[Action::s3:Abort*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-us-east-1/*]',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'AwsSolutions-IAM5[Resource::<Artifacts82DD59A1.Arn>/*]',
    'AwsSolutions-L1');
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeNagFindings(new ModelGovernanceStack(app, 'ModelGovernance', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
