import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  AutoMLInput, AutoMLStep, CallbackStep, ClarifyCheckStep, ClarifyCheckType, Condition, ConditionStep, ContainerImage,
  DatasetFormat, DefinitionSource, EmrCluster, EMRStep, FailStep, LambdaStep, ModelStep, NotebookJobStep, ParameterString,
  Pipeline, PipelineExperimentConfig, ProcessingStep, QualityCheckStep, QualityCheckType, RegisterModelStep, TrainingInput,
  TrainingStep, TransformStep, TuningObjectiveType, TuningStep, ContinuousParameter,
} from '../lib';
import { newStack } from './util';

const IMAGE = ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1');
const JOB_ROLE = 'arn:aws:iam::123456789012:role/SageMakerJobs';
const NOTEBOOK = path.join(__dirname, '..', 'examples', 'notebook-job', 'report.ipynb');

/** Builds one step (of the type named by the test) in `pipeline`. */
type Builder = (pipeline: Pipeline, stack: Stack) => void;

const role = (stack: Stack): iam.IRole => iam.Role.fromRoleArn(stack, 'JobRole', JOB_ROLE, { mutable: false });

const BUILDERS: Array<[string, Builder]> = [
  ['Processing', (p, s) => { new ProcessingStep(p, 'Prep', { image: IMAGE, role: role(s), outputs: [{ outputName: 'out', localPath: '/opt/ml/processing/out', s3Uri: 's3://data-bucket/out' }] }); }],
  ['Training', (p, s) => { new TrainingStep(p, 'Train', { image: IMAGE, role: role(s), outputPath: 's3://data-bucket/model', inputs: [TrainingInput.s3('train', 's3://data-bucket/train')] }); }],
  ['Tuning', (p, s) => {
    new TuningStep(p, 'Tune', {
      trainingJob: { image: IMAGE, role: role(s), outputPath: 's3://data-bucket/tuning', metricDefinitions: [{ name: 'validation:rmse', regex: 'rmse=([0-9\\.]+)' }] },
      objective: { type: TuningObjectiveType.MINIMIZE, metricName: 'validation:rmse' },
      hyperparameterRanges: [new ContinuousParameter('eta', { minValue: 0.1, maxValue: 0.5 })],
    });
  }],
  ['Model', (p, s) => { new ModelStep(p, 'CreateModel', { executionRole: role(s), container: { image: IMAGE, modelData: 's3://data-bucket/model.tar.gz' } }); }],
  ['Transform', (p) => { new TransformStep(p, 'Score', { modelName: 'churn-xgboost', inputS3Uri: 's3://data-bucket/batch', outputPath: 's3://data-bucket/scores' }); }],
  ['RegisterModel', (p) => { new RegisterModelStep(p, 'Register', { container: { image: IMAGE, modelData: 's3://data-bucket/model.tar.gz' }, modelPackageGroupName: 'ChurnModels' }); }],
  ['RegisterModel (group from a parameter)', (p) => {
    new RegisterModelStep(p, 'Register', { container: { image: IMAGE, modelData: 's3://data-bucket/model.tar.gz' }, modelPackageGroupName: new ParameterString('Group', { defaultValue: 'churn' }).valueAsString });
  }],
  ['QualityCheck', (p, s) => {
    new QualityCheckStep(p, 'DataQuality', {
      checkType: QualityCheckType.DATA_QUALITY,
      baselineDataset: 's3://data-bucket/train.csv',
      datasetFormat: DatasetFormat.csv(),
      modelPackageGroupName: 'ChurnModels',
      checkJobConfig: { role: role(s) },
    });
  }],
  ['ClarifyCheck', (p, s) => {
    new ClarifyCheckStep(p, 'DataBias', {
      checkType: ClarifyCheckType.DATA_BIAS,
      dataConfig: { s3DataInputPath: 's3://data-bucket/train.csv', label: 'target', headers: ['target', 'age'] },
      biasConfig: { labelValuesOrThreshold: [1], facets: [{ nameOrIndex: 'age', valueOrThreshold: 40 }] },
      modelPackageGroupName: 'churn-models',
      checkJobConfig: { role: role(s) },
    });
  }],
  ['AutoML', (p, s) => { new AutoMLStep(p, 'AutoML', { inputs: [AutoMLInput.s3('s3://data-bucket/train.csv')], targetAttributeName: 'churn', outputPath: 's3://data-bucket/automl', role: role(s) }); }],
  ['NotebookJob (Training)', (p, s) => { new NotebookJobStep(p, 'Report', { notebook: NOTEBOOK, image: ContainerImage.fromRegistry('885854791233.dkr.ecr.us-east-1.amazonaws.com/sagemaker-distribution-prod:1-cpu'), kernelName: 'python3', role: role(s) }); }],
  ['Lambda', (p, s) => { new LambdaStep(p, 'Notify', { function: lambda.Function.fromFunctionArn(s, 'Fn', 'arn:aws:lambda:us-east-1:123456789012:function:notify') }); }],
  ['Callback', (p, s) => { new CallbackStep(p, 'Approve', { queue: sqs.Queue.fromQueueArn(s, 'Queue', 'arn:aws:sqs:us-east-1:123456789012:approvals'), inputs: {} }); }],
  ['EMR (running cluster, runtime role)', (p, s) => {
    new EMRStep(p, 'Spark', { cluster: EmrCluster.fromClusterId('j-2AXXXXXXGAPLF'), executionRole: iam.Role.fromRoleArn(s, 'EmrRuntime', 'arn:aws:iam::123456789012:role/EmrRuntime', { mutable: false }), jar: 'command-runner.jar' });
  }],
  ['EMR (new cluster)', (p) => {
    new EMRStep(p, 'Spark', {
      jar: 'command-runner.jar',
      clusterConfig: {
        ReleaseLabel: 'emr-7.1.0',
        Instances: { InstanceGroups: [{ InstanceRole: 'MASTER', InstanceCount: 1, InstanceType: 'm5.xlarge' }] },
        JobFlowRole: 'EMR_EC2_DefaultRole',
        ServiceRole: 'EMR_DefaultRole',
      },
    });
  }],
  ['Condition and Fail', (p) => {
    const fail = new FailStep(p, 'Fail', { errorMessage: 'no' });
    new ConditionStep(p, 'Check', { conditions: [Condition.equals(1, 1)], elseSteps: [fail] });
  }],
];

/** The statements of the policies of `role`, resolved, as comparable strings (sorted). */
function roleStatements(stack: Stack, pipelineRole: iam.IRole): string[] {
  const roleId = stack.getLogicalId(pipelineRole.node.defaultChild as iam.CfnRole);
  return Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, any>)
    .filter((r) => (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') && (r.Properties.Roles ?? []).some((x: any) => x.Ref === roleId))
    .flatMap((r) => r.Properties.PolicyDocument.Statement)
    .flatMap((statement: any) => [statement.Action].flat().flatMap((action: string) => [statement.Resource].flat()
      .map((resource: unknown) => JSON.stringify({ action, resource, condition: statement.Condition ?? null }))))
    .sort();
}

describe('DefinitionSource: an imported step gets exactly the grants of the library\'s own construct for its type', () => {
  test.each(BUILDERS)('%s', (_type, build) => {
    // GIVEN: a pipeline built from the construct
    const { stack } = newStack();
    const built = new Pipeline(stack, 'Built', { pipelineName: 'built' });
    build(built, stack);

    // WHEN: its definition is brought into a second pipeline
    const imported = new Pipeline(stack, 'Imported', { pipelineName: 'imported', definitionSource: DefinitionSource.fromObject(built.renderDefinition()) });

    // THEN: the two pipeline roles hold the same statements (action, resource, condition)
    const expected = roleStatements(stack, built.role);
    expect(expected.length > 0 || _type === 'Condition and Fail').toBe(true);
    expect(roleStatements(stack, imported.role)).toEqual(expected);
  });

  test('an EMR step that starts a new cluster gets RunJobFlow on "*", the cluster and step actions and the EventBridge rule actions', () => {
    // GIVEN
    const { stack } = newStack();
    const definition = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'sdk-definition.json'), 'utf8'));
    definition.Steps = [{
      Name: 'Spark',
      Type: 'EMR',
      Arguments: {
        StepConfig: { HadoopJarStep: { Jar: 'command-runner.jar' } },
        ClusterConfig: { ReleaseLabel: 'emr-7.1.0', Instances: { InstanceGroups: [{ InstanceRole: 'MASTER', InstanceCount: 1, InstanceType: 'm5.xlarge' }] }, ServiceRole: 'EMR_DefaultRole', JobFlowRole: 'EMR_EC2_DefaultRole' },
      },
    }];

    // WHEN
    const pipeline = new Pipeline(stack, 'Pipeline', { definitionSource: DefinitionSource.fromObject(definition) });

    // THEN
    const statements = roleStatements(stack, pipeline.role).map((s) => JSON.parse(s));
    expect(statements).toContainEqual({ action: 'elasticmapreduce:RunJobFlow', resource: '*', condition: null });
    const actions = statements.map((s) => s.action);
    expect(actions).toEqual(expect.arrayContaining(['elasticmapreduce:AddJobFlowSteps', 'elasticmapreduce:TerminateJobFlows', 'events:PutRule', 'events:PutTargets', 'events:DescribeRule', 'iam:PassRole']));
  });
});

describe('DefinitionSource: callback queues', () => {
  function callbackDefinition(url: string): Record<string, unknown> {
    return {
      Version: '2020-12-01',
      Metadata: {},
      Parameters: [],
      PipelineExperimentConfig: null,
      Steps: [{ Name: 'Approve', Type: 'Callback', Arguments: {}, SqsQueueUrl: url, OutputParameters: [] }],
    };
  }

  test('a literal queue URL grants sqs:SendMessage on the queue ARN', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const pipeline = new Pipeline(stack, 'Pipeline', { definitionSource: DefinitionSource.fromObject(callbackDefinition('https://sqs.eu-west-1.amazonaws.com/123456789012/approvals')) });

    // THEN
    expect(roleStatements(stack, pipeline.role).map((s) => JSON.parse(s)))
      .toEqual([{ action: 'sqs:SendMessage', resource: 'arn:aws:sqs:eu-west-1:123456789012:approvals', condition: null }]);
  });

  test('a queue URL that is neither literal nor a queue of this app draws a warning and grants nothing', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const pipeline = new Pipeline(stack, 'Pipeline', { definitionSource: DefinitionSource.fromObject(callbackDefinition('https://example.com/not-a-queue')) });

    // THEN
    expect(roleStatements(stack, pipeline.role)).toEqual([]);
    Annotations.fromStack(stack).hasWarning('/Stack/Pipeline', Match.stringLikeRegexp("step 'Approve'.*SqsQueueUrl is neither an SQS queue URL.*importedQueueUnknown"));
  });
});

describe('DefinitionSource: values another account or region cannot use draw warnings naming the step and the value', () => {
  function importWith(mutate: (definition: any) => void): Stack {
    const { stack } = newStack();
    const definition = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'sdk-definition.json'), 'utf8'));
    mutate(definition);
    new Pipeline(stack, 'Pipeline', { definitionSource: DefinitionSource.fromObject(definition) });
    return stack;
  }

  test('a role ARN of another account', () => {
    // GIVEN / WHEN
    const stack = importWith((d) => { d.Steps[0].Arguments.RoleArn = 'arn:aws:iam::999999999999:role/SageMakerJobs'; });

    // THEN
    Annotations.fromStack(stack).hasWarning('/Stack/Pipeline', Match.stringLikeRegexp(
      "step 'AbaloneProcess'.*Arguments.RoleArn is the role arn:aws:iam::999999999999:role/SageMakerJobs of account 999999999999, but the pipeline deploys to account 123456789012.*importedRoleOtherAccount"));
  });

  test('an image of another region', () => {
    // GIVEN / WHEN
    const stack = importWith((d) => { d.Steps[1].Arguments.AlgorithmSpecification.TrainingImage = '683313688378.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1'; });

    // THEN
    Annotations.fromStack(stack).hasWarning('/Stack/Pipeline', Match.stringLikeRegexp(
      "step 'AbaloneTrain'.*Arguments.AlgorithmSpecification.TrainingImage is the image 683313688378.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1 in region eu-west-1, but the pipeline deploys to us-east-1.*importedImageOtherRegion"));
  });

  test('a bucket named for another region (the SageMaker SDK default bucket)', () => {
    // GIVEN / WHEN
    const stack = importWith((d) => { d.Steps[1].Arguments.OutputDataConfig.S3OutputPath = 's3://sagemaker-eu-west-1-123456789012/abalone/model'; });

    // THEN
    Annotations.fromStack(stack).hasWarning('/Stack/Pipeline', Match.stringLikeRegexp(
      "step 'AbaloneTrain'.*Arguments.OutputDataConfig.S3OutputPath is in bucket sagemaker-eu-west-1-123456789012, named for region eu-west-1.*importedBucketOtherRegion"));
  });

  test('values of this account and region draw none', () => {
    // GIVEN / WHEN
    const stack = importWith(() => undefined);

    // THEN
    for (const id of ['importedRoleOtherAccount', 'importedImageOtherRegion', 'importedBucketOtherRegion']) {
      Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp(id));
    }
  });
});

describe('DefinitionSource: refusals', () => {
  const FIXTURE = path.join(__dirname, 'fixtures', 'sdk-definition.json');

  test.each([
    ['parameters', { parameters: [new ParameterString('Extra', { defaultValue: 'x' })] }, /parameters cannot be given with definitionSource.*Remove it, or change the definition itself \(its Parameters list\)/],
    ['experimentConfig', { experimentConfig: PipelineExperimentConfig.disabled() }, /experimentConfig cannot be given with definitionSource.*\(its PipelineExperimentConfig\)/],
  ])('%s given with definitionSource is refused', (_name, props, message) => {
    // GIVEN
    const { stack } = newStack();

    // THEN
    expect(() => new Pipeline(stack, 'Pipeline', { definitionSource: DefinitionSource.fromFile(FIXTURE), ...props })).toThrow(message);
  });

  test('addParameter on a pipeline with a definitionSource is refused', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { definitionSource: DefinitionSource.fromFile(FIXTURE) });

    // THEN
    expect(() => pipeline.addParameter(new ParameterString('Extra', { defaultValue: 'x' }))).toThrow(/addParameter cannot be used on a pipeline with a definitionSource.*'Extra'.*Add the parameter to the definition's Parameters/);
  });

  test('a refused imported definition names the file, the step and the JSON path, and a pattern error says what the value should look like', () => {
    // GIVEN
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'definition-source-'));
    const file = path.join(dir, 'pipeline.json');
    const definition = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    definition.Steps[1].Arguments.OutputDataConfig.S3OutputPath = 'S3://bucket/model';
    definition.Steps[1].Arguments.RoleArn = '<your-sagemaker-role-arn>';
    fs.writeFileSync(file, JSON.stringify(definition));
    const { stack } = newStack();

    // WHEN
    new Pipeline(stack, 'Pipeline', { definitionSource: DefinitionSource.fromFile(file) });

    // THEN
    let message = '';
    try {
      Template.fromStack(stack);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(new RegExp(`the definition in file ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is refused: step 'AbaloneTrain', JSON path \\$\\.Steps\\[1\\]\\.Arguments\\.OutputDataConfig\\.S3OutputPath: .*s3:// in lower case`));
    expect(message).toMatch(/step 'AbaloneTrain', JSON path \$\.Steps\[1\]\.Arguments\.RoleArn: .*a role ARN such as arn:aws:iam::123456789012:role\/SageMakerRole, not a placeholder/);
    expect(message).not.toMatch(/Change it to match/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
