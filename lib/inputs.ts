import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FileSystem, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { IConstruct } from 'constructs';
import { expressionOf, refusePropertyProblem } from './private/expression';
import { NAG_REASONS, noteLibraryPrincipal, noteLibraryS3Grant, suppressInherentFindings } from './private/nag';
import { grantS3Uri } from './private/s3-grants';
import { stackOf } from './private/stack-lookup';
import type { Step } from './steps/step';

/** What a job does with an S3 location. */
export enum S3Access {
  /** The job reads the objects under the location (inputs). */
  READ = 'read',
  /** The job writes objects under the location (outputs). */
  WRITE = 'write',
}

/**
 * Options of {@link S3Location.bind}.
 */
export interface S3LocationBindOptions {
  /** The principal the job runs as, granted what `access` needs on the location. */
  readonly grantee: iam.IGrantable;
  /** Whether the job reads or writes the location. */
  readonly access: S3Access;
}

/**
 * The result of binding an S3 location to a step.
 */
export interface S3LocationConfig {
  /** The `s3://` URI to put in the job request (may contain tokens). */
  readonly s3Uri: string;
}

/**
 * Options of {@link S3Location.fromAsset}.
 */
export interface S3AssetLocationOptions {
  /**
   * Glob patterns of files of a folder to leave out.
   * @default - none
   */
  readonly exclude?: string[];
}

/**
 * Where a job reads or writes data in Amazon S3: a URI, a bucket and key prefix, or a local file or
 * folder that the app uploads. Binding it to a step grants the job role exactly what it needs there.
 */
export abstract class S3Location {
  /**
   * An `s3://` URI, a pipeline parameter, a step property, or a concatenation of them. When the
   * bucket is known at synth (a literal or a CloudFormation token), the job role is granted read
   * (inputs) or read and write (outputs) access to the objects under the URI's fixed key prefix.
   */
  public static fromUri(uri: string): S3Location {
    return new UriLocation(uri);
  }

  /**
   * Objects under `keyPrefix` in `bucket` (`s3://<bucket>/<keyPrefix>`). The job role gets
   * `bucket.grantRead(role, keyPrefix + '*')` for inputs and `bucket.grantPut(role, keyPrefix + '*')`
   * for outputs (with the bucket key's encrypt/decrypt grants when the bucket is KMS-encrypted).
   *
   * @param bucket the bucket
   * @param keyPrefix the key prefix, for example `raw/`; empty for the whole bucket
   */
  public static fromBucket(bucket: s3.IBucket, keyPrefix: string = ''): S3Location {
    return new BucketLocation(bucket, keyPrefix);
  }

  /**
   * A local file or folder, uploaded by `cdk deploy` under a content-hashed key (a change of content
   * gives a new key, so step caching stays valid across redeploys).
   *
   * - A **file** becomes a CDK file asset: the object `<sha256>.<ext>` in the bootstrap asset
   *   bucket. The job finds it in the input's local folder as `<sha256>.<ext>` (not under its own name).
   * - A **folder** is copied, unzipped and with file names kept, into the pipeline's artifact bucket
   *   under `assets/<sha256 of the folder>/` by an `s3deploy.BucketDeployment` (a CloudFormation custom
   *   resource backed by a Lambda function); the pipeline resource depends on it, so the files are
   *   there before an execution can start. A CDK folder asset alone is a zip object, which a
   *   processing input would hand to the job as one `.zip` file.
   *
   * Read-only: an output cannot be an asset.
   *
   * @param assetPath the file or folder
   * @param options files to leave out of a folder
   */
  public static fromAsset(assetPath: string, options: S3AssetLocationOptions = {}): S3Location {
    return new AssetLocation(assetPath, options);
  }

  /**
   * Called when a step that uses the location is created: returns the URI and grants `grantee`
   * what `access` needs.
   */
  public abstract bind(step: Step, options: S3LocationBindOptions): S3LocationConfig;
}

class UriLocation extends S3Location {
  constructor(private readonly uri: string) {
    super();
    checkS3UriText('S3Location.fromUri', uri);
  }

  public bind(step: Step, options: S3LocationBindOptions): S3LocationConfig {
    grantS3Uri(options.grantee, stackOf(step), this.uri, options.access === S3Access.READ ? 'read' : 'readWrite');
    return { s3Uri: this.uri };
  }
}

class BucketLocation extends S3Location {
  constructor(private readonly bucket: s3.IBucket, private readonly keyPrefix: string) {
    super();
    if (typeof keyPrefix !== 'string' || (!Token.isUnresolved(keyPrefix) && keyPrefix.startsWith('/'))) {
      throw new Error(`S3Location.fromBucket: keyPrefix must be a key prefix without a leading '/', for example 'raw/'; received '${String(keyPrefix)}'.`);
    }
    if (expressionOf(keyPrefix) !== undefined) {
      throw new Error('S3Location.fromBucket: keyPrefix must be fixed when the pipeline is defined (grants are scoped to it); for a run-time location use S3Location.fromUri with a Join.');
    }
  }

  public bind(_step: Step, options: S3LocationBindOptions): S3LocationConfig {
    if (options.access === S3Access.READ) {
      this.bucket.grantRead(options.grantee, `${this.keyPrefix}*`);
    } else {
      this.bucket.grantPut(options.grantee, `${this.keyPrefix}*`);
    }
    noteLibraryS3Grant(options.grantee, this.bucket.arnForObjects(`${this.keyPrefix}*`));
    return { s3Uri: `s3://${this.bucket.bucketName}/${this.keyPrefix}` };
  }
}

class AssetLocation extends S3Location {
  private readonly isDirectory: boolean;

  constructor(private readonly assetPath: string, private readonly options: S3AssetLocationOptions) {
    super();
    const resolved = path.resolve(assetPath);
    if (!fs.existsSync(resolved)) {
      throw new Error(`S3Location.fromAsset: '${assetPath}' (resolved to ${resolved}) does not exist; give a local file or folder.`);
    }
    this.isDirectory = fs.statSync(resolved).isDirectory();
  }

  public bind(step: Step, options: S3LocationBindOptions): S3LocationConfig {
    if (options.access !== S3Access.READ) {
      throw new Error(`${step.node.path}: S3Location.fromAsset is read-only and cannot be an output location; use S3Location.fromBucket or a default output.`);
    }
    const resolved = path.resolve(this.assetPath);
    if (!this.isDirectory) {
      const asset = new s3assets.Asset(step, uniqueId(step, 'Asset'), { path: resolved });
      asset.grantRead(options.grantee);
      noteLibraryPrincipal(options.grantee);
      return { s3Uri: asset.s3ObjectUrl };
    }
    const hash = FileSystem.fingerprint(resolved, { exclude: this.options.exclude });
    return { s3Uri: deployFiles(step, [s3deploy.Source.asset(resolved, { exclude: this.options.exclude })], hash, options.grantee) };
  }
}

/**
 * Deploys files, unzipped and with their names, into the step's pipeline's artifact bucket under
 * `assets/<hash>/` (once per stack and hash), grants `grantee` read access there, makes the pipeline
 * resource wait for the deployment, and returns `s3://<bucket>/assets/<hash>/`.
 * @internal
 */
export function deployFiles(step: Step, sources: s3deploy.ISource[], hash: string, grantee: iam.IGrantable): string {
  const pipeline = step.pipeline;
  const bucket = pipeline.artifactBucket;
  const keyPrefix = `assets/${hash}/`;
  const id = `Files${hash.slice(0, 16)}`;
  let deployment = pipeline.node.tryFindChild(id) as s3deploy.BucketDeployment | undefined;
  if (deployment === undefined) {
    deployment = new s3deploy.BucketDeployment(pipeline, id, {
      sources,
      destinationBucket: bucket,
      destinationKeyPrefix: keyPrefix,
      prune: false,
      retainOnDelete: true,
    });
    pipeline.cfnPipeline.node.addDependency(deployment);
    quietDeploymentHandler(Stack.of(pipeline), bucket);
  }
  bucket.grantRead(grantee, `${keyPrefix}*`);
  noteLibraryS3Grant(grantee, bucket.arnForObjects(`${keyPrefix}*`));
  return `s3://${bucket.bucketName}/${keyPrefix}`;
}

/**
 * The BucketDeployment handler function (a stack-wide singleton of aws-cdk-lib) renders a DependsOn
 * on its role next to a GetAtt of it, which cfn-lint reports as W3005; mark that one check as
 * expected on that one resource. Its cdk-nag findings (runtime, managed logging policy, the read and
 * write grants it needs to copy files into `bucket`) are aws-cdk-lib's: suppressed with their reason.
 */
function quietDeploymentHandler(stack: Stack, bucket: s3.IBucket): void {
  for (const child of stack.node.children) {
    if (child.node.id.startsWith('Custom::CDKBucketDeployment') && child instanceof lambda.Function) {
      const cfn = child.node.defaultChild as lambda.CfnFunction;
      if (cfn.getMetadata('cfn-lint') === undefined) {
        cfn.addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
        suppressInherentFindings(child, [{ id: 'AwsSolutions-L1', reason: NAG_REASONS.DEPLOYMENT }]);
        suppressInherentFindings(child.role!, [{ id: 'AwsSolutions-IAM4', appliesTo: 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', reason: NAG_REASONS.DEPLOYMENT }]);
      }
      noteLibraryS3Grant(child, bucket.arnForObjects('*'));
    }
  }
}

/**
 * Copies local files into a folder whose name is the hash of their names and contents (under the
 * OS temp folder), so that they can be deployed together with their names; returns the folder and
 * the hash. Two files with the same name are refused.
 * @internal
 */
export function stageFiles(scope: IConstruct, what: string, files: string[]): { directory: string; hash: string } {
  const hash = crypto.createHash('sha256');
  const names = new Set<string>();
  for (const file of files) {
    const name = path.basename(file);
    if (names.has(name)) {
      throw new Error(`${scope.node.path}: ${what} has two local files named '${name}'; they would overwrite each other in the job's input folder. Rename one.`);
    }
    names.add(name);
    hash.update(name).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  const digest = hash.digest('hex');
  const directory = path.join(os.tmpdir(), 'cdk-sagemaker-pipelines', 'staging', digest);
  if (!fs.existsSync(directory)) {
    const temporary = `${directory}.${process.pid}.tmp`;
    fs.mkdirSync(temporary, { recursive: true });
    for (const file of files) {
      fs.copyFileSync(file, path.join(temporary, path.basename(file)));
    }
    try {
      fs.renameSync(temporary, directory);
    } catch {
      fs.rmSync(temporary, { recursive: true, force: true });
    }
  }
  return { directory, hash: digest };
}

/**
 * Writes `content` to `<OS temp>/cdk-sagemaker-pipelines/staging/<sha256 of content>/<fileName>` (once)
 * and returns the file path: a stable, content-addressed place for generated files that become assets.
 * @internal
 */
export function stageText(fileName: string, content: string): string {
  const digest = crypto.createHash('sha256').update(fileName).update('\0').update(content).digest('hex');
  const directory = path.join(os.tmpdir(), 'cdk-sagemaker-pipelines', 'staging', digest);
  const file = path.join(directory, fileName);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(directory, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, content);
    fs.renameSync(temporary, file);
  }
  return file;
}

/**
 * The first child id `base`, `base2`, `base3`, ... not yet used under `scope`.
 * @internal
 */
export function uniqueId(scope: IConstruct, base: string): string {
  let id = base;
  for (let i = 2; scope.node.tryFindChild(id); i++) {
    id = `${base}${i}`;
  }
  return id;
}

/**
 * Refuses a literal that is not an `s3://` URI (tokens and expressions pass).
 * @internal
 */
export function checkS3UriText(where: string, uri: unknown): void {
  refusePropertyProblem(where, uri);
  if (typeof uri !== 'string') {
    throw new Error(`${where}: expected an s3:// URI; received ${typeof uri}.`);
  }
  if (!Token.isUnresolved(uri) && !/^s3:\/\/[^/]+/.test(uri)) {
    throw new Error(`${where}: expected an s3:// URI such as 's3://my-bucket/prefix'; received '${uri}'.`);
  }
}
