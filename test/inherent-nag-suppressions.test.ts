import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  CallbackHandler, ClarifyCheckStep, ClarifyCheckType, Condition, ConditionStep, ContainerImage, DatasetFormat, ExecutionVariable,
  FailStep, ModelPackageGroup, ModelStep, NotebookJobStep, ParameterString, Pipeline, ProcessingStep, QualityCheckStep,
  QualityCheckType, RegisterModelStep, TrainingInput, TrainingStep, TransformStep,
} from '../lib';

const XGBOOST = ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1');
const SKLEARN = ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3');

/**
 * A pipeline app with the typical steps: processing with local code, training, a model, its
 * registration and a batch transform behind a condition, quality and Clarify checks, a notebook job,
 * a callback handler; its data bucket is the app's own (access-logged, so that it has no finding).
 */
function typicalApp(): { app: App; stack: Stack; pipeline: Pipeline; data: s3.Bucket } {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'nag-test-')) });
  const stack = new Stack(app, 'Typical', { env: { region: 'us-east-1' } });
  const logs = new s3.Bucket(stack, 'AccessLogs', { enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
  const data = new s3.Bucket(stack, 'Data', {
    enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, serverAccessLogsBucket: logs, serverAccessLogsPrefix: 'data/',
  });
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'Typical' });
  const mode = new ParameterString('Mode', { defaultValue: 'full' });

  const prep = new ProcessingStep(pipeline, 'Prep', {
    image: SKLEARN,
    code: path.join(__dirname, 'fixtures', 'code', 'preprocess-a.py'),
    inputs: [{ inputName: 'raw', s3Uri: `s3://${data.bucketName}/raw/`, localPath: '/opt/ml/processing/input' }],
    outputs: [{ outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: `s3://${data.bucketName}/runs/${ExecutionVariable.PIPELINE_EXECUTION_ID}/train` }],
  });
  const train = new TrainingStep(pipeline, 'Train', {
    image: XGBOOST,
    inputs: [TrainingInput.s3('train', prep.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri)],
  });
  const model = new ModelStep(pipeline, 'CreateModel', { container: { image: XGBOOST, modelData: train.properties.ModelArtifacts.S3ModelArtifacts } });
  const group = new ModelPackageGroup(stack, 'Group', { modelPackageGroupName: 'typical-models' });
  const register = new RegisterModelStep(pipeline, 'Register', { container: { image: XGBOOST, modelData: train.properties.ModelArtifacts.S3ModelArtifacts }, modelPackageGroup: group });
  const transform = new TransformStep(pipeline, 'Score', { modelName: model.properties.ModelName, inputS3Uri: `s3://${data.bucketName}/batch/` });
  new ConditionStep(pipeline, 'IfFull', {
    conditions: [Condition.equals(mode.valueAsString, 'full')],
    ifSteps: [model, register, transform],
    elseSteps: [new FailStep(pipeline, 'Stop', { errorMessage: 'not full' })],
  });
  new QualityCheckStep(pipeline, 'DataQuality', {
    checkType: QualityCheckType.DATA_QUALITY,
    baselineDataset: `s3://${data.bucketName}/raw/train.csv`,
    datasetFormat: DatasetFormat.csv({ header: false }),
  });
  new ClarifyCheckStep(pipeline, 'DataBias', {
    checkType: ClarifyCheckType.DATA_BIAS,
    dataConfig: { s3DataInputPath: `s3://${data.bucketName}/raw/train.csv`, label: 'target', headers: ['target', 'age'] },
    biasConfig: { labelValuesOrThreshold: [1], facets: [{ nameOrIndex: 'age', valueOrThreshold: 40 }] },
  });
  new NotebookJobStep(pipeline, 'Report', {
    notebook: path.join(__dirname, '..', 'examples', 'notebook-job', 'report.ipynb'),
    image: ContainerImage.fromRegistry('885854791233.dkr.ecr.us-east-1.amazonaws.com/sagemaker-distribution-prod:1-cpu'),
    kernelName: 'python3',
  });
  const handlerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-handler-'));
  fs.writeFileSync(path.join(handlerDir, 'approve.cjs'), 'exports.handler = async () => ({ outputs: {} });\n');
  const approvals = new CallbackHandler(stack, 'Approvals', { handlerPath: path.join(handlerDir, 'approve.cjs'), pipelines: [pipeline] });
  approvals.callbackStep(pipeline, 'Approve', { inputs: { model: train.properties.ModelArtifacts.S3ModelArtifacts } });
  return { app, stack, pipeline, data };
}

/** Every unsuppressed AwsSolutions finding of the app: construct path and rule (with its finding). */
function findings(app: App): string[] {
  app.synth();
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${r.constructPath}: ${v.ruleName}`)).sort();
}

describe('cdk-nag: the library suppresses its own inherent findings, with reasons', () => {
  test('a pipeline app with typical steps under AwsSolutionsChecks has no unsuppressed finding on any resource', () => {
    // GIVEN
    const { app } = typicalApp();

    // WHEN
    const found = findings(app);

    // THEN
    expect(found).toEqual([]);
  });

  test('a grant the app adds to a library role keeps its findings: only the library\'s own statements are suppressed', () => {
    // GIVEN
    const { app, pipeline, data } = typicalApp();
    data.grantRead(pipeline.defaultJobRole, 'shared/*');
    pipeline.defaultJobRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets', 'ecr:GetAuthorizationToken'], resources: ['*'] }));

    // WHEN
    const found = findings(app);

    // THEN
    const dataArn = `<${Stack.of(data).getLogicalId(data.node.defaultChild as s3.CfnBucket)}.Arn>`;
    expect(found).toEqual([
      'Typical/Pipeline/JobRole/DefaultPolicy/Resource: AwsSolutions-IAM5[Action::s3:GetBucket*]',
      'Typical/Pipeline/JobRole/DefaultPolicy/Resource: AwsSolutions-IAM5[Action::s3:GetObject*]',
      'Typical/Pipeline/JobRole/DefaultPolicy/Resource: AwsSolutions-IAM5[Action::s3:List*]',
      'Typical/Pipeline/JobRole/DefaultPolicy/Resource: AwsSolutions-IAM5[Resource::*]',
      `Typical/Pipeline/JobRole/DefaultPolicy/Resource: AwsSolutions-IAM5[Resource::${dataArn}/shared/*]`,
    ].sort());
  });

  test('an artifact bucket the app passes is the app\'s: its findings are not suppressed', () => {
    // GIVEN
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'nag-test-')) });
    const stack = new Stack(app, 'Own', { env: { region: 'us-east-1' } });
    const bucket = new s3.Bucket(stack, 'Artifacts', { enforceSSL: true });
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'own', artifactBucket: bucket });
    new FailStep(pipeline, 'Stop', { errorMessage: 'stop' });

    // WHEN
    const found = findings(app);

    // THEN
    expect(found).toEqual(['Own/Artifacts/Resource: AwsSolutions-S1']);
  });

  test('the template carries the suppressions as cdk_nag metadata (rules_to_suppress with id, reason and applies_to), for cdk-nag 2', () => {
    // GIVEN
    const { stack, pipeline } = typicalApp();

    // WHEN
    const template = Template.fromStack(stack).toJSON();
    const policy = template.Resources[stack.getLogicalId(pipeline.role.node.findChild('DefaultPolicy').node.defaultChild as iam.CfnPolicy)];

    // THEN
    const rules = policy.Metadata.cdk_nag.rules_to_suppress as Array<{ id: string; reason: string; applies_to?: string[] }>;
    expect(rules.map((r) => r.id)).toEqual(rules.map(() => 'AwsSolutions-IAM5'));
    expect(rules.flatMap((r) => r.applies_to)).toContain('Resource::arn:<AWS::Partition>:sagemaker:us-east-1:<AWS::AccountId>:processing-job/*');
    expect(rules.every((r) => r.reason.length >= 10 && r.reason.includes('cdk-sagemaker-pipelines'))).toBe(true);
  });

  test('the library writes the suppressions without importing cdk-nag (an optional peer, loaded only by the opt-in rule pack)', () => {
    // GIVEN
    const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));

    // WHEN
    const importing = files(path.join(__dirname, '..', 'lib')).filter((f) => /from 'cdk-nag'|require\('cdk-nag'\)/.test(fs.readFileSync(f, 'utf8')));

    // THEN only lib/nag (the SageMakerPipelinesChecks pack, imported as 'cdk-sagemaker-pipelines/lib/nag') loads cdk-nag
    expect(importing.map((f) => path.relative(path.join(__dirname, '..'), f))).toEqual([path.join('lib', 'nag', 'index.ts')]);
  });
});
