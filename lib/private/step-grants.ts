import { Annotations, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import type { Pipeline } from '../pipeline';

/**
 * The grants each step type gives the pipeline role, in one place: the step constructs and the
 * definitions brought in through `DefinitionSource` call the same functions, so an imported step
 * gets exactly what the library's own construct for that step type gets.
 */

/**
 * EventBridge rules that SageMaker creates (once per account and region) to follow EMR step and
 * cluster state; the pipeline role must be allowed to create and describe them
 * (as the AWS managed policy `AmazonSageMakerPipelinesIntegrations` allows).
 */
const STEP_STATUS_RULE = 'SageMakerPipelineExecutionEMRStepStatusUpdateRule';
const CLUSTER_STATUS_RULE = 'SageMakerPipelineExecutionEMRClusterStatusUpdateRule';
const RULE_ACTIONS = ['events:DescribeRule', 'events:PutRule', 'events:PutTargets'];

/** Actions on a cluster that running one step needs (submit, watch, cancel). */
const STEP_ACTIONS = ['elasticmapreduce:AddJobFlowSteps', 'elasticmapreduce:DescribeStep', 'elasticmapreduce:CancelSteps', 'elasticmapreduce:ListSteps'];
/** Actions on the cluster that a step running on a cluster of its own needs in addition. */
const CLUSTER_ACTIONS = ['elasticmapreduce:DescribeCluster', 'elasticmapreduce:TerminateJobFlows'];
/**
 * `RunJobFlow` creates the cluster: the service authorization reference lists no resource type for
 * it, so a statement that names a resource never matches; it is granted on `"*"`.
 */
const RUN_JOB_FLOW = 'elasticmapreduce:RunJobFlow';

/** The cluster-config keys that name roles, and the services they are passed to. */
const CLUSTER_ROLE_KEYS: Array<[string, string[]]> = [
  ['ServiceRole', ['elasticmapreduce.amazonaws.com']],
  ['JobFlowRole', ['ec2.amazonaws.com']],
  ['AutoScalingRole', ['elasticmapreduce.amazonaws.com']],
];

/** What an EMR step runs on, as far as the grants need to know. */
export type EmrTarget =
  /** A running cluster; `clusterId` undefined when it is only known at run time (a parameter). */
  | { readonly kind: 'cluster'; readonly clusterId?: string; readonly executionRoleArn?: string }
  /** A new cluster; `clusterConfig` as in the step's arguments. */
  | { readonly kind: 'newCluster'; readonly clusterConfig: Record<string, unknown>; readonly clusterRoleArns?: string[] };

/**
 * Grants the pipeline role what running an EMR step needs: the step actions on its cluster, the
 * EventBridge rule actions SageMaker uses to follow it, and `iam:PassRole` on the runtime role; for
 * a new cluster also `RunJobFlow` (on `"*"`), describe/terminate on `cluster/*`, the cluster-status
 * rule and `iam:PassRole` on the cluster's roles. `warnAt` gets a warning for each cluster role the
 * grant cannot name (`where` says which step).
 */
export function grantEmrStep(pipeline: Pipeline, target: EmrTarget, warnAt: IConstruct, where: string): void {
  const stack = Stack.of(pipeline);
  const ruleArn = (name: string): string => stack.formatArn({ service: 'events', resource: 'rule', resourceName: name });
  const clusterArn = (id: string): string => stack.formatArn({ service: 'elasticmapreduce', resource: 'cluster', resourceName: id });

  if (target.kind === 'cluster') {
    pipeline._grantPipelineRole(STEP_ACTIONS, [clusterArn(target.clusterId ?? '*')]);
    pipeline._grantPipelineRole(RULE_ACTIONS, [ruleArn(STEP_STATUS_RULE)]);
    if (target.executionRoleArn !== undefined) {
      grantPassRoleTo(pipeline, target.executionRoleArn, ['elasticmapreduce.amazonaws.com']);
    }
    return;
  }

  pipeline._grantPipelineRole([RUN_JOB_FLOW], ['*']);
  pipeline._grantPipelineRole([...CLUSTER_ACTIONS, ...STEP_ACTIONS], [clusterArn('*')]);
  pipeline._grantPipelineRole(RULE_ACTIONS, [ruleArn(STEP_STATUS_RULE), ruleArn(CLUSTER_STATUS_RULE)]);
  const config = target.clusterConfig;
  for (const [key, services] of CLUSTER_ROLE_KEYS) {
    const value = config[key];
    if (value === undefined || value === null) {
      continue;
    }
    if (typeof value !== 'string' || Token.isUnresolved(value)) {
      Annotations.of(warnAt).addWarningV2(`cdk-sagemaker-pipelines:emrClusterRole${key}`,
        `${where}: clusterConfig.${key} is not a literal role name or ARN, so the pipeline role is not granted iam:PassRole on it. Pass the role in clusterRoles (new EMRStep(..., { clusterRoles: [role] })) or grant iam:PassRole yourself.`);
      continue;
    }
    grantPassRoleTo(pipeline, emrRoleArn(stack, key, value), services);
  }
  for (const roleArn of target.clusterRoleArns ?? []) {
    grantPassRoleTo(pipeline, roleArn, ['elasticmapreduce.amazonaws.com', 'ec2.amazonaws.com']);
  }
}

/**
 * The role ARN behind a literal `ServiceRole` / `AutoScalingRole` (a role name or ARN) or
 * `JobFlowRole` (an instance profile name or ARN; its role is assumed to have the same name, as
 * EMR's default roles and the IAM console's instance profiles do).
 */
function emrRoleArn(stack: Stack, key: string, value: string): string {
  if (value.startsWith('arn:')) {
    const parts = value.split(':');
    const resource = parts.slice(5).join(':');
    const slash = resource.indexOf('/');
    if (slash < 0) {
      return value;
    }
    const type = resource.slice(0, slash);
    if (key === 'JobFlowRole' && type === 'instance-profile') {
      const name = resource.slice(resource.lastIndexOf('/') + 1);
      return `${parts.slice(0, 5).join(':')}:role/${name}`;
    }
    return value;
  }
  const name = value.slice(value.lastIndexOf('/') + 1);
  return stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: name, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
}

const passRoleGrants = new WeakMap<Pipeline, Set<string>>();

/** Lets the pipeline role pass `roleArn` to `services` (once per role and services). */
export function grantPassRoleTo(pipeline: Pipeline, roleArn: string, services: string[]): void {
  const conditions = { StringEquals: { 'iam:PassedToService': services.length === 1 ? services[0] : services } };
  const key = `iam:PassRole|${roleArn}|${services.join(',')}`;
  const granted = passRoleGrants.get(pipeline) ?? new Set<string>();
  passRoleGrants.set(pipeline, granted);
  if (granted.has(key)) {
    return;
  }
  granted.add(key);
  pipeline.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [roleArn], conditions }));
}

/**
 * What a check step (QualityCheck, ClarifyCheck) that names a model package group needs to read
 * the group's latest approved baselines: `DescribeModelPackageGroup` on the group,
 * `DescribeModelPackage` on its packages, and `ListModelPackages`, whose only resource type is
 * `model-package` (a list call names no one package, so it is granted on `"*"`; a
 * `model-package-group` ARN would never match). `groupName` undefined: known only at run time.
 * Group ARNs carry the name as given and in lower case (the case rule of these ARNs is unverified).
 */
export function grantCheckBaselines(pipeline: Pipeline, groupName: string | undefined): void {
  const stack = Stack.of(pipeline);
  const names = groupName === undefined ? ['*'] : caseVariants(groupName);
  pipeline._grantPipelineRole(['sagemaker:DescribeModelPackageGroup'],
    names.map((n) => stack.formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: n })));
  pipeline._grantPipelineRole(['sagemaker:DescribeModelPackage'],
    names.map((n) => stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `${n}/*` })));
  pipeline._grantPipelineRole(['sagemaker:ListModelPackages'], ['*']);
}

/** What a Model step needs: create, describe and tag models (its role is passed separately). */
export function grantModelCreation(pipeline: Pipeline): void {
  pipeline._grantPipelineRole(
    ['sagemaker:CreateModel', 'sagemaker:DescribeModel', 'sagemaker:AddTags'],
    [Stack.of(pipeline).formatArn({ service: 'sagemaker', resource: 'model', resourceName: '*' })],
  );
}

/**
 * What a RegisterModel step whose group is known only at run time (a parameter) needs: register
 * in every group of the account and region.
 */
export function grantRegisterInAnyGroup(pipeline: Pipeline): void {
  const stack = Stack.of(pipeline);
  // The reference's only resource type for CreateModelPackage is model-package (a group ARN never matches).
  pipeline._grantPipelineRole(['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:AddTags'], [
    stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: '*/*' }),
  ]);
}

/** A literal name in lower case and as given (once when they are the same); a token as it is. */
function caseVariants(name: string): string[] {
  return Token.isUnresolved(name) || name === name.toLowerCase() ? [name] : [name.toLowerCase(), name];
}

/** SQS queue URLs: `https://sqs.<region>.amazonaws.com/<account>/<name>` (or the legacy `<region>.queue` host). */
const QUEUE_URL = /^https:\/\/(?:sqs\.([a-z0-9-]+)|([a-z0-9-]+)\.queue)\.amazonaws\.com(\.cn)?\/(\d{12})\/([A-Za-z0-9_-]{1,75}(?:\.fifo)?)$/;

/** The ARN of the queue at a literal SQS queue URL; undefined when `url` is no queue URL. */
export function queueArnOfUrl(url: string): string | undefined {
  const match = QUEUE_URL.exec(url);
  if (!match) {
    return undefined;
  }
  const region = match[1] ?? match[2];
  const partition = match[3] !== undefined || region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:sqs:${region}:${match[4]}:${match[5]}`;
}
