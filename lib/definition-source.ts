import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Pipeline } from './pipeline';
import { grantJobActions } from './steps/job-step';

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
    return DefinitionSource.fromObject(parsed as Record<string, unknown>);
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
   * Grants the pipeline role what running the definition's steps needs, read from the definition:
   * the job actions of each job step type, `iam:PassRole` (to SageMaker) on every `RoleArn` /
   * `ExecutionRoleArn`, `lambda:InvokeFunction` on every Lambda step's function, `sqs:SendMessage`
   * on every callback queue, and the EMR step actions on every EMR cluster.
   */
  public _grant(pipeline: Pipeline): void {
    const stack = Stack.of(pipeline);
    for (const step of collectSteps(this.definition.Steps)) {
      const type = typeof step.Type === 'string' ? step.Type : '';
      const args = (typeof step.Arguments === 'object' && step.Arguments !== null ? step.Arguments : {}) as Record<string, unknown>;
      if (JOB_RESOURCE[type] !== undefined) {
        grantJobActions(pipeline, JOB_RESOURCE[type]);
      }
      if (type === 'Model') {
        pipeline._grantPipelineRole(['sagemaker:CreateModel', 'sagemaker:DescribeModel', 'sagemaker:AddTags'],
          [stack.formatArn({ service: 'sagemaker', resource: 'model', resourceName: '*' })]);
      }
      if (type === 'RegisterModel') {
        const group = typeof args.ModelPackageGroupName === 'string' && !Token.isUnresolved(args.ModelPackageGroupName) ? args.ModelPackageGroupName : '*';
        pipeline._grantPipelineRole(['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:AddTags'], [
          stack.formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: group }),
          stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `${group}/*` }),
        ]);
      }
      if (type === 'Lambda' && typeof step.FunctionArn === 'string') {
        pipeline._grantPipelineRole(['lambda:InvokeFunction'], [step.FunctionArn]);
      }
      if (type === 'Callback' && typeof step.SqsQueueUrl === 'string') {
        const match = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(\d{12})\/([^/]+)$/.exec(step.SqsQueueUrl);
        if (match) {
          pipeline._grantPipelineRole(['sqs:SendMessage'], [`arn:${stack.partition}:sqs:${match[1]}:${match[2]}:${match[3]}`]);
        }
      }
      if (type === 'EMR' && typeof args.ClusterId === 'string') {
        pipeline._grantPipelineRole(['elasticmapreduce:AddJobFlowSteps', 'elasticmapreduce:DescribeStep', 'elasticmapreduce:CancelSteps', 'elasticmapreduce:ListSteps'],
          [stack.formatArn({ service: 'elasticmapreduce', resource: 'cluster', resourceName: args.ClusterId })]);
      }
      for (const roleArn of collectRoleArns(args)) {
        const id = `PassedRole${hashOf(roleArn)}`;
        const role = (pipeline.node.tryFindChild(id) as iam.IRole | undefined) ?? iam.Role.fromRoleArn(pipeline, id, roleArn, { mutable: false });
        pipeline._grantPassRole(role);
      }
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
