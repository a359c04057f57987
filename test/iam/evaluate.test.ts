import fc from 'fast-check';
import { arnMatches, evaluate, globMatches, PolicyDocument } from './evaluate';
import { globRegExp } from './reference';

const policy = (...Statement: any[]): PolicyDocument => ({ Statement });
const JOB = 'arn:aws:sagemaker:us-east-1:123456789012:processing-job/pipelines-0a1b2c3d4e5f-prep-x7y8z9';

describe('IAM policy evaluator', () => {
  test('an Allow on a matching action and resource allows; anything else is implicitly denied', () => {
    // GIVEN
    const p = policy({ Effect: 'Allow', Action: 'sagemaker:CreateProcessingJob', Resource: 'arn:aws:sagemaker:us-east-1:123456789012:processing-job/*' });

    // WHEN / THEN
    expect(evaluate([p], { action: 'sagemaker:CreateProcessingJob', resource: JOB })).toEqual('allowed');
    expect(evaluate([p], { action: 'sagemaker:createprocessingjob', resource: JOB })).toEqual('allowed');
    expect(evaluate([p], { action: 'sagemaker:CreateTrainingJob', resource: JOB })).toEqual('implicitly denied');
    expect(evaluate([p], { action: 'sagemaker:CreateProcessingJob', resource: JOB.replace('us-east-1', 'eu-west-1') })).toEqual('implicitly denied');
    expect(evaluate([], { action: 'sagemaker:CreateProcessingJob', resource: JOB })).toEqual('implicitly denied');
  });

  test('resources are case-sensitive: a pipeline ARN in lower case does not match a grant on the mixed-case name', () => {
    // GIVEN
    const p = policy({ Effect: 'Allow', Action: 'sagemaker:StartPipelineExecution', Resource: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/DailyRetrain' });

    // WHEN / THEN
    expect(evaluate([p], { action: 'sagemaker:StartPipelineExecution', resource: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/dailyretrain' })).toEqual('implicitly denied');
    expect(evaluate([p], { action: 'sagemaker:StartPipelineExecution', resource: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/DailyRetrain' })).toEqual('allowed');
  });

  test('* spans colons and slashes; ? is exactly one character', () => {
    expect(globMatches('arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/*', 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:log-stream:job/algo-1')).toBe(true);
    expect(globMatches('arn:aws:s3:::b/?', 'arn:aws:s3:::b/k')).toBe(true);
    expect(globMatches('arn:aws:s3:::b/?', 'arn:aws:s3:::b/kk')).toBe(false);
    expect(globMatches('arn:aws:s3:::b/?', 'arn:aws:s3:::b/')).toBe(false);
    expect(globMatches('*', '')).toBe(true);
  });

  test('an explicit Deny wins over any Allow; NotAction and NotResource invert the match', () => {
    // GIVEN
    const allowAll = policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' });
    const denyOther = policy({ Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::mine', 'arn:aws:s3:::mine/*'] });
    const notAction = policy({ Effect: 'Allow', NotAction: 's3:Delete*', Resource: 'arn:aws:s3:::mine/*' });

    // WHEN / THEN
    expect(evaluate([allowAll, denyOther], { action: 's3:GetObject', resource: 'arn:aws:s3:::mine/k' })).toEqual('allowed');
    expect(evaluate([allowAll, denyOther], { action: 's3:GetObject', resource: 'arn:aws:s3:::other/k' })).toEqual('explicitly denied');
    expect(evaluate([notAction], { action: 's3:PutObject', resource: 'arn:aws:s3:::mine/k' })).toEqual('allowed');
    expect(evaluate([notAction], { action: 's3:DeleteObject', resource: 'arn:aws:s3:::mine/k' })).toEqual('implicitly denied');
  });

  test('iam:PassRole is allowed only to the service the condition names', () => {
    // GIVEN
    const p = policy({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: 'arn:aws:iam::123456789012:role/JobRole',
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
    const passRole = (service?: string): string => evaluate([p], {
      action: 'iam:PassRole',
      resource: 'arn:aws:iam::123456789012:role/JobRole',
      context: service === undefined ? {} : { 'iam:PassedToService': service },
    });

    // WHEN / THEN
    expect(passRole('sagemaker.amazonaws.com')).toEqual('allowed');
    expect(passRole('ec2.amazonaws.com')).toEqual('implicitly denied');
    expect(passRole(undefined)).toEqual('implicitly denied');
  });

  test('condition values are alternatives, keys and operators must all hold; negated operators hold for a missing key', () => {
    // GIVEN
    const p = policy({
      Effect: 'Allow',
      Action: 'cloudwatch:PutMetricData',
      Resource: '*',
      Condition: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'aws/sagemaker/*'] }, StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
    });
    const put = (context: Record<string, string>): string => evaluate([p], { action: 'cloudwatch:PutMetricData', resource: '*', context });

    // WHEN / THEN
    expect(put({ 'cloudwatch:namespace': '/aws/sagemaker/TrainingJobs' })).toEqual('allowed');
    expect(put({ 'cloudwatch:namespace': 'aws/sagemaker/ProcessingJobs', 'aws:RequestedRegion': 'us-east-1' })).toEqual('allowed');
    expect(put({ 'cloudwatch:namespace': '/aws/sagemaker/TrainingJobs', 'aws:RequestedRegion': 'eu-west-1' })).toEqual('implicitly denied');
    expect(put({ 'cloudwatch:namespace': 'Custom/App' })).toEqual('implicitly denied');
    expect(put({})).toEqual('implicitly denied');
  });

  test('ArnLike and ArnEquals compare part by part, IfExists holds for a missing key, unknown operators throw', () => {
    // GIVEN
    const p = (operator: string): PolicyDocument => policy({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*', Condition: { [operator]: { 'aws:SourceArn': 'arn:aws:events:*:123456789012:rule/*' } } });
    const send = (operator: string, source?: string): string => evaluate([p(operator)], {
      action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:123456789012:q', context: source === undefined ? {} : { 'aws:SourceArn': source },
    });

    // WHEN / THEN
    expect(send('ArnLike', 'arn:aws:events:us-east-1:123456789012:rule/r')).toEqual('allowed');
    expect(send('ArnEquals', 'arn:aws:events:us-east-1:123456789012:rule/r')).toEqual('allowed');
    expect(send('ArnLike', 'arn:aws:events:us-east-1:999999999999:rule/r')).toEqual('implicitly denied');
    expect(send('ArnLike', 'arn:aws:events:us-east-1:123456789012:rule/r:x')).toEqual('allowed');
    expect(send('ArnLike')).toEqual('implicitly denied');
    expect(send('ArnLikeIfExists')).toEqual('allowed');
    expect(send('ArnNotLike')).toEqual('allowed');
    expect(() => send('ForAnyValue:StringLike', 'x')).toThrow(/ForAnyValue:StringLike is not implemented/);
    // the region part's '*' does not reach into the account part
    expect(arnMatches('arn:aws:events:*:rule/r', 'arn:aws:events:us-east-1:123456789012:rule/r')).toBe(false);
  });

  test('glob matching agrees with the regular expression of the same glob (property)', () => {
    fc.assert(fc.property(fc.stringMatching(/^[aA:/*?]{0,8}$/), fc.stringMatching(/^[aA:/]{0,10}$/), (pattern, value) => {
      expect(globMatches(pattern, value)).toBe(globRegExp(pattern).test(value));
      expect(globMatches(pattern, value, true)).toBe(globRegExp(pattern, false).test(value));
    }));
  });

  test('a Deny statement always beats an Allow of the same request (property)', () => {
    fc.assert(fc.property(fc.stringMatching(/^[a-z]{1,6}$/), fc.stringMatching(/^[a-z/]{1,10}$/), (action, key) => {
      const request = { action: `s3:${action}`, resource: `arn:aws:s3:::b/${key}` };
      const allow = { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' };
      const deny = { Effect: 'Deny', Action: `s3:${action}`, Resource: `arn:aws:s3:::b/${key}` };
      expect(evaluate([policy(allow)], request)).toEqual('allowed');
      expect(evaluate([policy(allow, deny)], request)).toEqual('explicitly denied');
      expect(evaluate([policy(deny), policy(allow)], request)).toEqual('explicitly denied');
    }));
  });
});
