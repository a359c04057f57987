import fc from 'fast-check';
import { expandAction, globMeetsFormat, globRegExp, globsIntersect, referenceProblems } from './reference';

/** A template with one role policy holding `statements`. */
function templateWith(...statements: unknown[]): Record<string, any> {
  return {
    Resources: {
      Bucket: { Type: 'AWS::S3::Bucket' },
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
      Policy: {
        Type: 'AWS::IAM::Policy',
        Properties: { PolicyDocument: { Version: '2012-10-17', Statement: statements }, Roles: [{ Ref: 'Role' }] },
      },
    },
  };
}

const arn = (rest: string): unknown => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${rest}`]] });

describe('the reference check (AWS service authorization reference as data)', () => {
  test('statements the library writes pass: wildcard-only actions on "*", job ARN prefixes, bucket objects, log groups', () => {
    // GIVEN
    const template = templateWith(
      { Effect: 'Allow', Action: ['ecr:GetAuthorizationToken', 'cloudwatch:PutMetricData'], Resource: '*' },
      { Effect: 'Allow', Action: ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob'], Resource: arn('sagemaker:us-east-1:123456789012:processing-job/*') },
      { Effect: 'Allow', Action: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'], Resource: [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/data/*']] }] },
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: arn('logs:us-east-1:123456789012:log-group:/aws/sagemaker/*') },
      { Effect: 'Allow', Action: 'elasticmapreduce:RunJobFlow', Resource: '*' },
      { Effect: 'Allow', Action: 'sagemaker:ListModelPackages', Resource: arn('sagemaker:us-east-1:123456789012:model-package/churn-models/*') },
    );

    // WHEN
    const problems = referenceProblems(template);

    // THEN
    expect(problems).toEqual([]);
  });

  test('an action without resource types granted on an ARN is refused (RunJobFlow on cluster/*)', () => {
    // GIVEN
    const template = templateWith({ Effect: 'Allow', Action: 'elasticmapreduce:RunJobFlow', Resource: arn('elasticmapreduce:us-east-1:123456789012:cluster/*') });

    // WHEN
    const problems = referenceProblems(template);

    // THEN
    expect(problems).toHaveLength(2);
    expect(problems[1].message).toMatch(/resource arn:aws:elasticmapreduce:us-east-1:123456789012:cluster\/\* can match the ARN format of none/);
    expect(problems[0].message).toMatch(/elasticmapreduce:RunJobFlow supports no resource-level permissions .* must be granted on "\*"; granted on arn:aws:elasticmapreduce:us-east-1:123456789012:cluster\/\*/);
    expect(problems[0].policy).toEqual('Policy.PolicyDocument');
  });

  test('a resource of another type than the action takes is refused (ListModelPackages on a model-package-group)', () => {
    // GIVEN
    const template = templateWith({ Effect: 'Allow', Action: 'sagemaker:ListModelPackages', Resource: arn('sagemaker:us-east-1:123456789012:model-package-group/churn-models') });

    // WHEN
    const problems = referenceProblems(template);

    // THEN
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/sagemaker:ListModelPackages is granted on arn:aws:sagemaker:us-east-1:123456789012:model-package-group\/churn-models, none of which can match .*model-package\/\$\{ModelPackageName\}/),
      expect.stringMatching(/resource arn:aws:sagemaker:us-east-1:123456789012:model-package-group\/churn-models can match the ARN format of none/),
    ]);
  });

  test('a resource that no action of its statement can use is refused, even when another resource serves the action', () => {
    // GIVEN
    const template = templateWith({
      Effect: 'Allow',
      Action: 'sagemaker:CreateModelPackage',
      Resource: [arn('sagemaker:us-east-1:123456789012:model-package-group/g'), arn('sagemaker:us-east-1:123456789012:model-package/g/*')],
    });

    // WHEN
    const problems = referenceProblems(template);

    // THEN
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/model-package-group\/g can match the ARN format of none of the statement's actions \(sagemaker:CreateModelPackage\)/)]);
  });

  test('unknown actions and services, and wildcards that name no action, are refused', () => {
    // GIVEN
    const template = templateWith(
      { Effect: 'Allow', Action: ['sagemaker:CreateProcesingJob', 'sagemakr:CreateModel', 's3:GetObjekt*', 'GetObject'], Resource: '*' },
    );

    // WHEN
    const messages = referenceProblems(template).map((p) => p.message);

    // THEN
    expect(messages).toEqual([
      'action sagemaker:CreateProcesingJob does not exist in the service authorization reference',
      'service prefix "sagemakr" (in sagemakr:CreateModel) is not in the service authorization reference',
      'action s3:GetObjekt* does not exist in the service authorization reference',
      '"GetObject" is not of the form service:Action',
    ]);
  });

  test('ARN case and separators matter: a lambda function ARN is not a bucket object, a log group is not a log stream of another service', () => {
    // GIVEN
    const template = templateWith(
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: 'arn:aws:s3:::bucket/function:f' },
      { Effect: 'Allow', Action: 'sagemaker:CreateTrainingJob', Resource: 'arn:aws:sagemaker:us-east-1:123456789012:Training-Job/*' },
    );

    // WHEN
    const problems = referenceProblems(template);

    // THEN
    expect(problems.map((p) => p.statement)).toEqual([0, 0, 1, 1]);
  });

  test('role inline policies and managed policies are checked too; trust policies and unresolvable imports are not judged', () => {
    // GIVEN
    const bad = { Effect: 'Allow', Action: 'elasticmapreduce:RunJobFlow', Resource: 'arn:aws:elasticmapreduce:us-east-1:123456789012:cluster/*' };
    const template = {
      Resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'sagemaker.amazonaws.com' } }] }, Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [bad] } }] } },
        Managed: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: [bad, { Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::ImportValue': 'Other' } }] } } },
      },
    };

    // WHEN
    const problems = referenceProblems(template);

    // THEN
    expect([...new Set(problems.map((p) => `${p.policy}#${p.statement}`))]).toEqual(['Role.Policies[0].PolicyDocument#0', 'Managed.PolicyDocument#0']);
  });

  test('expandAction is case-insensitive and expands wildcards over the reference', () => {
    // GIVEN / WHEN
    const expanded = expandAction('S3:getobject*');

    // THEN
    expect(typeof expanded).toBe('object');
    const names = (expanded as { actions: Array<{ name: string }> }).actions.map((a) => a.name);
    expect(names).toContain('GetObject');
    expect(names).toContain('GetObjectVersion');
    expect(names).not.toContain('PutObject');
  });
});

describe('glob intersection', () => {
  const segment = fc.stringMatching(/^[a-z0-9-]{1,12}$/);

  test('a concrete ARN built from a format matches it; changing a literal part breaks the match', () => {
    fc.assert(fc.property(segment, segment, (name, other) => {
      const format = 'arn:${Partition}:sagemaker:${Region}:${Account}:processing-job/${ProcessingJobName}';
      expect(globMeetsFormat(`arn:aws:sagemaker:us-east-1:123456789012:processing-job/${name}`, format)).toBe(true);
      expect(globMeetsFormat(`arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`, format)).toBe(false);
      expect(globMeetsFormat(`arn:aws:sagemaker:us-east-1:123456789012:processing-job/${name}/${other}`, format)).toBe(true);
    }));
  });

  test('the partition, Region and account hold no colon', () => {
    expect(globMeetsFormat('arn:aws:s3:::bucket/key', 'arn:${Partition}:s3:::${BucketName}/${ObjectName}')).toBe(true);
    expect(globMeetsFormat('arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/*', 'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}')).toBe(true);
    expect(globMeetsFormat('arn:aws:logs:us-east-1:1:2:log-group:x', 'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}')).toBe(false);
    expect(globMeetsFormat('*', 'arn:${Partition}:s3:::${BucketName}')).toBe(true);
    expect(globMeetsFormat('arn:aws:s3:::', 'arn:${Partition}:s3:::${BucketName}')).toBe(false);
  });

  test('two globs intersect exactly when a string matches both (checked against regular expressions on sampled strings)', () => {
    const glob = fc.stringMatching(/^[ab*?]{0,6}$/);
    fc.assert(fc.property(glob, glob, fc.array(fc.stringMatching(/^[ab]{0,7}$/), { maxLength: 40 }), (a, b, samples) => {
      const both = samples.some((s) => globRegExp(a).test(s) && globRegExp(b).test(s));
      if (both) {
        expect(globsIntersect(a, b)).toBe(true);
      }
      expect(globsIntersect(a, b)).toBe(globsIntersect(b, a));
      // A glob without wildcards intersects another exactly when the other matches it.
      if (!/[*?]/.test(a)) {
        expect(globsIntersect(a, b)).toBe(globRegExp(b).test(a));
      }
    }));
  });
});
