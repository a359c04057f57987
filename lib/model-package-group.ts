import { IResource, Names, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { HOSTNAME_PATTERN } from './model';

/**
 * A SageMaker model package group: a group of versioned models in the model registry.
 */
export interface IModelPackageGroup extends IResource {
  /** Name of the group. */
  readonly modelPackageGroupName: string;
  /** ARN of the group (`arn:<partition>:sagemaker:<region>:<account>:model-package-group/<name>`). */
  readonly modelPackageGroupArn: string;
  /**
   * Allow `grantee` to register model versions in this group, and in no other:
   * `sagemaker:CreateModelPackage`, `sagemaker:AddTags` and `DescribeModelPackage` on its packages
   * (`model-package/<group>/*`: the service authorization reference lists `model-package` as the only
   * resource type of CreateModelPackage, so a statement on the group's own ARN would never match).
   */
  grantRegisterModel(grantee: iam.IGrantable): iam.Grant;
  /**
   * Allow `grantee` to read the group and its model versions: `sagemaker:DescribeModelPackageGroup`
   * on the group, `sagemaker:DescribeModelPackage` on its packages, and `sagemaker:ListModelPackages`
   * (which IAM cannot scope to a resource).
   */
  grantRead(grantee: iam.IGrantable): iam.Grant;
}

/**
 * Props of a {@link ModelPackageGroup}.
 */
export interface ModelPackageGroupProps {
  /**
   * Name of the group: 1-63 letters and digits, with hyphens only between them. Changing it
   * replaces the group.
   * @default - a unique lower-case name generated from the construct path
   */
  readonly modelPackageGroupName?: string;
  /**
   * Description of the group (at most 1,024 characters).
   * @default - none
   */
  readonly description?: string;
  /**
   * Tags of the group (at most 50).
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

abstract class ModelPackageGroupBase extends Resource implements IModelPackageGroup {
  public abstract readonly modelPackageGroupName: string;
  public abstract readonly modelPackageGroupArn: string;

  public grantRegisterModel(grantee: iam.IGrantable): iam.Grant {
    const packages = modelPackageArns(this, this.modelPackageGroupName);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:AddTags'],
      resourceArns: packages,
    });
  }

  /** The group's ARNs as IAM statements name it. */
  protected groupArns(): string[] {
    return [this.modelPackageGroupArn];
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:DescribeModelPackageGroup'],
      resourceArns: this.groupArns(),
    }).combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:DescribeModelPackage'],
      resourceArns: modelPackageArns(this, this.modelPackageGroupName),
    })).combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:ListModelPackages'],
      resourceArns: ['*'],
    }));
  }
}

/**
 * A model package group of the SageMaker model registry (`AWS::SageMaker::ModelPackageGroup`),
 * or one imported by name.
 *
 * `RegisterModelStep` registers model versions into it, by name, and grants the pipeline role
 * the registration in this group only.
 */
export class ModelPackageGroup extends ModelPackageGroupBase {
  /** Import a model package group by name, in the stack's account and region. */
  public static fromModelPackageGroupName(scope: Construct, id: string, modelPackageGroupName: string): IModelPackageGroup {
    checkGroupName(`ModelPackageGroup.fromModelPackageGroupName ${scope.node.path}/${id}`, modelPackageGroupName);
    class Import extends ModelPackageGroupBase {
      public readonly modelPackageGroupName = modelPackageGroupName;
      public readonly modelPackageGroupArn = modelPackageGroupArnOf(this, modelPackageGroupName);

      protected groupArns(): string[] {
        return modelPackageGroupArnsOf(this, modelPackageGroupName);
      }
    }
    return new Import(scope, id);
  }

  /** Name of the group. */
  public readonly modelPackageGroupName: string;
  /** ARN of the group. */
  public readonly modelPackageGroupArn: string;
  /** The underlying CloudFormation resource. */
  public readonly cfnModelPackageGroup: sagemaker.CfnModelPackageGroup;

  constructor(scope: Construct, id: string, props: ModelPackageGroupProps = {}) {
    super(scope, id);
    const name = props.modelPackageGroupName
      ?? Names.uniqueResourceName(this, { maxLength: 63, separator: '-', allowedSpecialCharacters: '-' }).toLowerCase().replace(/^-+|-+$/g, '');
    checkGroupName(`ModelPackageGroup ${this.node.path}`, name);
    if (props.description !== undefined && !Token.isUnresolved(props.description) && props.description.length > 1024) {
      throw new Error(`ModelPackageGroup ${this.node.path}: description must be at most 1,024 characters; received ${props.description.length}. Shorten it, e.g. link to a document instead of including it.`);
    }
    const tags = Object.entries(props.tags ?? {});
    if (tags.length > 50) {
      throw new Error(`ModelPackageGroup ${this.node.path}: tags takes at most 50 tags; received ${tags.length}. Remove ${tags.length - 50} of them, or combine related tags into one value.`);
    }
    this.modelPackageGroupName = name;
    this.cfnModelPackageGroup = new sagemaker.CfnModelPackageGroup(this, 'Resource', {
      modelPackageGroupName: name,
      modelPackageGroupDescription: props.description,
      tags: tags.length > 0 ? tags.map(([key, value]) => ({ key, value })) : undefined,
    });
    this.modelPackageGroupArn = this.cfnModelPackageGroup.attrModelPackageGroupArn;
  }
}

function checkGroupName(where: string, name: string): void {
  if (typeof name !== 'string') {
    throw new Error(`${where}: modelPackageGroupName must be a string; received ${typeof name}.`);
  }
  if (!Token.isUnresolved(name) && (name.length < 1 || name.length > 63 || !HOSTNAME_PATTERN.test(name))) {
    throw new Error(`${where}: modelPackageGroupName must be 1-63 letters and digits, with hyphens only between them (pattern ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$); received '${name}'. Rename the group, e.g. '${name.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'churn-models'}'.`);
  }
}

/**
 * The names a group's ARNs may carry: SageMaker reports the ARNs of its resources in lower case,
 * so a literal name with capitals is granted in both spellings.
 */
function arnNames(name: string): string[] {
  return Token.isUnresolved(name) || name === name.toLowerCase() ? [name] : [name.toLowerCase(), name];
}

/** @internal the ARN of a model package group by name */
export function modelPackageGroupArnOf(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: arnNames(name)[0] });
}

/** @internal the ARN patterns of the model packages (versions) of a group: `model-package/<group>/*` */
export function modelPackageArns(scope: Construct, name: string): string[] {
  return arnNames(name).map((n) => Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `${n}/*` }));
}

/** @internal the ARNs of a model package group by name, in every spelling SageMaker may use */
export function modelPackageGroupArnsOf(scope: Construct, name: string): string[] {
  return arnNames(name).map((n) => Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: n }));
}
