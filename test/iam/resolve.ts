import { createHash } from 'crypto';

/**
 * Resolves the CloudFormation values of a synthesized template to the strings AWS would give them at
 * deploy time, with realistic placeholders: account 123456789012, the stack's Region (us-east-1 when
 * the template leaves it to `AWS::Region`), partition `aws`, and for each resource the name and ARN
 * its type has (a bucket's name is lower case, a role's ARN is `arn:aws:iam::<account>:role/<name>`,
 * a queue's URL is `https://sqs.<region>.amazonaws.com/<account>/<name>`, ...).
 *
 * The reference check (reference.ts) and the run-time call suite (calls.test.ts) both read policies
 * through this, so a grant and the call it should allow are formed from the same values.
 */

/** The account of every resolved ARN. */
export const ACCOUNT = '123456789012';

type Template = { Resources?: Record<string, { Type: string; Properties?: any }>; Mappings?: Record<string, any>; Parameters?: Record<string, any> };

/** A value that cannot be resolved to a string (an unknown resource type, an import from another stack). */
export class Unresolvable extends Error {}

/** Resolves the values of one template. */
export class TemplateResolver {
  private readonly resources: Record<string, { Type: string; Properties?: any }>;

  constructor(private readonly template: Template, public readonly region = 'us-east-1') {
    this.resources = template.Resources ?? {};
  }

  /** The resolved form of any template value: strings stay, intrinsics are evaluated, arrays and objects are walked. */
  public resolve(value: unknown): any {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
      return value;
    }
    if (Array.isArray(value)) {
      return value.map((v) => this.resolve(v));
    }
    const object = value as Record<string, any>;
    const keys = Object.keys(object);
    if (keys.length === 1) {
      const [key] = keys;
      const arg = object[key];
      switch (key) {
        case 'Ref':
          return this.ref(arg);
        case 'Fn::GetAtt':
          return this.getAtt(...(typeof arg === 'string' ? (arg.split('.', 2) as [string, string]) : (arg as [string, string])));
        case 'Fn::Join':
          return (this.resolve(arg[1]) as unknown[]).map((p) => this.str(p)).join(arg[0]);
        case 'Fn::Select':
          return (this.resolve(arg[1]) as unknown[])[Number(this.resolve(arg[0]))];
        case 'Fn::Split':
          return this.str(this.resolve(arg[1])).split(arg[0]);
        case 'Fn::Sub':
          return this.sub(arg);
        case 'Fn::FindInMap': {
          const [map, top, second] = (arg as unknown[]).map((a) => this.resolve(a));
          const found = this.template.Mappings?.[map]?.[top]?.[second];
          if (found === undefined) {
            throw new Unresolvable(`Fn::FindInMap ${map}.${top}.${second} is not in the template's Mappings`);
          }
          return found;
        }
        case 'Fn::If':
          // Conditions are not evaluated: the first branch stands for both.
          return this.resolve(arg[1]);
        case 'Fn::ImportValue':
          throw new Unresolvable(`Fn::ImportValue ${JSON.stringify(arg)}`);
        case 'Fn::GetAZs':
          return [`${this.region}a`, `${this.region}b`];
        default:
          break;
      }
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, this.resolve(v)]));
  }

  /** The resolved string of a value (throws Unresolvable when it is not a string). */
  public str(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved === 'string' || typeof resolved === 'number') {
      return String(resolved);
    }
    throw new Unresolvable(`not a string: ${JSON.stringify(value)}`);
  }

  /** `Ref` of a pseudo parameter, a template parameter or a resource. */
  public ref(name: string): string {
    switch (name) {
      case 'AWS::Partition': return 'aws';
      case 'AWS::Region': return this.region;
      case 'AWS::AccountId': return ACCOUNT;
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::StackName': return 'Stack';
      case 'AWS::StackId': return `arn:aws:cloudformation:${this.region}:${ACCOUNT}:stack/Stack/11111111-2222-3333-4444-555555555555`;
      case 'AWS::NoValue': return '';
      default: break;
    }
    const parameter = this.template.Parameters?.[name];
    if (parameter) {
      if (parameter.Default !== undefined) {
        return String(parameter.Default);
      }
      return `${name.toLowerCase()}-value`;
    }
    const resource = this.resources[name];
    if (!resource) {
      throw new Unresolvable(`Ref ${name}: no such resource or parameter`);
    }
    const n = this.nameOf(name);
    const r = this.region;
    switch (resource.Type) {
      case 'AWS::SQS::Queue': return `https://sqs.${r}.amazonaws.com/${ACCOUNT}/${n}`;
      case 'AWS::SNS::Topic': return `arn:aws:sns:${r}:${ACCOUNT}:${n}`;
      case 'AWS::KMS::Key': return this.keyId(name);
      case 'AWS::EMR::Cluster': return 'j-1ABCDEFGHIJKL';
      case 'AWS::EC2::SecurityGroup': return `sg-0${hex(name, 16)}`;
      case 'AWS::EC2::Subnet': return `subnet-0${hex(name, 16)}`;
      case 'AWS::EC2::VPC': return `vpc-0${hex(name, 16)}`;
      case 'AWS::SageMaker::ModelPackageGroup': return `arn:aws:sagemaker:${r}:${ACCOUNT}:model-package-group/${n}`;
      default: return n;
    }
  }

  /** `Fn::GetAtt` of a resource. */
  public getAtt(logicalId: string, attribute: string): string {
    const resource = this.resources[logicalId];
    if (!resource) {
      throw new Unresolvable(`Fn::GetAtt ${logicalId}.${attribute}: no such resource`);
    }
    const n = this.nameOf(logicalId);
    const r = this.region;
    const arn = (service: string, rest: string, region = r, account = ACCOUNT): string => `arn:aws:${service}:${region}:${account}:${rest}`;
    const byType: Record<string, Record<string, () => string>> = {
      'AWS::S3::Bucket': { Arn: () => `arn:aws:s3:::${n}`, DomainName: () => `${n}.s3.amazonaws.com`, RegionalDomainName: () => `${n}.s3.${r}.amazonaws.com` },
      'AWS::IAM::Role': { Arn: () => arn('iam', `role/${n}`, ''), RoleId: () => `AROA${hex(logicalId, 17).toUpperCase()}` },
      'AWS::IAM::ManagedPolicy': { PolicyArn: () => arn('iam', `policy/${n}`, '') },
      'AWS::Lambda::Function': { Arn: () => arn('lambda', `function:${n}`) },
      'AWS::SQS::Queue': { Arn: () => arn('sqs', n), QueueName: () => n, QueueUrl: () => this.ref(logicalId) },
      'AWS::KMS::Key': { Arn: () => arn('kms', `key/${this.keyId(logicalId)}`), KeyId: () => this.keyId(logicalId) },
      'AWS::ECR::Repository': { Arn: () => arn('ecr', `repository/${n}`), RepositoryUri: () => `${ACCOUNT}.dkr.ecr.${r}.amazonaws.com/${n}` },
      'AWS::SageMaker::ModelPackageGroup': { ModelPackageGroupArn: () => arn('sagemaker', `model-package-group/${n}`) },
      'AWS::SageMaker::Pipeline': { PipelineName: () => n },
      'AWS::Events::Rule': { Arn: () => arn('events', `rule/${n}`) },
      'AWS::Scheduler::Schedule': { Arn: () => arn('scheduler', `schedule/default/${n}`) },
      'AWS::Scheduler::ScheduleGroup': { Arn: () => arn('scheduler', `schedule-group/${n}`) },
      'AWS::Logs::LogGroup': { Arn: () => arn('logs', `log-group:${n}:*`) },
      'AWS::SNS::Topic': { TopicArn: () => this.ref(logicalId), TopicName: () => n },
      'AWS::EC2::SecurityGroup': { GroupId: () => this.ref(logicalId) },
      'AWS::EC2::VPC': { CidrBlock: () => '10.0.0.0/16', DefaultSecurityGroup: () => `sg-0${hex(logicalId, 16)}` },
      'AWS::EMR::Cluster': { MasterPublicDNS: () => 'ec2-1-2-3-4.compute-1.amazonaws.com' },
      'AWS::IAM::InstanceProfile': { Arn: () => arn('iam', `instance-profile/${n}`, '') },
    };
    const get = byType[resource.Type]?.[attribute];
    if (!get) {
      throw new Unresolvable(`Fn::GetAtt ${logicalId}.${attribute} of a ${resource.Type} is not modelled in test/iam/resolve.ts`);
    }
    return get();
  }

  /**
   * The physical name of a resource: its name property when the template sets one, else what
   * CloudFormation would generate (`stack-<logical id>-<suffix>`, lower case where the service
   * requires it, as for buckets).
   */
  public nameOf(logicalId: string): string {
    const resource = this.resources[logicalId];
    const props = resource?.Properties ?? {};
    const nameKey = {
      'AWS::S3::Bucket': 'BucketName',
      'AWS::IAM::Role': 'RoleName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::ECR::Repository': 'RepositoryName',
      'AWS::SageMaker::ModelPackageGroup': 'ModelPackageGroupName',
      'AWS::SageMaker::Pipeline': 'PipelineName',
      'AWS::Events::Rule': 'Name',
      'AWS::Scheduler::Schedule': 'Name',
      'AWS::Scheduler::ScheduleGroup': 'Name',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
    }[resource?.Type ?? ''];
    if (nameKey && props[nameKey] !== undefined) {
      return this.str(props[nameKey]);
    }
    const generated = `Stack-${logicalId}-${hex(logicalId, 12).toUpperCase()}`;
    if (resource?.Type === 'AWS::SageMaker::Pipeline') {
      return logicalId;
    }
    return resource?.Type === 'AWS::S3::Bucket' || resource?.Type === 'AWS::ECR::Repository' ? generated.toLowerCase() : generated;
  }

  private keyId(logicalId: string): string {
    const h = hex(logicalId, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }

  private sub(arg: string | [string, Record<string, unknown>]): string {
    const [text, vars] = typeof arg === 'string' ? [arg, {}] : arg;
    return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      if (name in vars) {
        return this.str(vars[name]);
      }
      if (name.includes('.')) {
        const [id, attribute] = name.split('.', 2);
        return this.getAtt(id, attribute);
      }
      return this.ref(name);
    });
  }
}

/** `length` hex digits derived from `seed` (stable, so that names are the same in every run). */
function hex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

/** Every IAM policy document of a template: identity policies of AWS::IAM::Policy, ManagedPolicy and Role inline policies. */
export function policyDocumentsOf(template: Template): Array<{ logicalId: string; where: string; document: any; roles: string[] }> {
  const found: Array<{ logicalId: string; where: string; document: any; roles: string[] }> = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const props = resource.Properties ?? {};
    const roleIds = (value: unknown): string[] => ((Array.isArray(value) ? value : []) as unknown[])
      .map((r) => (typeof r === 'object' && r !== null && 'Ref' in r ? String((r as { Ref: string }).Ref) : JSON.stringify(r)));
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      found.push({ logicalId, where: 'PolicyDocument', document: props.PolicyDocument, roles: roleIds(props.Roles) });
    } else if (resource.Type === 'AWS::IAM::Role') {
      (props.Policies ?? []).forEach((p: { PolicyDocument: unknown }, i: number) => {
        found.push({ logicalId, where: `Policies[${i}].PolicyDocument`, document: p.PolicyDocument, roles: [logicalId] });
      });
    }
  }
  return found;
}
