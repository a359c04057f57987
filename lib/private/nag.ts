import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * cdk-nag suppressions for the findings that the library's own resources carry by design (job ARN
 * prefixes named at run time, the /aws/sagemaker log groups, actions without resource-level
 * permissions on "*", reads of CDK asset objects, S3 locations whose object names are known only at
 * run time), each with its reason, written the way AWS Solutions Constructs annotate theirs, so that
 * an app under `AwsSolutionsChecks` needs no acknowledgement of them. Written without importing
 * cdk-nag (a devDependency only):
 *
 * - `Validations.of(resource).acknowledge({ id, reason })` (aws-cdk-lib), which cdk-nag 3 reads;
 * - `cdk_nag` metadata on the CloudFormation resource, `{ rules_to_suppress: [{ id, reason, applies_to }] }`,
 *   which cdk-nag 2 reads and which keeps the reasons in the template.
 *
 * Findings that come from the app's own statements (a grant the app adds to a library role, a
 * wildcard the app writes) are not suppressed: a finding is suppressed only when every statement
 * that produces it is one the library writes.
 */

/** Why a kind of finding is inherent, as the reason cdk-nag shows. */
export const NAG_REASONS = {
  JOB: 'SageMaker Pipelines names each job and model at run time (pipelines-<execution id>-<step>-<suffix>), so the pipeline role is scoped to the ARN prefix of that resource type in this account and Region (cdk-sagemaker-pipelines)',
  PACKAGES: 'model package versions are created at run time in one model package group; the grant is scoped to the versions of that group (cdk-sagemaker-pipelines)',
  EXECUTIONS: 'pipeline executions are started at run time; the callback handler answers only for executions of its pipelines (cdk-sagemaker-pipelines)',
  LOGS: 'SageMaker jobs write to the /aws/sagemaker/<job type> log groups, with one stream per job named at run time (cdk-sagemaker-pipelines)',
  STAR: 'these actions support no resource-level permissions in the service authorization reference, so they are granted on "*" (cloudwatch:PutMetricData only in the /aws/sagemaker namespaces; ec2 network-interface actions for jobs in a VPC) (cdk-sagemaker-pipelines)',
  ASSETS: 'jobs read content-hashed CDK asset objects (step code and files) from the bootstrap asset bucket (cdk-sagemaker-pipelines)',
  PREFIX: 'jobs read and write objects under the S3 locations of their steps (given locations, default outputs <pipeline name>/<execution id>/..., staged files assets/<hash>/), whose object names are known only at run time (cdk-sagemaker-pipelines)',
  ARTIFACT_BUCKET: 'the artifact bucket the pipeline creates when none is given holds its default outputs; to log server access, pass artifactBucket with serverAccessLogsBucket set (cdk-sagemaker-pipelines)',
  CLUSTER: 'an EMR step that starts its own cluster acts on a cluster whose id is assigned at run time (cdk-sagemaker-pipelines)',
  DEPLOYMENT: 'aws-cdk-lib BucketDeployment function that copies step files into the artifact bucket: aws-cdk-lib chooses its runtime, logging policy and grants (cdk-sagemaker-pipelines)',
  HANDLER: 'the callback handler function logs through the AWS managed AWSLambdaBasicExecutionRole policy, and runs on the Node.js runtime the library chooses unless runtime is given (cdk-sagemaker-pipelines)',
  ACTIONS: 'aws-cdk-lib bucket and key grants use its action groups (s3:GetObject*, s3:List*, s3:DeleteObject*, kms:GenerateDataKey*, ...), here only on the S3 locations and keys of the steps (cdk-sagemaker-pipelines)',
};

/** Actions the library grants on "*" because the reference lists no resource type for them. */
const WILDCARD_ONLY = new Set([
  'ecr:GetAuthorizationToken', 'cloudwatch:PutMetricData', 'elasticmapreduce:RunJobFlow', 'sagemaker:ListModelPackages',
  'ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission',
  'ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
]);

/** aws-cdk-lib's grant action groups (Bucket.grantRead/grantReadWrite/grantPut, Key.grantEncryptDecrypt). */
const CDK_ACTION_GROUPS = new Set(['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*', 's3:PutObjectLegalHold', 'kms:ReEncrypt*', 'kms:GenerateDataKey*']);

// One ARN part as cdk-nag flattens it: a literal, or a pseudo parameter such as <AWS::Partition>.
const P = '(?:<AWS::[A-Za-z]+>|[^:<>]+)';
const ARN = `^arn:${P}:`;
const RESOURCE_PATTERNS: Array<[RegExp, string]> = [
  [new RegExp(`${ARN}sagemaker:${P}:${P}:(processing-job|training-job|transform-job|hyper-parameter-tuning-job|automl-job|model)/\\*$`), NAG_REASONS.JOB],
  [new RegExp(`${ARN}sagemaker:${P}:${P}:model-package/[^/*]+/\\*$`), NAG_REASONS.PACKAGES],
  [new RegExp(`${ARN}sagemaker:${P}:${P}:pipeline/[^/*]+/execution/\\*$`), NAG_REASONS.EXECUTIONS],
  [new RegExp(`${ARN}elasticmapreduce:${P}:${P}:cluster/\\*$`), NAG_REASONS.CLUSTER],
  [new RegExp(`${ARN}logs:${P}:${P}:log-group:/aws/sagemaker/\\*$`), NAG_REASONS.LOGS],
  [new RegExp(`${ARN}s3:::cdk-[a-z0-9]+-assets-[^/]+/\\*$`), NAG_REASONS.ASSETS],
];

interface LibraryPrincipal {
  /** Object ARNs (with CDK tokens) of the S3 locations the library granted. */
  readonly s3: string[];
}

const PRINCIPALS = new WeakMap<IConstruct, LibraryPrincipal>();
const STACKS = new WeakSet<Stack>();

/** The construct behind a grantee, when it is one (a Role the app or the library created). */
function constructOf(grantee: iam.IGrantable): IConstruct | undefined {
  const principal = grantee.grantPrincipal as unknown as Partial<IConstruct>;
  return principal.node !== undefined ? (principal as IConstruct) : undefined;
}

/**
 * Records that the library grants `grantee` (a pipeline, job or handler role) what its steps need, so
 * that the inherent cdk-nag findings of its policies are suppressed with their reasons.
 */
export function noteLibraryPrincipal(grantee: iam.IGrantable): void {
  const construct = constructOf(grantee);
  if (construct === undefined || PRINCIPALS.has(construct)) {
    return;
  }
  PRINCIPALS.set(construct, { s3: [] });
  const stack = Stack.of(construct);
  if (!STACKS.has(stack)) {
    STACKS.add(stack);
    // Validations run after every aspect (grants added in the prepare phase included) and before the
    // template is written, so the metadata reaches it. Not an aspect: a read-only aspect on the stack
    // would forbid later mutating aspects (Tags) on constructs that aspects create.
    const inherent = new InherentFindings();
    stack.node.addValidation({
      validate: () => {
        for (const node of stack.node.findAll()) {
          inherent.visit(node);
        }
        return [];
      },
    });
  }
}

/** Records an S3 object ARN (`arn:...:s3:::<bucket>/<prefix>*`) that the library granted `grantee`. */
export function noteLibraryS3Grant(grantee: iam.IGrantable, objectsArn: string): void {
  noteLibraryPrincipal(grantee);
  const construct = constructOf(grantee);
  if (construct !== undefined) {
    PRINCIPALS.get(construct)!.s3.push(objectsArn);
  }
}

/** One suppression: a cdk-nag rule id, the finding it applies to (if the rule has several), and why. */
export interface InherentFinding {
  readonly id: string;
  readonly appliesTo?: string;
  readonly reason: string;
}

/**
 * Suppresses cdk-nag findings on `resource` (a CloudFormation resource of the library, or a
 * construct whose default child is one): acknowledged through aws-cdk-lib's Validations (cdk-nag 3)
 * and written as `cdk_nag` metadata (cdk-nag 2).
 */
export function suppressInherentFindings(resource: IConstruct, findings: InherentFinding[]): void {
  if (findings.length === 0) {
    return;
  }
  Validations.of(resource).acknowledge(...findings.map((f) => ({ id: f.appliesTo === undefined ? f.id : `${f.id}[${f.appliesTo}]`, reason: f.reason })));
  const cfn = CfnResource.isCfnResource(resource) ? resource : resource.node.defaultChild;
  if (cfn === undefined || !CfnResource.isCfnResource(cfn)) {
    return;
  }
  const existing = (cfn.getMetadata('cdk_nag') as { rules_to_suppress?: unknown[] } | undefined)?.rules_to_suppress ?? [];
  const grouped = new Map<string, { id: string; reason: string; applies_to?: string[] }>();
  for (const f of findings) {
    const key = `${f.id}|${f.reason}`;
    const entry = grouped.get(key) ?? { id: f.id, reason: f.reason };
    if (f.appliesTo !== undefined) {
      entry.applies_to = [...(entry.applies_to ?? []), f.appliesTo];
    }
    grouped.set(key, entry);
  }
  cfn.addMetadata('cdk_nag', { rules_to_suppress: [...existing, ...grouped.values()] });
}

/** A CloudFormation value as one string, the way cdk-nag names findings (`<Logical.Attr>`, `<AWS::Partition>`). */
export function flattenCfnValue(value: unknown): string {
  if (value === undefined) {
    return '';
  }
  if (typeof value === 'string') {
    return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  }
  const v = value as Record<string, any>;
  if (v['Fn::Join']) {
    const [delimiter, items] = v['Fn::Join'] as [string, unknown[]];
    return items.map(flattenCfnValue).join(delimiter);
  }
  if (v['Fn::Sub']) {
    return flattenCfnValue(v['Fn::Sub']);
  }
  if (v['Fn::GetAtt']) {
    const [resource, attribute] = v['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenCfnValue(resource)}.${flattenCfnValue(attribute)}>`;
  }
  if (v['Fn::ImportValue']) {
    return flattenCfnValue(v['Fn::ImportValue']);
  }
  if (v.Ref) {
    return `<${flattenCfnValue(v.Ref)}>`;
  }
  return JSON.stringify(value);
}

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * Reads the policies of the library's principals (once per stack, when the stack is validated) and
 * suppresses their inherent AwsSolutions-IAM5 findings.
 */
class InherentFindings {
  private readonly done = new WeakSet<IConstruct>();

  public visit(node: IConstruct): void {
    if (!(node instanceof iam.CfnPolicy || node instanceof iam.CfnManagedPolicy || node instanceof iam.CfnRole) || this.done.has(node)) {
      return;
    }
    this.done.add(node);
    const principal = this.principalOf(node);
    if (principal === undefined) {
      return;
    }
    const stack = Stack.of(node);
    const documents: any[] = node instanceof iam.CfnRole
      ? list(stack.resolve(node.policies)).map((p: any) => stack.resolve(stack.resolve(p).policyDocument))
      : [stack.resolve(node.policyDocument)];
    // Each statement's actions and resources as cdk-nag names them, worked out once: a job role with a
    // hundred S3 prefixes has hundreds of statements, and the action-group check below reads them all.
    const statements = documents.flatMap((d) => list(d?.Statement)).filter((s: any) => s?.Effect === 'Allow')
      .map((s: any) => ({ actions: list(s.Action).map(String), resources: list(s.Resource).map(flattenCfnValue) }));
    if (!statements.some((s) => s.resources.some((r) => r.includes('*')) || s.actions.some((a) => a.includes('*')))) {
      return; // no wildcard, no finding (a role without inline policies, a policy of exact ARNs)
    }
    const noted = new Set(principal.s3.map((arn) => flattenCfnValue(stack.resolve(arn))));

    const resourceReason = (resource: string): string | undefined => {
      if (noted.has(resource)) {
        return NAG_REASONS.PREFIX;
      }
      return RESOURCE_PATTERNS.find(([pattern]) => pattern.test(resource))?.[1];
    };
    const starInherent = statements
      .filter((s) => s.resources.includes('*'))
      .every((s) => s.actions.every((a) => WILDCARD_ONLY.has(a)));

    const findings: InherentFinding[] = [];
    const seen = new Set<string>();
    for (const statement of statements) {
      for (const resource of statement.resources.filter((r) => r.includes('*'))) {
        const reason = resource === '*' ? (starInherent ? NAG_REASONS.STAR : undefined) : resourceReason(resource);
        if (reason !== undefined && !seen.has(`Resource::${resource}`)) {
          seen.add(`Resource::${resource}`);
          findings.push({ id: 'AwsSolutions-IAM5', appliesTo: `Resource::${resource}`, reason });
        }
      }
      for (const action of statement.actions.filter((a) => a.includes('*'))) {
        if (seen.has(`Action::${action}`) || !CDK_ACTION_GROUPS.has(action)) {
          continue;
        }
        // Inherent only if every statement granting the group is on the library's own locations or keys.
        const inherent = statements
          .filter((s) => s.actions.includes(action))
          .every((s) => s.resources.every((r) => !r.includes('*') || (r !== '*' && resourceReason(r) !== undefined)));
        if (inherent) {
          seen.add(`Action::${action}`);
          findings.push({ id: 'AwsSolutions-IAM5', appliesTo: `Action::${action}`, reason: NAG_REASONS.ACTIONS });
        }
      }
    }
    suppressInherentFindings(node, findings);
  }

  /** The library principal (a role) that owns this policy, if any. */
  private principalOf(node: IConstruct): LibraryPrincipal | undefined {
    for (const scope of [...node.node.scopes].reverse()) {
      const principal = PRINCIPALS.get(scope);
      if (principal !== undefined) {
        return principal;
      }
    }
    return undefined;
  }
}
