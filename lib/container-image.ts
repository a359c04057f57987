import * as crypto from 'crypto';
import * as fs from 'fs';
import { Aws, CfnMapping, Fn, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecr_assets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { dnsSuffixOf, imageUriIn, ResolvedImage, resolveImage } from './images/image-uris';
import { InstanceType } from './instance-type';
import { partitionOf, stackOf } from './private/stack-lookup';

/** `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag|@digest]` */
const ECR_URI = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)(?:[:@].*)?$/;

/**
 * The result of binding a container image to the step that runs it.
 */
export interface ContainerImageConfig {
  /** The image URI to put in the job request. */
  readonly imageUri: string;
}

/**
 * The job type an image serves, as the SageMaker image registry data names it. Which scopes a
 * framework has depends on the framework (`spark` and `clarify` have only `processing`,
 * `model-monitor` only `monitoring`, the built-in algorithms `training` and `inference`).
 */
export type SageMakerImageScope = 'training' | 'inference' | 'processing' | 'monitoring' | 'inference_graviton' | 'eia' | 'debugger';

/** The SageMaker built-in algorithms, by the names of their image registry data. */
export type BuiltInAlgorithm =
  | 'blazingtext' | 'factorization-machines' | 'forecasting-deepar' | 'image-classification' | 'ipinsights' | 'kmeans'
  | 'knn' | 'lda' | 'linear-learner' | 'ntm' | 'object-detection' | 'object2vec' | 'pca' | 'randomcutforest'
  | 'semantic-segmentation' | 'seq2seq';

/**
 * Options of a SageMaker deep learning framework image (`ContainerImage.pytorch`, `.tensorflow`, ...).
 */
export interface FrameworkImageOptions {
  /**
   * The job type the image serves.
   * @default - `training` when the framework has it, otherwise its first scope
   */
  readonly scope?: SageMakerImageScope;
  /**
   * Python version of the image, as the data names it (`py3`, `py39`, `py312`).
   * @default - the image's only Python version; an error lists them when there are several. Ignored for
   * images without a Python variant.
   */
  readonly pythonVersion?: string;
  /**
   * Processor variant of the image (`cpu`, `gpu`, `inf`, `trn`, `neuronx`).
   * @default - derived from `instanceType` (`ml.g*` and `ml.p*` give `gpu`, `ml.inf*` `inf`, `ml.trn*` `trn`,
   * others `cpu`), or the image's only processor. Ignored for images without processor variants.
   */
  readonly processor?: string;
  /**
   * The instance type the job runs on, used to pick the processor and, for pytorch, tensorflow, xgboost and
   * sklearn on Graviton families (m6g, c6g, c7g, r6g, ...), the `inference_graviton` scope. Must be
   * known at synth (not a parameter).
   * @default - no instance type: `processor` or the image's only processor
   */
  readonly instanceType?: InstanceType;
}

/**
 * Options of a HuggingFace image (`ContainerImage.huggingface`).
 */
export interface HuggingFaceImageOptions extends FrameworkImageOptions {
  /**
   * The base framework and its version, for example `pytorch2.8.0` (aliases such as `pytorch2.8` work).
   * @default - the only base framework of the transformers version; an error lists them when there are several
   */
  readonly baseFrameworkVersion?: string;
}

/**
 * Options of a Spark processing image (`ContainerImage.spark`), as the PySpark and SparkJar processors take them.
 */
export interface SparkImageOptions {
  /**
   * Python version of the image (`py39`, `py312`); give it together with `containerVersion`.
   * @default - no Python part in the tag (`3.5-cpu`)
   */
  readonly pythonVersion?: string;
  /**
   * Container version (`1` gives the tag suffix `-v1`); give it together with `pythonVersion`.
   * @default - no container version part in the tag
   */
  readonly containerVersion?: string;
}

/**
 * Which SageMaker-provided image to run, by framework and version, as the SageMaker Python SDK's
 * `image_uris.retrieve` selects it.
 */
export interface SageMakerImageOptions extends HuggingFaceImageOptions {
  /**
   * The framework, as the image registry data names it: `xgboost`, `sklearn`, `pytorch`, `tensorflow`,
   * `mxnet`, `huggingface`, `autogluon`, `spark`, `sparkml-serving`, `model-monitor`, `clarify`,
   * `debugger`, `data-wrangler` or a built-in algorithm such as `linear-learner`.
   */
  readonly framework: string;
  /**
   * The framework version (`1.7-1`, `2.6.0`) or one of its aliases (`2.6`, `latest`).
   * @default - the framework's only version (built-in algorithms, model-monitor, clarify); required otherwise
   */
  readonly version?: string;
  /**
   * Container version of a Spark image (`1` gives `-v1`); give it together with `pythonVersion`.
   * @default - none
   */
  readonly containerVersion?: string;
}

/**
 * A container image that a SageMaker job runs.
 */
export abstract class ContainerImage {
  /**
   * An image by URI, for example `123456789012.dkr.ecr.us-east-1.amazonaws.com/my-image:1.0`.
   *
   * When the URI is a literal Amazon ECR URI, the job role is granted pull access to that
   * repository. The URI may be a CloudFormation token or a pipeline parameter (then no grant is made).
   */
  public static fromRegistry(imageUri: string): ContainerImage {
    return new RegistryImage(imageUri);
  }

  /**
   * An image in an Amazon ECR repository, for example one created in the same app. The job role
   * is granted pull access to the repository.
   *
   * @param repository the repository
   * @param tagOrDigest a tag (`v1`) or a digest (`sha256:...`)
   */
  public static fromEcrRepository(repository: ecr.IRepository, tagOrDigest: string = 'latest'): ContainerImage {
    return new EcrImage(repository, tagOrDigest);
  }

  /**
   * An image built from a local directory with a Dockerfile, as a CDK Docker image asset (built and
   * published by `cdk deploy`; synth only stages the build context and needs no Docker). The asset is
   * created once per stack, in the scope of the first step that runs the image. The job role is
   * granted pull access to the asset repository.
   *
   * @param directory the build context, containing the Dockerfile
   * @param options build options (Dockerfile name, build arguments, platform, ...)
   */
  public static fromAsset(directory: string, options: ecr_assets.DockerImageAssetOptions = {}): ContainerImage {
    return new AssetImage(directory, options);
  }

  /**
   * A SageMaker-provided image by framework and version, with the account per region from the
   * SageMaker Python SDK's image registry data (shipped in `data/image-uris/`). In a stack with a
   * known region the URI is a literal; in a region-agnostic stack it is looked up from a
   * CloudFormation mapping keyed by region. SageMaker pulls these images itself, so no grant is made.
   *
   * Throws an Error listing what is available for an unknown framework, scope, version, Python
   * version, processor, or (at bind) region.
   *
   * @example ContainerImage.fromSageMakerImage({ framework: 'pytorch', version: '2.6', instanceType: InstanceType.G5_XLARGE })
   */
  public static fromSageMakerImage(options: SageMakerImageOptions): ContainerImage {
    // Resolved when a step binds the image, so that a wrong framework, version or region is reported
    // with the path of the step that uses it.
    return new SageMakerImage(() => resolveImage({ ...options, instanceType: instanceTypeName(options.instanceType) }));
  }

  /**
   * The SageMaker XGBoost framework image (`sagemaker-xgboost`), for example `1.7-1`.
   * @param version the version, for example `1.7-1` or `3.0-5`
   * @param scope the job type; `training` when omitted
   */
  public static xgboost(version: string, scope?: SageMakerImageScope): ContainerImage {
    return ContainerImage.fromSageMakerImage({ framework: 'xgboost', version, scope });
  }

  /**
   * The SageMaker Scikit-learn image (`sagemaker-scikit-learn`, tag `<version>-cpu-py3`), as the
   * SKLearn estimator and SKLearnProcessor use it.
   * @param version the version, for example `1.2-1`
   * @param scope the job type; `training` when omitted (also what SKLearnProcessor uses)
   */
  public static sklearn(version: string, scope?: SageMakerImageScope): ContainerImage {
    return ContainerImage.fromSageMakerImage({ framework: 'sklearn', version, scope });
  }

  /**
   * An AWS Deep Learning Container for PyTorch (`pytorch-training`, `pytorch-inference`).
   * @param version the version, for example `2.6.0` or `2.6`
   * @param options scope, Python version, processor or instance type
   */
  public static pytorch(version: string, options: FrameworkImageOptions = {}): ContainerImage {
    return ContainerImage.fromSageMakerImage({ ...options, framework: 'pytorch', version });
  }

  /**
   * An AWS Deep Learning Container for TensorFlow (`tensorflow-training`, `tensorflow-inference`).
   * @param version the version, for example `2.16.1` or `2.16`
   * @param options scope, Python version, processor or instance type
   */
  public static tensorflow(version: string, options: FrameworkImageOptions = {}): ContainerImage {
    return ContainerImage.fromSageMakerImage({ ...options, framework: 'tensorflow', version });
  }

  /**
   * A HuggingFace transformers Deep Learning Container (`huggingface-pytorch-training`, ...).
   * @param transformersVersion the transformers version, for example `4.56.2` or `4.56`
   * @param options base framework version, scope, Python version, processor or instance type
   */
  public static huggingface(transformersVersion: string, options: HuggingFaceImageOptions = {}): ContainerImage {
    return ContainerImage.fromSageMakerImage({ ...options, framework: 'huggingface', version: transformersVersion });
  }

  /**
   * The SageMaker Spark processing image (`sagemaker-spark-processing`), as the PySpark and SparkJar
   * processors use it: `3.5-cpu`, or `3.5-cpu-py312-v1` with a Python and container version.
   * @param version the Spark version, for example `3.5`
   * @param options Python and container version
   */
  public static spark(version: string, options: SparkImageOptions = {}): ContainerImage {
    return ContainerImage.fromSageMakerImage({ ...options, framework: 'spark', version });
  }

  /**
   * The image of a SageMaker built-in algorithm (tag `1`), for example `linear-learner`.
   * @param algorithm the algorithm
   * @param scope the job type; `training` when omitted
   */
  public static builtInAlgorithm(algorithm: BuiltInAlgorithm, scope?: SageMakerImageScope): ContainerImage {
    return ContainerImage.fromSageMakerImage({ framework: algorithm, scope });
  }

  /**
   * The SageMaker Model Monitor analyzer image (`sagemaker-model-monitor-analyzer`, no tag), as
   * DefaultModelMonitor and ModelQualityMonitor use it.
   */
  public static modelMonitor(): ContainerImage {
    return ContainerImage.fromSageMakerImage({ framework: 'model-monitor' });
  }

  /**
   * The SageMaker Clarify processing image (`sagemaker-clarify-processing:1.0`).
   */
  public static clarify(): ContainerImage {
    return ContainerImage.fromSageMakerImage({ framework: 'clarify' });
  }

  /**
   * Called when a step that runs this image is created: returns the URI and grants `role` what it
   * needs to pull the image.
   */
  public abstract bind(scope: IConstruct, role: iam.IGrantable): ContainerImageConfig;
}

/** Principal -> ECR repository ARNs it has been granted pulls from (by {@link RegistryImage}). */
const PULL_GRANTS = new WeakMap<iam.IPrincipal, Set<string>>();

/**
 * Image URI -> the part of its repository's ARN after the partition (`ecr:<region>:<account>:repository/<name>`),
 * or null when it is no literal Amazon ECR URI. An app names few images, used by many steps (each
 * with its own `ContainerImage.fromRegistry` object): each URI is parsed once.
 */
const ECR_REPOSITORIES = new Map<string, string | null>();

function ecrRepositoryOf(imageUri: string): string | undefined {
  let repository = ECR_REPOSITORIES.get(imageUri);
  if (repository === undefined) {
    if (Token.isUnresolved(imageUri)) {
      return undefined; // not remembered: token texts are many and each used once
    }
    const match = ECR_URI.exec(imageUri);
    repository = match === null ? null : `ecr:${match[2]}:${match[1]}:repository/${match[3]}`;
    ECR_REPOSITORIES.set(imageUri, repository);
  }
  return repository ?? undefined;
}

class RegistryImage extends ContainerImage {
  constructor(private readonly imageUri: string) {
    super();
    if (!Token.isUnresolved(imageUri) && (imageUri.length === 0 || imageUri.length > 255 || /\s/.test(imageUri))) {
      throw new Error(`Container image URI must be 1-255 characters without spaces; received '${imageUri}'. Pass a URI such as '<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>'${imageUri.trim() !== imageUri ? ' (remove the leading or trailing whitespace)' : ''}, or use ContainerImage.fromAsset for a local Dockerfile.`);
    }
  }

  public bind(scope: IConstruct, role: iam.IGrantable): ContainerImageConfig {
    const repository = ecrRepositoryOf(this.imageUri);
    if (repository !== undefined) {
      // Steps of a pipeline usually share their role and images: grant each repository once per
      // principal instead of adding (and later merging) two statements per step.
      const principal = role.grantPrincipal;
      let granted = PULL_GRANTS.get(principal);
      const first = granted === undefined;
      if (granted === undefined) {
        granted = new Set<string>();
        PULL_GRANTS.set(principal, granted);
      }
      const repositoryArn = `arn:${partitionOf(stackOf(scope))}:${repository}`;
      if (!granted.has(repositoryArn)) {
        granted.add(repositoryArn);
        iam.Grant.addToPrincipal({
          grantee: role,
          actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          resourceArns: [repositoryArn],
        });
      }
      if (first) {
        iam.Grant.addToPrincipal({ grantee: role, actions: ['ecr:GetAuthorizationToken'], resourceArns: ['*'] });
      }
    }
    return { imageUri: this.imageUri };
  }
}

class EcrImage extends ContainerImage {
  constructor(private readonly repository: ecr.IRepository, private readonly tagOrDigest: string) {
    super();
  }

  public bind(_scope: IConstruct, role: iam.IGrantable): ContainerImageConfig {
    this.repository.grantPull(role);
    return { imageUri: this.repository.repositoryUriForTagOrDigest(this.tagOrDigest) };
  }
}

class AssetImage extends ContainerImage {
  private readonly assets = new Map<Stack, ecr_assets.DockerImageAsset>();

  constructor(private readonly directory: string, private readonly options: ecr_assets.DockerImageAssetOptions) {
    super();
    if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
      throw new Error(`ContainerImage.fromAsset: '${directory}' is not a directory; give the Docker build context (the folder with the Dockerfile).`);
    }
  }

  public bind(scope: IConstruct, role: iam.IGrantable): ContainerImageConfig {
    const stack = Stack.of(scope);
    let asset = this.assets.get(stack);
    if (!asset) {
      let id = 'ImageAsset';
      for (let i = 2; scope.node.tryFindChild(id); i++) {
        id = `ImageAsset${i}`;
      }
      asset = new ecr_assets.DockerImageAsset(scope, id, { ...this.options, directory: this.directory });
      this.assets.set(stack, asset);
    }
    asset.repository.grantPull(role);
    return { imageUri: asset.imageUri };
  }
}

class SageMakerImage extends ContainerImage {
  private resolved?: ResolvedImage;

  constructor(private readonly resolveSpec: () => ResolvedImage) {
    super();
  }

  public bind(scope: IConstruct, role: iam.IGrantable): ContainerImageConfig {
    try {
      return this.bindImage(scope, role);
    } catch (e) {
      throw new Error(`${scope.node.path}: ${(e as Error).message}`);
    }
  }

  private get image(): ResolvedImage {
    this.resolved ??= this.resolveSpec();
    return this.resolved;
  }

  private bindImage(scope: IConstruct, _role: iam.IGrantable): ContainerImageConfig {
    const stack = Stack.of(scope);
    if (!Token.isUnresolved(stack.region)) {
      return { imageUri: imageUriIn(this.image, stack.region) };
    }
    // Region-agnostic stack: one mapping per image per stack, region -> account and DNS suffix.
    const { repository, tag, registries } = this.image;
    const hash = crypto.createHash('sha256').update(JSON.stringify([repository, tag, registries])).digest('hex').slice(0, 8);
    const id = `SageMakerImage${alphanumeric(repository)}${alphanumeric(tag)}${hash}`;
    const regions = Object.keys(registries).sort();
    const mapping = (stack.node.tryFindChild(id) as CfnMapping | undefined) ?? new CfnMapping(stack, id, {
      mapping: Object.fromEntries(regions.map((region) => [region, { account: registries[region], domain: dnsSuffixOf(region) }])),
    });
    return {
      imageUri: Fn.join('', [
        mapping.findInMap(Aws.REGION, 'account'), '.dkr.ecr.', Aws.REGION, '.', mapping.findInMap(Aws.REGION, 'domain'),
        `/${repository}${tag ? `:${tag}` : ''}`,
      ]),
    };
  }
}

/** `sagemaker-xgboost` -> `SagemakerXgboost`, `1.7-1` -> `171`. */
function alphanumeric(value: string): string {
  return value.split(/[^A-Za-z0-9]+/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('').slice(0, 60);
}

function instanceTypeName(instanceType: InstanceType | undefined): string | undefined {
  if (instanceType === undefined) {
    return undefined;
  }
  const name = instanceType.toString();
  if (Token.isUnresolved(name)) {
    throw new Error('SageMaker image: instanceType must be known at synth to pick the image (not a pipeline parameter); give `processor` instead.');
  }
  return name;
}
