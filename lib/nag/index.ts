/**
 * `cdk-sagemaker-pipelines/lib/nag`: ML governance rules for SageMaker pipelines, as a cdk-nag
 * `NagPack`. This is the only module of the package that loads `cdk-nag` (an optional peer
 * dependency, see docs/decisions/cdk-nag-optional-peer.md); `cdk-sagemaker-pipelines` itself works
 * without it.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { NagMessageLevel, NagPack, NagPackProps, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import {
  CheckContext, CheckResult, checkJobEncryption, checkModelApproval, checkNetworkIsolation, checkParameterSecrets,
  checkStepSecrets, checkVpcPlacement, flattenSteps, ParameterJson,
} from './checks';
import { Pipeline } from '../pipeline';
import { _functionTimeout, LambdaStep } from '../steps/lambda-step';
import { Step } from '../steps/step';

/** The service fails a Lambda step after 10 minutes, whatever the function's timeout. */
const LAMBDA_STEP_LIMIT_SECONDS = 600;

/**
 * Props of {@link SageMakerPipelinesChecks}.
 */
export interface SageMakerPipelinesChecksProps extends NagPackProps {
  /**
   * Whether job volumes and outputs must be encrypted with a customer managed KMS key (the
   * `SageMakerPipelines-JobEncryption` rule). Turn it on when the app's policy asks for it.
   * @default false
   */
  readonly requireCustomerManagedKeys?: boolean;
}

/** The rule ids of {@link SageMakerPipelinesChecks}, as cdk-nag reports them (findings add `[...]`). */
export const SageMakerPipelinesRules = {
  /** Job volumes and outputs encrypted with a customer managed KMS key (only with `requireCustomerManagedKeys`). */
  JOB_ENCRYPTION: 'SageMakerPipelines-JobEncryption',
  /** Training, tuning and processing jobs with network isolation. */
  NETWORK_ISOLATION: 'SageMakerPipelines-NetworkIsolation',
  /** Training, tuning and processing jobs in a VPC. */
  VPC_PLACEMENT: 'SageMakerPipelines-VpcPlacement',
  /** RegisterModel never Approved by default. */
  MODEL_APPROVAL: 'SageMakerPipelines-ModelApproval',
  /** No secrets in parameter defaults. */
  PARAMETER_SECRETS: 'SageMakerPipelines-ParameterSecrets',
  /** No secrets in job environments, hyperparameters or Lambda/Callback inputs. */
  STEP_SECRETS: 'SageMakerPipelines-StepSecrets',
  /** Lambda step functions within the 10-minute step limit. */
  LAMBDA_TIMEOUT: 'SageMakerPipelines-LambdaTimeout',
} as const;

interface RuleSpec {
  readonly suffix: string;
  readonly info: string;
  readonly explanation: string;
  readonly level: NagMessageLevel;
}

const RULES: Record<keyof typeof SageMakerPipelinesRules, RuleSpec> = {
  JOB_ENCRYPTION: {
    suffix: 'JobEncryption',
    info: 'The step\'s job does not encrypt its storage volumes (finding VolumeKmsKeyId) or its outputs (OutputKmsKeyId) with a customer managed KMS key. '
      + 'Fix: pass a kms.IKey of the app as the step\'s volumeKmsKey and outputKmsKey, not an alias/aws/... AWS managed key.',
    explanation: 'With a customer managed key the app controls who can decrypt training data, model artifacts and intermediate results, '
      + 'and can audit and revoke that access. Instance types with local NVMe storage encrypt it with a hardware module and refuse VolumeKmsKeyId: acknowledge the VolumeKmsKeyId finding for those steps.',
    level: NagMessageLevel.ERROR,
  },
  NETWORK_ISOLATION: {
    suffix: 'NetworkIsolation',
    info: 'The training, tuning or processing job runs without network isolation, so its container can reach the network. '
      + 'Fix: set enableNetworkIsolation: true on the step (networkConfig.enableNetworkIsolation for processing); the job still reads its inputs and writes its outputs through SageMaker.',
    explanation: 'A network-isolated container cannot make outbound calls, so code or dependencies in the container cannot send data '
      + 'or credentials elsewhere. Jobs that must call AWS APIs or download packages at run time cannot be isolated: acknowledge the finding with the reason.',
    level: NagMessageLevel.ERROR,
  },
  VPC_PLACEMENT: {
    suffix: 'VpcPlacement',
    info: 'The training, tuning or processing job does not run in a VPC. '
      + 'Fix: pass vpc (and optionally subnets) to the step (networkConfig.vpc for processing), so the job\'s network interfaces are placed in your subnets.',
    explanation: 'Jobs in a VPC reach S3 and other services through the VPC\'s endpoints and routes, under its security groups, '
      + 'flow logs and endpoint policies, instead of through the service\'s network.',
    level: NagMessageLevel.ERROR,
  },
  MODEL_APPROVAL: {
    suffix: 'ModelApproval',
    info: 'The RegisterModel step registers model versions as Approved by default (the literal status, or a parameter whose default is Approved), '
      + 'so deployment pipelines that watch the group deploy them without review. Fix: use ModelApprovalStatus.PENDING_MANUAL_APPROVAL '
      + '(the default), or a parameter whose default is PendingManualApproval.',
    explanation: 'An approval is the governance gate between training and production; approving by default skips it on every execution. '
      + 'Approve versions after review (UpdateModelPackage), or pass Approved explicitly for an execution.',
    level: NagMessageLevel.ERROR,
  },
  PARAMETER_SECRETS: {
    suffix: 'ParameterSecrets',
    info: 'A pipeline parameter\'s default value looks like a secret (a credential format, or a literal under a name such as PASSWORD, TOKEN or API_KEY), '
      + 'or writes a SecretValue, a NoEcho parameter or a secret dynamic reference into the definition. The finding names the parameter. '
      + 'Fix: keep the secret in Secrets Manager and pass its ARN or name; let the job read it at run time.',
    explanation: 'Parameter defaults are part of the pipeline definition, which DescribePipeline, the console and every execution record show in plain text.',
    level: NagMessageLevel.ERROR,
  },
  STEP_SECRETS: {
    suffix: 'StepSecrets',
    info: 'A value in the step\'s job environment, hyperparameters or Lambda/Callback inputs looks like a secret (a credential format, or a literal under a name '
      + 'such as PASSWORD, TOKEN or API_KEY), or a SecretValue, NoEcho parameter or secret dynamic reference is written into the step in plain text. '
      + 'The finding names the value\'s path. Fix: pass the secret\'s ARN or name instead (e.g. DB_SECRET_ARN), grant the job role secretsmanager:GetSecretValue on it, and read it at run time.',
    explanation: 'Step arguments are stored in the pipeline definition and copied into each job\'s description (DescribeTrainingJob, DescribeProcessingJob, ...), '
      + 'visible to anyone who can read them; CloudFormation resolves SecretValue references in the template, so they end up in plain text too.',
    level: NagMessageLevel.ERROR,
  },
  LAMBDA_TIMEOUT: {
    suffix: 'LambdaTimeout',
    info: 'The Lambda step\'s function has a timeout above 10 minutes, but SageMaker fails a Lambda step after 10 minutes even if the function is still running. '
      + 'Fix: lower the function\'s timeout to at most Duration.minutes(10), or run longer work in a ProcessingStep or behind a CallbackStep.',
    explanation: 'A step that the service fails while its function keeps running leaves the work half done and the execution failed; '
      + 'the function\'s timeout should say how long the step can really take.',
    level: NagMessageLevel.ERROR,
  },
};

/**
 * ML governance rules for Amazon SageMaker pipelines, as a cdk-nag rule pack. It checks the
 * definition of every `Pipeline` of this library (and every `AWS::SageMaker::Pipeline` whose
 * `PipelineDefinitionBody` is a literal JSON string) and reports each finding at the construct
 * path of the step it is about (the pipeline's, for parameters and steps it has no construct for):
 *
 * - `SageMakerPipelines-JobEncryption` (only with `requireCustomerManagedKeys`): processing, check,
 *   training, tuning, transform and AutoML jobs encrypt volumes and outputs with a customer
 *   managed KMS key;
 * - `SageMakerPipelines-NetworkIsolation` and `-VpcPlacement`: training, tuning and processing jobs
 *   run network-isolated and in a VPC;
 * - `SageMakerPipelines-ModelApproval`: RegisterModel never registers versions Approved by default;
 * - `SageMakerPipelines-ParameterSecrets` and `-StepSecrets`: no secrets in parameter defaults, job
 *   environments, hyperparameters or Lambda/Callback inputs, and no SecretValue written in plain text;
 * - `SageMakerPipelines-LambdaTimeout`: Lambda step functions time out within the step's 10 minutes.
 *
 * Acknowledge a finding where it is reported, or on any construct above it:
 * `Validations.of(step).acknowledge({ id: 'SageMakerPipelines-NetworkIsolation', reason: '...' })`
 * (with the finding in brackets for rules that report them, e.g. `SageMakerPipelines-StepSecrets[Arguments.Environment.API_KEY]`).
 *
 * ```ts
 * import { AwsSolutionsChecks } from 'cdk-nag';
 * import { SageMakerPipelinesChecks } from 'cdk-sagemaker-pipelines/lib/nag';
 * Validations.of(app).addPlugins(new AwsSolutionsChecks(), new SageMakerPipelinesChecks(undefined, { requireCustomerManagedKeys: true }));
 * ```
 */
export class SageMakerPipelinesChecks extends NagPack {
  /** The pack's name, the prefix of its rule ids. */
  public readonly name = 'SageMakerPipelines';
  /** The rule ids. */
  public readonly ruleIds: string[];
  private readonly requireCustomerManagedKeys: boolean;

  constructor(scope?: IConstruct, props: SageMakerPipelinesChecksProps = {}) {
    super(scope, props);
    this.packName = 'SageMakerPipelines';
    this.requireCustomerManagedKeys = props.requireCustomerManagedKeys ?? false;
    this.ruleIds = Object.values(SageMakerPipelinesRules)
      .filter((id) => this.requireCustomerManagedKeys || id !== SageMakerPipelinesRules.JOB_ENCRYPTION);
  }

  protected checkResource(node: CfnResource): void {
    if (!(node instanceof sagemaker.CfnPipeline)) {
      return;
    }
    const owner = node.node.scope;
    if (owner !== undefined && Pipeline.isPipeline(owner) && owner.cfnPipeline === node) {
      this.checkPipeline(owner);
    } else {
      this.checkCfnPipeline(node);
    }
  }

  private checkPipeline(pipeline: Pipeline): void {
    const raw = pipeline.renderDefinition();
    const resolved = Stack.of(pipeline).resolve(raw) as Record<string, unknown>;
    const byName = new Map<string, Step>(pipeline.steps.map((s) => [s.stepName, s]));
    this.checkDefinition(raw, resolved, pipeline, (name) => byName.get(name));
  }

  /** A CfnPipeline of another origin: checked when its body is a literal JSON string. */
  private checkCfnPipeline(node: sagemaker.CfnPipeline): void {
    const body = (Stack.of(node).resolve(node.pipelineDefinition) as { PipelineDefinitionBody?: unknown } | undefined)?.PipelineDefinitionBody;
    if (typeof body !== 'string') {
      return;
    }
    let definition: Record<string, unknown>;
    try {
      definition = JSON.parse(body);
    } catch {
      return;
    }
    this.checkDefinition(definition, definition, node, () => undefined);
  }

  private checkDefinition(
    raw: Record<string, unknown>, resolved: Record<string, unknown>, owner: IConstruct, stepNamed: (name: string) => Step | undefined,
  ): void {
    const rawParameters = (Array.isArray(raw.Parameters) ? raw.Parameters : []) as ParameterJson[];
    const parameters = (Array.isArray(resolved.Parameters) ? resolved.Parameters : []) as ParameterJson[];
    const context: CheckContext = { parameters: new Map(parameters.filter((p) => typeof p.Name === 'string').map((p) => [p.Name as string, p])) };

    this.report('PARAMETER_SECRETS', owner, () => checkParameterSecrets(rawParameters, parameters));

    const rawSteps = flattenSteps(raw.Steps);
    const steps = flattenSteps(resolved.Steps);
    steps.forEach((step, i) => {
      const construct = typeof step.Name === 'string' ? stepNamed(step.Name) : undefined;
      const target = construct ?? owner;
      const rawStep = rawSteps[i] ?? step;
      if (this.requireCustomerManagedKeys) {
        this.report('JOB_ENCRYPTION', target, () => checkJobEncryption(step));
      }
      this.report('NETWORK_ISOLATION', target, () => checkNetworkIsolation(step, context));
      this.report('VPC_PLACEMENT', target, () => checkVpcPlacement(step));
      this.report('MODEL_APPROVAL', target, () => checkModelApproval(step, context));
      this.report('STEP_SECRETS', target, () => checkStepSecrets(rawStep, step));
      this.report('LAMBDA_TIMEOUT', target, () => checkLambdaTimeout(construct));
    });
  }

  /**
   * Apply one rule at `target` (a step construct, or the pipeline). cdk-nag records the finding at
   * the target's construct path and honours acknowledgements on it or any construct above it.
   */
  private report(rule: keyof typeof RULES, target: IConstruct, check: () => CheckResult): void {
    const spec = RULES[rule];
    const where = target.node.path;
    this.applyRule({
      ruleSuffixOverride: spec.suffix,
      info: `${spec.info} (${where})`,
      explanation: spec.explanation,
      level: spec.level,
      // cdk-nag reads only `node.node` (path, metadata, scope) of the construct it reports on.
      node: target as unknown as CfnResource,
      rule: (): NagRuleResult => {
        const result = check();
        if (result === 'compliant') return NagRuleCompliance.COMPLIANT;
        if (result === 'not-applicable') return NagRuleCompliance.NOT_APPLICABLE;
        return result;
      },
    });
  }
}

function checkLambdaTimeout(step: Step | undefined): CheckResult {
  if (!(step instanceof LambdaStep)) {
    return 'not-applicable';
  }
  const timeout = _functionTimeout(step.function);
  if (timeout === undefined) {
    return 'not-applicable';
  }
  return timeout > LAMBDA_STEP_LIMIT_SECONDS ? [`Timeout=${timeout}s`] : 'compliant';
}
