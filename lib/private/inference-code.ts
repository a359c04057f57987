import * as fs from 'fs';
import * as path from 'path';
import { AssetHashType, Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { ArchiveEntry, directoryEntries, writeCodeArchive } from './code-archive';
import { expressionOf } from './expression';
import { splitTokens } from './renderer';
import { ContainerImage } from '../container-image';
import { InstanceType } from '../instance-type';
import { InferenceCodePackaging, ModelContainer } from '../model';
import { RetryPolicy } from '../retry-policy';
import type { Step } from '../steps/step';
import { TrainingInput, TrainingStep } from '../steps/training-step';

/** The environment variables of script-mode containers (the SDK's `_script_mode_env_vars`). */
export const SAGEMAKER_PROGRAM = 'SAGEMAKER_PROGRAM';
/** Where the container finds the code: an S3 `.tar.gz`, or a folder in the model archive. */
export const SAGEMAKER_SUBMIT_DIRECTORY = 'SAGEMAKER_SUBMIT_DIRECTORY';
/** Where a repacked model archive carries the code once SageMaker has unpacked it. */
export const REPACKED_CODE_DIR = '/opt/ml/model/code';
/** The scikit-learn training image version that runs the repack script, as in the SDK. */
const REPACK_FRAMEWORK_VERSION = '0.23-1';
const REPACK_SCRIPT = '_repack_model.py';
const REPACK_LAUNCHER = '_repack_script_launcher.sh';
const RUNTIME_DIR = path.join(__dirname, '..', 'repack-runtime');
/** The repack step's description, as the SDK writes it. */
const REPACK_DESCRIPTION = 'Used to repack a model with customer scripts for a register/create model step';

/**
 * How a step with inference code binds it.
 * @internal
 */
export interface InferenceCodeOptions {
  /** The role that runs repack jobs. */
  readonly repackRole: iam.IRole;
  /** Principals that read a source-directory asset when the model runs (the model's execution role). */
  readonly codeReaders: iam.IGrantable[];
  /** Whether the model blocks network access (a source directory cannot be downloaded then). */
  readonly networkIsolation: boolean;
  /** Retry policies of the repack steps. */
  readonly retryPolicies?: RetryPolicy[];
  /** The network of the repack jobs (the model's VPC). */
  readonly vpc?: { readonly vpc: ec2.IVpc; readonly subnets?: ec2.SubnetSelection; readonly securityGroups?: ec2.ISecurityGroup[] };
}

/**
 * The containers of a step with their inference code bound: model data and environment replaced
 * where needed, the repack steps added and the source-directory assets created.
 * @internal
 */
export interface BoundInferenceCode<T extends ModelContainer> {
  readonly containers: T[];
  readonly repackSteps: TrainingStep[];
  readonly codeAssets: s3assets.Asset[];
}

/** Whether a string holds a pipeline expression (a parameter, a step property), i.e. is only known at run time. */
export function isRunTimeValue(value: string): boolean {
  if (!Token.isUnresolved(value)) {
    return false;
  }
  if (expressionOf(value) !== undefined) {
    return true;
  }
  return splitTokens(value).some((part) => typeof part !== 'string' && expressionOf(Token.asString(part)) !== undefined);
}

interface CodePlan {
  /** `SAGEMAKER_PROGRAM`. */
  readonly program: string;
  /** The user's code files, or undefined for an `s3://` source directory. */
  readonly entries?: ArchiveEntry[];
  /** An `s3://` source directory given as is. */
  readonly s3SourceDir?: string;
  readonly repack: boolean;
}

/**
 * Validates the inference code of each container and binds it: a content-hashed `.tar.gz` asset
 * that the container downloads (`SAGEMAKER_SUBMIT_DIRECTORY=s3://...`), or a repack step whose
 * output archive becomes the container's model data (`SAGEMAKER_SUBMIT_DIRECTORY=/opt/ml/model/code`).
 * @internal
 */
export function bindInferenceCode<T extends ModelContainer>(
  step: Step, containers: T[], single: boolean, options: InferenceCodeOptions,
): BoundInferenceCode<T> {
  const repackSteps: TrainingStep[] = [];
  const codeAssets: s3assets.Asset[] = [];
  const bound = containers.map((container, index) => {
    const where = single ? 'container' : `containers[${index}]`;
    const plan = planCode(step, where, container, options.networkIsolation);
    if (plan === undefined) {
      return container;
    }
    const stack = Stack.of(step);
    const scriptEnv = (submitDirectory: string): Record<string, string> => ({
      ...container.environment,
      [SAGEMAKER_PROGRAM]: plan.program,
      [SAGEMAKER_SUBMIT_DIRECTORY]: submitDirectory,
      SAGEMAKER_CONTAINER_LOG_LEVEL: container.environment?.SAGEMAKER_CONTAINER_LOG_LEVEL ?? '20',
      SAGEMAKER_REGION: container.environment?.SAGEMAKER_REGION ?? stack.region,
    });
    const nameBase = container.containerHostname ?? String(index);
    if (!plan.repack) {
      if (plan.s3SourceDir !== undefined) {
        return { ...container, environment: scriptEnv(plan.s3SourceDir) };
      }
      const asset = codeAsset(step, `InferenceCode-${nameBase}`, plan.entries!);
      options.codeReaders.forEach((reader) => asset.grantRead(reader));
      codeAssets.push(asset);
      return { ...container, environment: scriptEnv(asset.s3ObjectUrl) };
    }

    // Repack: a training job that adds the code to the model archive, named as the SDK names it.
    const repackName = `${step.stepName}-RepackModel-${nameBase}`;
    if (repackName.length > 64) {
      throw new Error(`${step.node.path}: the repack step of ${where} would be named '${repackName}' (${repackName.length} characters); step names are at most 64. Shorten the step name${container.containerHostname !== undefined ? ' or the containerHostname' : ''}.`);
    }
    const ownFiles = new Set([REPACK_SCRIPT, REPACK_LAUNCHER]);
    const clash = plan.entries!.find((e) => ownFiles.has(e.name));
    if (clash !== undefined) {
      throw new Error(`${step.node.path}: ${where}.sourceDir has a file named '${clash.name}', the name of the repack script the library adds next to the code; rename that file.`);
    }
    const entries: ArchiveEntry[] = [
      ...plan.entries!,
      { name: REPACK_SCRIPT, data: fs.readFileSync(path.join(RUNTIME_DIR, REPACK_SCRIPT)) },
      { name: REPACK_LAUNCHER, data: fs.readFileSync(path.join(RUNTIME_DIR, REPACK_LAUNCHER)), executable: true },
    ];
    const asset = codeAsset(step, `RepackCode-${nameBase}`, entries);
    asset.grantRead(options.repackRole);
    const modelData = container.modelData!;
    const repack = new TrainingStep(step, `RepackModel-${nameBase}`, {
      stepName: repackName,
      description: REPACK_DESCRIPTION,
      image: ContainerImage.sklearn(REPACK_FRAMEWORK_VERSION, 'training'),
      instanceType: InstanceType.M5_LARGE,
      instanceCount: 1,
      volumeSizeInGB: 30,
      maxRuntime: Duration.days(1),
      role: options.repackRole,
      inputs: [TrainingInput.s3('training', modelData)],
      // The SDK's hyperparameters, JSON-encoded as its framework estimators write them.
      hyperparameters: {
        inference_script: JSON.stringify(plan.program),
        model_archive: isRunTimeValue(modelData) ? modelData : JSON.stringify(modelData),
        dependencies: 'null',
        source_dir: container.sourceDir !== undefined ? JSON.stringify('/opt/ml/code') : 'null',
        sagemaker_program: JSON.stringify(REPACK_LAUNCHER),
        sagemaker_submit_directory: `"${asset.s3ObjectUrl}"`,
        sagemaker_container_log_level: '20',
        sagemaker_region: `"${stack.region}"`,
      },
      retryPolicies: options.retryPolicies,
      ...(options.vpc !== undefined ? { vpc: options.vpc.vpc, subnets: options.vpc.subnets, securityGroups: options.vpc.securityGroups } : {}),
    });
    repackSteps.push(repack);
    return {
      ...container,
      modelData: repack.properties.ModelArtifacts.S3ModelArtifacts,
      environment: scriptEnv(REPACKED_CODE_DIR),
    };
  });
  return { containers: bound, repackSteps, codeAssets };
}

function codeAsset(step: Step, id: string, entries: ArchiveEntry[]): s3assets.Asset {
  let archive;
  try {
    archive = writeCodeArchive(entries);
  } catch (e) {
    throw new Error(`${step.node.path}: sourceDir: ${(e as Error).message}`);
  }
  return new s3assets.Asset(step, id, { path: archive.path, assetHashType: AssetHashType.CUSTOM, assetHash: archive.hash });
}

/** Validates a container's inference code and decides where it goes; undefined when it has none. */
function planCode(step: Step, where: string, container: ModelContainer, networkIsolation: boolean): CodePlan | undefined {
  const { entryPoint, sourceDir, codePackaging } = container;
  const at = `${step.node.path}: ${where}`;
  if (entryPoint === undefined) {
    if (sourceDir !== undefined) {
      throw new Error(`${at}.sourceDir needs entryPoint, the inference script's file name in that folder (for example 'inference.py'); received only sourceDir.`);
    }
    if (codePackaging !== undefined) {
      throw new Error(`${at}.codePackaging applies to inference code; received it without entryPoint. Add entryPoint (and sourceDir) or remove codePackaging.`);
    }
    return undefined;
  }
  if (typeof entryPoint !== 'string' || Token.isUnresolved(entryPoint) || entryPoint.length === 0) {
    throw new Error(`${at}.entryPoint must be the path of a local script (or, with sourceDir, its file name), known at synth; received ${typeof entryPoint === 'string' ? (entryPoint.length === 0 ? 'an empty string' : 'a token') : typeof entryPoint}.`);
  }
  if (codePackaging !== undefined && !Object.values(InferenceCodePackaging).includes(codePackaging)) {
    throw new Error(`${at}.codePackaging must be InferenceCodePackaging.AUTO, SOURCE_DIRECTORY or MODEL_ARCHIVE; received '${String(codePackaging)}'.`);
  }
  for (const name of [SAGEMAKER_PROGRAM, SAGEMAKER_SUBMIT_DIRECTORY]) {
    if (container.environment !== undefined && name in container.environment) {
      throw new Error(`${at}.environment sets ${name}, which entryPoint sets (${name === SAGEMAKER_PROGRAM ? 'to the script\'s file name' : 'to where the code is'}); remove it from environment.`);
    }
  }
  const added = [SAGEMAKER_PROGRAM, SAGEMAKER_SUBMIT_DIRECTORY, 'SAGEMAKER_CONTAINER_LOG_LEVEL', 'SAGEMAKER_REGION']
    .filter((name) => container.environment === undefined || !(name in container.environment)).length;
  const total = Object.keys(container.environment ?? {}).length + added;
  if (total > 100) {
    throw new Error(`${at}.environment has ${total - added} variables and entryPoint adds ${added}; a model container takes at most 100. Remove ${total - 100} of them.`);
  }

  const modelData = container.modelData;
  const packaging = codePackaging ?? InferenceCodePackaging.AUTO;
  let repack: boolean;
  if (packaging === InferenceCodePackaging.MODEL_ARCHIVE) {
    if (modelData === undefined) {
      throw new Error(`${at}.codePackaging MODEL_ARCHIVE adds the code to the model archive, but the container has no modelData. Give modelData, or use InferenceCodePackaging.SOURCE_DIRECTORY.`);
    }
    repack = true;
  } else if (packaging === InferenceCodePackaging.SOURCE_DIRECTORY) {
    if (networkIsolation) {
      throw new Error(`${at}.codePackaging SOURCE_DIRECTORY needs network access to download the code, but the model has enableNetworkIsolation; use InferenceCodePackaging.MODEL_ARCHIVE (or AUTO) to put the code into the model archive.`);
    }
    repack = false;
  } else {
    repack = modelData !== undefined && (isRunTimeValue(modelData) || networkIsolation);
  }

  if (sourceDir !== undefined) {
    if (typeof sourceDir !== 'string' || Token.isUnresolved(sourceDir)) {
      throw new Error(`${at}.sourceDir must be a local folder or an s3:// URI of a .tar.gz, known at synth; received ${typeof sourceDir === 'string' ? 'a token' : typeof sourceDir}.`);
    }
    if (entryPoint.includes('/') || entryPoint.includes('\\')) {
      throw new Error(`${at}.entryPoint must be a file name at the root of sourceDir (the inference toolkits import it by name); received '${entryPoint}'. Move the script to the folder's root, or make the folder you give the script's folder.`);
    }
    if (sourceDir.startsWith('s3://')) {
      if (!/^s3:\/\/[^/]+\/.+\.tar\.gz$/.test(sourceDir)) {
        throw new Error(`${at}.sourceDir must be a local folder or the s3:// URI of a .tar.gz; received '${sourceDir}'.`);
      }
      if (repack) {
        throw new Error(`${at}.sourceDir is an S3 archive, but the code goes into the model archive (${packaging === InferenceCodePackaging.MODEL_ARCHIVE ? 'codePackaging MODEL_ARCHIVE' : networkIsolation ? 'the model blocks network access' : 'modelData is only known at run time'}), which the repack step does from a local folder. Give a local sourceDir, or codePackaging: InferenceCodePackaging.SOURCE_DIRECTORY.`);
      }
      return { program: entryPoint, s3SourceDir: sourceDir, repack };
    }
    const dir = path.resolve(sourceDir);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new Error(`${at}.sourceDir must be a local folder (or the s3:// URI of a .tar.gz); '${sourceDir}' (resolved to ${dir}) is not a folder.`);
    }
    const file = path.join(dir, entryPoint);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      throw new Error(`${at}.entryPoint '${entryPoint}' is not a file at the root of sourceDir ${dir}; give the script's file name in that folder.`);
    }
    return { program: entryPoint, entries: directoryEntries(dir), repack };
  }
  const file = path.resolve(entryPoint);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new Error(`${at}.entryPoint must be a local script file; '${entryPoint}' (resolved to ${file}) is not a file. Give the script's path, or its file name together with sourceDir.`);
  }
  const program = path.basename(file);
  return { program, entries: [{ name: program, data: fs.readFileSync(file) }], repack };
}
