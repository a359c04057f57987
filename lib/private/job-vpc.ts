import { IResolvable } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { checkBooleanValue } from '../steps/job-step';

/** The EC2 actions SageMaker needs to place a job's (or a model's) containers in a VPC. */
const VPC_ACTIONS = [
  'ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface',
  'ec2:DeleteNetworkInterfacePermission', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs',
  'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
];

/** The network flags of a processing job's `NetworkConfig`. */
export interface NetworkFlags {
  readonly enableInterContainerTrafficEncryption?: boolean | IResolvable;
  readonly enableNetworkIsolation?: boolean | IResolvable;
}

/** The VPC props that job and model steps share. */
export interface JobVpcOptions {
  readonly vpc?: ec2.IVpc;
  readonly subnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/** How a step names its VPC props in errors, and what the security group it creates looks like. */
export interface JobVpcSettings {
  /** Prefix of the prop names in errors (`''`, `'networkConfig.'`, ...). */
  readonly prefix: string;
  /**
   * The names of subnets, security groups and VPC in the "apply only with a VPC" error.
   * @default - the props with `prefix`
   */
  readonly applyOnlyNames?: [string, string, string];
  /** Id of the security group created when none is given. */
  readonly securityGroupId: string;
  /** Description of that security group (written only when the group is created). */
  readonly description: () => string;
  /**
   * When set, the created group allows all traffic between its members (distributed jobs), with
   * this description.
   * @default - no rule between members
   */
  readonly internalTraffic?: string;
}

/**
 * The VPC placement of a job or model: validated subnets and security groups (one created when
 * none is given), the `VpcConfig` to render and the EC2 permissions its role needs.
 * @internal
 */
export class JobVpc {
  /** Validates `options` and creates the security group in `scope` if needed. */
  public static bind(scope: Construct, options: JobVpcOptions & NetworkFlags, settings: JobVpcSettings): JobVpc {
    // The construct path is written only into errors (constructs recomputes it on every read).
    const where = (): string => scope.node.path;
    const p = settings.prefix;
    checkBooleanValue(scope, `${p}enableNetworkIsolation`, options.enableNetworkIsolation);
    checkBooleanValue(scope, `${p}enableInterContainerTrafficEncryption`, options.enableInterContainerTrafficEncryption);
    if (options.vpc === undefined) {
      if (options.subnets !== undefined || options.securityGroups !== undefined) {
        const [subnets, groups, vpc] = settings.applyOnlyNames ?? [`${p}subnets`, `${p}securityGroups`, `${p}vpc`];
        throw new Error(`${where()}: ${subnets} and ${groups} apply only with ${vpc}; received ${options.subnets !== undefined ? 'subnets' : 'securityGroups'} without a vpc. Set vpc or remove them.`);
      }
      return new JobVpc(undefined, []);
    }
    if (options.securityGroups !== undefined && (options.securityGroups.length < 1 || options.securityGroups.length > 5)) {
      throw new Error(`${where()}: ${p}securityGroups takes 1-5 security groups; received ${options.securityGroups.length}. Omit it to have one created.`);
    }
    const subnetIds = options.vpc.selectSubnets(options.subnets).subnetIds;
    if (subnetIds.length < 1 || subnetIds.length > 16) {
      throw new Error(`${where()}: ${p}subnets must select 1-16 subnets of the VPC; selected ${subnetIds.length}. Adjust the subnet selection.`);
    }
    if (options.securityGroups !== undefined) {
      return new JobVpc(subnetIds, [...options.securityGroups]);
    }
    const group = new ec2.SecurityGroup(scope, settings.securityGroupId, {
      vpc: options.vpc,
      description: settings.description(),
      allowAllOutbound: true,
    });
    if (settings.internalTraffic !== undefined) {
      group.connections.allowInternally(ec2.Port.allTraffic(), settings.internalTraffic);
    }
    return new JobVpc(subnetIds, [group]);
  }

  private constructor(
    /** The selected subnets, when in a VPC. */
    public readonly subnetIds: string[] | undefined,
    /** The security groups (empty outside a VPC). */
    public readonly securityGroups: ec2.ISecurityGroup[],
  ) {}

  /** The network connections of the security groups. */
  public get connections(): ec2.Connections {
    return new ec2.Connections({ securityGroups: this.securityGroups });
  }

  /** Lets `grantee` manage the network interfaces SageMaker creates in the VPC (nothing outside one). */
  public grant(grantee: iam.IGrantable): void {
    if (this.subnetIds !== undefined) {
      iam.Grant.addToPrincipal({ grantee, actions: VPC_ACTIONS, resourceArns: ['*'] });
    }
  }

  /** `VpcConfig`, or undefined outside a VPC. */
  public renderVpcConfig(): Record<string, unknown> | undefined {
    return this.subnetIds === undefined
      ? undefined
      : { SecurityGroupIds: this.securityGroups.map((g) => g.securityGroupId), Subnets: [...this.subnetIds] };
  }

  /**
   * A processing job's `NetworkConfig` (the two flags and `VpcConfig`), or undefined when nothing is set.
   */
  public renderNetworkConfig(flags: NetworkFlags): Record<string, unknown> | undefined {
    const networkConfig: Record<string, unknown> = {};
    if (flags.enableInterContainerTrafficEncryption !== undefined) {
      networkConfig.EnableInterContainerTrafficEncryption = flags.enableInterContainerTrafficEncryption;
    }
    if (flags.enableNetworkIsolation !== undefined) {
      networkConfig.EnableNetworkIsolation = flags.enableNetworkIsolation;
    }
    const vpcConfig = this.renderVpcConfig();
    if (vpcConfig !== undefined) {
      networkConfig.VpcConfig = vpcConfig;
    }
    return Object.keys(networkConfig).length > 0 ? networkConfig : undefined;
  }
}
