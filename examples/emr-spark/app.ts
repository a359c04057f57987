import * as path from 'path';
import { App, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as emr from 'aws-cdk-lib/aws-emr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import {
  ContainerImage, ExecutionVariable, InstanceType, ParameterString, Pipeline, ProcessingStep, RetryPolicy, StepExceptionType, EMRStep, EmrCluster,
} from '../../lib';
import { acknowledgeBucketGrants, acknowledgeDataBucket, acknowledger } from '../nag';

/** Tag that EMR's v2 managed policies require on the cluster and on the resources it uses. */
const EMR_MANAGED_TAG = 'for-use-with-amazon-emr-managed-policies';

/**
 * A Spark job as a pipeline step: an EMR cluster defined in the same app builds per-customer
 * features with `spark-submit` (through `command-runner.jar`), then a processing step checks the
 * features and logs the EMR step's final state, read as `{"Get": "Steps.BuildFeatures.Status.State"}`.
 */
export class EmrSparkStack extends Stack {
  public readonly pipeline: Pipeline;
  public readonly cluster: emr.CfnCluster;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const bucket = new s3.Bucket(this, 'Data', {
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
    });

    // A long-running cluster: one primary and two core nodes in a public subnet of its own VPC.
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 1,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
    });
    Tags.of(vpc).add(EMR_MANAGED_TAG, 'true');
    const serviceRole = new iam.Role(this, 'EmrServiceRole', {
      assumedBy: new iam.ServicePrincipal('elasticmapreduce.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonEMRServicePolicy_v2')],
    });
    const instanceRole = new iam.Role(this, 'EmrInstanceRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    bucket.grantReadWrite(instanceRole);
    const instanceProfile = new iam.CfnInstanceProfile(this, 'EmrInstanceProfile', { roles: [instanceRole.roleName] });

    this.cluster = new emr.CfnCluster(this, 'Cluster', {
      name: 'feature-engineering',
      releaseLabel: 'emr-7.1.0',
      applications: [{ name: 'Spark' }],
      serviceRole: serviceRole.roleArn,
      jobFlowRole: instanceProfile.ref,
      logUri: `s3://${bucket.bucketName}/emr-logs/`,
      instances: {
        ec2SubnetId: vpc.publicSubnets[0].subnetId,
        keepJobFlowAliveWhenNoSteps: true,
        terminationProtected: false,
        masterInstanceGroup: { name: 'Primary', instanceCount: 1, instanceType: 'm5.xlarge', market: 'ON_DEMAND' },
        coreInstanceGroup: { name: 'Core', instanceCount: 2, instanceType: 'm5.xlarge', market: 'ON_DEMAND' },
      },
      tags: [{ key: EMR_MANAGED_TAG, value: 'true' }],
    });

    const inputData = new ParameterString('InputData', { defaultValue: 's3://example-bucket/raw/events/' });
    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineName: 'emr-spark-features',
      description: 'Spark feature engineering on EMR, then a SageMaker processing check',
      parameters: [inputData],
    });

    // The Spark script is an asset; the cluster's instances read it and the data through their role.
    const script = new s3assets.Asset(this, 'EtlScript', { path: path.join(__dirname, 'etl.py') });
    script.grantRead(instanceRole);
    const featuresUri = `s3://${bucket.bucketName}/features/${ExecutionVariable.PIPELINE_EXECUTION_ID}/`;

    const spark = new EMRStep(this.pipeline, 'BuildFeatures', {
      cluster: EmrCluster.fromCfnCluster(this.cluster),
      jar: 'command-runner.jar',
      args: ['spark-submit', '--deploy-mode', 'cluster', script.s3ObjectUrl, '--input', inputData.valueAsString, '--output', featuresUri],
      retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.SERVICE_FAULT, StepExceptionType.THROTTLING], maxAttempts: 3 })],
      description: 'spark-submit etl.py on the feature-engineering cluster',
    });

    // Reading the EMR step's properties makes this step run after it.
    new ProcessingStep(this.pipeline, 'ValidateFeatures', {
      image: ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3'),
      code: path.join(__dirname, 'validate.py'),
      instanceType: InstanceType.M5_XLARGE,
      inputs: [{ inputName: 'features', s3Uri: featuresUri, localPath: '/opt/ml/processing/features' }],
      containerArguments: ['--emr-step-id', spark.properties.Id, '--emr-step-state', spark.properties.Status.State],
    });
  }
}

/** Why the findings this example keeps are acceptable (docs/ci-gates.md). */
const REASONS = {
  ASSET: 'the EMR instance role reads the content-hashed CDK asset of the Spark script (Asset.grantRead)',
  EMR: 'example EMR cluster: security configurations with encryption and Kerberos/key-pair authentication need account-specific KMS keys, certificates and key pairs',
  EMR_SVC: 'AmazonEMRServicePolicy_v2 is the service-role policy EMR documents for release 6+ clusters; EMR needs it to manage the EC2 resources of the cluster',
  PREFIX: 'jobs read and write objects under this example prefix whose names are known only at run time (per execution or per job)',
  VPC7: 'example VPC for a short-lived example EMR cluster',
};

/** Acknowledges the cdk-nag findings specific to this example (the library suppresses its own: docs/iam-proof.md). */
function acknowledgeNagFindings(stack: Stack): void {
  const acknowledge = acknowledger(acknowledgeDataBucket(stack));
  acknowledge('Vpc', REASONS.VPC7, 'AwsSolutions-VPC7');
  acknowledge('EmrServiceRole', REASONS.EMR_SVC,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2]');
  acknowledgeBucketGrants(acknowledge, 'EmrInstanceRole', 'readWrite');
  acknowledge('EmrInstanceRole', REASONS.PREFIX, 'AwsSolutions-IAM5[Resource::<Data666C94C7.Arn>/*]');
  acknowledge('EmrInstanceRole', REASONS.ASSET,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-us-east-1/*]');
  acknowledge('Cluster', REASONS.EMR,
    'AwsSolutions-EMR4',
    'AwsSolutions-EMR5',
    'AwsSolutions-EMR6');
}

/** Builds the example app. */
export function createApp(app: App = new App()): App {
  acknowledgeNagFindings(new EmrSparkStack(app, 'EmrSpark', { env: { region: 'us-east-1' } }));
  return app;
}

if (require.main === module) {
  createApp().synth();
}
