import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { ContainerImage } from './container-image';
import { refusePropertyProblem } from './private/expression';
import { grantS3Uri } from './private/s3-grants';

/**
 * One container of a model: its image, its model artifacts and its environment. Used by
 * `ModelStep` (CreateModel `ContainerDefinition`) and `RegisterModelStep`
 * (CreateModelPackage `ModelPackageContainerDefinition`).
 */
export interface ModelContainer {
  /**
   * The inference image (`Image`). Binding it grants the role that pulls it (the model's execution
   * role, or for a registered model the pipeline role) what it needs to pull from ECR.
   */
  readonly image: ContainerImage;
  /**
   * Where the model artifacts are (`ModelDataUrl`, a `model.tar.gz` or, for a multi-model
   * container, a prefix): an `s3://` URI, a parameter, or a step property such as
   * `train.properties.ModelArtifacts.S3ModelArtifacts` or `tune.topModelS3Uri(0, bucket)`. When the
   * bucket is known at synth, the model's execution role is granted read access to it.
   * @default - no model artifacts (the image contains the model)
   */
  readonly modelData?: string;
  /**
   * Environment variables of the container (`Environment`): at most 100, names of letters, digits
   * and underscores, values at most 1,024 characters.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Host name of the container in an inference pipeline (`ContainerHostname`, 1-63 letters, digits
   * and hyphens), used with `InferenceExecutionMode.DIRECT` to invoke one container.
   * @default - the service assigns one
   */
  readonly containerHostname?: string;
  /**
   * The inference script, like the SageMaker SDK's framework models' `entry_point`
   * (`SKLearnModel(entry_point='inference.py')`): with `sourceDir`, the name of a file at the root
   * of that folder; without it, a local file. The container runs with `SAGEMAKER_PROGRAM` set to its
   * file name and `SAGEMAKER_SUBMIT_DIRECTORY` set to where the code is (see `codePackaging`).
   * For framework images that load inference code this way (scikit-learn, XGBoost, PyTorch,
   * TensorFlow, MXNet, Hugging Face).
   * @default - no inference code (the image or the model archive has it)
   */
  readonly entryPoint?: string;
  /**
   * A local folder with the inference code (`entryPoint` at its root, plus modules and a
   * `requirements.txt`), like the SDK's `source_dir`. It becomes a content-hashed asset (a
   * `.tar.gz`), so the same code keeps the same S3 key. Requires `entryPoint`.
   * @default - only the `entryPoint` file
   */
  readonly sourceDir?: string;
  /**
   * Where the inference code goes: with the container as its source directory (an S3 `.tar.gz` the
   * container downloads when it starts), or into the model archive under `code/` by a repack step
   * (a training job the library adds, named `<step>-RepackModel-<hostname or index>`).
   * @default InferenceCodePackaging.AUTO - a repack step when `modelData` is only known at run time
   * (a parameter or a step property) or the model blocks network access; otherwise the source directory
   */
  readonly codePackaging?: InferenceCodePackaging;
}

/**
 * How a container's inference code (`entryPoint`, `sourceDir`) reaches it.
 */
export enum InferenceCodePackaging {
  /**
   * Repack when `modelData` is only known at run time or the model runs with network isolation
   * (the container then cannot download a source directory); otherwise the source directory.
   */
  AUTO = 'Auto',
  /**
   * The code is a `.tar.gz` asset that the container downloads when it starts
   * (`SAGEMAKER_SUBMIT_DIRECTORY=s3://...`). No repack step; the model archive is used as it is.
   * What the SDK's `SKLearnModel` and `XGBoostModel` do. Not with network isolation.
   */
  SOURCE_DIRECTORY = 'SourceDirectory',
  /**
   * A repack step (a training job running the repack script that the library ships) unpacks the
   * model archive, adds the code under `code/`, packs it again, and the model uses the new archive
   * (`SAGEMAKER_SUBMIT_DIRECTORY=/opt/ml/model/code`). Needed by images that read the code from the
   * model archive only (PyTorch 1.2+, MXNet 1.4+ and TensorFlow Serving model servers). Requires `modelData`.
   */
  MODEL_ARCHIVE = 'ModelArchive',
}

/** Whether a container hosts one model or many (`ContainerDefinition.Mode`). */
export enum ContainerMode {
  /** One model. */
  SINGLE_MODEL = 'SingleModel',
  /** Many models under the `modelData` prefix, loaded on demand (a multi-model endpoint). */
  MULTI_MODEL = 'MultiModel',
}

/** How the containers of an inference pipeline model are invoked (`InferenceExecutionConfig.Mode`). */
export enum InferenceExecutionMode {
  /** Each request goes through every container, in order. */
  SERIAL = 'Serial',
  /** Each request goes to one container, chosen by its host name. */
  DIRECT = 'Direct',
}

/** The service pattern of container host names and model package group names. */
export const HOSTNAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** The service pattern of S3 URIs in model requests (`ModelDataUrl`, `S3Uri`, `SamplePayloadUrl`). */
const S3_URI_PATTERN = /^(https|s3):\/\/([^/]+)\/?(.*)$/;
const ENV_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;


/**
 * Checks a list of containers given as `container` or `containers` (exactly one of them, 1-15
 * containers, distinct host names) and returns them.
 * @internal
 */
export function checkContainers<T extends ModelContainer>(scope: IConstruct, container: T | undefined, containers: T[] | undefined): T[] {
  if ((container === undefined) === (containers === undefined)) {
    throw new Error(`${scope.node.path}: give exactly one of container (one model) and containers (an inference pipeline model); received ${container === undefined ? 'neither' : 'both'}.`);
  }
  const list = container !== undefined ? [container] : containers!;
  if (!Array.isArray(list) || list.length < 1 || list.length > 15) {
    throw new Error(`${scope.node.path}: containers takes 1-15 containers; received ${Array.isArray(list) ? list.length : typeof list}. Split larger inference pipelines.`);
  }
  const hostnames = new Set<string>();
  list.forEach((c, i) => {
    const where = container !== undefined ? 'container' : `containers[${i}]`;
    if (c === undefined || c === null || typeof c !== 'object' || !(c.image instanceof ContainerImage)) {
      throw new Error(`${scope.node.path}: ${where}.image must be a ContainerImage (ContainerImage.fromRegistry, fromEcrRepository, fromAsset, xgboost, ...); received ${c === undefined || c === null ? String(c) : typeof c.image}.`);
    }
    checkS3UriProp(scope, `${where}.modelData`, c.modelData);
    checkModelEnvironment(scope, `${where}.environment`, c.environment);
    const hostname = c.containerHostname;
    if (hostname !== undefined && !Token.isUnresolved(hostname)) {
      if (!HOSTNAME_PATTERN.test(hostname)) {
        throw new Error(`${scope.node.path}: ${where}.containerHostname must be 1-63 letters, digits and hyphens, starting and ending with a letter or digit; received '${hostname}'.`);
      }
      if (hostnames.has(hostname)) {
        throw new Error(`${scope.node.path}: containerHostname '${hostname}' is used by two containers; give each container its own host name.`);
      }
      hostnames.add(hostname);
    }
  });
  return [...list];
}

/**
 * Checks an S3 URI prop (literal: `s3://` or `https://`, at most 1,024 characters).
 * @internal
 */
export function checkS3UriProp(scope: IConstruct, prop: string, uri: string | undefined): void {
  if (uri === undefined) {
    return;
  }
  refusePropertyProblem(() => `${scope.node.path}: ${prop}`, uri);
  if (typeof uri !== 'string') {
    throw new Error(`${scope.node.path}: ${prop} must be an S3 URI string (a literal, a parameter or a step property); received ${typeof uri}.`);
  }
  if (Token.isUnresolved(uri)) {
    return;
  }
  if (uri.length > 1024 || !S3_URI_PATTERN.test(uri)) {
    throw new Error(`${scope.node.path}: ${prop} must be an s3:// (or https://) URI of at most 1,024 characters; received '${uri}'. Pass the S3 URI of the model archive, e.g. 's3://my-bucket/model/model.tar.gz', or a step property such as train.properties.ModelArtifacts.S3ModelArtifacts.`);
  }
}

function checkModelEnvironment(scope: IConstruct, prop: string, environment: Record<string, string> | undefined): void {
  if (environment === undefined) {
    return;
  }
  const entries = Object.entries(environment);
  if (entries.length > 100) {
    throw new Error(`${scope.node.path}: ${prop} has ${entries.length} variables; a model container takes at most 100. Remove ${entries.length - 100} of them, or combine related settings into one variable.`);
  }
  for (const [key, value] of entries) {
    if (key.length > 1024 || !ENV_NAME_PATTERN.test(key)) {
      throw new Error(`${scope.node.path}: ${prop} variable name '${key}' is invalid; names are letters, digits and underscores, not starting with a digit, at most 1,024 characters.`);
    }
    refusePropertyProblem(() => `${scope.node.path}: ${prop} variable '${key}'`, value);
    if (typeof value !== 'string') {
      throw new Error(`${scope.node.path}: ${prop} variable '${key}' must be a string; received ${typeof value}. Convert numbers with String(), or use a parameter's valueAsString.`);
    }
    if (!Token.isUnresolved(value) && value.length > 1024) {
      throw new Error(`${scope.node.path}: ${prop} variable '${key}' is ${value.length} characters; values are at most 1,024.`);
    }
  }
}

/**
 * Binds a container: resolves its image URI (granting `imageGrantee` the pull), grants
 * `dataGrantee` read access to its model data when the bucket is known at synth, and renders the
 * keys common to `ContainerDefinition` and `ModelPackageContainerDefinition`.
 * @internal
 */
export function bindModelContainer(
  scope: IConstruct, container: ModelContainer, imageGrantee: iam.IGrantable, dataGrantee?: iam.IGrantable,
): Record<string, unknown> {
  const { imageUri } = container.image.bind(scope, imageGrantee);
  if (dataGrantee !== undefined && container.modelData !== undefined) {
    grantS3Uri(dataGrantee, Stack.of(scope), container.modelData, 'read');
  }
  const out: Record<string, unknown> = {};
  if (container.containerHostname !== undefined) {
    out.ContainerHostname = container.containerHostname;
  }
  out.Image = imageUri;
  if (container.modelData !== undefined) {
    out.ModelDataUrl = container.modelData;
  }
  if (container.environment !== undefined && Object.keys(container.environment).length > 0) {
    out.Environment = { ...container.environment };
  }
  return out;
}
