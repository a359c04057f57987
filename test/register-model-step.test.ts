import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { definitionOf, newStack, stepOf } from './util';
import {
  CacheConfig, ContainerImage, InstanceType, ModelApprovalStatus, ModelPackageGroup, ModelStep, ParameterString,
  Pipeline, ProcessingStep, RegisterModelStep, RegisterModelStepProps, RetryPolicy, SageMakerJobExceptionType,
  StepExceptionType, TrainingStep,
} from '../lib';

const IMAGE = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1');
const IMAGE2 = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1.2-1');
const XGBOOST_URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1';
const ARN = (resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sagemaker:us-east-1:123456789012:${resource}`]] });

function register(props: Partial<RegisterModelStepProps> = {}): { stack: Stack; pipeline: Pipeline; step: RegisterModelStep } {
  const { stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'registry' });
  const step = new RegisterModelStep(pipeline, 'Register', {
    ...(props.containers === undefined ? { container: { image: IMAGE, modelData: 's3://example-bucket/model/model.tar.gz' } } : {}),
    ...(props.modelPackageGroup === undefined ? { modelPackageGroupName: 'churn-models' } : {}),
    ...props,
  });
  return { stack, pipeline, step };
}

function statementsOf(stack: Stack, role: iam.IRole): any[] {
  const roleId = stack.getLogicalId(role.node.defaultChild as any);
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter((p: any) => (p.Properties.Roles as any[]).some((r) => r.Ref === roleId))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

/** Replaces pipeline expressions and CloudFormation placeholders with plausible literals. */
function literalize(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{[^}]+\}/g, 'placeholder');
  }
  if (Array.isArray(value)) {
    return value.map(literalize);
  }
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if ('Get' in v || 'Std:Join' in v || 'Std:JsonGet' in v) {
      return 's3://example-bucket/from-a-step/value.json';
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, literalize(x)]));
  }
  return value;
}

const BOTOCORE_CHECK = `
import json, sys
try:
    import botocore.session
    from botocore.validate import ParamValidator
except ImportError:
    print("NO_BOTOCORE"); sys.exit(0)
model = botocore.session.get_session().get_service_model('sagemaker')
params = json.load(open(sys.argv[1]))
report = ParamValidator().validate(params, model.operation_model('CreateModelPackage').input_shape)
print(report.generate_report() if report.has_errors() else "OK")
`;

describe('RegisterModelStep rendering', () => {
  test('the minimal step registers one container in a group by name, pending manual approval', () => {
    // GIVEN
    const { stack } = register();

    // WHEN
    const step = stepOf(definitionOf(stack), 'Register');

    // THEN
    expect(step).toEqual({
      Name: 'Register',
      Type: 'RegisterModel',
      Arguments: {
        ModelPackageGroupName: 'churn-models',
        InferenceSpecification: { Containers: [{ Image: XGBOOST_URI, ModelDataUrl: 's3://example-bucket/model/model.tar.gz' }] },
        ModelApprovalStatus: 'PendingManualApproval',
      },
    });
  });

  test('every option renders in CreateModelPackage order', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'registry' });
    const train = new TrainingStep(pipeline, 'Train', { image: IMAGE, outputPath: 's3://example-bucket/models' });
    const evaluate = new ProcessingStep(pipeline, 'Evaluate', {
      image: IMAGE2,
      outputs: [{ outputName: 'evaluation', localPath: '/opt/ml/processing/evaluation', s3Uri: 's3://example-bucket/evaluation' }],
    });
    const report = `${evaluate.properties.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri}/evaluation.json`;
    const src = (name: string) => ({ s3Uri: `s3://example-bucket/baselines/${name}.json` });

    // WHEN
    new RegisterModelStep(pipeline, 'Register', {
      container: {
        image: IMAGE,
        modelData: train.properties.ModelArtifacts.S3ModelArtifacts,
        containerHostname: 'xgboost',
        environment: { A: 'b' },
        framework: 'XGBOOST',
        frameworkVersion: '1.7',
        nearestModelName: 'xgboost-base',
      },
      modelPackageGroupName: 'churn-models',
      modelApprovalStatus: ModelApprovalStatus.APPROVED,
      modelPackageDescription: 'Churn model',
      supportedContentTypes: ['text/csv'],
      supportedResponseMIMETypes: ['text/csv'],
      supportedRealtimeInferenceInstanceTypes: [InstanceType.M5_LARGE],
      supportedTransformInstanceTypes: [InstanceType.M5_XLARGE],
      modelMetrics: {
        modelQuality: { statistics: { s3Uri: report }, constraints: { s3Uri: 's3://example-bucket/c.json', contentType: 'text/plain' } },
        modelDataQuality: { statistics: src('dq-stats'), constraints: src('dq-constraints') },
        bias: { report: src('bias'), preTrainingReport: src('bias-pre'), postTrainingReport: src('bias-post') },
        explainability: { report: src('explainability') },
      },
      driftCheckBaselines: {
        bias: { configFile: src('bias-config'), preTrainingConstraints: src('bias-pre-c'), postTrainingConstraints: src('bias-post-c') },
        explainability: { constraints: src('exp-c'), configFile: src('exp-config') },
        modelQuality: { statistics: src('mq-s'), constraints: src('mq-c') },
        modelDataQuality: { statistics: src('mdq-s'), constraints: src('mdq-c') },
      },
      customerMetadataProperties: { team: 'ml', source: 'pipeline' },
      domain: 'MACHINE_LEARNING',
      task: 'CLASSIFICATION',
      samplePayloadUrl: 's3://example-bucket/payload.tar.gz',
      retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.SERVICE_FAULT], maxAttempts: 2 })],
    });

    // THEN
    const step = stepOf(definitionOf(stack), 'Register');
    const json = (name: string) => ({ ContentType: 'application/json', S3Uri: `s3://example-bucket/baselines/${name}.json` });
    expect(step.Arguments).toEqual({
      ModelPackageGroupName: 'churn-models',
      ModelPackageDescription: 'Churn model',
      InferenceSpecification: {
        Containers: [{
          ContainerHostname: 'xgboost',
          Image: XGBOOST_URI,
          ModelDataUrl: { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' },
          Environment: { A: 'b' },
          Framework: 'XGBOOST',
          FrameworkVersion: '1.7',
          NearestModelName: 'xgboost-base',
        }],
        SupportedTransformInstanceTypes: ['ml.m5.xlarge'],
        SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large'],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
      },
      ModelApprovalStatus: 'Approved',
      ModelMetrics: {
        ModelQuality: {
          Statistics: {
            ContentType: 'application/json',
            S3Uri: { 'Std:Join': { On: '', Values: [{ Get: "Steps.Evaluate.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri" }, '/evaluation.json'] } },
          },
          Constraints: { ContentType: 'text/plain', S3Uri: 's3://example-bucket/c.json' },
        },
        ModelDataQuality: { Statistics: json('dq-stats'), Constraints: json('dq-constraints') },
        Bias: { Report: json('bias'), PreTrainingReport: json('bias-pre'), PostTrainingReport: json('bias-post') },
        Explainability: { Report: json('explainability') },
      },
      Domain: 'MACHINE_LEARNING',
      Task: 'CLASSIFICATION',
      SamplePayloadUrl: 's3://example-bucket/payload.tar.gz',
      CustomerMetadataProperties: { team: 'ml', source: 'pipeline' },
      DriftCheckBaselines: {
        Bias: { ConfigFile: json('bias-config'), PreTrainingConstraints: json('bias-pre-c'), PostTrainingConstraints: json('bias-post-c') },
        Explainability: { Constraints: json('exp-c'), ConfigFile: json('exp-config') },
        ModelQuality: { Statistics: json('mq-s'), Constraints: json('mq-c') },
        ModelDataQuality: { Statistics: json('mdq-s'), Constraints: json('mdq-c') },
      },
    });
    expect(step.RetryPolicies).toEqual([{ ExceptionType: ['Step.SERVICE_FAULT'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 2 }]);
  });

  test('a two-container model with metrics from an evaluation step and an approval parameter is a valid CreateModelPackage request for botocore', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'registry' });
    const approval = new ParameterString('ModelApprovalStatus', { defaultValue: 'PendingManualApproval', enumValues: ['Approved', 'Rejected', 'PendingManualApproval'] });
    const train = new TrainingStep(pipeline, 'Train', { image: IMAGE, outputPath: 's3://example-bucket/models' });
    const evaluate = new ProcessingStep(pipeline, 'Evaluate', {
      image: IMAGE2,
      outputs: [{ outputName: 'evaluation', localPath: '/opt/ml/processing/evaluation', s3Uri: 's3://example-bucket/evaluation' }],
    });
    const group = new ModelPackageGroup(stack, 'Group');

    // WHEN
    new RegisterModelStep(pipeline, 'Register', {
      containers: [
        { image: IMAGE2, modelData: 's3://example-bucket/preprocess/model.tar.gz', framework: 'SKLEARN', frameworkVersion: '1.2-1' },
        { image: IMAGE, modelData: train.properties.ModelArtifacts.S3ModelArtifacts, framework: 'XGBOOST', frameworkVersion: '1.7-1' },
      ],
      modelPackageGroup: group,
      modelApprovalStatus: ModelApprovalStatus.of(approval.valueAsString),
      supportedContentTypes: ['text/csv'],
      supportedResponseMIMETypes: ['text/csv'],
      supportedTransformInstanceTypes: [InstanceType.M5_XLARGE],
      modelMetrics: {
        modelQuality: { statistics: { s3Uri: `${evaluate.properties.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri}/evaluation.json` } },
      },
    });

    // THEN
    const definition = definitionOf(stack);
    const args = stepOf(definition, 'Register').Arguments;
    expect(args.ModelApprovalStatus).toEqual({ Get: 'Parameters.ModelApprovalStatus' });
    expect(definition.Parameters).toContainEqual({ Name: 'ModelApprovalStatus', Type: 'String', DefaultValue: 'PendingManualApproval', EnumValues: ['Approved', 'Rejected', 'PendingManualApproval'] });
    const params = literalize(args) as Record<string, unknown>;
    params.ModelApprovalStatus = 'PendingManualApproval';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'register-model-'));
    const file = path.join(dir, 'request.json');
    fs.writeFileSync(file, JSON.stringify(params));
    const result = spawnSync('python3', ['-c', BOTOCORE_CHECK, file], { encoding: 'utf-8' });
    if (result.error !== undefined || result.stdout.trim() === 'NO_BOTOCORE') {
      console.warn(`skipping the botocore check: python3 or botocore is missing (${result.error?.message ?? 'no botocore'})`);
      return;
    }
    expect(result.stderr).toEqual('');
    expect(result.stdout.trim()).toEqual('OK');
  });

  test('a ModelPackageGroup of the app is referenced by name, and the pipeline role registers in it and no other group', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'registry' });
    const group = new ModelPackageGroup(stack, 'Group', { modelPackageGroupName: 'churn-models' });

    // WHEN
    new RegisterModelStep(pipeline, 'Register', { container: { image: IMAGE }, modelPackageGroup: group });

    // THEN
    expect(stepOf(definitionOf(stack), 'Register').Arguments.ModelPackageGroupName).toEqual('churn-models');
    const statements = statementsOf(stack, pipeline.role).filter((s) => JSON.stringify(s.Action).includes('ModelPackage'));
    // CreateModelPackage takes only model-package ARNs (service authorization reference): no group ARN.
    expect(statements).toEqual([
      { Action: ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:AddTags'], Effect: 'Allow', Resource: ARN('model-package/churn-models/*') },
    ]);
    expect(JSON.stringify(statementsOf(stack, pipeline.role))).not.toContain('iam:PassRole');
    Template.fromStack(stack).hasResource('AWS::SageMaker::Pipeline', { DependsOn: Match.arrayWith([stack.getLogicalId(group.cfnModelPackageGroup)]) });
  });

  test('a group given by name is granted by its ARNs', () => {
    // GIVEN
    const { stack, pipeline } = register();

    // WHEN
    const statements = statementsOf(stack, pipeline.role).filter((s) => JSON.stringify(s.Action).includes('ModelPackage'));

    // THEN
    expect(statements).toEqual([
      { Action: ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:AddTags'], Effect: 'Allow', Resource: ARN('model-package/churn-models/*') },
    ]);
  });

  test('a group name from a parameter grants every group of the account, with a warning', () => {
    // GIVEN
    const groupName = new ParameterString('ModelPackageGroupName', { defaultValue: 'churn-models' });
    const { stack, pipeline } = register({ modelPackageGroupName: groupName.valueAsString });

    // WHEN
    const args = stepOf(definitionOf(stack), 'Register').Arguments;

    // THEN
    expect(args.ModelPackageGroupName).toEqual({ Get: 'Parameters.ModelPackageGroupName' });
    expect(statementsOf(stack, pipeline.role)).toContainEqual({
      Action: ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:AddTags'], Effect: 'Allow', Resource: ARN('model-package/*/*'),
    });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('every model package group'));
    expect(warnings).toHaveLength(1);
  });

  test('a ModelStep and a RegisterModelStep share the training output', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'registry' });
    const train = new TrainingStep(pipeline, 'Train', { image: IMAGE, outputPath: 's3://example-bucket/models' });

    // WHEN
    new ModelStep(pipeline, 'CreateModel', { container: { image: IMAGE, modelData: train.properties.ModelArtifacts.S3ModelArtifacts } });
    const reg = new RegisterModelStep(pipeline, 'Register', { container: { image: IMAGE, modelData: train.properties.ModelArtifacts.S3ModelArtifacts }, modelPackageGroupName: 'churn-models' });

    // THEN
    definitionOf(stack);
    expect(stack.resolve(reg.properties.ModelPackageArn)).toEqual({ Get: 'Steps.Register.ModelPackageArn' });
  });
});

describe('RegisterModelStep validation', () => {
  test.each<[string, Partial<RegisterModelStepProps>, RegExp]>([
    ['neither container nor containers', { container: undefined }, /give exactly one of container .* received neither/],
    ['both group and group name', { modelPackageGroupName: 'a', modelPackageGroup: { modelPackageGroupName: 'b' } as any }, /exactly one of modelPackageGroup and modelPackageGroupName; received both/],
    ['neither group nor group name', { modelPackageGroupName: undefined }, /exactly one of modelPackageGroup and modelPackageGroupName; received neither/],
    ['an invalid group name', { modelPackageGroupName: 'churn_models' }, /modelPackageGroupName must be 1-63 .* received 'churn_models'/],
    ['a bad approval status', { modelApprovalStatus: 'Approved' as any }, /modelApprovalStatus must be a ModelApprovalStatus/],
    ['a bad framework version', { container: { image: IMAGE, frameworkVersion: 'v1' } }, /container\.frameworkVersion must be 3-10 characters .* received 'v1'/],
    ['an empty framework', { container: { image: IMAGE, framework: '' } }, /container\.framework is empty/],
    ['a long description', { modelPackageDescription: 'x'.repeat(1025) }, /modelPackageDescription must be at most 1,024 characters; received 1025/],
    ['empty content types', { supportedContentTypes: [] }, /supportedContentTypes must be a non-empty list/],
    ['a bad response MIME type', { supportedResponseMIMETypes: ['csv'] }, /supportedResponseMIMETypes lists 'csv'/],
    ['empty transform instance types', { supportedTransformInstanceTypes: [] }, /supportedTransformInstanceTypes must be a non-empty list/],
    ['a string instance type', { supportedRealtimeInferenceInstanceTypes: ['ml.m5.large' as any] }, /supportedRealtimeInferenceInstanceTypes must list InstanceType values/],
    ['empty customer metadata', { customerMetadataProperties: {} }, /customerMetadataProperties takes 1-50 entries; received 0/],
    ['a bad customer metadata key', { customerMetadataProperties: { 'a#b': 'c' } }, /customerMetadataProperties key 'a#b'/],
    ['a long customer metadata value', { customerMetadataProperties: { a: 'x'.repeat(257) } }, /customerMetadataProperties 'a' must be 1-256/],
    ['a bad sample payload URL', { samplePayloadUrl: 'payload.tar.gz' }, /samplePayloadUrl must be an s3:\/\//],
    ['an empty domain', { domain: '' }, /domain is empty/],
    ['a metrics source without URI', { modelMetrics: { bias: { report: {} as any } } }, /modelMetrics\.bias\.report\.s3Uri is missing/],
    ['a metrics source with a bad URI', { driftCheckBaselines: { modelQuality: { statistics: { s3Uri: 'stats.json' } } } }, /driftCheckBaselines\.modelQuality\.statistics\.s3Uri must be an s3:\/\//],
    ['an empty content type', { modelMetrics: { explainability: { report: { s3Uri: 's3://b/r.json', contentType: '' } } } }, /modelMetrics\.explainability\.report\.contentType must be 1-256/],
    ['a SageMaker job retry policy', { retryPolicies: [RetryPolicy.sageMakerJob({ exceptionTypes: [SageMakerJobExceptionType.CAPACITY_ERROR] })] }, /accepts only RetryPolicy\.step policies/],
    ['cacheConfig', { cacheConfig: CacheConfig.enabled(Duration.days(1)) } as any, /does not accept cacheConfig/],
  ])('rejects %s', (_name, props, error) => {
    // GIVEN / WHEN / THEN
    expect(() => register(props)).toThrow(error);
  });

  test('ModelApprovalStatus.of rejects unknown statuses', () => {
    // GIVEN / WHEN / THEN
    expect(() => ModelApprovalStatus.of('approved')).toThrow(/must be Approved, Rejected or PendingManualApproval; received 'approved'/);
  });
});
