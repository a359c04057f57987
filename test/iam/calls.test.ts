import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  AutoMLInput, AutoMLStep, CallbackHandler, CallbackStep, ClarifyCheckStep, ClarifyCheckType, Condition, ConditionStep,
  ContainerImage, DatasetFormat, EMRStep, EmrCluster, ExecutionVariable, FailStep, LambdaStep, ModelPackageGroup, ModelStep,
  NotebookJobStep, ParameterString, Pipeline, PipelineScheduleTarget, PipelineTarget, ProcessingStep, QualityCheckStep,
  QualityCheckType, RegisterModelStep, TrainingInput, TrainingStep, TransformStep, TuningObjectiveType, TuningStep,
  ContinuousParameter, DefinitionSource,
} from '../../lib';
import { newStack, definitionOf } from '../util';
import { Decision, evaluate, PolicyDocument, Request } from './evaluate';
import { ACCOUNT, policyDocumentsOf, TemplateResolver } from './resolve';

/**
 * The run-time proof: for each step type and each trigger and handler construct, the AWS calls
 * made when the pipeline runs, with the resource ARN as the service forms it, evaluated with IAM's
 * matching rules (evaluate.ts) against the synthesized policies of the principal that makes each
 * call: the pipeline role (create, describe, stop and tag jobs, pass roles, invoke, send), the job
 * role (the exact S3 objects read and written, image pulls, logs, metrics, KMS), and the trigger
 * and handler roles. Every needed call must be allowed; a sample of calls outside the step's needs
 * must be denied.
 *
 * Run-time names follow the service: an execution id of 12 lower-case characters, jobs named
 * `pipelines-<execution id>-<step>-<suffix>` (ARNs in lower case), pipeline ARNs with the pipeline
 * name lower-cased (`list-pipelines` returns `pipeline/abalonepipeline` for `AbalonePipeline`).
 */

const REGION = 'us-east-1';
const EXEC = 'k3v9x2m7q1ab';
const ECR_ACCOUNT_IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/sklearn:1.2-1`;
const XGBOOST = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';
const CODE = path.join(__dirname, '..', 'fixtures', 'code', 'preprocess-a.py');

const sm = (resource: string): string => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${resource}`;
const s3 = (bucketAndKey: string): string => `arn:aws:s3:::${bucketAndKey}`;
const job = (step: string): string => `pipelines-${EXEC}-${step.toLowerCase()}-4f7a1c2e9b`;
const repo = (account: string, name: string): string => `arn:aws:ecr:${REGION}:${account}:repository/${name}`;
const logStream = (group: string, stream: string): string => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/${group}:log-stream:${stream}`;

/** The principals of a synthesized stack and their policies, with values resolved as deployed. */
class Deployed {
  public readonly template: Record<string, any>;
  private readonly resolver: TemplateResolver;

  constructor(private readonly stack: Stack) {
    definitionOf(stack, 'Pipeline'); // synthesizes, validates, and checks every statement against the reference
    this.template = Template.fromStack(stack).toJSON();
    this.resolver = new TemplateResolver(this.template, REGION);
  }

  /** A CDK value (token or literal) as deployed. */
  public value(v: unknown): string {
    return this.resolver.str(this.stack.resolve(v));
  }

  /** The policies of a role: identity policies attached to it, inline and the AWS managed ones it uses. */
  public policies(role: iam.IRole | string): PolicyDocument[] {
    const id = typeof role === 'string' ? role : this.stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
    const docs = policyDocumentsOf(this.template).filter((p) => p.roles.includes(id)).map((p) => this.resolver.resolve(p.document));
    for (const arn of this.template.Resources[id].Properties.ManagedPolicyArns ?? []) {
      const name = this.value(arn);
      if (name.endsWith(':policy/service-role/AWSLambdaBasicExecutionRole')) {
        docs.push({ Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }] });
      } else {
        throw new Error(`managed policy ${name} is not modelled in calls.test.ts`);
      }
    }
    return docs;
  }

  /** Logical ids of the roles that `service` may assume. */
  public rolesTrusting(service: string): string[] {
    return Object.entries(this.template.Resources as Record<string, any>)
      .filter(([, r]) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes(`"${service}"`))
      .map(([id]) => id);
  }

  /** The pipeline definition as deployed (CloudFormation values resolved). */
  public definition(): Record<string, any> {
    const pipeline = Object.values(this.template.Resources as Record<string, any>).find((r) => r.Type === 'AWS::SageMaker::Pipeline');
    return JSON.parse(this.value(pipeline.Properties.PipelineDefinition.PipelineDefinitionBody));
  }
}

/** The calls of `calls` whose decision is not `expected`, with the decision IAM makes. */
function decisions(policies: PolicyDocument[], calls: Request[], expected: 'allowed' | 'denied'): Array<Request & { decision: Decision }> {
  return calls.map((call) => ({ ...call, decision: evaluate(policies, call) }))
    .filter((c) => (expected === 'allowed' ? c.decision !== 'allowed' : c.decision === 'allowed'));
}

function expectAllowed(policies: PolicyDocument[], calls: Request[]): void {
  expect(calls.length).toBeGreaterThan(0);
  expect(decisions(policies, calls, 'allowed')).toEqual([]);
}

function expectDenied(policies: PolicyDocument[], calls: Request[]): void {
  expect(calls.length).toBeGreaterThan(0);
  expect(decisions(policies, calls, 'denied')).toEqual([]);
}

/** The calls of the pipeline role around one job: create, describe, stop, tag, and pass the job role. */
function jobCalls(kind: 'Processing' | 'Training' | 'Transform' | 'AutoML' | 'HyperParameterTuning', arn: string, jobRoleArn?: string): Request[] {
  const calls: Request[] = [`Create${kind}Job`, `Describe${kind}Job`, `Stop${kind}Job`, 'AddTags'].map((a) => ({ action: `sagemaker:${a}`, resource: arn }));
  if (jobRoleArn !== undefined) {
    calls.push({ action: 'iam:PassRole', resource: jobRoleArn, context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
  }
  return calls;
}

/** The calls of a job role that every job makes: logs of its job and metrics of its job type. */
function basicCalls(group: string, jobName: string): Request[] {
  return [
    { action: 'logs:CreateLogGroup', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/${group}` },
    { action: 'logs:CreateLogStream', resource: logStream(group, `${jobName}/algo-1-1733400000`) },
    { action: 'logs:PutLogEvents', resource: logStream(group, `${jobName}/algo-1-1733400000`) },
    { action: 'logs:DescribeLogStreams', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/${group}:log-stream:` },
    { action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': `/aws/sagemaker/${group}` } },
  ];
}

/** An image pull from an ECR repository by the job role. */
function pullCalls(repositoryArn: string): Request[] {
  return [
    { action: 'ecr:GetAuthorizationToken', resource: '*' },
    ...['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'].map((action) => ({ action, resource: repositoryArn })),
  ];
}

/** Calls no job role of these pipelines needs. */
function outsideCalls(jobName: string): Request[] {
  return [
    { action: 's3:GetObject', resource: s3('another-bucket/raw/data.csv') },
    { action: 's3:PutObject', resource: s3('another-bucket/out/part-0.csv') },
    { action: 'ecr:BatchGetImage', resource: repo(ACCOUNT, 'another-repository') },
    { action: 'logs:PutLogEvents', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/another:log-stream:${jobName}` },
    { action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'Custom/Other' } },
    { action: 'sagemaker:CreateProcessingJob', resource: sm(`processing-job/${jobName}`) },
  ];
}

describe('run-time calls of each step type are allowed, and calls outside its needs denied', () => {
  test('Processing: the pipeline role runs the job and passes the job role; the job reads its input and code, writes its output, pulls its image, logs', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'churn' });
    const step = new ProcessingStep(pipeline, 'Prep', {
      image: ContainerImage.fromRegistry(ECR_ACCOUNT_IMAGE),
      code: CODE,
      inputs: [{ inputName: 'raw', s3Uri: 's3://example-bucket/raw/data.csv', localPath: '/opt/ml/processing/input' }],
      outputs: [{ outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: `s3://example-bucket/prep/${ExecutionVariable.PIPELINE_EXECUTION_ID}/train` }],
    });

    // WHEN
    const deployed = new Deployed(stack);
    const name = job('Prep');
    const args = deployed.definition().Steps[0].Arguments;
    const code = args.ProcessingInputs.find((i: any) => i.InputName === 'code').S3Input.S3Uri.replace(/^s3:\/\//, '');

    // THEN
    const jobRole = deployed.value(step.role.roleArn);
    expectAllowed(deployed.policies(pipeline.role), jobCalls('Processing', sm(`processing-job/${name}`), jobRole));
    expectAllowed(deployed.policies(step.role), [
      { action: 's3:GetObject', resource: s3('example-bucket/raw/data.csv') },
      { action: 's3:ListBucket', resource: s3('example-bucket'), context: { 's3:prefix': 'raw/data.csv' } },
      { action: 's3:GetObject', resource: s3(`${code}${code.endsWith('/') ? '' : '/'}preprocess-a.py`) },
      { action: 's3:PutObject', resource: s3(`example-bucket/prep/${EXEC}/train/part-0.csv`) },
      ...pullCalls(repo(ACCOUNT, 'sklearn')),
      ...basicCalls('ProcessingJobs', name),
    ]);
    expectDenied(deployed.policies(step.role), [
      ...outsideCalls(name),
      { action: 's3:PutObject', resource: s3('example-bucket/raw/data.csv') },
      { action: 's3:GetObject', resource: s3('example-bucket/secrets/key.pem') },
      { action: 's3:ListBucket', resource: s3('example-bucket'), context: { 's3:prefix': 'secrets/' } },
    ]);
    expectDenied(deployed.policies(pipeline.role), [
      { action: 'iam:PassRole', resource: jobRole, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      { action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/AnotherRole`, context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      { action: 'sagemaker:CreateTrainingJob', resource: sm(`training-job/${name}`) },
      { action: 'sagemaker:CreateProcessingJob', resource: `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:processing-job/${name}` },
    ]);
  });

  test('Training: reads its channel, writes model.tar.gz under the output path, encrypts it with the output key', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'churn' });
    const key = new kms.Key(stack, 'OutputKey');
    const step = new TrainingStep(pipeline, 'Train', {
      image: ContainerImage.fromRegistry(XGBOOST),
      inputs: [TrainingInput.s3('train', 's3://example-bucket/train/')],
      outputPath: 's3://example-bucket/models',
      outputKmsKey: key,
    });

    // WHEN
    const deployed = new Deployed(stack);
    const name = job('Train');

    // THEN
    expectAllowed(deployed.policies(pipeline.role), jobCalls('Training', sm(`training-job/${name}`), deployed.value(step.role.roleArn)));
    expectAllowed(deployed.policies(step.role), [
      { action: 's3:ListBucket', resource: s3('example-bucket'), context: { 's3:prefix': 'train/' } },
      { action: 's3:GetObject', resource: s3('example-bucket/train/part-0.csv') },
      { action: 's3:PutObject', resource: s3(`example-bucket/models/${name}/output/model.tar.gz`) },
      { action: 'kms:GenerateDataKey', resource: deployed.value(key.keyArn) },
      { action: 'kms:Decrypt', resource: deployed.value(key.keyArn) },
      ...pullCalls(repo('683313688378', 'sagemaker-xgboost')),
      ...basicCalls('TrainingJobs', name),
    ]);
    expectDenied(deployed.policies(step.role), [
      ...outsideCalls(name),
      { action: 'kms:Decrypt', resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000` },
      { action: 's3:GetObject', resource: s3('example-bucket/secrets/key.pem') },
    ]);
  });

  test('Tuning: the pipeline role runs the tuning job (and lists its training jobs); each training job writes under the output path', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'churn' });
    const step = new TuningStep(pipeline, 'Tune', {
      trainingJob: { image: ContainerImage.fromRegistry(XGBOOST), outputPath: 's3://example-bucket/tuning', metricDefinitions: [{ name: 'validation:rmse', regex: 'rmse=([0-9\\.]+)' }] },
      objective: { type: TuningObjectiveType.MINIMIZE, metricName: 'validation:rmse' },
      hyperparameterRanges: [new ContinuousParameter('eta', { minValue: 0.1, maxValue: 0.5 })],
    });

    // WHEN
    const deployed = new Deployed(stack);
    const tuningJob = `pipelines-${EXEC}-tune-4f7a`;
    const trainingJob = `${tuningJob}-001-1a2b3c4d`;

    // THEN
    expectAllowed(deployed.policies(pipeline.role), [
      ...jobCalls('HyperParameterTuning', sm(`hyper-parameter-tuning-job/${tuningJob}`), deployed.value(step.roles[0].roleArn)),
      { action: 'sagemaker:ListTrainingJobsForHyperParameterTuningJob', resource: sm(`hyper-parameter-tuning-job/${tuningJob}`) },
    ]);
    expect(step.roles).toHaveLength(1);
    expectAllowed(deployed.policies(step.roles[0]), [
      { action: 's3:PutObject', resource: s3(`example-bucket/tuning/${trainingJob}/output/model.tar.gz`) },
      ...pullCalls(repo('683313688378', 'sagemaker-xgboost')),
      ...basicCalls('TrainingJobs', trainingJob),
    ]);
    expectDenied(deployed.policies(step.roles[0]), outsideCalls(trainingJob));
    expectDenied(deployed.policies(pipeline.role), [{ action: 'sagemaker:CreateTrainingJob', resource: sm(`training-job/${trainingJob}`) }]);
  });

  test('Model (one container): the pipeline role creates the model and passes its execution role, which pulls the image and reads the model data', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'churn' });
    const step = new ModelStep(pipeline, 'CreateModel', { container: { image: ContainerImage.fromRegistry(XGBOOST), modelData: 's3://example-bucket/model/model.tar.gz' } });

    // WHEN
    const deployed = new Deployed(stack);
    const model = sm(`model/pipelines-${EXEC}-createmodel-4f7a1c2e9b`);

    // THEN
    expectAllowed(deployed.policies(pipeline.role), [
      { action: 'sagemaker:CreateModel', resource: model },
      { action: 'sagemaker:AddTags', resource: model },
      { action: 'iam:PassRole', resource: deployed.value(step.executionRole.roleArn), context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    ]);
    expectAllowed(deployed.policies(step.executionRole), [
      { action: 's3:GetObject', resource: s3('example-bucket/model/model.tar.gz') },
      ...pullCalls(repo('683313688378', 'sagemaker-xgboost')),
    ]);
    expectDenied(deployed.policies(step.executionRole), outsideCalls('m'));
    expectDenied(deployed.policies(pipeline.role), [{ action: 'sagemaker:DeleteModel', resource: model }, { action: 'sagemaker:CreateEndpoint', resource: sm('endpoint/e') }]);
  });

  test('Model (two containers, own execution role, VPC): both images and model data, and the network interfaces of the VPC', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'churn' });
    const role = new iam.Role(stack, 'ModelRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const step = new ModelStep(pipeline, 'Serve', {
      containers: [
        { image: ContainerImage.fromRegistry(ECR_ACCOUNT_IMAGE), modelData: 's3://example-bucket/pre/model.tar.gz' },
        { image: ContainerImage.fromRegistry(XGBOOST), modelData: 's3://example-bucket/xgb/model.tar.gz' },
      ],
      executionRole: role,
      vpc,
    });

    // WHEN
    const deployed = new Deployed(stack);

    // THEN
    expect(step.executionRole).toBe(role);
    expectAllowed(deployed.policies(pipeline.role), [
      { action: 'sagemaker:CreateModel', resource: sm(`model/pipelines-${EXEC}-serve-4f7a1c2e9b`) },
      { action: 'iam:PassRole', resource: deployed.value(role.roleArn), context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    ]);
    expectAllowed(deployed.policies(role), [
      { action: 's3:GetObject', resource: s3('example-bucket/pre/model.tar.gz') },
      { action: 's3:GetObject', resource: s3('example-bucket/xgb/model.tar.gz') },
      ...pullCalls(repo(ACCOUNT, 'sklearn')),
      ...pullCalls(repo('683313688378', 'sagemaker-xgboost')),
      { action: 'ec2:CreateNetworkInterface', resource: '*' },
      { action: 'ec2:DescribeNetworkInterfaces', resource: '*' },
    ]);
    expectDenied(deployed.policies(role), outsideCalls('serve'));
  });

  test('Model from AutoML (createBestModelStep): the job role reads the candidate artifacts under the AutoML output path', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'churn' });
    const automl = new AutoMLStep(pipeline, 'AutoML', { inputs: [AutoMLInput.s3('s3://example-bucket/churn/train.csv')], targetAttributeName: 'churn', outputPath: 's3://example-bucket/automl' });
    const best = automl.createBestModelStep(pipeline, 'BestModel');

    // WHEN
    const deployed = new Deployed(stack);
    const name = `pipelines-${EXEC}-automl-4f7a`;

    // THEN
    expectAllowed(deployed.policies(pipeline.role), [
      ...jobCalls('AutoML', sm(`automl-job/${name}`), deployed.value(automl.role.roleArn)),
      { action: 'sagemaker:CreateModel', resource: sm(`model/pipelines-${EXEC}-bestmodel-4f7a1c2e9b`) },
      { action: 'iam:PassRole', resource: deployed.value(best.executionRole.roleArn), context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    ]);
    expectAllowed(deployed.policies(automl.role), [
      { action: 's3:GetObject', resource: s3('example-bucket/churn/train.csv') },
      { action: 's3:PutObject', resource: s3(`example-bucket/automl/${name}/data-processor-models/x/output/model.tar.gz`) },
      ...basicCalls('ProcessingJobs', `${name}-dpp0-1`),
      ...basicCalls('TrainingJobs', `${name}-candidate-1`),
    ]);
    expectAllowed(deployed.policies(best.executionRole), [
      { action: 's3:GetObject', resource: s3(`example-bucket/automl/${name}/tuning/candidate-1/output/model.tar.gz`) },
    ]);
    expectDenied(deployed.policies(automl.role), outsideCalls(name).filter((c) => !c.action.startsWith('sagemaker:')));
  });

  test('RegisterModel: the pipeline role registers versions in its group only', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'churn' });
    const group = new ModelPackageGroup(stack, 'Group', { modelPackageGroupName: 'churn-models' });
    new RegisterModelStep(pipeline, 'Register', { container: { image: ContainerImage.fromRegistry(XGBOOST), modelData: 's3://example-bucket/model/model.tar.gz' }, modelPackageGroup: group });

    // WHEN
    const deployed = new Deployed(stack);
    const version = sm('model-package/churn-models/3');

    // THEN
    expectAllowed(deployed.policies(pipeline.role), [
      { action: 'sagemaker:CreateModelPackage', resource: version },
      { action: 'sagemaker:DescribeModelPackage', resource: version },
      { action: 'sagemaker:AddTags', resource: version },
    ]);
    expectDenied(deployed.policies(pipeline.role), [
      { action: 'sagemaker:CreateModelPackage', resource: sm('model-package/another-group/1') },
      { action: 'sagemaker:UpdateModelPackage', resource: version },
      { action: 'sagemaker:DeleteModelPackageGroup', resource: sm('model-package-group/churn-models') },
    ]);
  });

  test('Transform: the pipeline role runs the transform job (no PassRole); the model\'s role writes the default output, and reads the input it was granted', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'churn' });
    const model = new ModelStep(pipeline, 'CreateModel', { container: { image: ContainerImage.fromRegistry(XGBOOST), modelData: 's3://example-bucket/model/model.tar.gz' } });
    new TransformStep(pipeline, 'Score', { modelName: model.properties.ModelName, inputS3Uri: 's3://example-bucket/batch/input' });
    // TransformStep's contract (its TSDoc): the job runs as the model's role, which must be able to
    // read the input. Here that is the pipeline's job role; the default output is granted by the library.
    model.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::example-bucket/batch/input/*'] }));

    // WHEN
    const deployed = new Deployed(stack);
    const name = job('Score');
    const bucket = deployed.value(pipeline.artifactBucket.bucketName);

    // THEN
    expect(model.executionRole).toBe(pipeline.defaultJobRole);
    expectAllowed(deployed.policies(pipeline.role), jobCalls('Transform', sm(`transform-job/${name}`)));
    expectDenied(deployed.policies(pipeline.role), [{ action: 'iam:PassRole', resource: deployed.value(model.executionRole.roleArn), context: { 'iam:PassedToService': 'ec2.amazonaws.com' } }]);
    expectAllowed(deployed.policies(model.executionRole), [
      { action: 's3:GetObject', resource: s3('example-bucket/batch/input/part-0.csv') },
      { action: 's3:PutObject', resource: s3(`${bucket}/churn/${EXEC}/Score/part-0.csv.out`) },
      ...basicCalls('TransformJobs', name),
    ]);
    expectDenied(deployed.policies(model.executionRole), outsideCalls(name));
  });

  test('Condition and Fail: no AWS call of their own; the steps in the branches keep theirs', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'churn' });
    const threshold = new ParameterString('Mode', { defaultValue: 'train' });
    const train = new TrainingStep(pipeline, 'Train', { image: ContainerImage.fromRegistry(XGBOOST), outputPath: 's3://example-bucket/models' });
    new ConditionStep(pipeline, 'Check', {
      conditions: [Condition.equals(threshold.valueAsString, 'train')],
      ifSteps: [train],
      elseSteps: [new FailStep(pipeline, 'Stop', { errorMessage: 'not training' })],
    });

    // WHEN
    const deployed = new Deployed(stack);

    // THEN
    expectAllowed(deployed.policies(pipeline.role), jobCalls('Training', sm(`training-job/${job('Train')}`), deployed.value(train.role.roleArn)));
    expectDenied(deployed.policies(pipeline.role), [
      { action: 'sagemaker:CreateProcessingJob', resource: sm(`processing-job/${job('Check')}`) },
      { action: 'lambda:InvokeFunction', resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:any` },
    ]);
  });

  test('Callback: the pipeline role sends the message to its queue (with the queue key), not to another queue', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'churn' });
    const key = new kms.Key(stack, 'QueueKey');
    const queue = new sqs.Queue(stack, 'Approvals', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key });
    new CallbackStep(pipeline, 'Approve', { queue, inputs: { model: 's3://example-bucket/model.tar.gz' } });

    // WHEN
    const deployed = new Deployed(stack);

    // THEN
    expectAllowed(deployed.policies(pipeline.role), [
      { action: 'sqs:SendMessage', resource: deployed.value(queue.queueArn) },
      { action: 'kms:GenerateDataKey', resource: deployed.value(key.keyArn) },
      { action: 'kms:Decrypt', resource: deployed.value(key.keyArn) },
    ]);
    expectDenied(deployed.policies(pipeline.role), [
      { action: 'sqs:SendMessage', resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:another-queue` },
      { action: 'sqs:ReceiveMessage', resource: deployed.value(queue.queueArn) },
      { action: 'kms:Decrypt', resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000` },
    ]);
  });

  test('Lambda: the pipeline role invokes its function (and its versions), not another function', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'churn' });
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.PYTHON_3_12, handler: 'index.handler', code: lambda.Code.fromInline('def handler(e, c): return {}') });
    new LambdaStep(pipeline, 'Prep', { function: fn, inputs: { source: 's3://example-bucket/raw' } });

    // WHEN
    const deployed = new Deployed(stack);
    const arn = deployed.value(fn.functionArn);

    // THEN
    expectAllowed(deployed.policies(pipeline.role), [{ action: 'lambda:InvokeFunction', resource: arn }]);
    expectDenied(deployed.policies(pipeline.role), [
      { action: 'lambda:InvokeFunction', resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:another` },
      { action: 'lambda:UpdateFunctionCode', resource: arn },
    ]);
  });

  test('EMR on a running cluster: step actions on that cluster and the step-status rule', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'spark' });
    new EMRStep(pipeline, 'Spark', { jar: 'command-runner.jar', cluster: EmrCluster.fromClusterId('j-2AXXXXXXGAPLF') });

    // WHEN
    const deployed = new Deployed(stack);
    const cluster = `arn:aws:elasticmapreduce:${REGION}:${ACCOUNT}:cluster/j-2AXXXXXXGAPLF`;

    // THEN
    expectAllowed(deployed.policies(pipeline.role), [
      ...['AddJobFlowSteps', 'DescribeStep', 'CancelSteps', 'ListSteps'].map((a) => ({ action: `elasticmapreduce:${a}`, resource: cluster })),
      ...['DescribeRule', 'PutRule', 'PutTargets'].map((a) => ({ action: `events:${a}`, resource: `arn:aws:events:${REGION}:${ACCOUNT}:rule/SageMakerPipelineExecutionEMRStepStatusUpdateRule` })),
    ]);
    expectDenied(deployed.policies(pipeline.role), [
      { action: 'elasticmapreduce:AddJobFlowSteps', resource: `arn:aws:elasticmapreduce:${REGION}:${ACCOUNT}:cluster/j-ANOTHER` },
      { action: 'elasticmapreduce:TerminateJobFlows', resource: cluster },
      { action: 'events:PutRule', resource: `arn:aws:events:${REGION}:${ACCOUNT}:rule/another-rule` },
    ]);
  });

  test('EMR on a new cluster: RunJobFlow (no resource-level permissions: on "*"), the cluster rules, and passing the cluster roles (regression: issue 10 defect 2)', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'spark' });
    new EMRStep(pipeline, 'Spark', {
      jar: 'command-runner.jar',
      clusterConfig: {
        ReleaseLabel: 'emr-7.1.0',
        Instances: { InstanceGroups: [{ InstanceRole: 'MASTER', InstanceCount: 1, InstanceType: 'm5.xlarge' }] },
        JobFlowRole: 'EMR_EC2_DefaultRole',
        ServiceRole: 'EMR_DefaultRole',
      },
    });

    // WHEN
    const template = Template.fromStack(stack).toJSON();
    const policies = policyDocumentsOf(template).filter((p) => p.roles.includes(stack.getLogicalId(pipeline.role.node.defaultChild as iam.CfnRole)))
      .map((p) => new TemplateResolver(template, REGION).resolve(p.document));
    const cluster = `arn:aws:elasticmapreduce:${REGION}:${ACCOUNT}:cluster/j-3NEWCLUSTER`;

    // THEN
    expectAllowed(policies, [
      { action: 'elasticmapreduce:RunJobFlow', resource: '*' },
      ...['DescribeCluster', 'TerminateJobFlows', 'AddJobFlowSteps', 'DescribeStep', 'ListSteps'].map((a) => ({ action: `elasticmapreduce:${a}`, resource: cluster })),
      ...['DescribeRule', 'PutRule', 'PutTargets'].map((a) => ({ action: `events:${a}`, resource: `arn:aws:events:${REGION}:${ACCOUNT}:rule/SageMakerPipelineExecutionEMRClusterStatusUpdateRule` })),
      { action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/EMR_DefaultRole`, context: { 'iam:PassedToService': 'elasticmapreduce.amazonaws.com' } },
      { action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/EMR_EC2_DefaultRole`, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    ]);
    expectDenied(policies, [
      { action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/EMR_DefaultRole`, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
      { action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/Admin`, context: { 'iam:PassedToService': 'elasticmapreduce.amazonaws.com' } },
    ]);
    // Defect 2 of issue 10: with RunJobFlow scoped to cluster/*, synthesis through definitionOf fails the reference check.
    expect(() => definitionOf(stack)).not.toThrow();
  });

  test('QualityCheck: a processing job (monitor image) reading the baseline dataset, writing the check output; the latest baseline looked up in the group (regression: issue 10 defect 3)', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'churn' });
    const step = new QualityCheckStep(pipeline, 'DataQuality', {
      checkType: QualityCheckType.DATA_QUALITY,
      baselineDataset: 's3://data-bucket/train/train.csv',
      datasetFormat: DatasetFormat.csv({ header: false }),
      modelPackageGroupName: 'churn-models',
    });

    // WHEN
    const template = Template.fromStack(stack).toJSON();
    const resolver = new TemplateResolver(template, REGION);
    const policiesOf = (role: iam.IRole): PolicyDocument[] => policyDocumentsOf(template)
      .filter((p) => p.roles.includes(stack.getLogicalId(role.node.defaultChild as iam.CfnRole))).map((p) => resolver.resolve(p.document));
    const name = job('DataQuality');

    // THEN
    expectAllowed(policiesOf(pipeline.role), [
      ...jobCalls('Processing', sm(`processing-job/${name}`), resolver.str(stack.resolve(step.role.roleArn))),
      { action: 'sagemaker:DescribeModelPackageGroup', resource: sm('model-package-group/churn-models') },
      { action: 'sagemaker:DescribeModelPackage', resource: sm('model-package/churn-models/2') },
      // Defect 3 of issue 10: ListModelPackages takes no model-package-group resource.
      { action: 'sagemaker:ListModelPackages', resource: '*' },
    ]);
    expectAllowed(policiesOf(step.role), [
      { action: 's3:GetObject', resource: s3('data-bucket/train/train.csv') },
      ...basicCalls('ProcessingJobs', name),
    ]);
    expectDenied(policiesOf(step.role), outsideCalls(name).filter((c) => !c.action.startsWith('sagemaker:')));
    expectDenied(policiesOf(pipeline.role), [{ action: 'sagemaker:DescribeModelPackage', resource: sm('model-package/another-group/1') }]);
  });

  test('ClarifyCheck: a processing job (Clarify image) reading the dataset and its analysis config, writing the report', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'churn' });
    const step = new ClarifyCheckStep(pipeline, 'DataBias', {
      checkType: ClarifyCheckType.DATA_BIAS,
      dataConfig: { s3DataInputPath: 's3://data-bucket/train.csv', label: 'target', headers: ['target', 'age'] },
      biasConfig: { labelValuesOrThreshold: [1], facets: [{ nameOrIndex: 'age', valueOrThreshold: 40 }] },
    });

    // WHEN
    const deployed = new Deployed(stack);
    const name = job('DataBias');
    const args = deployed.definition().Steps[0].Arguments;
    const config = args.ProcessingInputs.find((i: any) => i.InputName === 'analysis_config').S3Input.S3Uri.replace(/^s3:\/\//, '');

    // THEN
    expectAllowed(deployed.policies(pipeline.role), jobCalls('Processing', sm(`processing-job/${name}`), deployed.value(step.role.roleArn)));
    expectAllowed(deployed.policies(step.role), [
      { action: 's3:GetObject', resource: s3('data-bucket/train.csv') },
      { action: 's3:GetObject', resource: s3(`${config.replace(/\/$/, '')}/analysis_config.json`) },
      { action: 's3:PutObject', resource: s3(`${deployed.value(pipeline.artifactBucket.bucketName)}/churn/${EXEC}/DataBias/analysis.json`) },
      ...basicCalls('ProcessingJobs', name),
    ]);
    expectDenied(deployed.policies(step.role), outsideCalls(name));
  });

  test('AutoML: the pipeline role runs the AutoML job and passes the job role; the job reads the input and writes under the output path', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'churn' });
    const step = new AutoMLStep(pipeline, 'AutoML', { inputs: [AutoMLInput.s3('s3://example-bucket/churn/train.csv')], targetAttributeName: 'churn' });

    // WHEN
    const deployed = new Deployed(stack);
    const name = `pipelines-${EXEC}-automl-4f7a`;
    const bucket = deployed.value(pipeline.artifactBucket.bucketName);

    // THEN
    expectAllowed(deployed.policies(pipeline.role), jobCalls('AutoML', sm(`automl-job/${name}`), deployed.value(step.role.roleArn)));
    expectAllowed(deployed.policies(step.role), [
      { action: 's3:GetObject', resource: s3('example-bucket/churn/train.csv') },
      { action: 's3:PutObject', resource: s3(`${bucket}/churn/${EXEC}/AutoML/${name}/data-processor-models/x.tar.gz`) },
      ...basicCalls('TrainingJobs', `${name}-candidate-1`),
    ]);
    expectDenied(deployed.policies(step.role), outsideCalls(name));
  });

  test('Notebook job: a training job that reads the staged notebook and writes the executed notebook', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'reports' });
    const step = new NotebookJobStep(pipeline, 'Report', {
      notebook: path.join(__dirname, '..', '..', 'examples', 'notebook-job', 'report.ipynb'),
      image: ContainerImage.fromRegistry('885854791233.dkr.ecr.us-east-1.amazonaws.com/sagemaker-distribution-prod:1-cpu'),
      kernelName: 'python3',
    });

    // WHEN
    const deployed = new Deployed(stack);
    const name = job('Report');
    const args = deployed.definition().Steps[0].Arguments;
    const staged = String(args.InputDataConfig[0].DataSource.S3DataSource.S3Uri).replace(/^s3:\/\//, '').replace(/\/$/, '');
    const bucket = deployed.value(pipeline.artifactBucket.bucketName);

    // THEN
    expectAllowed(deployed.policies(pipeline.role), jobCalls('Training', sm(`training-job/${name}`), deployed.value(step.role.roleArn)));
    expectAllowed(deployed.policies(step.role), [
      { action: 's3:GetObject', resource: s3(`${staged}/report.ipynb`) },
      { action: 's3:PutObject', resource: s3(`${bucket}/reports/${EXEC}/Report/${name}/output/output.tar.gz`) },
      ...pullCalls(repo('885854791233', 'sagemaker-distribution-prod')),
      ...basicCalls('TrainingJobs', name),
    ]);
    expectDenied(deployed.policies(step.role), outsideCalls(name));
  });
});

describe('run-time calls of definitions brought in through DefinitionSource', () => {
  /** The pipeline role's policies of a pipeline deploying `steps` as an imported definition. */
  function imported(steps: unknown[]): { policies: PolicyDocument[] } {
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'imported', definitionSource: DefinitionSource.fromObject({ Version: '2020-12-01', Parameters: [], Steps: steps }) });
    const template = Template.fromStack(stack).toJSON();
    const resolver = new TemplateResolver(template, REGION);
    const roleId = stack.getLogicalId(pipeline.role.node.defaultChild as iam.CfnRole);
    return { policies: policyDocumentsOf(template).filter((p) => p.roles.includes(roleId)).map((p) => resolver.resolve(p.document)) };
  }

  test('an imported Processing step: the pipeline role runs the job and passes its role to SageMaker only', () => {
    // GIVEN
    const role = `arn:aws:iam::${ACCOUNT}:role/ImportedJobRole`;
    const { policies } = imported([{
      Name: 'Prep',
      Type: 'Processing',
      Arguments: {
        ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 } },
        AppSpecification: { ImageUri: ECR_ACCOUNT_IMAGE },
        RoleArn: role,
      },
    }]);

    // THEN
    expectAllowed(policies, jobCalls('Processing', sm(`processing-job/${job('Prep')}`), role));
    expectDenied(policies, [{ action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } }]);
  });

  test('an imported EMR step that starts its own cluster gets the grants of EMRStep (regression: issue 10 defect 7)', () => {
    // GIVEN
    const { policies } = imported([{
      Name: 'Spark',
      Type: 'EMR',
      Arguments: {
        StepConfig: { HadoopJarStep: { Jar: 'command-runner.jar' } },
        ClusterConfig: {
          ReleaseLabel: 'emr-7.1.0',
          Instances: { InstanceGroups: [{ InstanceRole: 'MASTER', InstanceCount: 1, InstanceType: 'm5.xlarge' }] },
          JobFlowRole: 'EMR_EC2_DefaultRole',
          ServiceRole: 'EMR_DefaultRole',
        },
      },
    }]);
    const cluster = `arn:aws:elasticmapreduce:${REGION}:${ACCOUNT}:cluster/j-3NEWCLUSTER`;

    // THEN
    expectAllowed(policies, [
      { action: 'elasticmapreduce:RunJobFlow', resource: '*' },
      ...['DescribeCluster', 'TerminateJobFlows', 'AddJobFlowSteps', 'DescribeStep', 'ListSteps'].map((a) => ({ action: `elasticmapreduce:${a}`, resource: cluster })),
      ...['DescribeRule', 'PutRule', 'PutTargets'].map((a) => ({ action: `events:${a}`, resource: `arn:aws:events:${REGION}:${ACCOUNT}:rule/SageMakerPipelineExecutionEMRClusterStatusUpdateRule` })),
      { action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/EMR_DefaultRole`, context: { 'iam:PassedToService': 'elasticmapreduce.amazonaws.com' } },
      { action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/EMR_EC2_DefaultRole`, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    ]);
  });
});

describe('run-time calls of triggers and the callback handler', () => {
  /** A pipeline whose name has capitals: its ARN carries the name in lower case. */
  function mixedCasePipeline(): { stack: Stack; pipeline: Pipeline } {
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'DailyRetrain' });
    new FailStep(pipeline, 'Stop', { errorMessage: 'stop' });
    return { stack, pipeline };
  }
  const START = { action: 'sagemaker:StartPipelineExecution', resource: sm('pipeline/dailyretrain') };
  const START_OTHER = { action: 'sagemaker:StartPipelineExecution', resource: sm('pipeline/another') };

  test.each([
    ['PipelineTarget: the EventBridge role', 'events.amazonaws.com',
      (stack: Stack, pipeline: Pipeline) => new events.Rule(stack, 'OnUpload', { eventPattern: { source: ['aws.s3'] }, targets: [new PipelineTarget(pipeline)] })],
    ['PipelineScheduleTarget: the EventBridge Scheduler role', 'scheduler.amazonaws.com',
      (stack: Stack, pipeline: Pipeline) => new scheduler.Schedule(stack, 'Nightly', {
        schedule: scheduler.ScheduleExpression.rate(Duration.days(1)), target: new PipelineScheduleTarget(pipeline),
      })],
    ['aws_scheduler_targets.SageMakerStartPipelineExecution(pipeline): the scheduler role', 'scheduler.amazonaws.com',
      (stack: Stack, pipeline: Pipeline) => new scheduler.Schedule(stack, 'Nightly', {
        schedule: scheduler.ScheduleExpression.rate(Duration.days(1)), target: new schedulerTargets.SageMakerStartPipelineExecution(pipeline),
      })],
  ])('%s starts this pipeline (ARN in lower case) and no other (regression: issue 10 defect 1)', (_trigger, service, addTrigger) => {
    // GIVEN
    const { stack, pipeline } = mixedCasePipeline();
    addTrigger(stack, pipeline);

    // WHEN
    const deployed = new Deployed(stack);
    const [role] = deployed.rolesTrusting(service);

    // THEN
    expectAllowed(deployed.policies(role), [START]);
    expectDenied(deployed.policies(role), [START_OTHER]);
  });

  test('grantStartPipelineExecution: a user role starts the pipeline by its lower-case ARN (regression: issue 10 defect 1)', () => {
    // GIVEN
    const { stack, pipeline } = mixedCasePipeline();
    const user = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    pipeline.grantStartPipelineExecution(user);

    // WHEN
    const deployed = new Deployed(stack);

    // THEN
    expectAllowed(deployed.policies(user), [START]);
    expectDenied(deployed.policies(user), [START_OTHER]);
  });

  /** A handler file for CallbackHandler. */
  function handlerFile(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calls-handler-'));
    const file = path.join(dir, 'approve.cjs');
    fs.writeFileSync(file, 'exports.handler = async () => ({ outputs: {} });\n');
    return file;
  }

  test('CallbackHandler: the handler role receives from its queue and answers executions of its pipelines (ARN in lower case) only (regression: issue 10 defect 1)', () => {
    // GIVEN
    const { stack, pipeline } = mixedCasePipeline();
    const handler = new CallbackHandler(stack, 'Approval', { handlerPath: handlerFile(), pipelines: [pipeline] });
    handler.callbackStep(pipeline, 'Approve', { inputs: { note: 'approve?' } });

    // WHEN
    const deployed = new Deployed(stack);
    const role = handler.function.role!;
    const execution = sm(`pipeline/dailyretrain/execution/${EXEC}`);

    // THEN
    expectAllowed(deployed.policies(role), [
      { action: 'sagemaker:SendPipelineExecutionStepSuccess', resource: execution },
      { action: 'sagemaker:SendPipelineExecutionStepFailure', resource: execution },
      ...['ReceiveMessage', 'DeleteMessage', 'ChangeMessageVisibility', 'GetQueueAttributes'].map((a) => ({ action: `sqs:${a}`, resource: deployed.value(handler.queue.queueArn) })),
      { action: 'logs:PutLogEvents', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/x:log-stream:y` },
    ]);
    expectAllowed(deployed.policies(pipeline.role), [{ action: 'sqs:SendMessage', resource: deployed.value(handler.queue.queueArn) }]);
    expectDenied(deployed.policies(role), [
      { action: 'sagemaker:SendPipelineExecutionStepSuccess', resource: sm(`pipeline/another/execution/${EXEC}`) },
      { action: 'sqs:ReceiveMessage', resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:another-queue` },
    ]);
  });

  test('CallbackHandler without pipelines: scoped to the pipelines whose callback steps it creates (regression: issue 10 defects 1 and 6)', () => {
    // GIVEN
    const { stack, pipeline } = mixedCasePipeline();
    const handler = new CallbackHandler(stack, 'Approval', { handlerPath: handlerFile() });
    handler.callbackStep(pipeline, 'Approve', { inputs: { note: 'approve?' } });

    // WHEN
    const deployed = new Deployed(stack);
    const role = handler.function.role!;

    // THEN
    expectAllowed(deployed.policies(role), [{ action: 'sagemaker:SendPipelineExecutionStepSuccess', resource: sm(`pipeline/dailyretrain/execution/${EXEC}`) }]);
    // Defect 6 of issue 10: without `pipelines`, the handler may answer for every pipeline of the account.
    expectDenied(deployed.policies(role), [{ action: 'sagemaker:SendPipelineExecutionStepSuccess', resource: sm(`pipeline/another/execution/${EXEC}`) }]);
  });
});
