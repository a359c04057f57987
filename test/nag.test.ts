import { App, CfnParameter, Duration, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  ContainerImage, FanOut, LambdaStep, ModelApprovalStatus, ParameterString, Pipeline, ProcessingStep,
  RegisterModelStep, TrainingStep, TransformStep,
} from '../lib';
import { definitionOf, newStack } from './util';
import { SageMakerPipelinesChecks, SageMakerPipelinesChecksProps, SageMakerPipelinesRules } from '../lib/nag';
import { checkJobEncryption, checkNetworkIsolation, checkVpcPlacement, isSecretName, secretReason } from '../lib/nag/checks';

const IMAGE = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1');

/**
 * The pack's findings for `stack` as `rule id @ construct path`, sorted. The stack is synthesized
 * first through `definitionOf`, so every pipeline of these tests is also a valid definition.
 */
function findings(stack: Stack, props: SageMakerPipelinesChecksProps = {}, rulePrefix?: string): string[] {
  definitionOf(stack);
  const report = new SageMakerPipelinesChecks(undefined, props).validateScope(stack);
  return report.violations
    .filter((v) => rulePrefix === undefined || v.ruleName.startsWith(rulePrefix))
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`))
    .sort();
}

/** A pipeline whose jobs satisfy every rule: keys, VPC, network isolation, pending approval, no secrets. */
function compliantPipeline(): { stack: Stack; pipeline: Pipeline } {
  const { stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'governed' });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const secret = new secretsmanager.Secret(stack, 'DbSecret');
  new ProcessingStep(pipeline, 'Prep', {
    image: IMAGE,
    networkConfig: { vpc, enableNetworkIsolation: true },
    volumeKmsKey: key,
    outputKmsKey: key,
    environment: { DB_SECRET_ARN: secret.secretArn, MAX_TOKENS: '512', PASSWORD_MIN_LENGTH: '12' },
    outputs: [{ outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: 's3://example-bucket/train' }],
  });
  const train = new TrainingStep(pipeline, 'Train', {
    image: IMAGE,
    outputPath: 's3://example-bucket/models',
    vpc,
    enableNetworkIsolation: true,
    volumeKmsKey: key,
    outputKmsKey: key,
    hyperparameters: { max_depth: 5, eval_metric: 'auc' },
  });
  new TransformStep(pipeline, 'Score', {
    modelName: 'churn-xgboost-v3',
    inputS3Uri: 's3://example-bucket/batch/input',
    outputPath: 's3://example-bucket/batch/output',
    volumeKmsKey: key,
    outputKmsKey: key,
  });
  new RegisterModelStep(pipeline, 'Register', {
    container: { image: IMAGE, modelData: train.properties.ModelArtifacts.S3ModelArtifacts },
    modelPackageGroupName: 'churn-models',
  });
  const fn = new lambda.Function(stack, 'Notify', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})'), timeout: Duration.minutes(10) });
  new LambdaStep(pipeline, 'NotifyStep', { function: fn, inputs: { model: train.properties.ModelArtifacts.S3ModelArtifacts } });
  pipeline.addParameter(new ParameterString('InputData', { defaultValue: 's3://example-bucket/input.csv' }), new ParameterString('ApiTokenSecretName', { defaultValue: '/prod/api-token' }));
  return { stack, pipeline };
}

describe('SageMakerPipelinesChecks', () => {
  test('a pipeline that follows every rule has no findings, with customer managed keys required', () => {
    // GIVEN
    const { stack } = compliantPipeline();
    // THEN
    expect(findings(stack, { requireCustomerManagedKeys: true })).toEqual([]);
  });

  describe('JobEncryption', () => {
    function unencrypted(): Stack {
      const { stack } = newStack();
      const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'p' });
      new ProcessingStep(pipeline, 'Prep', { image: IMAGE, outputs: [{ outputName: 'o', localPath: '/opt/ml/processing/o', s3Uri: 's3://b/o' }] });
      new TrainingStep(pipeline, 'Train', { image: IMAGE, outputPath: 's3://b/m', volumeKmsKey: new kms.Key(stack, 'Key') });
      new TransformStep(pipeline, 'Score', { modelName: 'm', inputS3Uri: 's3://b/in', outputPath: 's3://b/out' });
      return stack;
    }

    test('non-compliant: volumes and outputs without a customer managed key, named per step', () => {
      expect(findings(unencrypted(), { requireCustomerManagedKeys: true }, SageMakerPipelinesRules.JOB_ENCRYPTION)).toEqual([
        'SageMakerPipelines-JobEncryption[OutputKmsKeyId] @ Stack/Pipeline/Prep',
        'SageMakerPipelines-JobEncryption[OutputKmsKeyId] @ Stack/Pipeline/Score',
        'SageMakerPipelines-JobEncryption[OutputKmsKeyId] @ Stack/Pipeline/Train',
        'SageMakerPipelines-JobEncryption[VolumeKmsKeyId] @ Stack/Pipeline/Prep',
        'SageMakerPipelines-JobEncryption[VolumeKmsKeyId] @ Stack/Pipeline/Score',
      ]);
    });

    test('only when the app asks for it', () => {
      expect(findings(unencrypted(), {}, SageMakerPipelinesRules.JOB_ENCRYPTION)).toEqual([]);
      expect(new SageMakerPipelinesChecks().ruleIds).not.toContain(SageMakerPipelinesRules.JOB_ENCRYPTION);
      expect(new SageMakerPipelinesChecks(undefined, { requireCustomerManagedKeys: true }).ruleIds).toContain(SageMakerPipelinesRules.JOB_ENCRYPTION);
    });

    test('an AWS managed key alias is not a customer managed key; tuning definitions are checked one by one', () => {
      expect(checkJobEncryption({ Type: 'Training', Arguments: { ResourceConfig: { VolumeKmsKeyId: 'alias/aws/sagemaker' }, OutputDataConfig: { KmsKeyId: 'arn:aws:kms:us-east-1:1:alias/aws/s3' } } }))
        .toEqual(['VolumeKmsKeyId', 'OutputKmsKeyId']);
      expect(checkJobEncryption({
        Type: 'Tuning',
        Arguments: {
          TrainingJobDefinitions: [
            { ResourceConfig: { VolumeKmsKeyId: 'k' }, OutputDataConfig: { KmsKeyId: 'k' } },
            { HyperParameterTuningResourceConfig: { VolumeKmsKeyId: 'k' }, OutputDataConfig: {} },
          ],
        },
      })).toEqual(['TrainingJobDefinitions[1].OutputKmsKeyId']);
      expect(checkJobEncryption({ Type: 'AutoML', Arguments: { AutoMLJobConfig: { SecurityConfig: { VolumeKmsKeyId: 'k' } }, OutputDataConfig: { KmsKeyId: 'k' } } })).toBe('compliant');
      expect(checkJobEncryption({ Type: 'Lambda', Arguments: {} })).toBe('not-applicable');
    });
  });

  describe('NetworkIsolation and VpcPlacement', () => {
    test('non-compliant: training and processing without isolation or a VPC (transform and model steps are not checked)', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'p' });
      new ProcessingStep(pipeline, 'Prep', { image: IMAGE });
      new TrainingStep(pipeline, 'Train', { image: IMAGE, outputPath: 's3://b/m' });
      new TransformStep(pipeline, 'Score', { modelName: 'm', inputS3Uri: 's3://b/in', outputPath: 's3://b/out' });
      // THEN
      expect(findings(stack, {}, 'SageMakerPipelines-NetworkIsolation')).toEqual([
        'SageMakerPipelines-NetworkIsolation[EnableNetworkIsolation] @ Stack/Pipeline/Train',
        'SageMakerPipelines-NetworkIsolation[NetworkConfig.EnableNetworkIsolation] @ Stack/Pipeline/Prep',
      ]);
      expect(findings(stack, {}, 'SageMakerPipelines-VpcPlacement')).toEqual([
        'SageMakerPipelines-VpcPlacement[NetworkConfig.VpcConfig] @ Stack/Pipeline/Prep',
        'SageMakerPipelines-VpcPlacement[VpcConfig] @ Stack/Pipeline/Train',
      ]);
    });

    test('compliant: both set (the compliant pipeline), and a Boolean parameter whose default is true counts', () => {
      expect(findings(compliantPipeline().stack, {}, 'SageMakerPipelines-NetworkIsolation')).toEqual([]);
      expect(findings(compliantPipeline().stack, {}, 'SageMakerPipelines-VpcPlacement')).toEqual([]);
      const context = { parameters: new Map([['Isolate', { Name: 'Isolate', Type: 'Boolean', DefaultValue: true }]]) };
      expect(checkNetworkIsolation({ Type: 'Training', Arguments: { EnableNetworkIsolation: { Get: 'Parameters.Isolate' } } }, context)).toBe('compliant');
      expect(checkNetworkIsolation({ Type: 'Tuning', Arguments: { TrainingJobDefinition: { EnableNetworkIsolation: false } } }, context))
        .toEqual(['TrainingJobDefinition.EnableNetworkIsolation']);
      expect(checkVpcPlacement({ Type: 'Training', Arguments: { VpcConfig: { SecurityGroupIds: ['sg'], Subnets: [] } } })).toEqual(['VpcConfig']);
    });
  });

  describe('ModelApproval', () => {
    function register(status?: ModelApprovalStatus, parameters: ParameterString[] = []): Stack {
      const { stack } = newStack();
      const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'p', parameters });
      new RegisterModelStep(pipeline, 'Register', {
        container: { image: IMAGE, modelData: 's3://b/model.tar.gz' },
        modelPackageGroupName: 'models',
        modelApprovalStatus: status,
      });
      return stack;
    }

    test('non-compliant: Approved, literally or as a parameter default', () => {
      expect(findings(register(ModelApprovalStatus.APPROVED), {}, SageMakerPipelinesRules.MODEL_APPROVAL))
        .toEqual(['SageMakerPipelines-ModelApproval[ModelApprovalStatus] @ Stack/Pipeline/Register']);
      const status = new ParameterString('ApprovalStatus', { defaultValue: 'Approved', enumValues: ['Approved', 'PendingManualApproval'] });
      expect(findings(register(ModelApprovalStatus.of(status.valueAsString), [status]), {}, SageMakerPipelinesRules.MODEL_APPROVAL))
        .toEqual(['SageMakerPipelines-ModelApproval[ModelApprovalStatus=Parameters.ApprovalStatus] @ Stack/Pipeline/Register']);
    });

    test('compliant: the default (pending), or a parameter whose default is pending', () => {
      expect(findings(register(), {}, SageMakerPipelinesRules.MODEL_APPROVAL)).toEqual([]);
      const status = new ParameterString('ApprovalStatus', { defaultValue: 'PendingManualApproval' });
      expect(findings(register(ModelApprovalStatus.of(status.valueAsString), [status]), {}, SageMakerPipelinesRules.MODEL_APPROVAL)).toEqual([]);
    });
  });

  describe('ParameterSecrets', () => {
    test('non-compliant: secret-like defaults, named by parameter, reported at the pipeline', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = new Pipeline(stack, 'Pipeline', {
        pipelineName: 'p',
        parameters: [
          new ParameterString('DbPassword', { defaultValue: 'hunter2' }),
          new ParameterString('Endpoint', { defaultValue: 'postgres://admin:s3cret@db.example.com:5432/app' }),
          new ParameterString('Region', { defaultValue: 'AKIAIOSFODNN7EXAMPLE' }),
          new ParameterString('Resolved', { defaultValue: '{{resolve:secretsmanager:prod/db:SecretString:password}}' }),
          new ParameterString('InputData', { defaultValue: 's3://b/input.csv' }),
          new ParameterString('ApiToken'),
        ],
      });
      new TrainingStep(pipeline, 'Train', { image: IMAGE, outputPath: 's3://b/m' });
      // THEN
      expect(findings(stack, {}, SageMakerPipelinesRules.PARAMETER_SECRETS)).toEqual([
        'SageMakerPipelines-ParameterSecrets[DbPassword] @ Stack/Pipeline',
        'SageMakerPipelines-ParameterSecrets[Endpoint] @ Stack/Pipeline',
        'SageMakerPipelines-ParameterSecrets[Region] @ Stack/Pipeline',
        'SageMakerPipelines-ParameterSecrets[Resolved] @ Stack/Pipeline',
      ]);
    });

    test('compliant: data locations, secret names and ARNs, numbers', () => {
      expect(findings(compliantPipeline().stack, {}, SageMakerPipelinesRules.PARAMETER_SECRETS)).toEqual([]);
    });
  });

  describe('StepSecrets', () => {
    test('non-compliant: literal secrets in environments and hyperparameters, SecretValue and NoEcho values anywhere in a step', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'p' });
      const noEcho = new CfnParameter(stack, 'DbPasswordParam', { noEcho: true });
      new ProcessingStep(pipeline, 'Prep', {
        image: IMAGE,
        environment: {
          API_KEY: 'abc123',
          MAX_TOKENS: '512',
          DB_URL: SecretValue.secretsManager('prod/db').unsafeUnwrap(),
          DB_PASSWORD: noEcho.valueAsString,
        },
      });
      new TrainingStep(pipeline, 'Train', { image: IMAGE, outputPath: 's3://b/m', hyperparameters: { hf_token: 'hf_abcdefghijklmnopqrstuvwxyzABCDEFGH' } });
      const fn = lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:us-east-1:123456789012:function:f');
      new LambdaStep(pipeline, 'Call', { function: fn, inputs: { authToken: 'xyz-not-a-reference' } });
      // THEN
      expect(findings(stack, {}, SageMakerPipelinesRules.STEP_SECRETS)).toEqual([
        'SageMakerPipelines-StepSecrets[Arguments.Environment.API_KEY] @ Stack/Pipeline/Prep',
        'SageMakerPipelines-StepSecrets[Arguments.Environment.DB_PASSWORD] @ Stack/Pipeline/Prep',
        'SageMakerPipelines-StepSecrets[Arguments.Environment.DB_URL] @ Stack/Pipeline/Prep',
        'SageMakerPipelines-StepSecrets[Arguments.HyperParameters.hf_token] @ Stack/Pipeline/Train',
        'SageMakerPipelines-StepSecrets[Arguments.authToken] @ Stack/Pipeline/Call',
      ]);
    });

    test('compliant: secret ARNs, numbers and words that only contain a secret-like word', () => {
      expect(findings(compliantPipeline().stack, {}, SageMakerPipelinesRules.STEP_SECRETS)).toEqual([]);
    });

    test.each([
      ['DB_PASSWORD', true], ['dbPassword', true], ['HF_TOKEN', true], ['api-key', true], ['ApiKey', true], ['client_secret', true],
      ['AWS_SECRET_ACCESS_KEY', true], ['MAX_TOKENS', false], ['TOKENIZERS_PARALLELISM', false], ['KEYWORDS', false], ['monkey', false],
    ])('isSecretName(%s) is %s', (name, expected) => {
      expect(isSecretName(name)).toBe(expected);
    });

    test.each([
      ['DB_PASSWORD', 'arn:aws:secretsmanager:us-east-1:1:secret:db', undefined],
      ['DB_PASSWORD', '/prod/db/password', undefined],
      ['PASSWORD_LENGTH', '16', undefined],
      ['USE_TOKEN', 'true', undefined],
      ['API_KEY', '', undefined],
      ['NOTE', '-----BEGIN RSA PRIVATE KEY-----\nMII...', 'looks like a private key'],
      ['CONFIG', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'looks like a GitHub token'],
    ])('secretReason(%s, %j)', (name, value, expected) => {
      expect(secretReason(name, value)).toBe(expected);
    });
  });

  describe('LambdaTimeout', () => {
    function lambdaStep(timeout?: Duration): Stack {
      const { stack } = newStack();
      const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'p' });
      const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})'), timeout });
      new LambdaStep(pipeline, 'Call', { function: fn });
      return stack;
    }

    test('non-compliant: a function timeout above 10 minutes', () => {
      expect(findings(lambdaStep(Duration.minutes(11)), {}, SageMakerPipelinesRules.LAMBDA_TIMEOUT))
        .toEqual(['SageMakerPipelines-LambdaTimeout[Timeout=660s] @ Stack/Pipeline/Call']);
    });

    test('compliant: 10 minutes, the default, and imported functions (timeout unknown)', () => {
      expect(findings(lambdaStep(Duration.minutes(10)), {}, SageMakerPipelinesRules.LAMBDA_TIMEOUT)).toEqual([]);
      expect(findings(lambdaStep(), {}, SageMakerPipelinesRules.LAMBDA_TIMEOUT)).toEqual([]);
    });
  });

  describe('reporting', () => {
    test('acknowledging on the step, or on any construct above it, silences the finding there only', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'p' });
      const a = new TrainingStep(pipeline, 'A', { image: IMAGE, outputPath: 's3://b/a' });
      new FanOut(pipeline, 'PerRegion', { items: ['us', 'eu'], branch: (b) => new TrainingStep(b, 'Train', { image: IMAGE, outputPath: 's3://b/r' }) });

      // WHEN
      Validations.of(a).acknowledge({ id: 'SageMakerPipelines-NetworkIsolation[EnableNetworkIsolation]', reason: 'downloads packages at run time' });
      Validations.of(pipeline.node.findChild('PerRegion')).acknowledge({ id: 'SageMakerPipelines-NetworkIsolation[EnableNetworkIsolation]', reason: 'calls the regional API' });

      // THEN
      expect(findings(stack, {}, 'SageMakerPipelines-NetworkIsolation')).toEqual([]);
      expect(findings(stack, {}, 'SageMakerPipelines-VpcPlacement')).toEqual([
        'SageMakerPipelines-VpcPlacement[VpcConfig] @ Stack/Pipeline/A',
        'SageMakerPipelines-VpcPlacement[VpcConfig] @ Stack/Pipeline/PerRegion/eu/Train',
        'SageMakerPipelines-VpcPlacement[VpcConfig] @ Stack/Pipeline/PerRegion/us/Train',
      ]);
    });

    test('the description explains the finding and the fix and names the construct path; verbose adds why', () => {
      const { stack } = newStack();
      const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'p' });
      new TrainingStep(pipeline, 'Train', { image: IMAGE, outputPath: 's3://b/m' });
      definitionOf(stack);
      const brief = new SageMakerPipelinesChecks().validateScope(stack).violations.find((v) => v.ruleName.startsWith('SageMakerPipelines-VpcPlacement'))!;
      expect(brief.severity).toBe('error');
      expect(brief.description).toMatch(/does not run in a VPC\. Fix: pass vpc .* \(Stack\/Pipeline\/Train\)$/);
      const verbose = new SageMakerPipelinesChecks(undefined, { verbose: true }).validateScope(stack).violations.find((v) => v.ruleName.startsWith('SageMakerPipelines-VpcPlacement'))!;
      expect(verbose.description).toMatch(/\(Stack\/Pipeline\/Train\) Jobs in a VPC reach S3/);
    });

    test('a CfnPipeline with a literal JSON body is checked too, reported at the CfnPipeline', () => {
      // GIVEN
      const app = new App();
      const stack = new Stack(app, 'Stack');
      new sagemaker.CfnPipeline(stack, 'Raw', {
        pipelineName: 'raw',
        roleArn: 'arn:aws:iam::123456789012:role/r',
        pipelineDefinition: {
          PipelineDefinitionBody: JSON.stringify({
            Version: '2020-12-01',
            Parameters: [{ Name: 'ApiKey', Type: 'String', DefaultValue: 'k-123' }],
            Steps: [{ Name: 'Register', Type: 'RegisterModel', Arguments: { ModelApprovalStatus: 'Approved' } }],
          }),
        },
      });
      // THEN
      const report = new SageMakerPipelinesChecks().validateScope(app);
      expect(report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`)).sort()).toEqual([
        'SageMakerPipelines-ModelApproval[ModelApprovalStatus] @ Stack/Raw',
        'SageMakerPipelines-ParameterSecrets[ApiKey] @ Stack/Raw',
      ]);
    });

    test('as a CDK validation plugin (Validations.of(app).addPlugins), an unacknowledged finding fails synth with the step path', () => {
      // GIVEN (aws-cdk-lib runs validation plugins only with CDK_VALIDATION on; test/setup-env.ts turns it off)
      const previous = process.env.CDK_VALIDATION;
      process.env.CDK_VALIDATION = 'true';
      try {
        const app = new App();
        const stack = new Stack(app, 'Stack');
        const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'p' });
        const train = new TrainingStep(pipeline, 'Train', { image: IMAGE, outputPath: 's3://b/m' });
        Validations.of(train).acknowledge({ id: 'SageMakerPipelines-VpcPlacement[VpcConfig]', reason: 'public endpoints are fine for this job' });

        // WHEN
        Validations.of(app).addPlugins(new SageMakerPipelinesChecks());

        // THEN
        let message = '';
        try {
          app.synth();
        } catch (e) {
          message = (e as Error).message;
        }
        expect(message).toMatch(/runs without network isolation.*\(Stack\/Pipeline\/Train\)[\s\S]*Stack\/Pipeline\/Train/);
        expect(message).not.toMatch(/does not run in a VPC/);
      } finally {
        process.env.CDK_VALIDATION = previous;
      }
    }, 120_000);

    test('runs beside AwsSolutionsChecks on the same app', () => {
      const { stack } = compliantPipeline();
      definitionOf(stack);
      const ours = new SageMakerPipelinesChecks(undefined, { requireCustomerManagedKeys: true }).validateScope(stack);
      const theirs = new AwsSolutionsChecks().validateScope(stack);
      expect(ours.success).toBe(true);
      expect(theirs.violations.every((v) => v.ruleName.startsWith('AwsSolutions-'))).toBe(true);
    });
  });

  test('the library loads without cdk-nag; only cdk-sagemaker-pipelines/lib/nag needs it', () => {
    jest.isolateModules(() => {
      jest.doMock('cdk-nag', () => {
        throw new Error("Cannot find module 'cdk-nag'");
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const library = require('../lib') as typeof import('../lib');
      expect(typeof library.Pipeline).toBe('function');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect(() => require('../lib/nag')).toThrow(/Cannot find module 'cdk-nag'/);
    });
    jest.dontMock('cdk-nag');
  });
});
