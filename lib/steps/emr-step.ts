import type { JobFlowInstancesConfig, RunJobFlowInput } from '@aws-sdk/client-emr';
import { Token, Tokenization } from 'aws-cdk-lib';
import type * as emr from 'aws-cdk-lib/aws-emr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CacheableStepProps, RetryableStepProps, Step } from './step';
import { Expression } from '../private/expression';
import { EmrTarget, grantEmrStep } from '../private/step-grants';
import { createPropertyTree, EmrStepProperties } from '../properties';

/** EMR cluster ids: `j-` and upper-case letters and digits. */
const CLUSTER_ID_PATTERN = /^j-[A-Za-z0-9]{1,254}$/;

/** Keys of `ClusterConfig` that the service sets itself. */
const FORBIDDEN_CLUSTER_KEYS = ['Name', 'AutoTerminationPolicy', 'Steps'] as const;
/** Keys of `ClusterConfig.Instances` that would keep the cluster alive after the step. */
const FORBIDDEN_INSTANCE_KEYS = ['KeepJobFlowAliveWhenNoSteps', 'TerminationProtected'] as const;

/**
 * The cluster configuration of an EMR step that runs on a new cluster: an EMR `RunJobFlow`
 * request without `Name`, `AutoTerminationPolicy` and `Steps` (the pipeline names the cluster, adds
 * the step and terminates the cluster when the step ends). `Instances` is required, must contain
 * exactly one of `InstanceGroups` and `InstanceFleets`, and must not contain
 * `KeepJobFlowAliveWhenNoSteps` or `TerminationProtected`.
 *
 * Values may be pipeline parameters, step properties and CloudFormation tokens.
 */
export type EmrClusterConfig = Omit<RunJobFlowInput, 'Name' | 'AutoTerminationPolicy' | 'Steps' | 'Instances'> & {
  /** The cluster's instances: exactly one of `InstanceGroups` and `InstanceFleets`. */
  readonly Instances: Omit<JobFlowInstancesConfig, 'KeepJobFlowAliveWhenNoSteps' | 'TerminationProtected'>;
};

/**
 * A running EMR cluster that an {@link EMRStep} adds its step to.
 */
export abstract class EmrCluster {
  /**
   * A cluster by id: a literal (`j-2AXXXXXXGAPLF`), a CloudFormation token, or a String pipeline
   * parameter's `valueAsString`. With a literal or CloudFormation id the pipeline role is granted
   * the step actions on that cluster only; with a parameter, on every cluster of the account and region.
   */
  public static fromClusterId(clusterId: string): EmrCluster {
    if (typeof clusterId !== 'string') {
      throw new Error(`EmrCluster.fromClusterId: clusterId must be a string such as 'j-2AXXXXXXGAPLF'; received ${String(clusterId)}.`);
    }
    if (!Token.isUnresolved(clusterId) && !CLUSTER_ID_PATTERN.test(clusterId)) {
      throw new Error(`EmrCluster.fromClusterId: '${clusterId}' is not an EMR cluster id; ids look like 'j-2AXXXXXXGAPLF' (aws emr list-clusters shows them). Pass the cluster's id, not its name${clusterId.startsWith('arn:') ? ' or ARN' : ''}, e.g. EmrCluster.fromClusterId('j-2AXXXXXXGAPLF').`);
    }
    return new ClusterById(clusterId);
  }

  /** The cluster that an `AWS::EMR::Cluster` resource of this app creates (its `Ref`, the cluster id). */
  public static fromCfnCluster(cluster: emr.CfnCluster): EmrCluster {
    if (cluster === undefined || cluster === null || typeof (cluster as { ref?: unknown }).ref !== 'string') {
      throw new Error(`EmrCluster.fromCfnCluster: expected an aws-emr CfnCluster; received ${String(cluster)}. Use EmrCluster.fromClusterId for a cluster id.`);
    }
    return new ClusterById(cluster.ref);
  }

  /** The cluster id (`ClusterId` in the step's arguments). */
  public abstract readonly clusterId: string;
}

class ClusterById extends EmrCluster {
  constructor(public readonly clusterId: string) {
    super();
  }
}

/**
 * Props of an {@link EMRStep}.
 */
export interface EMRStepProps extends RetryableStepProps, CacheableStepProps {
  /**
   * The running cluster to add the step to (`ClusterId`). Give exactly one of `cluster` and `clusterConfig`.
   * @default - none: `clusterConfig` must be given
   */
  readonly cluster?: EmrCluster;
  /**
   * The runtime role the step runs as on the cluster (`ExecutionRoleArn`; EMR 6.7.0 and later, on a
   * cluster whose security configuration enables runtime roles). Only with `cluster`.
   * @default - the step runs with the permissions of the cluster's EC2 instance profile
   */
  readonly executionRole?: iam.IRole;
  /**
   * Configuration of a new cluster that the pipeline creates for this step and terminates when the
   * step ends (`ClusterConfig`). Give exactly one of `cluster` and `clusterConfig`.
   * @default - none: `cluster` must be given
   */
  readonly clusterConfig?: EmrClusterConfig;
  /**
   * Roles that `clusterConfig` names through tokens (its `ServiceRole`, the role of its `JobFlowRole`
   * instance profile, its `AutoScalingRole`), which the pipeline role must be allowed to pass to EMR
   * and EC2. Roles named by literal names or ARNs are found in `clusterConfig` itself.
   * @default - only the roles named literally in `clusterConfig`
   */
  readonly clusterRoles?: iam.IRole[];
  /**
   * The JAR the step runs (`HadoopJarStep.Jar`): an S3 URI, a path on the cluster, or
   * `command-runner.jar` to run a command such as `spark-submit`.
   */
  readonly jar: string;
  /**
   * Arguments passed to the JAR's main function (`HadoopJarStep.Args`).
   * @default - none
   */
  readonly args?: string[];
  /**
   * Class whose main function runs (`HadoopJarStep.MainClass`).
   * @default - the `Main-Class` of the JAR's manifest
   */
  readonly mainClass?: string;
  /**
   * Java properties set when the step runs (`HadoopJarStep.Properties`, as `{Key, Value}` pairs in this order).
   * @default - none
   */
  readonly properties?: Record<string, string>;
}

/**
 * A step that runs a Hadoop JAR step (Spark, Hive, a script through `command-runner.jar`) on an
 * Amazon EMR cluster (`Type: EMR`): on a running cluster (`cluster`), or on a cluster the pipeline
 * creates for the step and terminates afterwards (`clusterConfig`).
 *
 * Accepts step retry policies (`RetryPolicy.step`) and caching. The pipeline role is granted the EMR
 * step actions on the cluster, the EventBridge rule actions SageMaker uses to follow the step, and
 * `iam:PassRole` on the runtime role and the new cluster's roles.
 */
export class EMRStep extends Step {
  /** @inheritdoc */
  public readonly stepType = 'EMR';
  /**
   * The EMR step's properties (the EMR `Step` shape of DescribeStep), for other steps to read, e.g.
   * `step.properties.Status.State` renders `{"Get": "Steps.<name>.Status.State"}`.
   */
  public readonly properties: EmrStepProperties;
  /** The cluster the step runs on, when it runs on a running cluster. */
  public readonly cluster?: EmrCluster;
  /** The runtime role, when given. */
  public readonly executionRole?: iam.IRole;

  private readonly props: EMRStepProps;

  constructor(scope: Construct, id: string, props: EMRStepProps) {
    super(scope, id, props, { retry: 'step', cache: true });
    this.props = props;
    this.properties = createPropertyTree(this, 'EMR') as EmrStepProperties;
    this.cluster = props.cluster;
    this.executionRole = props.executionRole;

    const hasCluster = props.cluster !== undefined;
    const hasConfig = props.clusterConfig !== undefined;
    if (hasCluster === hasConfig) {
      throw new Error(`EMRStep ${this.node.path}: give exactly one of cluster (a running cluster: EmrCluster.fromClusterId('j-...') or EmrCluster.fromCfnCluster(cfnCluster)) and clusterConfig (a new cluster for this step); received ${hasCluster ? 'both' : 'neither'}.`);
    }
    if (hasCluster && !(props.cluster instanceof EmrCluster)) {
      throw new Error(`EMRStep ${this.node.path}: cluster must be an EmrCluster; received ${describe(props.cluster)}. Use EmrCluster.fromClusterId('j-...') or EmrCluster.fromCfnCluster(cfnCluster).`);
    }
    if (props.executionRole !== undefined && !hasCluster) {
      throw new Error(`EMRStep ${this.node.path}: executionRole (the EMR runtime role, ExecutionRoleArn) can only be used with cluster, not with clusterConfig. Remove it, or run the step on a running cluster whose security configuration enables runtime roles.`);
    }
    if (props.clusterRoles !== undefined && !hasConfig) {
      throw new Error(`EMRStep ${this.node.path}: clusterRoles name the roles of a new cluster and can only be used with clusterConfig; remove them.`);
    }
    if (typeof props.jar !== 'string' || (!Token.isUnresolved(props.jar) && props.jar.trim() === '')) {
      throw new Error(`EMRStep ${this.node.path}: jar is required: an S3 URI, a path on the cluster, or 'command-runner.jar'; received ${describe(props.jar)}.`);
    }
    if (props.args !== undefined && (!Array.isArray(props.args) || props.args.some((a) => typeof a !== 'string'))) {
      throw new Error(`EMRStep ${this.node.path}: args must be a list of strings; received ${describe(props.args)}. Convert numbers with String() or use a parameter's valueAsString.`);
    }
    for (const [key, value] of Object.entries(props.properties ?? {})) {
      if (typeof value !== 'string') {
        throw new Error(`EMRStep ${this.node.path}: property '${key}' must be a string; received ${describe(value)}.`);
      }
    }
    if (hasConfig) {
      checkClusterConfig(this, props.clusterConfig);
    }

    this.grant();
  }

  protected renderArguments(): Record<string, unknown> {
    const props = this.props;
    const hadoopJarStep: Record<string, unknown> = { Jar: props.jar };
    if (props.args !== undefined) {
      hadoopJarStep.Args = props.args;
    }
    if (props.mainClass !== undefined) {
      hadoopJarStep.MainClass = props.mainClass;
    }
    if (props.properties !== undefined) {
      hadoopJarStep.Properties = Object.entries(props.properties).map(([Key, Value]) => ({ Key, Value }));
    }
    const args: Record<string, unknown> = { StepConfig: { HadoopJarStep: hadoopJarStep } };
    if (this.cluster !== undefined) {
      args.ClusterId = this.cluster.clusterId;
      if (this.executionRole !== undefined) {
        args.ExecutionRoleArn = this.executionRole.roleArn;
      }
    } else {
      args.ClusterConfig = props.clusterConfig;
    }
    return args;
  }

  /** Grants the pipeline role what running this step needs (the same as an imported EMR step gets). */
  private grant(): void {
    const target: EmrTarget = this.cluster !== undefined
      ? {
        kind: 'cluster',
        clusterId: containsExpression(this.cluster.clusterId) ? undefined : this.cluster.clusterId,
        executionRoleArn: this.executionRole?.roleArn,
      }
      : {
        kind: 'newCluster',
        clusterConfig: this.props.clusterConfig as Record<string, unknown>,
        clusterRoleArns: (this.props.clusterRoles ?? []).map((r) => r.roleArn),
      };
    grantEmrStep(this.pipeline, target, this, `EMRStep ${this.node.path}`);
  }
}

/** Whether a string contains a pipeline expression (parameter, property, ...) anywhere. */
function containsExpression(value: string): boolean {
  if (!Token.isUnresolved(value)) {
    return false;
  }
  return Tokenization.reverseString(value).tokens.some((t) => t instanceof Expression);
}

function checkClusterConfig(step: EMRStep, config: unknown): void {
  const where = `EMRStep ${step.node.path}`;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new Error(`${where}: clusterConfig must be an object shaped like an EMR RunJobFlow request; received ${describe(config)}.`);
  }
  const c = config as Record<string, unknown>;
  for (const key of FORBIDDEN_CLUSTER_KEYS) {
    if (c[key] !== undefined) {
      throw new Error(`${where}: clusterConfig must not contain ${key}; the pipeline sets the cluster's name, steps and auto-termination itself. Remove ${key}.`);
    }
  }
  const instances = c.Instances;
  if (typeof instances !== 'object' || instances === null || Array.isArray(instances)) {
    throw new Error(`${where}: clusterConfig must contain Instances with exactly one of InstanceGroups and InstanceFleets; received Instances ${describe(instances)}.`);
  }
  const inst = instances as Record<string, unknown>;
  for (const key of FORBIDDEN_INSTANCE_KEYS) {
    if (inst[key] !== undefined) {
      throw new Error(`${where}: clusterConfig.Instances must not contain ${key}; the pipeline terminates the cluster when the step ends. Remove ${key}.`);
    }
  }
  const groups = inst.InstanceGroups !== undefined;
  const fleets = inst.InstanceFleets !== undefined;
  if (groups === fleets) {
    throw new Error(`${where}: clusterConfig.Instances must contain exactly one of InstanceGroups and InstanceFleets; received ${groups ? 'both' : 'neither'}. Describe the primary and core nodes with InstanceGroups (or InstanceFleets).`);
  }
}

function describe(value: unknown): string {
  if (value === undefined) {
    return 'undefined';
  }
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}
