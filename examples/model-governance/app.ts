import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  CacheConfig, CheckJobConfig, ClarifyCheckStep, ClarifyCheckType, ContainerImage, DatasetFormat, InstanceType,
  ModelQualityProblemType, ParameterBoolean, ParameterString, Pipeline, QualityCheckStep, QualityCheckType,
  RegisterModelStep,
} from '../../lib';

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

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  new ModelGovernanceStack(app, 'ModelGovernance', { env: { region: 'us-east-1' } });
  return app;
}

if (require.main === module) {
  createApp().synth();
}
