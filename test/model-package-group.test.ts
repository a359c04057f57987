import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { newStack } from './util';
import {
  ModelPackageGroup,
} from '../lib';

const ARN = (resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sagemaker:us-east-1:123456789012:${resource}`]] });

function statementsOf(stack: Stack, role: iam.Role): any[] {
  const roleId = stack.getLogicalId(role.node.defaultChild as any);
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter((p: any) => (p.Properties.Roles as any[]).some((r) => r.Ref === roleId))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('ModelPackageGroup', () => {
  test('creates the group with name, description and tags', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const group = new ModelPackageGroup(stack, 'Group', { modelPackageGroupName: 'churn-models', description: 'Churn models', tags: { team: 'ml' } });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::ModelPackageGroup', {
      ModelPackageGroupName: 'churn-models',
      ModelPackageGroupDescription: 'Churn models',
      Tags: [{ Key: 'team', Value: 'ml' }],
    });
    expect(group.modelPackageGroupName).toEqual('churn-models');
    expect(stack.resolve(group.modelPackageGroupArn)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(group.cfnModelPackageGroup), 'ModelPackageGroupArn'] });
  });

  test('generates a unique lower-case name by default', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const group = new ModelPackageGroup(stack, 'ChurnModels');

    // THEN
    expect(group.modelPackageGroupName).toMatch(/^[a-z0-9](-*[a-z0-9]){0,62}$/);
    expect(group.modelPackageGroupName).toContain('churnmodels');
  });

  test('grantRegisterModel allows CreateModelPackage in this group only', () => {
    // GIVEN
    const { stack } = newStack();
    const group = new ModelPackageGroup(stack, 'Group', { modelPackageGroupName: 'churn-models' });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });

    // WHEN
    group.grantRegisterModel(role);

    // THEN
    // CreateModelPackage takes only model-package ARNs (service authorization reference): no group ARN.
    expect(statementsOf(stack, role)).toEqual([
      { Action: ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:AddTags'], Effect: 'Allow', Resource: ARN('model-package/churn-models/*') },
    ]);
  });

  test('an imported group grants on its ARNs, in both spellings for a name with capitals', () => {
    // GIVEN
    const { stack } = newStack();
    const group = ModelPackageGroup.fromModelPackageGroupName(stack, 'Group', 'ChurnModels');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });

    // WHEN
    group.grantRead(role);

    // THEN
    expect(stack.resolve(group.modelPackageGroupArn)).toEqual(ARN('model-package-group/churnmodels'));
    expect(statementsOf(stack, role)).toEqual([
      { Action: 'sagemaker:DescribeModelPackageGroup', Effect: 'Allow', Resource: [ARN('model-package-group/churnmodels'), ARN('model-package-group/ChurnModels')] },
      { Action: 'sagemaker:DescribeModelPackage', Effect: 'Allow', Resource: [ARN('model-package/churnmodels/*'), ARN('model-package/ChurnModels/*')] },
      { Action: 'sagemaker:ListModelPackages', Effect: 'Allow', Resource: '*' },
    ]);
  });

  test.each([
    ['a name with an underscore', { modelPackageGroupName: 'churn_models' }, /modelPackageGroupName must be 1-63 .* received 'churn_models'/],
    ['a name of 64 characters', { modelPackageGroupName: 'a'.repeat(64) }, /modelPackageGroupName must be 1-63/],
    ['a name ending in a hyphen', { modelPackageGroupName: 'churn-' }, /received 'churn-'/],
    ['a long description', { description: 'x'.repeat(1025) }, /description must be at most 1,024 characters; received 1025/],
    ['51 tags', { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, /at most 50 tags; received 51/],
  ])('rejects %s', (_name, props, error) => {
    // GIVEN
    const { stack } = newStack();

    // WHEN / THEN
    expect(() => new ModelPackageGroup(stack, 'Group', props)).toThrow(error);
  });

  test('fromModelPackageGroupName rejects an invalid name', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN / THEN
    expect(() => ModelPackageGroup.fromModelPackageGroupName(stack, 'Group', 'bad name')).toThrow(/Stack\/Group: modelPackageGroupName must be 1-63 .* received 'bad name'/);
  });
});
