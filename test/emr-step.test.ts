import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as emr from 'aws-cdk-lib/aws-emr';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  CacheConfig, EMRStep, EMRStepProps, EmrCluster, EmrClusterConfig, FailStep, ParameterString, Pipeline, RetryPolicy,
  SageMakerJobExceptionType, StepExceptionType,
} from '../lib';
import { definitionOf, newStack, stepOf } from './util';


const CLUSTER_ID = 'j-2AXXXXXXGAPLF';

/** A cluster configuration with the required parts only. */
const CLUSTER_CONFIG: EmrClusterConfig = {
  ReleaseLabel: 'emr-7.1.0',
  Applications: [{ Name: 'Spark' }],
  Instances: {
    InstanceGroups: [
      { InstanceRole: 'MASTER', InstanceCount: 1, InstanceType: 'm5.xlarge' },
      { InstanceRole: 'CORE', InstanceCount: 2, InstanceType: 'm5.xlarge' },
    ],
  },
  JobFlowRole: 'EMR_EC2_DefaultRole',
  ServiceRole: 'EMR_DefaultRole',
};

/** A stack with a pipeline and an EMR step made with `props` (over a minimal running-cluster step). */
function emrStep(props: Partial<EMRStepProps> = {}): { stack: Stack; pipeline: Pipeline; step: EMRStep } {
  const { stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'spark' });
  const base: EMRStepProps = props.clusterConfig !== undefined ? { jar: 'command-runner.jar' } : { jar: 'command-runner.jar', cluster: EmrCluster.fromClusterId(CLUSTER_ID) };
  const step = new EMRStep(pipeline, 'Spark', { ...base, ...props });
  return { stack, pipeline, step };
}

/** The statements of the IAM policies attached to the pipeline's role. */
function pipelineRoleStatements(stack: Stack, pipeline: Pipeline): any[] {
  const roleId = stack.getLogicalId(pipeline.role.node.defaultChild as any);
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter((p: any) => (p.Properties.Roles as any[]).some((r) => r.Ref === roleId));
  return policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function arn(service: string, resource: string, region = 'us-east-1'): unknown {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:${region}:123456789012:${resource}`]] };
}

const STEP_ACTIONS = ['elasticmapreduce:AddJobFlowSteps', 'elasticmapreduce:DescribeStep', 'elasticmapreduce:CancelSteps', 'elasticmapreduce:ListSteps'];
const RULE_ACTIONS = ['events:DescribeRule', 'events:PutRule', 'events:PutTargets'];

describe('EMRStep rendering', () => {
  test('on a running cluster: StepConfig first, then ClusterId and ExecutionRoleArn', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'spark' });
    const runtimeRole = iam.Role.fromRoleArn(stack, 'Runtime', 'arn:aws:iam::123456789012:role/EmrRuntime');

    // WHEN
    new EMRStep(pipeline, 'Spark', {
      cluster: EmrCluster.fromClusterId(CLUSTER_ID),
      executionRole: runtimeRole,
      jar: 's3://example-bucket/jars/job.jar',
      args: ['--input', 's3://example-bucket/in', '--verbose'],
      mainClass: 'com.example.Main',
      properties: { 'mapreduce.map.sort.spill.percent': '0.90', 'mapred.tasktracker.map.tasks.maximum': '2' },
      displayName: 'Spark job',
      description: 'Runs the Spark job',
      retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.SERVICE_FAULT], maxAttempts: 3 })],
      cacheConfig: CacheConfig.enabled('P7D'),
    });

    // THEN
    const step = stepOf(definitionOf(stack), 'Spark');
    expect(JSON.stringify(step)).toEqual(JSON.stringify({
      Name: 'Spark',
      Type: 'EMR',
      Arguments: {
        StepConfig: {
          HadoopJarStep: {
            Jar: 's3://example-bucket/jars/job.jar',
            Args: ['--input', 's3://example-bucket/in', '--verbose'],
            MainClass: 'com.example.Main',
            Properties: [
              { Key: 'mapreduce.map.sort.spill.percent', Value: '0.90' },
              { Key: 'mapred.tasktracker.map.tasks.maximum', Value: '2' },
            ],
          },
        },
        ClusterId: CLUSTER_ID,
        ExecutionRoleArn: 'arn:aws:iam::123456789012:role/EmrRuntime',
      },
      DisplayName: 'Spark job',
      Description: 'Runs the Spark job',
      RetryPolicies: [{ ExceptionType: ['Step.SERVICE_FAULT'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 }],
      CacheConfig: { Enabled: true, ExpireAfter: 'P7D' },
    }));
  });

  test('the minimal step renders only Jar and ClusterId', () => {
    // GIVEN
    const { stack } = emrStep();

    // THEN
    expect(stepOf(definitionOf(stack), 'Spark')).toEqual({
      Name: 'Spark',
      Type: 'EMR',
      Arguments: { StepConfig: { HadoopJarStep: { Jar: 'command-runner.jar' } }, ClusterId: CLUSTER_ID },
    });
  });

  test('on a new cluster: StepConfig first, then ClusterConfig verbatim', () => {
    // GIVEN
    const { stack } = emrStep({ clusterConfig: CLUSTER_CONFIG, args: ['spark-submit', 's3://example-bucket/job.py'] });

    // THEN
    const step = stepOf(definitionOf(stack), 'Spark');
    expect(JSON.stringify(step.Arguments)).toEqual(JSON.stringify({
      StepConfig: { HadoopJarStep: { Jar: 'command-runner.jar', Args: ['spark-submit', 's3://example-bucket/job.py'] } },
      ClusterConfig: {
        ReleaseLabel: 'emr-7.1.0',
        Applications: [{ Name: 'Spark' }],
        Instances: {
          InstanceGroups: [
            { InstanceRole: 'MASTER', InstanceCount: 1, InstanceType: 'm5.xlarge' },
            { InstanceRole: 'CORE', InstanceCount: 2, InstanceType: 'm5.xlarge' },
          ],
        },
        JobFlowRole: 'EMR_EC2_DefaultRole',
        ServiceRole: 'EMR_DefaultRole',
      },
    }));
  });

  test('a CfnCluster of the app becomes a Ref to it; parameters render as Get', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'spark' });
    const cluster = new emr.CfnCluster(stack, 'Cluster', {
      name: 'spark',
      releaseLabel: 'emr-7.1.0',
      jobFlowRole: 'EMR_EC2_DefaultRole',
      serviceRole: 'EMR_DefaultRole',
      instances: { masterInstanceGroup: { instanceCount: 1, instanceType: 'm5.xlarge' } },
    });
    const input = new ParameterString('InputUri', { defaultValue: 's3://example-bucket/in' });

    // WHEN
    new EMRStep(pipeline, 'Spark', { cluster: EmrCluster.fromCfnCluster(cluster), jar: 'command-runner.jar', args: ['spark-submit', 's3://example-bucket/job.py', input.valueAsString] });

    // THEN
    const definition = definitionOf(stack);
    expect(stepOf(definition, 'Spark').Arguments).toEqual({
      StepConfig: { HadoopJarStep: { Jar: 'command-runner.jar', Args: ['spark-submit', 's3://example-bucket/job.py', { Get: 'Parameters.InputUri' }] } },
      ClusterId: `\${Ref:${stack.getLogicalId(cluster)}}`,
    });
    expect(definition.Parameters).toEqual([{ Name: 'InputUri', Type: 'String', DefaultValue: 's3://example-bucket/in' }]);
  });
});

describe('EMRStep properties', () => {
  test('Status.State and other Step members render as Get paths and order the steps', () => {
    // GIVEN
    const { stack, pipeline, step } = emrStep();

    // WHEN
    new FailStep(pipeline, 'Report', { errorMessage: `EMR step ${step.properties.Id} ended ${step.properties.Status.State}` });

    // THEN
    const definition = definitionOf(stack);
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Spark', 'Report']);
    expect(stepOf(definition, 'Report').Arguments.ErrorMessage).toEqual({
      'Std:Join': { On: '', Values: ['EMR step ', { Get: 'Steps.Spark.Id' }, ' ended ', { Get: 'Steps.Spark.Status.State' }] },
    });
  });

  test('nested members: Status.FailureDetails.Reason and Config.Jar', () => {
    // GIVEN
    const { stack, pipeline, step } = emrStep();

    // WHEN
    new FailStep(pipeline, 'Report', { errorMessage: step.properties.Status.FailureDetails.Reason });
    new FailStep(pipeline, 'Jar', { errorMessage: step.properties.Config.Jar });

    // THEN
    const definition = definitionOf(stack);
    expect(stepOf(definition, 'Report').Arguments.ErrorMessage).toEqual({ Get: 'Steps.Spark.Status.FailureDetails.Reason' });
    expect(stepOf(definition, 'Jar').Arguments.ErrorMessage).toEqual({ Get: 'Steps.Spark.Config.Jar' });
  });
});

describe('EMRStep restrictions', () => {
  test.each([
    ['neither cluster nor clusterConfig', { jar: 'command-runner.jar' }, /Stack\/Pipeline\/Spark: give exactly one of cluster .* and clusterConfig .*; received neither/],
    ['both cluster and clusterConfig', { jar: 'command-runner.jar', cluster: EmrCluster.fromClusterId(CLUSTER_ID), clusterConfig: CLUSTER_CONFIG }, /give exactly one of cluster .*; received both/],
    ['executionRole with clusterConfig', { jar: 'command-runner.jar', clusterConfig: CLUSTER_CONFIG, executionRole: 'ROLE' }, /Stack\/Pipeline\/Spark: executionRole \(the EMR runtime role, ExecutionRoleArn\) can only be used with cluster, not with clusterConfig/],
    ['clusterRoles with cluster', { jar: 'command-runner.jar', cluster: EmrCluster.fromClusterId(CLUSTER_ID), clusterRoles: [] }, /clusterRoles .* can only be used with clusterConfig/],
    ['no jar', { cluster: EmrCluster.fromClusterId(CLUSTER_ID) }, /Stack\/Pipeline\/Spark: jar is required: .*; received undefined/],
    ['empty jar', { jar: ' ', cluster: EmrCluster.fromClusterId(CLUSTER_ID) }, /jar is required: .*; received " "/],
    ['non-string args', { jar: 'x.jar', cluster: EmrCluster.fromClusterId(CLUSTER_ID), args: ['--n', 3] }, /args must be a list of strings; received \["--n",3\]/],
    ['non-string property', { jar: 'x.jar', cluster: EmrCluster.fromClusterId(CLUSTER_ID), properties: { n: 3 } }, /property 'n' must be a string; received 3/],
    ['a cluster that is not an EmrCluster', { jar: 'x.jar', cluster: CLUSTER_ID }, /cluster must be an EmrCluster; received "j-2AXXXXXXGAPLF". Use EmrCluster.fromClusterId/],
  ])('%s', (_name, props, message) => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const resolved = { ...props } as any;
    if (resolved.executionRole === 'ROLE') {
      resolved.executionRole = iam.Role.fromRoleArn(stack, 'Runtime', 'arn:aws:iam::123456789012:role/EmrRuntime');
    }

    // THEN
    expect(() => new EMRStep(pipeline, 'Spark', resolved)).toThrow(message);
  });

  test.each([
    ['Name', { ...CLUSTER_CONFIG, Name: 'my-cluster' }, /clusterConfig must not contain Name; the pipeline sets the cluster's name, steps and auto-termination itself. Remove Name./],
    ['AutoTerminationPolicy', { ...CLUSTER_CONFIG, AutoTerminationPolicy: { IdleTimeout: 3600 } }, /clusterConfig must not contain AutoTerminationPolicy/],
    ['Steps', { ...CLUSTER_CONFIG, Steps: [] }, /clusterConfig must not contain Steps/],
    ['no Instances', { ReleaseLabel: 'emr-7.1.0' }, /clusterConfig must contain Instances with exactly one of InstanceGroups and InstanceFleets; received Instances undefined/],
    ['KeepJobFlowAliveWhenNoSteps', { ...CLUSTER_CONFIG, Instances: { ...CLUSTER_CONFIG.Instances, KeepJobFlowAliveWhenNoSteps: true } }, /clusterConfig.Instances must not contain KeepJobFlowAliveWhenNoSteps; the pipeline terminates the cluster when the step ends/],
    ['TerminationProtected', { ...CLUSTER_CONFIG, Instances: { ...CLUSTER_CONFIG.Instances, TerminationProtected: false } }, /clusterConfig.Instances must not contain TerminationProtected/],
    ['both InstanceGroups and InstanceFleets', { ...CLUSTER_CONFIG, Instances: { ...CLUSTER_CONFIG.Instances, InstanceFleets: [] } }, /exactly one of InstanceGroups and InstanceFleets; received both/],
    ['neither InstanceGroups nor InstanceFleets', { ...CLUSTER_CONFIG, Instances: { Ec2SubnetId: 'subnet-1' } }, /exactly one of InstanceGroups and InstanceFleets; received neither/],
    ['a list', [CLUSTER_CONFIG], /clusterConfig must be an object shaped like an EMR RunJobFlow request; received \[/],
  ])('clusterConfig with %s is rejected, naming the step', (_name, clusterConfig, message) => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');

    // THEN
    expect(() => new EMRStep(pipeline, 'Spark', { jar: 'command-runner.jar', clusterConfig: clusterConfig as any })).toThrow(message);
    expect(() => new EMRStep(pipeline, 'Spark2', { jar: 'command-runner.jar', clusterConfig: clusterConfig as any })).toThrow(/EMRStep Stack\/Pipeline\/Spark2: /);
  });

  test('an invalid literal cluster id is rejected; tokens are accepted', () => {
    expect(() => EmrCluster.fromClusterId('my-cluster')).toThrow(/EmrCluster.fromClusterId: 'my-cluster' is not an EMR cluster id; ids look like 'j-2AXXXXXXGAPLF'/);
    expect(() => EmrCluster.fromCfnCluster(undefined as any)).toThrow(/expected an aws-emr CfnCluster; received undefined/);
    const param = new ParameterString('ClusterId');
    expect(EmrCluster.fromClusterId(param.valueAsString).clusterId).toBe(param.valueAsString);
  });

  test('only step retry policies are accepted', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');

    // THEN
    expect(() => new EMRStep(pipeline, 'Spark', {
      cluster: EmrCluster.fromClusterId(CLUSTER_ID),
      jar: 'command-runner.jar',
      retryPolicies: [RetryPolicy.sageMakerJob({ exceptionTypes: [SageMakerJobExceptionType.CAPACITY_ERROR] })],
    })).toThrow(/Stack\/Pipeline\/Spark: this step type accepts only RetryPolicy.step policies/);
  });
});

describe('EMRStep permissions', () => {
  test('on a running cluster: step actions on that cluster and the step-status rule, nothing else', () => {
    // GIVEN
    const { stack, pipeline } = emrStep();

    // THEN
    expect(pipelineRoleStatements(stack, pipeline)).toEqual([
      { Effect: 'Allow', Action: STEP_ACTIONS, Resource: arn('elasticmapreduce', `cluster/${CLUSTER_ID}`) },
      { Effect: 'Allow', Action: RULE_ACTIONS, Resource: arn('events', 'rule/SageMakerPipelineExecutionEMRStepStatusUpdateRule') },
    ]);
  });

  test('a runtime role may be passed to EMR only', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'spark' });
    const runtimeRole = new iam.Role(stack, 'Runtime', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    new EMRStep(pipeline, 'Spark', { cluster: EmrCluster.fromClusterId(CLUSTER_ID), executionRole: runtimeRole, jar: 'command-runner.jar' });

    // THEN
    expect(pipelineRoleStatements(stack, pipeline)).toContainEqual({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [stack.getLogicalId(runtimeRole.node.defaultChild as iam.CfnRole), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'elasticmapreduce.amazonaws.com' } },
    });
    expect(stepOf(definitionOf(stack), 'Spark').Arguments.ExecutionRoleArn).toBe(`\${GetAtt:${stack.getLogicalId(runtimeRole.node.defaultChild as iam.CfnRole)}.Arn}`);
  });

  test('a CfnCluster: the grant names the cluster through its Ref', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'spark' });
    const cluster = new emr.CfnCluster(stack, 'Cluster', {
      name: 'spark',
      releaseLabel: 'emr-7.1.0',
      jobFlowRole: 'EMR_EC2_DefaultRole',
      serviceRole: 'EMR_DefaultRole',
      instances: { masterInstanceGroup: { instanceCount: 1, instanceType: 'm5.xlarge' } },
    });

    // WHEN
    new EMRStep(pipeline, 'Spark', { cluster: EmrCluster.fromCfnCluster(cluster), jar: 'command-runner.jar' });

    // THEN
    expect(pipelineRoleStatements(stack, pipeline)[0]).toEqual({
      Effect: 'Allow',
      Action: STEP_ACTIONS,
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticmapreduce:us-east-1:123456789012:cluster/', { Ref: stack.getLogicalId(cluster) }]] },
    });
  });

  test('a cluster id from a pipeline parameter: step actions on every cluster', () => {
    // GIVEN
    const { stack, pipeline } = emrStep({ cluster: EmrCluster.fromClusterId(new ParameterString('ClusterId', { defaultValue: CLUSTER_ID }).valueAsString) });

    // THEN
    expect(pipelineRoleStatements(stack, pipeline)[0]).toEqual({ Effect: 'Allow', Action: STEP_ACTIONS, Resource: arn('elasticmapreduce', 'cluster/*') });
    expect(stepOf(definitionOf(stack), 'Spark').Arguments.ClusterId).toEqual({ Get: 'Parameters.ClusterId' });
  });

  test('on a new cluster: RunJobFlow on "*" (it takes no resource type), cluster and step actions on cluster/*, both status rules, PassRole on the literal roles', () => {
    // GIVEN
    const { stack, pipeline } = emrStep({
      clusterConfig: { ...CLUSTER_CONFIG, ServiceRole: 'arn:aws:iam::123456789012:role/service-role/EmrService', AutoScalingRole: 'EMR_AutoScaling_DefaultRole' },
    });

    // THEN
    const role = (name: string): unknown => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::123456789012:role/${name}`]] });
    expect(pipelineRoleStatements(stack, pipeline)).toEqual([
      { Effect: 'Allow', Action: 'elasticmapreduce:RunJobFlow', Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['elasticmapreduce:DescribeCluster', 'elasticmapreduce:TerminateJobFlows', ...STEP_ACTIONS],
        Resource: arn('elasticmapreduce', 'cluster/*'),
      },
      {
        Effect: 'Allow',
        Action: RULE_ACTIONS,
        Resource: [arn('events', 'rule/SageMakerPipelineExecutionEMRStepStatusUpdateRule'), arn('events', 'rule/SageMakerPipelineExecutionEMRClusterStatusUpdateRule')],
      },
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: 'arn:aws:iam::123456789012:role/service-role/EmrService',
        Condition: { StringEquals: { 'iam:PassedToService': 'elasticmapreduce.amazonaws.com' } },
      },
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: role('EMR_EC2_DefaultRole'), Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } },
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: role('EMR_AutoScaling_DefaultRole'), Condition: { StringEquals: { 'iam:PassedToService': 'elasticmapreduce.amazonaws.com' } } },
    ]);
  });

  test('an instance profile ARN as JobFlowRole grants PassRole on the role of the same name', () => {
    // GIVEN
    const { stack, pipeline } = emrStep({ clusterConfig: { ...CLUSTER_CONFIG, JobFlowRole: 'arn:aws:iam::123456789012:instance-profile/EmrInstances' } });

    // THEN
    expect(pipelineRoleStatements(stack, pipeline)).toContainEqual({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: 'arn:aws:iam::123456789012:role/EmrInstances',
      Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    });
  });

  test('token roles in clusterConfig draw a warning; clusterRoles are granted', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'spark' });
    const serviceRole = new iam.Role(stack, 'EmrService', { assumedBy: new iam.ServicePrincipal('elasticmapreduce.amazonaws.com') });

    // WHEN
    new EMRStep(pipeline, 'Spark', { jar: 'command-runner.jar', clusterConfig: { ...CLUSTER_CONFIG, ServiceRole: serviceRole.roleName }, clusterRoles: [serviceRole] });

    // THEN
    Annotations.fromStack(stack).hasWarning('/Stack/Pipeline/Spark', Match.stringLikeRegexp('clusterConfig.ServiceRole is not a literal role name or ARN, so the pipeline role is not granted iam:PassRole on it'));
    expect(pipelineRoleStatements(stack, pipeline)).toContainEqual({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [stack.getLogicalId(serviceRole.node.defaultChild as iam.CfnRole), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': ['elasticmapreduce.amazonaws.com', 'ec2.amazonaws.com'] } },
    });
  });

  test('two steps on the same cluster share one grant', () => {
    // GIVEN
    const { stack, pipeline } = emrStep();

    // WHEN
    new EMRStep(pipeline, 'Second', { cluster: EmrCluster.fromClusterId(CLUSTER_ID), jar: 'command-runner.jar' });

    // THEN
    expect(pipelineRoleStatements(stack, pipeline)).toHaveLength(2);
  });
});
