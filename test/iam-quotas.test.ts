/* eslint-disable dot-notation -- property paths are written as in the AWS documentation: Outputs['train'] */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ContainerImage, Pipeline, ProcessingStep, TrainingInput, TrainingStep } from '../lib';

/** IAM's quotas, in characters as IAM counts them (whitespace removed). */
const INLINE_QUOTA = 10_240;
const MANAGED_QUOTA = 6_144;
const MANAGED_PER_ROLE = 10;

const PROCESSING_IMAGE = ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3');
const TRAINING_IMAGE = ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1');

/**
 * Processing and Training steps alternating, each reading the previous one's output and writing
 * under its own prefix of a bucket of the app, all with the job role the library creates.
 */
function chainedPipeline(steps: number): { stack: Stack; pipeline: Pipeline; bucket: s3.Bucket } {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  const bucket = new s3.Bucket(stack, 'Data');
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'chained' });
  let previous = `s3://${bucket.bucketName}/raw/data.csv`;
  for (let i = 0; i < steps; i++) {
    if (i % 2 === 0) {
      const step = new ProcessingStep(pipeline, `Prep${i}`, {
        image: PROCESSING_IMAGE,
        containerEntrypoint: ['python3', 'preprocess.py'],
        inputs: [{ inputName: 'raw', s3Uri: previous, localPath: '/opt/ml/processing/input' }],
        outputs: [{ outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: `s3://${bucket.bucketName}/steps/prep-${i}/train` }],
      });
      previous = step.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri;
    } else {
      const step = new TrainingStep(pipeline, `Train${i}`, {
        image: TRAINING_IMAGE,
        outputPath: `s3://${bucket.bucketName}/steps/train-${i}/model`,
        inputs: [TrainingInput.s3('train', previous)],
      });
      previous = step.properties.ModelArtifacts.S3ModelArtifacts;
    }
  }
  return { stack, pipeline, bucket };
}

/**
 * A CloudFormation value as it deploys, with every intrinsic replaced by a string of realistic
 * (long) length: names of the longest the service allows, this test's account and a long region.
 */
function deployed(value: unknown, resources: Record<string, any>): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => deployed(v, resources));
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const object = value as Record<string, any>;
  const keys = Object.keys(object);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = object[key];
    if (key === 'Ref') {
      const pseudo: Record<string, string> = { 'AWS::Partition': 'aws-us-gov', 'AWS::Region': 'ap-southeast-2', 'AWS::AccountId': '123456789012', 'AWS::URLSuffix': 'amazonaws.com' };
      if (pseudo[arg] !== undefined) {
        return pseudo[arg];
      }
      return resources[arg]?.Type === 'AWS::S3::Bucket' ? 'b'.repeat(63) : 'n'.repeat(64);
    }
    if (key === 'Fn::GetAtt') {
      const type = resources[arg[0]]?.Type;
      if (type === 'AWS::S3::Bucket') {
        return `arn:aws-us-gov:s3:::${'b'.repeat(63)}`;
      }
      if (type === 'AWS::IAM::Role') {
        return `arn:aws-us-gov:iam::123456789012:role/${'n'.repeat(64)}`;
      }
      return `arn:aws-us-gov:service:ap-southeast-2:123456789012:${'n'.repeat(64)}`;
    }
    if (key === 'Fn::Join') {
      return (deployed(arg[1], resources) as unknown[]).map(String).join(arg[0]);
    }
    if (key === 'Fn::Sub') {
      return String(Array.isArray(arg) ? arg[0] : arg).replace(/\$\{[^}]+\}/g, 'n'.repeat(64));
    }
    if (key.startsWith('Fn::')) {
      return 'n'.repeat(64);
    }
  }
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, deployed(v, resources)]));
}

/** The size of a policy document as IAM counts it: deployed, JSON without whitespace. */
function deployedSize(document: unknown, resources: Record<string, any>): number {
  return JSON.stringify(deployed(document, resources)).length;
}

interface RoleUsage {
  readonly inline: number;
  readonly managed: number[];
}

/** Per role of the template: its inline policies together, and each managed policy attached to it. */
function roleUsage(stack: Stack): Map<string, RoleUsage> {
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, any>;
  const usage = new Map<string, { inline: number; managed: number[] }>();
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::IAM::Role') {
      const own = (resource.Properties.Policies ?? []).reduce((n: number, p: any) => n + deployedSize(p.PolicyDocument, resources), 0);
      usage.set(id, { inline: own, managed: (resource.Properties.ManagedPolicyArns ?? []).map(() => 0) });
    }
  }
  for (const resource of Object.values(resources)) {
    const roles: Array<{ Ref?: string }> = resource.Properties?.Roles ?? [];
    for (const role of roles) {
      const entry = role.Ref !== undefined ? usage.get(role.Ref) : undefined;
      if (entry === undefined) {
        continue;
      }
      if (resource.Type === 'AWS::IAM::Policy') {
        entry.inline += deployedSize(resource.Properties.PolicyDocument, resources);
      } else if (resource.Type === 'AWS::IAM::ManagedPolicy') {
        entry.managed.push(deployedSize(resource.Properties.PolicyDocument, resources));
      }
    }
  }
  return usage;
}

function expectWithinQuotas(stack: Stack): Map<string, RoleUsage> {
  const usage = roleUsage(stack);
  for (const [role, { inline, managed }] of usage) {
    expect({ role, inline: inline <= INLINE_QUOTA ? 'ok' : inline }).toEqual({ role, inline: 'ok' });
    expect({ role, managedPolicies: managed.length <= MANAGED_PER_ROLE ? 'ok' : managed.length }).toEqual({ role, managedPolicies: 'ok' });
    for (const size of managed) {
      expect({ role, managedPolicy: size <= MANAGED_QUOTA ? 'ok' : size }).toEqual({ role, managedPolicy: 'ok' });
    }
  }
  return usage;
}

describe('IAM quotas at any pipeline size', () => {
  test('ACCEPTANCE: a 700-step chained pipeline with library-created roles keeps every policy within the quotas, as deployed', () => {
    // GIVEN
    const { stack, pipeline, bucket } = chainedPipeline(700);

    // WHEN
    const usage = expectWithinQuotas(stack);

    // THEN: the job role's prefixes of the data bucket were widened, and a warning names the role, the bucket and the prefix
    const jobRoleId = stack.getLogicalId(pipeline.defaultJobRole.node.defaultChild as any);
    expect(usage.has(jobRoleId)).toBe(true);
    const warnings = Annotations.fromStack(stack).findWarning('/Stack/Pipeline/JobRole', Match.stringLikeRegexp('s3GrantsWidened'));
    expect(warnings).toHaveLength(1);
    const message = String(warnings[0].entry.data);
    expect(message).toContain('role Stack/Pipeline/JobRole');
    expect(message).toContain(`bucket \${Ref:${stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}}`);
    expect(message).toMatch(/700 read-write prefixes to 'steps\/\*'/);
    // The widened grant is in the policies: objects under steps/ and the list condition on steps/*.
    const statements = Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, any>)
      .filter((r) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement);
    const text = JSON.stringify(statements);
    expect(text).toContain('/steps/*"');
    expect(text).not.toContain('/steps/prep-0/train*');
    expect(text).toContain('"s3:prefix":["raw/data.csv*","steps/*"]');
  });

  test('a 20-step pipeline keeps one prefix per step and draws no warning', () => {
    // GIVEN
    const { stack } = chainedPipeline(20);

    // WHEN
    expectWithinQuotas(stack);

    // THEN
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('s3GrantsWidened'));
    const text = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(text).toContain('/steps/prep-0/train*');
    expect(text).toContain('/steps/train-19/model*');
  });

  test.each([90, 120, 400])('%i steps: every policy within the quotas as deployed', (steps) => {
    // GIVEN
    const { stack } = chainedPipeline(steps);

    // THEN
    expectWithinQuotas(stack);
  });
});
