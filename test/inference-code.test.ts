import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { definitionOf, newStack, stepOf } from './util';
import {
  ConditionStep, Condition, ContainerImage, InferenceCodePackaging, ModelPackageGroup, ModelStep, ParameterString, Pipeline,
  RegisterModelStep, RetryPolicy, SageMakerJobExceptionType, StepExceptionType, TrainingInput, TrainingStep,
} from '../lib';
import { writeCodeArchive } from '../lib/private/code-archive';

/**
 * Models with inference code (`entryPoint`, `sourceDir`). The expectations marked "SDK" are what
 * the SageMaker Python SDK renders for the same inputs, from its unit tests
 * (tests/unit/sagemaker/workflow/test_model_step.py, test_step_collections.py) and
 * `workflow/model_step.py`, `workflow/_utils.py`:
 * - a model whose `model_data` is a pipeline variable and that has an `entry_point` gets a repack
 *   step `<model step>-RepackModel-<model name or index>` (a Training step, `Description` "Used to
 *   repack a model with customer scripts for a register/create model step", `DependsOn` = the model
 *   step's `depends_on`, `RetryPolicies` = `repack_model_retry_policies`), one input channel
 *   `training` on the model data, hyperparameters `inference_script` '"<file>"', `model_archive`
 *   (the variable itself, or '"<uri>"' for a literal), `dependencies` "null", `source_dir`,
 *   `sagemaker_program` (the launcher `_repack_script_launcher.sh` in current SDKs),
 *   `sagemaker_submit_directory` '"s3://..."', `sagemaker_container_log_level` "20",
 *   `sagemaker_region` '"<region>"'; image sagemaker-scikit-learn 0.23-1-cpu-py3, ml.m5.large, 1
 *   instance, 30 GB, 86,400 s;
 * - the model / register step reads `{"Get": "Steps.<repack>.ModelArtifacts.S3ModelArtifacts"}` as
 *   `ModelDataUrl`, has no `DependsOn`, and its container's `Environment` has
 *   `SAGEMAKER_PROGRAM` = the script's file name and `SAGEMAKER_SUBMIT_DIRECTORY` = "/opt/ml/model/code"
 *   (plus `SAGEMAKER_CONTAINER_LOG_LEVEL` "20" and `SAGEMAKER_REGION`, the SDK's script-mode variables);
 * - containers without code in an inference pipeline model keep their model data.
 * Differences, none of which the service sees: the SDK also renders `DebugHookConfig` /
 * `ProfilerConfig` on the repack job, and a step property as `model_archive` is `Std:Join`-wrapped by
 * the SDK (`to_string()`) but a plain `Get` here (the service accepts both for a string).
 */

const FIXTURE = path.join(__dirname, 'fixtures', 'inference-code', 'src');
const SCRIPT = path.join(FIXTURE, 'inference.py');
const SKLEARN = ContainerImage.sklearn('1.2-1', 'inference');
const XGBOOST = ContainerImage.xgboost('1.7-1', 'inference');
const REPACK_IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:0.23-1-cpu-py3';
const ASSET_URL = expect.stringMatching(/^s3:\/\/cdk-hnb659fds-assets-123456789012-us-east-1\/[0-9a-f]{64}\.gz$/);

function setup(): { stack: Stack; pipeline: Pipeline; modelData: ParameterString } {
  const { stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'models' });
  const modelData = new ParameterString('ModelData', { defaultValue: 's3://my-bucket/file' });
  return { stack, pipeline, modelData };
}

/** The statements of the IAM policies attached to `role`. */
function statementsOf(stack: Stack, role: iam.IRole): any[] {
  const roleId = stack.getLogicalId(role.node.defaultChild as any);
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter((p: any) => (p.Properties.Roles as any[]).some((r) => r.Ref === roleId))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('run-time model data: a repack step (as the SDK adds it)', () => {
  test('ModelStep with a parameter as model data (SDK test_create_model_with_runtime_repack)', () => {
    // GIVEN
    const { stack, pipeline, modelData } = setup();
    const upstream = new TrainingStep(pipeline, 'TestStep', { image: ContainerImage.xgboost('1.7-1') });
    const throttling = RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING], maxAttempts: 3 });
    const capacity = RetryPolicy.sageMakerJob({ exceptionTypes: [SageMakerJobExceptionType.CAPACITY_ERROR], maxAttempts: 3 });

    // WHEN
    new ModelStep(pipeline, 'MyModelStep', {
      container: { image: SKLEARN, modelData: modelData.valueAsString, entryPoint: 'inference.py', sourceDir: FIXTURE },
      description: 'my model step description',
      retryPolicies: [throttling],
      repackRetryPolicies: [capacity],
      dependsOn: [upstream],
    });
    const definition = definitionOf(stack);

    // THEN
    const repack = stepOf(definition, 'MyModelStep-RepackModel-0');
    expect(repack).toEqual({
      Name: 'MyModelStep-RepackModel-0',
      Type: 'Training',
      Arguments: {
        AlgorithmSpecification: { TrainingImage: REPACK_IMAGE, TrainingInputMode: 'File' },
        OutputDataConfig: {
          S3OutputPath: {
            'Std:Join': {
              On: '/',
              Values: ['s3:/', expect.stringMatching(/^\$\{Ref:PipelineArtifacts/), 'models', { Get: 'Execution.PipelineExecutionId' }, 'MyModelStep-RepackModel-0', 'output'],
            },
          },
        },
        StoppingCondition: { MaxRuntimeInSeconds: 86400 },
        ResourceConfig: { VolumeSizeInGB: 30, InstanceCount: 1, InstanceType: 'ml.m5.large' },
        RoleArn: expect.stringMatching(/^\$\{GetAtt:PipelineJobRole/),
        InputDataConfig: [{
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: { Get: 'Parameters.ModelData' }, S3DataDistributionType: 'FullyReplicated' } },
          ChannelName: 'training',
        }],
        HyperParameters: {
          inference_script: '"inference.py"',
          model_archive: { Get: 'Parameters.ModelData' },
          dependencies: 'null',
          source_dir: '"/opt/ml/code"',
          sagemaker_program: '"_repack_script_launcher.sh"',
          sagemaker_submit_directory: expect.stringMatching(/^"s3:\/\/cdk-hnb659fds-assets-123456789012-us-east-1\/[0-9a-f]{64}\.gz"$/),
          sagemaker_container_log_level: '20',
          sagemaker_region: '"us-east-1"',
        },
      },
      DependsOn: ['TestStep'],
      Description: 'Used to repack a model with customer scripts for a register/create model step',
      RetryPolicies: [{ ExceptionType: ['SageMaker.CAPACITY_ERROR'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 }],
    });
    const model = stepOf(definition, 'MyModelStep');
    expect(model.DependsOn).toBeUndefined();
    expect(model.Description).toBe('my model step description');
    expect(model.RetryPolicies).toEqual([{ ExceptionType: ['Step.THROTTLING'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 }]);
    expect(model.Arguments.PrimaryContainer).toEqual({
      Image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3',
      ModelDataUrl: { Get: 'Steps.MyModelStep-RepackModel-0.ModelArtifacts.S3ModelArtifacts' },
      Environment: {
        SAGEMAKER_PROGRAM: 'inference.py',
        SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/model/code',
        SAGEMAKER_CONTAINER_LOG_LEVEL: '20',
        SAGEMAKER_REGION: 'us-east-1',
      },
    });
    // The repack step runs before the model step, after the model step's dependencies.
    const names = definition.Steps.map((s: any) => s.Name);
    expect(names.indexOf('TestStep')).toBeLessThan(names.indexOf('MyModelStep-RepackModel-0'));
    expect(names.indexOf('MyModelStep-RepackModel-0')).toBeLessThan(names.indexOf('MyModelStep'));
  });

  test('an inference pipeline model repacks only the container with code (SDK test_register_pipeline_model_with_runtime_repack)', () => {
    // GIVEN
    const { stack, pipeline, modelData } = setup();
    const group = new ModelPackageGroup(stack, 'Group', { modelPackageGroupName: 'MyModelPackageGroup' });

    // WHEN
    new RegisterModelStep(pipeline, 'MyModelStep', {
      containers: [
        { image: ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/sparkml:3.3'), modelData: modelData.valueAsString, environment: { SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT: 'text/csv' } },
        { image: SKLEARN, modelData: modelData.valueAsString, entryPoint: SCRIPT, environment: { k: 'v' } },
      ],
      modelPackageGroup: group,
      supportedContentTypes: ['text/csv'],
      supportedResponseMIMETypes: ['text/csv'],
    });
    const definition = definitionOf(stack);

    // THEN
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['MyModelStep-RepackModel-1', 'MyModelStep']);
    const repack = stepOf(definition, 'MyModelStep-RepackModel-1');
    expect(repack.Arguments.HyperParameters).toMatchObject({
      inference_script: '"inference.py"', model_archive: { Get: 'Parameters.ModelData' }, dependencies: 'null', source_dir: 'null',
    });
    expect(repack.Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toEqual({ Get: 'Parameters.ModelData' });
    const containers = stepOf(definition, 'MyModelStep').Arguments.InferenceSpecification.Containers;
    expect(containers[0].ModelDataUrl).toEqual({ Get: 'Parameters.ModelData' });
    expect(containers[0].Environment).toEqual({ SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT: 'text/csv' });
    expect(containers[1].ModelDataUrl).toEqual({ Get: 'Steps.MyModelStep-RepackModel-1.ModelArtifacts.S3ModelArtifacts' });
    expect(containers[1].Environment).toEqual({
      k: 'v', SAGEMAKER_PROGRAM: 'inference.py', SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/model/code', SAGEMAKER_CONTAINER_LOG_LEVEL: '20', SAGEMAKER_REGION: 'us-east-1',
    });
  });

  test('a step property as model data, and the repack step named after the container host name', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const train = new TrainingStep(pipeline, 'Train', { image: ContainerImage.xgboost('1.7-1'), inputs: [TrainingInput.s3('train', 's3://my-bucket/train')] });

    // WHEN
    new ModelStep(pipeline, 'Model', {
      containers: [
        { image: SKLEARN, containerHostname: 'MyModel', modelData: `${train.properties.ModelArtifacts.S3ModelArtifacts}`, entryPoint: SCRIPT },
        { image: XGBOOST, modelData: train.properties.ModelArtifacts.S3ModelArtifacts },
      ],
    });
    const definition = definitionOf(stack);

    // THEN
    const repack = stepOf(definition, 'Model-RepackModel-MyModel');
    expect(repack.DependsOn).toBeUndefined();
    expect(repack.Arguments.HyperParameters.model_archive).toEqual({ Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' });
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Train', 'Model-RepackModel-MyModel', 'Model']);
  });

  test('literal model data with codePackaging MODEL_ARCHIVE is repacked too (SDK test_register_model_with_model_repack_with_model)', () => {
    // GIVEN
    const { stack, pipeline } = setup();

    // WHEN
    new ModelStep(pipeline, 'RegisterModelStep', {
      container: { image: SKLEARN, modelData: 's3://my-bucket/model.tar.gz', entryPoint: SCRIPT, codePackaging: InferenceCodePackaging.MODEL_ARCHIVE },
    });

    // THEN: the SDK renders a literal model_archive JSON-encoded.
    const repack = stepOf(definitionOf(stack), 'RegisterModelStep-RepackModel-0');
    expect(repack.Arguments.HyperParameters.model_archive).toBe('"s3://my-bucket/model.tar.gz"');
    expect(repack.Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toBe('s3://my-bucket/model.tar.gz');
  });

  test('network isolation puts the code into the model archive even with literal model data', () => {
    // GIVEN
    const { stack, pipeline } = setup();

    // WHEN
    const step = new ModelStep(pipeline, 'Model', {
      container: { image: SKLEARN, modelData: 's3://my-bucket/model.tar.gz', entryPoint: SCRIPT },
      enableNetworkIsolation: true,
    });

    // THEN
    expect(step.repackSteps.map((s) => s.stepName)).toEqual(['Model-RepackModel-0']);
    expect(stepOf(definitionOf(stack), 'Model').Arguments.PrimaryContainer.Environment.SAGEMAKER_SUBMIT_DIRECTORY).toBe('/opt/ml/model/code');
  });

  test('the repack job runs in the model\'s VPC with its security groups', () => {
    // GIVEN
    const { stack, pipeline, modelData } = setup();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });

    // WHEN
    new ModelStep(pipeline, 'Model', { container: { image: SKLEARN, modelData: modelData.valueAsString, entryPoint: SCRIPT }, vpc });
    const definition = definitionOf(stack);

    // THEN
    const model = stepOf(definition, 'Model').Arguments.VpcConfig;
    expect(stepOf(definition, 'Model-RepackModel-0').Arguments.VpcConfig).toEqual(model);
  });

  test('dependencies added later, retry policies added later', () => {
    // GIVEN
    const { stack, pipeline, modelData } = setup();
    const before = new TrainingStep(pipeline, 'Before', { image: ContainerImage.xgboost('1.7-1') });
    const step = new ModelStep(pipeline, 'Model', { container: { image: SKLEARN, modelData: modelData.valueAsString, entryPoint: SCRIPT } });

    // WHEN
    step.addDependsOn(before);
    step.repackSteps[0].addRetryPolicy(RetryPolicy.sageMakerJob({ exceptionTypes: [SageMakerJobExceptionType.RESOURCE_LIMIT] }));
    step.addRetryPolicy(RetryPolicy.step({ exceptionTypes: [StepExceptionType.SERVICE_FAULT] }));
    const definition = definitionOf(stack);

    // THEN
    const repack = stepOf(definition, 'Model-RepackModel-0');
    expect(repack.DependsOn).toEqual(['Before']);
    expect(repack.RetryPolicies).toEqual([{ ExceptionType: ['SageMaker.RESOURCE_LIMIT'], IntervalSeconds: 1, BackoffRate: 2 }]);
    expect(stepOf(definition, 'Model').DependsOn).toBeUndefined();
    expect(stepOf(definition, 'Model').RetryPolicies).toEqual([{ ExceptionType: ['Step.SERVICE_FAULT'], IntervalSeconds: 1, BackoffRate: 2 }]);
  });

  test('a model step in a condition branch brings its repack step into the branch', () => {
    // GIVEN
    const { stack, pipeline, modelData } = setup();
    const step = new ModelStep(pipeline, 'Model', { container: { image: SKLEARN, modelData: modelData.valueAsString, entryPoint: SCRIPT } });

    // WHEN
    new ConditionStep(pipeline, 'Check', { conditions: [Condition.equals(modelData.valueAsString, 's3://my-bucket/file')], ifSteps: [step] });
    const definition = definitionOf(stack);

    // THEN
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Check']);
    expect(stepOf(definition, 'Check').Arguments.IfSteps.map((s: any) => s.Name)).toEqual(['Model-RepackModel-0', 'Model']);
  });

  test('IAM: the pipeline role may run the repack training job and pass the execution role; that role reads the code', () => {
    // GIVEN
    const { stack, pipeline, modelData } = setup();
    const executionRole = new iam.Role(stack, 'ModelRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });

    // WHEN
    new ModelStep(pipeline, 'Model', { container: { image: SKLEARN, modelData: modelData.valueAsString, entryPoint: SCRIPT }, executionRole });
    definitionOf(stack);

    // THEN
    const pipelineStatements = statementsOf(stack, pipeline.role);
    expect(pipelineStatements).toContainEqual(expect.objectContaining({
      Action: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:123456789012:training-job/*']] },
    }));
    expect(pipelineStatements.filter((s) => s.Action === 'iam:PassRole')).toEqual([
      expect.objectContaining({ Resource: { 'Fn::GetAtt': [stack.getLogicalId(executionRole.node.defaultChild as any), 'Arn'] } }),
    ]);
    const roleStatements = JSON.stringify(statementsOf(stack, executionRole));
    expect(roleStatements).toContain('cdk-hnb659fds-assets-123456789012-us-east-1');
    expect(roleStatements).not.toContain('"s3:*"');
  });
  test('RegisterModelStep: the repack job runs as repackRole, which the pipeline role may pass and which reads the code', () => {
    // GIVEN
    const { stack, pipeline, modelData } = setup();
    const repackRole = new iam.Role(stack, 'RepackRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });

    // WHEN
    const step = new RegisterModelStep(pipeline, 'Register', {
      container: { image: SKLEARN, modelData: modelData.valueAsString, entryPoint: SCRIPT },
      modelPackageGroupName: 'my-models',
      repackRole,
    });
    const definition = definitionOf(stack);

    // THEN
    const roleId = stack.getLogicalId(repackRole.node.defaultChild as any);
    expect(step.repackSteps.map((s) => s.stepName)).toEqual(['Register-RepackModel-0']);
    expect(stepOf(definition, 'Register-RepackModel-0').Arguments.RoleArn).toBe(`\${GetAtt:${roleId}.Arn}`);
    expect(statementsOf(stack, pipeline.role)).toContainEqual(expect.objectContaining({
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [roleId, 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }));
    expect(JSON.stringify(statementsOf(stack, repackRole))).toContain('cdk-hnb659fds-assets-123456789012-us-east-1');
    expect(stepOf(definition, 'Register').Arguments.InferenceSpecification.Containers[0].ModelDataUrl)
      .toEqual({ Get: 'Steps.Register-RepackModel-0.ModelArtifacts.S3ModelArtifacts' });
  });
});

describe('model data known at synth: the code rides along as the source directory', () => {
  test('ModelStep: a content-hashed .tar.gz asset as SAGEMAKER_SUBMIT_DIRECTORY, no repack step (SDK SKLearnModel)', () => {
    // GIVEN
    const { stack, pipeline } = setup();

    // WHEN
    const step = new ModelStep(pipeline, 'Model', {
      container: { image: SKLEARN, modelData: 's3://my-bucket/model.tar.gz', entryPoint: 'inference.py', sourceDir: FIXTURE, environment: { SAGEMAKER_CONTAINER_LOG_LEVEL: '10' } },
    });
    const definition = definitionOf(stack);

    // THEN
    expect(step.repackSteps).toEqual([]);
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Model']);
    expect(stepOf(definition, 'Model').Arguments.PrimaryContainer).toEqual({
      Image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3',
      ModelDataUrl: 's3://my-bucket/model.tar.gz',
      Environment: { SAGEMAKER_CONTAINER_LOG_LEVEL: '10', SAGEMAKER_PROGRAM: 'inference.py', SAGEMAKER_SUBMIT_DIRECTORY: ASSET_URL, SAGEMAKER_REGION: 'us-east-1' },
    });
    expect(JSON.stringify(statementsOf(stack, step.executionRole))).toContain('cdk-hnb659fds-assets-123456789012-us-east-1');
  });

  test('SOURCE_DIRECTORY keeps run-time model data as it is; an s3:// source directory is used as given', () => {
    // GIVEN
    const { stack, pipeline, modelData } = setup();

    // WHEN
    new ModelStep(pipeline, 'Model', {
      container: { image: SKLEARN, modelData: modelData.valueAsString, entryPoint: 'inference.py', sourceDir: 's3://my-bucket/code/sourcedir.tar.gz', codePackaging: InferenceCodePackaging.SOURCE_DIRECTORY },
    });
    const definition = definitionOf(stack);

    // THEN
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Model']);
    expect(stepOf(definition, 'Model').Arguments.PrimaryContainer).toMatchObject({
      ModelDataUrl: { Get: 'Parameters.ModelData' },
      Environment: { SAGEMAKER_PROGRAM: 'inference.py', SAGEMAKER_SUBMIT_DIRECTORY: 's3://my-bucket/code/sourcedir.tar.gz' },
    });
  });

  test('RegisterModelStep: the asset URL in the package, grantReadInferenceCode for the roles that deploy it', () => {
    // GIVEN
    const { stack, pipeline } = setup();
    const deployRole = new iam.Role(stack, 'DeployRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });

    // WHEN
    const step = new RegisterModelStep(pipeline, 'Register', {
      container: { image: SKLEARN, modelData: 's3://my-bucket/model.tar.gz', entryPoint: SCRIPT },
      modelPackageGroupName: 'my-models',
    });
    step.grantReadInferenceCode(deployRole);
    const definition = definitionOf(stack);

    // THEN
    expect(stepOf(definition, 'Register').Arguments.InferenceSpecification.Containers[0].Environment).toEqual({
      SAGEMAKER_PROGRAM: 'inference.py', SAGEMAKER_SUBMIT_DIRECTORY: ASSET_URL, SAGEMAKER_CONTAINER_LOG_LEVEL: '20', SAGEMAKER_REGION: 'us-east-1',
    });
    expect(JSON.stringify(statementsOf(stack, deployRole))).toContain('cdk-hnb659fds-assets-123456789012-us-east-1');
  });

  test('the same code gives the same asset key in two apps', () => {
    // GIVEN
    const urls = [0, 1].map(() => {
      const { stack, pipeline } = setup();
      new ModelStep(pipeline, 'Model', { container: { image: SKLEARN, modelData: 's3://my-bucket/model.tar.gz', entryPoint: 'inference.py', sourceDir: FIXTURE } });
      // WHEN
      return stepOf(definitionOf(stack), 'Model').Arguments.PrimaryContainer.Environment.SAGEMAKER_SUBMIT_DIRECTORY;
    });

    // THEN
    expect(urls[0]).toEqual(urls[1]);
  });
});

describe('inference code: bad input', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['sourceDir without entryPoint', { sourceDir: FIXTURE }, /Stack\/Pipeline\/Model: container\.sourceDir needs entryPoint/],
    ['codePackaging without entryPoint', { codePackaging: InferenceCodePackaging.MODEL_ARCHIVE }, /container\.codePackaging applies to inference code; received it without entryPoint/],
    ['a missing script', { entryPoint: 'missing.py' }, /container\.entryPoint must be a local script file; 'missing\.py' \(resolved to .*missing\.py\) is not a file/],
    ['a script not in sourceDir', { entryPoint: 'serve.py', sourceDir: FIXTURE }, /container\.entryPoint 'serve\.py' is not a file at the root of sourceDir/],
    ['a script path inside sourceDir', { entryPoint: 'lib/features.py', sourceDir: FIXTURE }, /container\.entryPoint must be a file name at the root of sourceDir .* received 'lib\/features\.py'/],
    ['a missing sourceDir', { entryPoint: 'inference.py', sourceDir: 'no/such/dir' }, /container\.sourceDir must be a local folder .* 'no\/such\/dir' .* is not a folder/],
    ['an S3 sourceDir that is not a .tar.gz', { entryPoint: 'inference.py', sourceDir: 's3://my-bucket/code/' }, /container\.sourceDir must be a local folder or the s3:\/\/ URI of a \.tar\.gz; received 's3:\/\/my-bucket\/code\/'/],
    ['SAGEMAKER_PROGRAM in environment', { entryPoint: SCRIPT, environment: { SAGEMAKER_PROGRAM: 'x.py' } }, /container\.environment sets SAGEMAKER_PROGRAM, which entryPoint sets/],
    ['a bad codePackaging', { entryPoint: SCRIPT, codePackaging: 'Zip' }, /container\.codePackaging must be InferenceCodePackaging\.AUTO, SOURCE_DIRECTORY or MODEL_ARCHIVE; received 'Zip'/],
    ['MODEL_ARCHIVE without modelData', { modelData: undefined, entryPoint: SCRIPT, codePackaging: InferenceCodePackaging.MODEL_ARCHIVE }, /container\.codePackaging MODEL_ARCHIVE adds the code to the model archive, but the container has no modelData/],
    ['an S3 sourceDir to repack', { modelData: '${PARAM}', entryPoint: 'inference.py', sourceDir: 's3://my-bucket/code/sourcedir.tar.gz' }, /container\.sourceDir is an S3 archive, but the code goes into the model archive \(modelData is only known at run time\)/],
    ['too many variables', { entryPoint: SCRIPT, environment: Object.fromEntries(Array.from({ length: 97 }, (_, i) => [`V${i}`, 'x'])) }, /container\.environment has 97 variables and entryPoint adds 4; a model container takes at most 100/],
  ];
  test.each(cases)('%s', (_name, container, message) => {
    // GIVEN
    const { pipeline, modelData } = setup();
    const resolved = Object.fromEntries(Object.entries(container).map(([k, v]) => [k, v === '${PARAM}' ? modelData.valueAsString : v]));

    // WHEN / THEN
    expect(() => new ModelStep(pipeline, 'Model', { container: { image: SKLEARN, modelData: 's3://my-bucket/model.tar.gz', ...resolved } as any })).toThrow(message);
  });

  test('SOURCE_DIRECTORY with network isolation', () => {
    const { pipeline } = setup();
    expect(() => new ModelStep(pipeline, 'Model', {
      container: { image: SKLEARN, modelData: 's3://my-bucket/model.tar.gz', entryPoint: SCRIPT, codePackaging: InferenceCodePackaging.SOURCE_DIRECTORY },
      enableNetworkIsolation: true,
    })).toThrow(/container\.codePackaging SOURCE_DIRECTORY needs network access to download the code, but the model has enableNetworkIsolation/);
  });

  test('a repack step name above 64 characters', () => {
    const { pipeline, modelData } = setup();
    expect(() => new ModelStep(pipeline, 'Model', {
      stepName: 'M'.repeat(50),
      containers: [{ image: SKLEARN, containerHostname: 'inference-code', modelData: modelData.valueAsString, entryPoint: SCRIPT }],
    })).toThrow(/the repack step of containers\[0\] would be named 'M{50}-RepackModel-inference-code' \(77 characters\); step names are at most 64\. Shorten the step name or the containerHostname/);
  });

  test('a source file named like the repack script', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'repack-clash-'));
    fs.writeFileSync(path.join(dir, 'inference.py'), '');
    fs.writeFileSync(path.join(dir, '_repack_model.py'), '');
    const { pipeline, modelData } = setup();
    expect(() => new ModelStep(pipeline, 'Model', {
      container: { image: SKLEARN, modelData: modelData.valueAsString, entryPoint: 'inference.py', sourceDir: dir },
    })).toThrow(/container\.sourceDir has a file named '_repack_model\.py', the name of the repack script the library adds next to the code; rename that file/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('the repack script the library ships', () => {
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'repack-run-'));
  });
  afterEach(() => {
    fs.rmSync(work, { recursive: true, force: true });
  });

  /** Unpacks `archive` with Python's tarfile (as the training toolkit does) into `dir`. */
  function untar(archive: string, dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('python3', ['-c', 'import sys, tarfile; tarfile.open(sys.argv[1], "r:gz").extractall(sys.argv[2])', archive, dir]);
  }

  /** Runs the launcher as the training toolkit would: from the code folder, with SM_* variables. */
  function runRepack(codeDir: string, hyperparameters: Record<string, string>): void {
    const bin = path.join(work, 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(execFileSync('python3', ['-c', 'import sys; print(sys.executable)']).toString().trim(), path.join(bin, 'python'));
    execFileSync('sh', ['-c', './_repack_script_launcher.sh'], {
      cwd: codeDir,
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        SM_CHANNEL_TRAINING: path.join(work, 'data'),
        SM_MODEL_DIR: path.join(work, 'model'),
        ...Object.fromEntries(Object.entries(hyperparameters).map(([k, v]) => [`SM_HP_${k.toUpperCase()}`, v])),
      },
    });
  }

  test('unpacks the model, adds the source folder under code/ (without the repack files), and SageMaker packs the rest', () => {
    // GIVEN: the repack code archive of a step with a source folder, and a model archive
    const { pipeline, modelData } = setup();
    const step = new ModelStep(pipeline, 'Model', { container: { image: SKLEARN, modelData: modelData.valueAsString, entryPoint: 'inference.py', sourceDir: FIXTURE } });
    const asset = step.node.findChild('RepackCode-0') as s3assets.Asset;
    const archive = writeArchiveLike(FIXTURE);
    // CDK hashes a custom asset hash once more.
    expect(asset.assetHash).toBe(createHash('sha256').update(path.basename(path.dirname(archive))).digest('hex'));
    const codeDir = path.join(work, 'code');
    untar(archive, codeDir);
    fs.mkdirSync(path.join(work, 'data'));
    fs.mkdirSync(path.join(work, 'model'));
    fs.mkdirSync(path.join(work, 'trained'));
    fs.writeFileSync(path.join(work, 'trained', 'model.joblib'), 'weights');
    execFileSync('tar', ['-czf', path.join(work, 'data', 'model.tar.gz'), '-C', path.join(work, 'trained'), '.']);

    // WHEN
    runRepack(codeDir, { inference_script: 'inference.py', model_archive: 's3://bucket/Train/output/model.tar.gz', dependencies: 'null', source_dir: '/opt/ml/code' });

    // THEN
    const listing = execFileSync('find', ['.', '-type', 'f'], { cwd: path.join(work, 'model') }).toString().trim().split('\n').sort();
    expect(listing).toEqual(['./code/inference.py', './code/lib/features.py', './code/requirements.txt', './model.joblib']);
  });

  test('without a source folder, copies only the script', () => {
    // GIVEN
    const codeDir = path.join(work, 'code');
    untar(writeArchiveLike(FIXTURE), codeDir);
    fs.mkdirSync(path.join(work, 'data'));
    fs.mkdirSync(path.join(work, 'model'));
    fs.mkdirSync(path.join(work, 'trained'));
    fs.writeFileSync(path.join(work, 'trained', 'model.joblib'), 'weights');
    execFileSync('tar', ['-czf', path.join(work, 'data', 'model.tar.gz'), '-C', path.join(work, 'trained'), '.']);

    // WHEN
    runRepack(codeDir, { inference_script: 'inference.py', model_archive: 's3://bucket/model.tar.gz', dependencies: 'null', source_dir: 'null' });

    // THEN
    const listing = execFileSync('find', ['.', '-type', 'f'], { cwd: path.join(work, 'model') }).toString().trim().split('\n').sort();
    expect(listing).toEqual(['./code/inference.py', './model.joblib']);
  });

  test('refuses a model archive with entries outside its folder', () => {
    // GIVEN
    const codeDir = path.join(work, 'code');
    untar(writeArchiveLike(FIXTURE), codeDir);
    fs.mkdirSync(path.join(work, 'data'));
    fs.mkdirSync(path.join(work, 'model'));
    execFileSync('python3', ['-c', [
      'import io, sys, tarfile',
      'with tarfile.open(sys.argv[1], "w:gz") as t:',
      '    info = tarfile.TarInfo("../escape.txt"); data = b"x"; info.size = len(data); t.addfile(info, io.BytesIO(data))',
    ].join('\n'), path.join(work, 'data', 'model.tar.gz')]);

    // WHEN / THEN
    expect(() => runRepack(codeDir, { inference_script: 'inference.py', model_archive: 'model.tar.gz', dependencies: 'null', source_dir: 'null' }))
      .toThrow(/Command failed/);
    expect(fs.existsSync(path.join(work, 'escape.txt'))).toBe(false);
  });
});

/** A repack code archive as the library builds it: the folder plus the shipped scripts. */
function writeArchiveLike(dir: string): string {
  const runtime = path.join(__dirname, '..', 'lib', 'repack-runtime');
  const entries = [
    ...fs.readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => {
        const full = path.join(e.parentPath ?? (e as any).path, e.name);
        return { name: path.relative(dir, full).split(path.sep).join('/'), data: fs.readFileSync(full) };
      }),
    { name: '_repack_model.py', data: fs.readFileSync(path.join(runtime, '_repack_model.py')) },
    { name: '_repack_script_launcher.sh', data: fs.readFileSync(path.join(runtime, '_repack_script_launcher.sh')), executable: true },
  ];
  return writeCodeArchive(entries).path;
}
