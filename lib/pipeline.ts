import { Annotations, ArnFormat, IResource, Names, Resource, Stack, Tags, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { DefinitionSource } from './definition-source';
import { PipelineExperimentConfig } from './experiment-config';
import { ExecutionVariable, Join } from './expressions';
import { Parameter } from './parameters';
import { PipelineGraph } from './pipeline-graph';
import { renderDefinitionBody } from './private/definition-body';
import { bindDefinitionPlacement, DefinitionPlacement } from './private/definition-location';
import { IParameterLike } from './private/expression';
import { StepGraph } from './private/graph';
import { NAG_REASONS, noteLibraryPrincipal, noteLibraryS3Grant, suppressInherentFindings } from './private/nag';
import { cachedByKey, Renderer } from './private/renderer';
import { softLimitWarnings } from './private/soft-limits';
import { PIPELINE_SYMBOL, RenderedStep, Step } from './steps/step';
import { DefinitionProblem, validateDefinition } from './validator/validate-definition';

export { DefinitionPlacement } from './private/definition-location';
export type { AutoDefinitionPlacementOptions } from './private/definition-location';

/** Warning id of a step with no edge in a pipeline of several steps (acknowledge it on the step, pipeline or stack). */
const DISCONNECTED_STEP_WARNING = 'cdk-sagemaker-pipelines:disconnectedStep';
/** Warning id of a Lambda or Callback step whose declared outputs no step reads. */
const UNREAD_OUTPUTS_WARNING = 'cdk-sagemaker-pipelines:unreadStepOutputs';

/** Service pattern for pipeline names (CreatePipeline; CloudFormation `PipelineName`). */
const PIPELINE_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;

/**
 * Props of a {@link Pipeline}.
 */
export interface PipelineProps {
  /**
   * Name of the pipeline: 1-256 characters, letters, digits and single or repeated hyphens between
   * them. Changing it replaces the pipeline. Names above 82 characters draw a warning, since the
   * default execution display name then exceeds its limit.
   * @default - a unique lower-case name generated from the construct path
   */
  readonly pipelineName?: string;
  /**
   * Name shown in SageMaker Studio (`PipelineDisplayName`), same pattern as the name.
   * @default - none
   */
  readonly displayName?: string;
  /**
   * Description of the pipeline (at most 3,072 characters).
   * @default - none
   */
  readonly description?: string;
  /**
   * The role the pipeline runs as. It creates the steps' jobs, so it is granted exactly what the
   * steps need (create/describe/stop their job types, `iam:PassRole` on their job roles).
   * A role you bring is granted the same through its policy if it is mutable, and not otherwise.
   * @default - a new role trusted by `sagemaker.amazonaws.com`
   */
  readonly role?: iam.IRole;
  /**
   * Parameters to declare, in this order, before those that steps use without being listed here.
   * @default - only the parameters the steps use
   */
  readonly parameters?: Parameter[];
  /**
   * Maximum number of steps that run at the same time (`ParallelismConfiguration`).
   * @default - the service default (no limit set by the pipeline)
   */
  readonly maxParallelExecutionSteps?: number;
  /**
   * Where executions record themselves in SageMaker Experiments.
   * @default PipelineExperimentConfig.default()
   */
  readonly experimentConfig?: PipelineExperimentConfig;
  /**
   * Tags of the pipeline resource.
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * Bucket for the output locations that steps choose when you give none, under
   * `s3://<bucket>/<pipeline name>/<execution id>/<step name>/...`, as the SageMaker SDK lays them out.
   * @default - a bucket created when a step first needs one (S3-managed encryption, SSL only, no public access, retained on delete)
   */
  readonly artifactBucket?: s3.IBucket;
  /**
   * A complete definition written elsewhere (the SageMaker Python SDK's `pipeline.definition()`, a
   * JSON file) to deploy instead of one built from step constructs. The pipeline then has no step
   * constructs; its role is granted what the definition's steps need (job actions, `iam:PassRole` on
   * their role ARNs, Lambda, SQS and EMR access), and the definition is checked with the project's
   * validator at synth.
   * @default - the definition is built from the step constructs inside the pipeline
   */
  readonly definitionSource?: DefinitionSource;
  /**
   * Where the template carries the definition: inline (`PipelineDefinitionBody`), or in S3
   * (`PipelineDefinitionS3Location`) under a content-hashed key of the artifact bucket, written at
   * deploy time with its CloudFormation values substituted. See docs/large-definitions.md.
   * @default DefinitionPlacement.auto() - inline up to 200,000 bytes escaped in the template, S3 above
   */
  readonly definitionPlacement?: DefinitionPlacement;
  /**
   * Render each job's name member (`TrainingJobName`, `ProcessingJobName`, `TransformJobName`,
   * `HyperParameterTuningJobName`, `AutoMLJobName`, and `ModelName` of model steps) from the step's
   * `jobNamePrefix` (or its step name), so that SageMaker names the jobs `<prefix>-...` instead of
   * `pipelines-<execution id>-<step>-...`, like the SageMaker SDK's
   * `PipelineDefinitionConfig(use_custom_job_prefix=True)`.
   * @default false - the service names jobs, and a step's `jobNamePrefix` is an error
   */
  readonly useCustomJobPrefix?: boolean;
}

/**
 * A SageMaker pipeline that this app defines, or one imported by name or ARN.
 */
export interface IPipeline extends sagemaker.IPipeline, IResource {}

abstract class PipelineBase extends Resource implements IPipeline {
  public abstract readonly pipelineName: string;
  public abstract readonly pipelineArn: string;

  /** A reference to this pipeline for L1 constructs that take one. */
  public get pipelineRef(): sagemaker.PipelineReference {
    return { pipelineName: this.pipelineName };
  }

  /** Allow `grantee` to start executions of this pipeline (`sagemaker:StartPipelineExecution`). */
  public grantStartPipelineExecution(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['sagemaker:StartPipelineExecution'], resourceArns: [this.pipelineArn] });
  }
}

/**
 * An Amazon SageMaker pipeline (`AWS::SageMaker::Pipeline`) whose steps are the constructs created
 * inside it.
 *
 * The definition is rendered at synth: step properties and parameters become `{"Get": ...}`,
 * concatenations become `Std:Join`, CloudFormation values (role ARNs, bucket names) are spliced into
 * `PipelineDefinitionBody`, and the whole graph is validated (names, cycles, references).
 */
export class Pipeline extends PipelineBase {
  /**
   * Import a pipeline by name, in the stack's account and region. `pipelineArn` carries the name in
   * lower case, as SageMaker forms pipeline ARNs.
   */
  public static fromPipelineName(scope: Construct, id: string, pipelineName: string): IPipeline {
    return new ImportedPipeline(scope, id, pipelineName);
  }

  /**
   * Import a pipeline by ARN (`arn:<partition>:sagemaker:<region>:<account>:pipeline/<name>`). A
   * literal name in the ARN is lower-cased, as SageMaker forms pipeline ARNs (IAM compares them
   * case-sensitively); `pipelineName` keeps the name as given.
   */
  public static fromPipelineArn(scope: Construct, id: string, pipelineArn: string): IPipeline {
    const stack = Stack.of(scope);
    if (!Token.isUnresolved(pipelineArn) && !/^arn:[^:]+:sagemaker:[^:]*:[^:]*:pipeline\/[^/]+$/.test(pipelineArn)) {
      throw new Error(`Pipeline.fromPipelineArn: '${pipelineArn}' is not a pipeline ARN; expected arn:<partition>:sagemaker:<region>:<account>:pipeline/<name>.`);
    }
    const components = stack.splitArn(pipelineArn, ArnFormat.SLASH_RESOURCE_NAME);
    const arn = Token.isUnresolved(pipelineArn) ? pipelineArn : pipelineArn.replace(/pipeline\/([^/]+)$/, (_m, name: string) => `pipeline/${name.toLowerCase()}`);
    return new ImportedPipeline(scope, id, components.resourceName as string, arn, components);
  }

  /** Whether `x` is a Pipeline of this library. */
  public static isPipeline(x: unknown): x is Pipeline {
    return typeof x === 'object' && x !== null && PIPELINE_SYMBOL in x;
  }

  /** Name of the pipeline. */
  public readonly pipelineName: string;
  /** ARN of the pipeline. */
  public readonly pipelineArn: string;
  /** The role the pipeline runs as. */
  public readonly role: iam.IRole;
  /** The underlying CloudFormation resource. */
  public readonly cfnPipeline: sagemaker.CfnPipeline;
  /** Whether job steps render their job name prefix (`PipelineProps.useCustomJobPrefix`). */
  public readonly useCustomJobPrefix: boolean;

  private readonly declaredParameters: Parameter[] = [];
  private readonly experimentConfig: PipelineExperimentConfig;
  private readonly passedRoles = new Set<string>();
  /** Role objects already passed: every job step asks again, and the key below costs a hash of the role's path. */
  private readonly passedRoleObjects = new WeakSet<iam.IRole>();
  private readonly grantedActions = new Set<string>();
  private sharedJobRole?: iam.IRole;
  private readonly warnedSoftLimits = new Set<string>();
  private readonly definitionSource?: DefinitionSource;
  private bucket?: s3.IBucket;

  constructor(scope: Construct, id: string, props: PipelineProps = {}) {
    super(scope, id);
    Object.defineProperty(this, PIPELINE_SYMBOL, { value: true });

    if (props.useCustomJobPrefix !== undefined && typeof props.useCustomJobPrefix !== 'boolean') {
      throw new Error(`Pipeline ${this.node.path}: useCustomJobPrefix must be true or false (it shapes the definition at synth); received ${typeof props.useCustomJobPrefix}.`);
    }
    this.useCustomJobPrefix = props.useCustomJobPrefix ?? false;
    this.pipelineName = props.pipelineName ?? generateName(this);
    this.validateName(props);
    if (props.description !== undefined && !Token.isUnresolved(props.description) && props.description.length > 3072) {
      throw new Error(`Pipeline ${this.node.path}: description must be at most 3,072 characters; received ${props.description.length}. Shorten it, e.g. link to a document instead of including it.`);
    }
    const parallel = props.maxParallelExecutionSteps;
    if (parallel !== undefined && !Token.isUnresolved(parallel) && (!Number.isInteger(parallel) || parallel < 1)) {
      throw new Error(`Pipeline ${this.node.path}: maxParallelExecutionSteps must be an integer of at least 1; received ${parallel}. Set it to 1 or more (1 runs steps one at a time), or omit it for no limit.`);
    }

    if (props.definitionSource !== undefined) {
      const given = [props.parameters !== undefined ? 'parameters' : undefined, props.experimentConfig !== undefined ? 'experimentConfig' : undefined].filter((g) => g !== undefined);
      if (given.length > 0) {
        throw new Error(`Pipeline ${this.node.path}: ${given.join(' and ')} cannot be given with definitionSource, which deploys its definition as it is (its own Parameters and PipelineExperimentConfig); received ${given.join(' and ')}. Remove ${given.length > 1 ? 'them' : 'it'}, or change the definition itself${given.includes('parameters') ? ' (its Parameters list)' : ''}${given.includes('experimentConfig') ? ' (its PipelineExperimentConfig)' : ''}.`);
      }
    }

    this.role = props.role ?? new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `Runs the SageMaker pipeline ${this.node.path}`,
    });
    noteLibraryPrincipal(this.role);
    this.experimentConfig = props.experimentConfig ?? PipelineExperimentConfig.default();
    this.bucket = props.artifactBucket;
    this.addParameter(...(props.parameters ?? []));

    this.pipelineArn = pipelineArnOf(this, this.pipelineName);

    this.cfnPipeline = new sagemaker.CfnPipeline(this, 'Resource', {
      pipelineName: this.pipelineName,
      roleArn: this.role.roleArn,
      pipelineDisplayName: props.displayName,
      pipelineDescription: props.description,
      // PascalCase: like the definition, CfnPipeline passes this property through verbatim.
      parallelismConfiguration: parallel !== undefined ? { MaxParallelExecutionSteps: parallel } : undefined,
      // PascalCase keys: CfnPipeline passes this property through verbatim (cdk-integration.md #4).
      // Inline `PipelineDefinitionBody`, or `PipelineDefinitionS3Location` when the placement (decided
      // in the prepare phase, once every step exists) moves a large definition to S3.
      pipelineDefinition: bindDefinitionPlacement(this, props.definitionPlacement ?? DefinitionPlacement.auto(),
        (definition) => renderDefinitionBody(Stack.of(this), definition)),
    });
    for (const [key, value] of Object.entries(props.tags ?? {})) {
      Tags.of(this).add(key, value);
    }

    this.definitionSource = props.definitionSource;
    this.definitionSource?._grant(this);
    this.node.addValidation({ validate: () => this.validatePipeline() });
  }

  /** Declare parameters (in this order, after those already declared). */
  public addParameter(...parameters: Parameter[]): void {
    if (this.definitionSource !== undefined && parameters.length > 0) {
      throw new Error(`Pipeline ${this.node.path}: addParameter cannot be used on a pipeline with a definitionSource, which deploys its definition as it is; received ${parameters.map((p) => (p instanceof Parameter ? `'${p.name}'` : String(p))).join(', ')}. Add the parameter to the definition's Parameters instead.`);
    }
    for (const parameter of parameters) {
      if (!(parameter instanceof Parameter)) {
        throw new Error(`Pipeline ${this.node.path}: addParameter accepts ParameterString, ParameterInteger, ParameterFloat or ParameterBoolean; received ${String(parameter)}.`);
      }
      if (!this.declaredParameters.includes(parameter)) {
        this.declaredParameters.push(parameter);
      }
    }
  }

  /** All steps of this pipeline, in construct order. */
  public get steps(): Step[] {
    return this.node.findAll().filter((c): c is Step => Step.isStep(c) && c.pipeline === this);
  }

  /**
   * The role that steps which name no role of their own run their jobs as. Created on first use,
   * trusted by `sagemaker.amazonaws.com`, and granted only what those steps' inputs, outputs and
   * images need, plus CloudWatch Logs and metrics.
   */
  public get defaultJobRole(): iam.IRole {
    if (this.sharedJobRole === undefined) {
      const role = new iam.Role(this, 'JobRole', {
        assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
        description: `Runs the SageMaker jobs of pipeline ${this.node.path}`,
      });
      grantJobBasics(role, Stack.of(this));
      noteLibraryPrincipal(role);
      this.sharedJobRole = role;
    }
    return this.sharedJobRole;
  }

  /**
   * The bucket of default output locations (`artifactBucket`, or one created on first use).
   */
  public get artifactBucket(): s3.IBucket {
    if (this.bucket === undefined) {
      this.bucket = new s3.Bucket(this, 'Artifacts', {
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      });
      suppressInherentFindings(this.bucket, [{ id: 'AwsSolutions-S1', reason: NAG_REASONS.ARTIFACT_BUCKET }]);
    }
    return this.bucket;
  }

  /**
   * A default output location unique per execution:
   * `s3://<artifact bucket>/<pipeline name>/<execution id>/<step name>/<segments...>`, rendered as
   * `{"Std:Join": {"On": "/", "Values": ["s3:/", <bucket>, <pipeline>, {"Get": "Execution.PipelineExecutionId"}, <step>, ...]}}`.
   * `grantee` (the job role) may read and write under `s3://<bucket>/<pipeline name>/`.
   */
  public defaultOutputUri(stepName: string, segments: string[], grantee?: iam.IGrantable): string {
    const bucket = this.artifactBucket;
    if (grantee !== undefined) {
      bucket.grantReadWrite(grantee, `${this.pipelineName}/*`);
      noteLibraryS3Grant(grantee, bucket.arnForObjects(`${this.pipelineName}/*`));
    }
    return Join.of(['s3:/', bucket.bucketName, this.pipelineName, ExecutionVariable.PIPELINE_EXECUTION_ID, stepName, ...segments], '/');
  }

  /**
   * Names of the parameters the definition declares: those passed in `parameters` and those the
   * steps use. Complete once every step has been added (read it at synth, e.g. in a validation).
   */
  public get parameterNames(): string[] {
    const parameters = this.renderDefinition().Parameters as Array<{ Name: string }>;
    return parameters.map((p) => p.Name);
  }

  /**
   * The pipeline's definition as an object: parameters, experiment config and steps, with
   * CloudFormation values still as CDK tokens. The template carries it through `Stack.toJsonString`.
   */
  public renderDefinition(): Record<string, unknown> {
    return this.render().definition;
  }

  /**
   * The step graph of this pipeline's definition (steps, data / `DependsOn` / branch edges), e.g. for
   * a picture: `pipeline.graph().toMermaid()` or `.toDot()`. Read it once every step has been added.
   */
  public graph(): PipelineGraph {
    return PipelineGraph.fromDefinition(Stack.of(this).resolve(this.renderDefinition()));
  }

  /**
   * @internal
   * Let the pipeline role pass `role` to SageMaker (once per role).
   */
  public _grantPassRole(role: iam.IRole): void {
    if (this.passedRoleObjects.has(role)) {
      return;
    }
    this.passedRoleObjects.add(role);
    const key = Token.isUnresolved(role.roleArn) ? Names.nodeUniqueId(role.node) : role.roleArn;
    if (this.passedRoles.has(key)) {
      return;
    }
    this.passedRoles.add(key);
    noteLibraryPrincipal(role);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }));
  }

  /**
   * @internal
   * Grant the pipeline role `actions` on `resourceArns` (once per combination).
   */
  public _grantPipelineRole(actions: string[], resourceArns: string[]): void {
    const key = `${actions.join(',')}|${resourceArns.join(',')}`;
    if (this.grantedActions.has(key)) {
      return;
    }
    this.grantedActions.add(key);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: resourceArns }));
  }

  private validateName(props: PipelineProps): void {
    const name = this.pipelineName;
    if (!Token.isUnresolved(name)) {
      if (name.length < 1 || name.length > 256 || !PIPELINE_NAME_PATTERN.test(name)) {
        throw new Error(`Pipeline ${this.node.path}: pipelineName must be 1-256 characters of letters and digits, with hyphens only between them (pattern ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}); received '${name}'. Rename the pipeline, e.g. '${suggestName(name)}' (replace other characters with hyphens).`);
      }
      if (name.length > 82) {
        Annotations.of(this).addWarningV2('cdk-sagemaker-pipelines:longPipelineName',
          `pipelineName is ${name.length} characters; executions of pipelines with names above 82 characters fail to start because the default execution display name exceeds its limit. Shorten the name or acknowledge this warning.`);
      }
    }
    const displayName = props.displayName;
    if (displayName !== undefined && !Token.isUnresolved(displayName) && !PIPELINE_NAME_PATTERN.test(displayName)) {
      throw new Error(`Pipeline ${this.node.path}: displayName must be 1-256 characters of letters and digits, with hyphens only between them; received '${displayName}'. Use hyphens instead of spaces, e.g. '${suggestName(displayName)}', and put free text in description.`);
    }
  }

  private render(): { definition: Record<string, unknown>; rendered: RenderedStep[]; problems: string[] } {
    if (this.definitionSource !== undefined) {
      return { definition: this.definitionSource.definition, rendered: [], problems: [] };
    }
    const steps = this.steps;
    // Rendered once and reused while nothing it depends on changes: the steps (in order), their
    // dependsOn, condition branches and the declared parameters. A synth asks for the definition
    // several times (placement, references, validation, template, tree metadata).
    const key: unknown[] = [this.declaredParameters.length, steps.length, ...steps];
    for (const step of steps) {
      key.push(step.dependsOn.length, step._retryPolicyCount, step._argumentOverrideCount);
      if ('ifSteps' in step && 'elseSteps' in step) {
        const branches = step as unknown as { ifSteps: Step[]; elseSteps: Step[] };
        key.push(branches.ifSteps.length, branches.elseSteps.length);
      }
    }
    return cachedByKey(this, key, () => {
      const problems: string[] = [];
      const renderedTop: RenderedStep[] = [];
      const all: RenderedStep[] = [];
      const nestedSteps = new Set<Step>();
      const seen = new Set<Step>();
      for (const step of steps) {
        const rendered = step._render();
        renderedTop.push(rendered);
        const visit = (r: RenderedStep): void => {
          if (!seen.has(r.step)) {
            seen.add(r.step);
            all.push(r);
          }
          for (const nested of r.nested) {
            nestedSteps.add(nested.step);
            visit(nested);
          }
        };
        visit(rendered);
      }
      // Steps rendered inside another (condition branches) appear only there.
      const byStep = new Map<Step, RenderedStep>();
      for (const r of all) {
        if (!byStep.has(r.step)) {
          byStep.set(r.step, r);
        }
      }
      const top = renderedTop.filter((r) => !nestedSteps.has(r.step));

      // Order top-level steps so that each comes after the steps it depends on.
      const graph = new StepGraph<Step>(top.map((r) => r.step));
      const ownerOf = new Map<Step, Step>();
      const mapOwner = (r: RenderedStep, owner: Step): void => {
        ownerOf.set(r.step, owner);
        r.nested.forEach((n) => mapOwner(n, owner));
      };
      top.forEach((r) => mapOwner(r, r.step));
      for (const r of all) {
        const to = ownerOf.get(r.step);
        for (const from of [...r.dataReferences, ...r.dependsOn]) {
          const fromOwner = ownerOf.get(from);
          if (to !== undefined && fromOwner !== undefined && fromOwner !== to) {
            graph.addEdge(fromOwner, to);
          }
        }
      }
      const ordered = graph.topologicalOrder().map((s) => byStep.get(s)!.json);

      const parameters = this.collectParameters(all, problems);
      const definition: Record<string, unknown> = {
        Version: '2020-12-01',
        Metadata: {},
        Parameters: parameters.map((p) => p.renderDeclaration()),
        PipelineExperimentConfig: this.renderExperimentConfig(),
        Steps: ordered,
      };
      return { definition, rendered: all, problems };
    });
  }

  private renderExperimentConfig(): unknown {
    const config = this.experimentConfig._render(Stack.of(this).region);
    if (config === null) {
      return null;
    }
    return {
      ExperimentName: renderStandalone(config.ExperimentName),
      TrialName: renderStandalone(config.TrialName),
    };
  }

  private collectParameters(rendered: RenderedStep[], problems: string[]): IParameterLike[] {
    const byName = new Map<string, IParameterLike>();
    const order: IParameterLike[] = [];
    const add = (parameter: IParameterLike, where: string): void => {
      const existing = byName.get(parameter.name);
      if (existing === undefined) {
        byName.set(parameter.name, parameter);
        order.push(parameter);
        return;
      }
      if (existing !== parameter && JSON.stringify(existing.renderDeclaration()) !== JSON.stringify(parameter.renderDeclaration())) {
        problems.push(`two different parameters are named '${parameter.name}': ${JSON.stringify(existing.renderDeclaration())} and ${JSON.stringify(parameter.renderDeclaration())} (the second used by ${where}); give them different names or use one parameter object.`);
      }
    };
    this.declaredParameters.forEach((p) => add(p, this.node.path));
    for (const r of rendered) {
      r.parameters.forEach((p) => add(p, r.step.node.path));
    }
    for (const value of [this.renderExperimentConfigParameters()]) {
      value.forEach((p) => add(p, `${this.node.path} experimentConfig`));
    }
    return order;
  }

  private renderExperimentConfigParameters(): IParameterLike[] {
    const config = this.experimentConfig._render(Stack.of(this).region);
    if (config === null) {
      return [];
    }
    return [config.ExperimentName, config.TrialName].flatMap((value) => renderStandaloneParameters(value));
  }

  private validatePipeline(): string[] {
    const errors: string[] = [];
    const steps = this.steps;
    if (this.definitionSource !== undefined) {
      if (steps.length > 0) {
        return [`pipeline ${this.pipelineName} has a definitionSource and also step constructs (${steps.map((s) => s.node.path).join(', ')}); a pipeline takes one or the other. Remove the steps, or drop definitionSource and build the pipeline from steps.`];
      }
      const source = this.definitionSource;
      const origin = source._file !== undefined ? `the definition in file ${source._file}` : 'the definition given to DefinitionSource.fromObject';
      const problems = validateDefinition(source.definition).map((problem) =>
        `${origin} is refused: ${problem.stepName !== undefined ? `step '${problem.stepName}', ` : ''}JSON path $${problem.path === '' ? '' : problem.path.startsWith('[') ? problem.path : `.${problem.path}`}: ${problem.message}`);
      if (problems.length === 0) {
        this.warnGraphFindings(source.definition, []);
      }
      return problems;
    }
    if (steps.length === 0) {
      return [`pipeline ${this.pipelineName} has no steps; add at least one, e.g. new ProcessingStep(pipeline, 'Preprocess', {...}).`];
    }

    // Names: valid and unique.
    const byName = new Map<string, Step[]>();
    for (const step of steps) {
      if (!Token.isUnresolved(step.stepName) && !/^[A-Za-z0-9\-_]{1,64}$/.test(step.stepName)) {
        errors.push(`step name '${step.stepName}' of ${step.node.path} is invalid: step names are 1-64 characters of A-Z, a-z, 0-9, - and _. Pass a valid stepName or change the construct id.`);
      }
      const named = byName.get(step.stepName);
      if (named === undefined) {
        byName.set(step.stepName, [step]);
      } else {
        named.push(step);
      }
    }
    for (const [name, named] of byName) {
      if (named.length > 1) {
        errors.push(`${named.length} steps are named '${name}' (${named.map((s) => s.node.path).join(', ')}); step names must be unique within a pipeline. Pass a distinct stepName to all but one.`);
      }
    }

    const { definition, rendered, problems } = this.render();
    errors.push(...problems);

    // References: only to steps of this pipeline.
    const own = new Set<Step>(steps);
    for (const r of rendered) {
      errors.push(...r.problems.map((p) => `${p}${p.includes(r.step.node.path) ? '' : ` (used by ${r.step.node.path})`}`));
      for (const target of r.dataReferences) {
        if (!own.has(target)) {
          errors.push(`step ${r.step.node.path} reads properties of ${target.node.path}, which belongs to another pipeline (${target.pipeline?.node.path ?? 'none'}); a step can only reference steps of its own pipeline. Pass the value through a parameter or move the step.`);
        }
      }
      for (const target of r.dependsOn) {
        if (!own.has(target)) {
          errors.push(`step ${r.step.node.path} depends on ${target.node.path}, which belongs to another pipeline (${target.pipeline?.node.path ?? 'none'}); dependsOn can only name steps of the same pipeline. Remove ${target.node.path} from dependsOn of ${r.step.node.path}, or create the step in ${this.node.path}; to wait for another pipeline, use a CallbackStep or LambdaStep.`);
        }
      }
    }

    // A step is rendered inside at most one other step (a condition branch).
    const containers = new Map<Step, Step[]>();
    for (const r of rendered) {
      for (const nested of r.nested) {
        containers.set(nested.step, [...(containers.get(nested.step) ?? []), r.step]);
      }
    }
    for (const [step, owners] of containers) {
      const distinct = [...new Set(owners)];
      if (distinct.length > 1 || owners.length > 1) {
        errors.push(`step ${step.node.path} is placed in ${owners.length} branches (${owners.map((o) => o.node.path).join(', ')}); a step can be in one branch of one condition only. Create a separate step for each branch.`);
      }
    }

    // Cycles, over every step including those nested in condition branches (which run after their condition).
    const graph = new StepGraph<Step>(steps);
    for (const r of rendered) {
      for (const from of [...r.dataReferences, ...r.dependsOn]) {
        if (graph.has(from)) {
          graph.addEdge(from, r.step);
        }
      }
      for (const nested of r.nested) {
        if (graph.has(nested.step)) {
          graph.addEdge(r.step, nested.step);
        }
      }
    }
    for (const cycle of graph.cycles()) {
      const names = [...cycle, cycle[0]].map((s) => s.stepName).join(' -> ');
      errors.push(`steps form a cycle: ${names} (${cycle.map((s) => s.node.path).join(', ')}); remove a dependsOn or a property reference to break it.`);
    }

    // The rendered document must pass the project's own definition validator.
    if (errors.length === 0) {
      const definitionProblems = validateDefinition(definition);
      if (definitionProblems.length > 0) {
        // Construct paths are built on each read: only for messages.
        const pathOf = new Map(steps.map((s) => [s.stepName, s.node.path]));
        for (const problem of definitionProblems) {
          errors.push(describeProblem(problem, pathOf));
        }
      }
      // Soft limits (undocumented or user-reported): warnings the user can acknowledge with
      // Annotations.of(pipeline).acknowledgeWarning(id, reason).
      for (const warning of softLimitWarnings(definition)) {
        if (!this.warnedSoftLimits.has(warning.message)) {
          this.warnedSoftLimits.add(warning.message);
          Annotations.of(this).addWarningV2(warning.id, warning.message);
        }
      }
      this.warnGraphFindings(definition, steps);
    }
    return errors;
  }

  /**
   * Warn (acknowledgeably, on the step's construct) about steps with no edge at all and Lambda or
   * Callback outputs that no step reads: the picture in SageMaker Studio shows them unconnected.
   */
  private warnGraphFindings(definition: Record<string, unknown>, steps: Step[]): void {
    for (const finding of PipelineGraph.fromDefinition(definition).findings()) {
      const id = finding.kind === 'disconnected' ? DISCONNECTED_STEP_WARNING : UNREAD_OUTPUTS_WARNING;
      const step = steps.find((s) => s.stepName === finding.step);
      const key = `${id} ${finding.message}`;
      if (!this.warnedSoftLimits.has(key)) {
        this.warnedSoftLimits.add(key);
        Annotations.of(step ?? this).addWarningV2(id, `${finding.message}${step === undefined ? '' : ` (${step.node.path})`}`);
      }
    }
  }
}

function describeProblem(problem: DefinitionProblem, pathOf: Map<string, string>): string {
  const where = problem.stepName !== undefined && pathOf.has(problem.stepName) ? ` (step ${pathOf.get(problem.stepName)})` : '';
  return `definition is invalid at ${problem.path}${where}: ${problem.message}`;
}

/** Render a value outside any step (experiment config). */
function renderStandalone(value: string): unknown {
  return Renderer.render(value).value;
}

function renderStandaloneParameters(value: string): IParameterLike[] {
  return Renderer.render(value).parameterReferences;
}

class ImportedPipeline extends PipelineBase {
  public readonly pipelineArn: string;

  /** `pipelineArn` undefined: the ARN of `pipelineName` in the stack's account and region. */
  constructor(
    scope: Construct, id: string,
    public readonly pipelineName: string,
    pipelineArn?: string,
    components?: { account?: string; region?: string },
  ) {
    super(scope, id, { account: components?.account, region: components?.region });
    this.pipelineArn = pipelineArn ?? pipelineArnOf(this, pipelineName);
  }
}

/**
 * The ARN of the pipeline named `name` in the stack of `scope`. SageMaker forms pipeline (and
 * pipeline execution) ARNs with the name in lower case (`list-pipelines` shows `PipelineName`
 * "AbalonePipeline" with `PipelineArn` ".../pipeline/abalonepipeline"), and IAM compares ARNs
 * case-sensitively, so a literal name is lower-cased here. A name that is a token cannot be
 * lower-cased at synth (CloudFormation has no such function): it goes in as it is, with a warning.
 */
function pipelineArnOf(scope: Construct, name: string): string {
  if (Token.isUnresolved(name)) {
    Annotations.of(scope).addWarningV2('cdk-sagemaker-pipelines:pipelineNameCaseUnknown',
      'the pipeline name is a token whose case is unknown at synth; SageMaker puts the name in lower case in the pipeline\'s ARN, so the ARN built from it (pipelineArn, grantStartPipelineExecution, PipelineTarget, PipelineScheduleTarget, CallbackHandler) is denied if the deployed name has capitals. Give a literal lower-case name (e.g. pipelineName: \'daily-retrain\'), or make sure the value is lower case and acknowledge this warning.');
    return Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: name });
  }
  return Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: name.toLowerCase() });
}

function generateName(pipeline: Pipeline): string {
  return Names.uniqueResourceName(pipeline, { maxLength: 64, separator: '-', allowedSpecialCharacters: '-' }).toLowerCase().replace(/^-+|-+$/g, '');
}

/** What every SageMaker job role needs: logs and metrics of its own jobs. */
function grantJobBasics(role: iam.Role, stack: Stack): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
    resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws/sagemaker/*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'aws/sagemaker/*'] } },
  }));
}

/** A name in the pipeline-name pattern derived from `name`: runs of other characters become one hyphen. */
function suggestName(name: string): string {
  const suggestion = name.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 256);
  return suggestion.length > 0 ? suggestion : 'my-pipeline';
}
