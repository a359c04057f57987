import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ContainerImage } from './container-image';
import { IModelPackageGroup, ModelPackageGroup } from './model-package-group';
import type { Pipeline } from './pipeline';
import { grantCheckBaselines, grantEmrStep, grantModelCreation, grantRegisterInAnyGroup, queueArnOfUrl } from './private/step-grants';
import { grantJobActions } from './steps/job-step';

/** Model package group names (CreateModelPackageGroup). */
const GROUP_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** SageMaker job-creating step types and the resource type whose actions they need. */
const JOB_RESOURCE: Record<string, 'processing-job' | 'training-job' | 'hyper-parameter-tuning-job' | 'transform-job' | 'automl-job'> = {
  Processing: 'processing-job',
  QualityCheck: 'processing-job',
  ClarifyCheck: 'processing-job',
  Training: 'training-job',
  Tuning: 'hyper-parameter-tuning-job',
  Transform: 'transform-job',
  AutoML: 'automl-job',
};

/**
 * A complete pipeline definition written elsewhere: the JSON that the SageMaker Python SDK's
 * `pipeline.definition()` returns, an exported `pipeline-definition.json`, or an object built in code.
 *
 * Deploy it through a {@link Pipeline} (`definitionSource`), so that the pipeline's role, grants and
 * triggers work as for a pipeline built from step constructs. The definition is checked with the
 * project's validator at synth; strings in it may hold CloudFormation tokens (a role ARN from the app).
 */
export abstract class DefinitionSource {
  /** A definition from a JSON file (read at synth). */
  public static fromFile(filePath: string): DefinitionSource {
    const resolved = path.resolve(filePath);
    if (!fs.existsSync(resolved) || !fs.statSync(resolved).isFile()) {
      throw new Error(`DefinitionSource.fromFile: '${filePath}' (resolved to ${resolved}) is not a file. Pass the path of a pipeline definition JSON file, e.g. the output of pipeline.definition() saved by the SageMaker Python SDK.`);
    }
    const text = fs.readFileSync(resolved, 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`DefinitionSource.fromFile: '${filePath}' is not valid JSON (${(e as Error).message}). Save the definition with json.dump(json.loads(pipeline.definition()), f).`);
    }
    const source = DefinitionSource.fromObject(parsed as Record<string, unknown>);
    (source as { _file?: string })._file = filePath;
    return source;
  }

  /**
   * A definition given as an object or as JSON text (`pipeline.definition()` returns text).
   */
  public static fromObject(definition: Record<string, unknown> | string): DefinitionSource {
    let value: unknown = definition;
    if (typeof definition === 'string') {
      try {
        value = JSON.parse(definition);
      } catch (e) {
        throw new Error(`DefinitionSource.fromObject: the text is not valid JSON (${(e as Error).message}). Pass the string pipeline.definition() returns, or the parsed object.`);
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`DefinitionSource.fromObject: a pipeline definition is a JSON object with Version, Parameters and Steps; received ${Array.isArray(value) ? 'an array' : typeof value}. Pass the whole definition document.`);
    }
    return new ObjectDefinitionSource(value as Record<string, unknown>);
  }

  /** The definition document. */
  public abstract readonly definition: Record<string, unknown>;

  /**
   * @internal
   * The file the definition was read from, for messages.
   */
  public readonly _file?: string;

  /**
   * @internal
   * Grants the pipeline role what running the definition's steps needs: for each step exactly
   * what the library's own construct for that step type gets (job actions and `iam:PassRole` to
   * SageMaker on the step's role; model creation; registration in the named group; reading a check
   * step's group baselines; Lambda invoke; SQS send; the EMR step, cluster, `RunJobFlow` and
   * EventBridge rule actions with `iam:PassRole` on the EMR roles). Warns, naming the step and the
   * value, about role ARNs of another account and images or buckets of another region.
   */
  public _grant(pipeline: Pipeline): void {
    const stack = Stack.of(pipeline);
    const pulledImages = new Set<string>();
    for (const step of collectSteps(this.definition.Steps)) {
      const type = typeof step.Type === 'string' ? step.Type : '';
      const name = typeof step.Name === 'string' ? step.Name : '(unnamed)';
      const where = `step '${name}' of the definition${this._file !== undefined ? ` in ${this._file}` : ''}`;
      const args = (typeof step.Arguments === 'object' && step.Arguments !== null ? step.Arguments : {}) as Record<string, unknown>;
      if (JOB_RESOURCE[type] !== undefined) {
        grantJobActions(pipeline, JOB_RESOURCE[type]);
      }
      if (type === 'Model') {
        grantModelCreation(pipeline);
      }
      if (type === 'RegisterModel') {
        const group = args.ModelPackageGroupName;
        if (isLiteral(group) && (Token.isUnresolved(group) || GROUP_NAME.test(group))) {
          const id = `ModelPackageGroup${hashOf(group)}`;
          const imported = (pipeline.node.tryFindChild(id) as IModelPackageGroup | undefined)
            ?? ModelPackageGroup.fromModelPackageGroupName(pipeline, id, group);
          imported.grantRegisterModel(pipeline.role);
        } else if (group !== undefined && !isLiteral(group)) {
          grantRegisterInAnyGroup(pipeline);
          Annotations.of(pipeline).addWarningV2('cdk-sagemaker-pipelines:modelPackageGroupNameParameter',
            `${where}: ModelPackageGroupName is not a literal name, so the pipeline role may register models in every model package group of this account and region. Give the group's name in the definition to limit it to one group.`);
        }
      }
      if (type === 'RegisterModel') {
        // CreateModelPackage checks that the caller can pull the images, as RegisterModelStep grants.
        const inference = isObject(args.InferenceSpecification) ? args.InferenceSpecification : {};
        for (const container of Array.isArray(inference.Containers) ? inference.Containers : []) {
          const image = isObject(container) ? container.Image : undefined;
          if (isLiteral(image) && !pulledImages.has(image)) {
            pulledImages.add(image);
            ContainerImage.fromRegistry(image).bind(pipeline, pipeline.role);
          }
        }
      }
      if ((type === 'QualityCheck' || type === 'ClarifyCheck') && step.ModelPackageGroupName !== undefined && step.ModelPackageGroupName !== null) {
        const group = step.ModelPackageGroupName;
        grantCheckBaselines(pipeline, isLiteral(group) ? group : undefined);
      }
      if (type === 'Lambda' && typeof step.FunctionArn === 'string') {
        pipeline._grantPipelineRole(['lambda:InvokeFunction'], [step.FunctionArn]);
      }
      if (type === 'Callback' && typeof step.SqsQueueUrl === 'string') {
        const queueArn = Token.isUnresolved(step.SqsQueueUrl) ? queueOfApp(pipeline, step.SqsQueueUrl)?.queueArn : queueArnOfUrl(step.SqsQueueUrl);
        if (queueArn !== undefined) {
          pipeline._grantPipelineRole(['sqs:SendMessage'], [queueArn]);
        } else {
          Annotations.of(pipeline).addWarningV2('cdk-sagemaker-pipelines:importedQueueUnknown',
            `${where}: SqsQueueUrl is neither an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>) nor the URL of a queue of this app, so the pipeline role is not granted sqs:SendMessage on it. Put the queue's literal URL (or queue.queueUrl) in the definition, or grant sqs:SendMessage yourself.`);
        }
      }
      if (type === 'EMR') {
        if (isObject(args.ClusterConfig)) {
          grantEmrStep(pipeline, { kind: 'newCluster', clusterConfig: args.ClusterConfig }, pipeline, where);
        } else if (args.ClusterId !== undefined) {
          grantEmrStep(pipeline, {
            kind: 'cluster',
            clusterId: isLiteral(args.ClusterId) ? args.ClusterId : undefined,
            executionRoleArn: isLiteral(args.ExecutionRoleArn) ? args.ExecutionRoleArn : undefined,
          }, pipeline, where);
        }
      } else {
        for (const roleArn of collectRoleArns(args)) {
          const id = `PassedRole${hashOf(roleArn)}`;
          const role = (pipeline.node.tryFindChild(id) as iam.IRole | undefined) ?? iam.Role.fromRoleArn(pipeline, id, roleArn, { mutable: false });
          pipeline._grantPassRole(role);
        }
      }
      warnAboutPlacement(pipeline, stack, where, step);
    }
  }
}

class ObjectDefinitionSource extends DefinitionSource {
  constructor(public readonly definition: Record<string, unknown>) {
    super();
  }
}

type StepObject = Record<string, unknown>;

/** Every step of a definition, including those nested in condition branches. */
function collectSteps(steps: unknown): StepObject[] {
  const out: StepObject[] = [];
  const visit = (list: unknown): void => {
    if (!Array.isArray(list)) {
      return;
    }
    for (const step of list) {
      if (typeof step !== 'object' || step === null) {
        continue;
      }
      out.push(step as StepObject);
      const args = (step as StepObject).Arguments as Record<string, unknown> | undefined;
      if ((step as StepObject).Type === 'Condition' && args) {
        visit(args.IfSteps);
        visit(args.ElseSteps);
      }
    }
  };
  visit(steps);
  return out;
}

/** `RoleArn` and `ExecutionRoleArn` string values anywhere in a step's Arguments (not in nested steps). */
function collectRoleArns(args: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const visit = (value: unknown, key?: string): void => {
    if (typeof value === 'string') {
      if ((key === 'RoleArn' || key === 'ExecutionRoleArn') && (Token.isUnresolved(value) || value.startsWith('arn:'))) {
        found.add(value);
      }
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v) => visit(v));
      return;
    }
    if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        if (k !== 'IfSteps' && k !== 'ElseSteps') {
          visit(v, k);
        }
      }
    }
  };
  visit(args);
  return [...found];
}

function hashOf(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The queue of this app whose URL is `url` (a token), if any. */
function queueOfApp(pipeline: Pipeline, url: string): sqs.IQueue | undefined {
  return pipeline.node.root.node.findAll().find((c): c is sqs.Queue => c instanceof sqs.QueueBase && c.queueUrl === url);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string known at synth (no pipeline expression; CloudFormation tokens allowed). */
function isLiteral(value: unknown): value is string {
  return typeof value === 'string';
}

/** `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/...` image URIs. */
const ECR_IMAGE = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\//;
/** A region code inside a bucket name, as the SageMaker SDK's default bucket `sagemaker-<region>-<account>` has. */
const REGION_IN_NAME = /(?:^|[-.])((?:af|ap|ca|cn|eu|il|me|mx|sa|us)-(?:gov-)?(?:north|south|east|west|central|northeast|southeast|northwest|southwest)-\d)(?=[-.]|$)/;
/** Role ARNs. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\//;

/**
 * Warns about values a deployment in this stack's account and region cannot use: a role of
 * another account (IAM passes roles only within the account), an ECR image of another region, and
 * an S3 bucket named for another region (the SageMaker SDK's `sagemaker-<region>-<account>`); jobs
 * fail on those at run time. Nothing is said when the stack's account or region is unknown at synth.
 */
function warnAboutPlacement(pipeline: Pipeline, stack: Stack, where: string, step: Record<string, unknown>): void {
  const account = Token.isUnresolved(stack.account) ? undefined : stack.account;
  const region = Token.isUnresolved(stack.region) ? undefined : stack.region;
  const seen = new Set<string>();
  const warn = (id: string, message: string): void => {
    if (!seen.has(message)) {
      seen.add(message);
      Annotations.of(pipeline).addWarningV2(id, message);
    }
  };
  const visit = (value: unknown, at: string): void => {
    if (typeof value === 'string') {
      if (Token.isUnresolved(value)) {
        return;
      }
      const role = ROLE_ARN.exec(value);
      if (role && account !== undefined && role[1] !== account) {
        warn('cdk-sagemaker-pipelines:importedRoleOtherAccount',
          `${where}: ${at} is the role ${value} of account ${role[1]}, but the pipeline deploys to account ${account}; IAM passes roles only within their account, so the step fails. Replace it with a role of account ${account} (e.g. a role of this app: DefinitionSource.fromObject with role.roleArn in place of the value).`);
      }
      const image = ECR_IMAGE.exec(value);
      if (image && region !== undefined && image[2] !== region) {
        warn('cdk-sagemaker-pipelines:importedImageOtherRegion',
          `${where}: ${at} is the image ${value} in region ${image[2]}, but the pipeline deploys to ${region}; SageMaker pulls images from the job's region, so the job fails. Use the image's URI in ${region} (for AWS images, the same repository under the ${region} registry).`);
      }
      const bucket = /^s3:\/\/([^/]+)/.exec(value);
      const bucketRegion = bucket ? REGION_IN_NAME.exec(bucket[1]) : null;
      if (bucket && bucketRegion && region !== undefined && bucketRegion[1] !== region) {
        warn('cdk-sagemaker-pipelines:importedBucketOtherRegion',
          `${where}: ${at} is in bucket ${bucket[1]}, named for region ${bucketRegion[1]}, but the pipeline deploys to ${region}; jobs fail on buckets of another region. Use a bucket in ${region} (e.g. sagemaker-${region}-${account ?? '<account>'}) or a pipeline parameter.`);
      }
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${at}[${i}]`));
      return;
    }
    if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) {
        if (k !== 'IfSteps' && k !== 'ElseSteps') {
          visit(v, `${at}.${k}`);
        }
      }
    }
  };
  for (const [key, value] of Object.entries(step)) {
    if (key !== 'Name' && key !== 'Type') {
      visit(value, key);
    }
  }
}
