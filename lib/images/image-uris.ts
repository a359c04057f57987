import * as fs from 'fs';
import * as path from 'path';

/**
 * Resolution of SageMaker-provided image URIs from the SageMaker Python SDK's image registry data
 * (`data/image-uris/*.json` at the package root, Apache-2.0, see its SOURCE.md). This module follows
 * the SDK's `image_uris.retrieve` rules; it is not exported from the package.
 */

/** Folder of the JSON files: `<package>/data/image-uris` (this file is `<package>/lib/images/*`). */
export const IMAGE_URI_DATA_DIR = path.join(__dirname, '..', '..', 'data', 'image-uris');

/** What the caller asks for (mirrors `SageMakerImageOptions`, with the instance type as a plain string). */
export interface ImageRequest {
  readonly framework: string;
  readonly version?: string;
  readonly scope?: string;
  readonly pythonVersion?: string;
  readonly processor?: string;
  readonly instanceType?: string;
  readonly baseFrameworkVersion?: string;
  readonly containerVersion?: string;
}

/** A resolved image: everything but the region-specific registry host. */
export interface ResolvedImage {
  /** Human-readable description for error messages, e.g. `xgboost 1.7-1 (training)`. */
  readonly description: string;
  /** ECR repository name. */
  readonly repository: string;
  /** Image tag; empty when the image has none (model-monitor). */
  readonly tag: string;
  /** Region to the account that owns the repository there. */
  readonly registries: Readonly<Record<string, string>>;
}

interface VersionConfig {
  readonly registries?: Record<string, string>;
  readonly repository?: string;
  readonly py_versions?: string[];
  readonly processors?: string[];
  readonly container_version?: Record<string, string>;
  readonly tag_prefix?: string;
  readonly version_aliases?: Record<string, string>;
  readonly [key: string]: unknown;
}

interface ScopeConfig {
  readonly versions: Record<string, VersionConfig>;
  readonly version_aliases?: Record<string, string>;
  readonly processors?: string[];
  readonly scope?: string[];
}

type FrameworkFile = ScopeConfig | Record<string, ScopeConfig>;

/** Frameworks that switch to `inference_graviton` on Graviton instance families. */
const GRAVITON_FRAMEWORKS = ['pytorch', 'tensorflow', 'xgboost', 'sklearn'];
const GRAVITON_FAMILIES = ['m6g', 'm6gd', 'c6g', 'c6gd', 'c6gn', 'c7g', 'r6g', 'r6gd'];

/** Region prefix to DNS suffix, longest prefix first (the SDK's `ALTERNATE_DOMAINS`). */
const DNS_SUFFIXES: ReadonlyArray<[string, string]> = [
  ['us-isob-', 'sc2s.sgov.gov'],
  ['us-isof-', 'csp.hci.ic.gov'],
  ['us-iso-', 'c2s.ic.gov'],
  ['eu-isoe-', 'cloud.adc-e.uk'],
  ['eusc-', 'amazonaws.eu'],
  ['cn-', 'amazonaws.com.cn'],
];

const cache = new Map<string, FrameworkFile>();

/** Names of the frameworks the packaged data covers, sorted. */
export function availableFrameworks(): string[] {
  return fs.readdirSync(IMAGE_URI_DATA_DIR)
    .filter((f) => f.endsWith('.json') && f !== 'instance_gpu_info.json')
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** The DNS suffix of a region's ECR endpoint (`amazonaws.com`, `amazonaws.com.cn`, ...). */
export function dnsSuffixOf(region: string): string {
  return DNS_SUFFIXES.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'amazonaws.com';
}

/** The registry host of an account in a region: `<account>.dkr.ecr.<region>.<dnsSuffix>`. */
export function registryHost(account: string, region: string): string {
  return `${account}.dkr.ecr.${region}.${dnsSuffixOf(region)}`;
}

/** The full URI of a resolved image in a region, or an Error listing the regions it is offered in. */
export function imageUriIn(image: ResolvedImage, region: string): string {
  const account = has(image.registries, region) ? image.registries[region] : undefined;
  if (account === undefined) {
    throw new Error(`SageMaker image ${image.description} is not offered in region '${region}'; available: ${list(Object.keys(image.registries).sort())}.`);
  }
  return `${registryHost(account, region)}/${image.repository}${image.tag ? `:${image.tag}` : ''}`;
}

/** Resolves a request to repository, tag and registries, following the SDK's rules. */
export function resolveImage(request: ImageRequest): ResolvedImage {
  const framework = request.framework;
  const file = loadFramework(framework);

  // 1. Scope (Graviton instances switch pytorch/tensorflow/xgboost/sklearn to inference_graviton).
  const scopes = scopesOf(file);
  let scope = request.scope;
  const family = request.instanceType ? instanceFamily(request.instanceType) : undefined;
  if (family && GRAVITON_FRAMEWORKS.includes(framework) && GRAVITON_FAMILIES.includes(family) && scopes.includes('inference_graviton')) {
    scope = 'inference_graviton';
  }
  if (scope === undefined) {
    scope = scopes.includes('training') ? 'training' : scopes[0];
  } else if (!scopes.includes(scope)) {
    throw new Error(`SageMaker image framework '${framework}' has no scope '${scope}'; available: ${list(scopes)}.`);
  }
  const config: ScopeConfig = has(file, 'versions') ? file as ScopeConfig : (file as Record<string, ScopeConfig>)[scope];

  // 2. Version (the sole key when there is only one; otherwise a key or an alias).
  const versions = Object.keys(config.versions);
  const aliases = config.version_aliases ?? {};
  let version: string;
  if (versions.length === 1 && (request.version === undefined || !has(aliases, request.version))) {
    version = versions[0];
  } else if (request.version === undefined) {
    throw new Error(`SageMaker image ${framework} (${scope}) needs a version; available: ${list([...versions, ...Object.keys(aliases)])}.`);
  } else if (has(config.versions, request.version) || has(aliases, request.version)) {
    version = request.version;
  } else {
    throw new Error(`SageMaker image ${framework} (${scope}) has no version '${request.version}'; available: ${list([...versions, ...Object.keys(aliases)])}.`);
  }
  let versionConfig = config.versions[has(aliases, version) ? aliases[version] : version];
  let description = `${framework} ${version} (${scope})`;

  // HuggingFace: the version config is keyed by base framework (`pytorch2.8.0`).
  let baseFrameworkVersion: string | undefined;
  if (framework.startsWith('huggingface') && versionConfig.repository === undefined) {
    const baseAliases = versionConfig.version_aliases ?? {};
    const bases = Object.keys(versionConfig).filter((k) => k !== 'version_aliases');
    baseFrameworkVersion = request.baseFrameworkVersion ?? (bases.length === 1 ? bases[0] : undefined);
    if (baseFrameworkVersion === undefined) {
      throw new Error(`SageMaker image ${description} needs a baseFrameworkVersion; available: ${list([...bases, ...Object.keys(baseAliases)])}.`);
    }
    const key = has(baseAliases, baseFrameworkVersion) ? baseAliases[baseFrameworkVersion] : baseFrameworkVersion;
    if (!bases.includes(key)) {
      throw new Error(`SageMaker image ${description} has no baseFrameworkVersion '${baseFrameworkVersion}'; available: ${list([...bases, ...Object.keys(baseAliases)])}.`);
    }
    versionConfig = versionConfig[key] as VersionConfig;
    description = `${framework} ${version} ${baseFrameworkVersion} (${scope})`;
  } else if (request.baseFrameworkVersion !== undefined) {
    throw new Error(`SageMaker image ${description} takes no baseFrameworkVersion (only HuggingFace images do); received '${request.baseFrameworkVersion}'.`);
  }

  // 3. Python version (a few old entries are keyed by Python version instead of listing py_versions).
  const pyKeyed = versionConfig.repository === undefined;
  const pythonVersions = pyKeyed ? Object.keys(versionConfig) : versionConfig.py_versions;
  let pythonVersion: string | undefined;
  if (pythonVersions && pythonVersions.length > 0) {
    if (request.pythonVersion !== undefined) {
      if (!pythonVersions.includes(request.pythonVersion)) {
        throw new Error(`SageMaker image ${description} has no Python version '${request.pythonVersion}'; available: ${list(pythonVersions)}.`);
      }
      pythonVersion = request.pythonVersion;
    } else if (framework === 'spark') {
      pythonVersion = undefined;
    } else if (pythonVersions.length === 1) {
      pythonVersion = pythonVersions[0];
    } else {
      throw new Error(`SageMaker image ${description} needs a pythonVersion; available: ${list(pythonVersions)}.`);
    }
  }
  if (pyKeyed) {
    versionConfig = versionConfig[pythonVersion!] as VersionConfig;
  }

  // 6. Processor.
  const processors = config.processors ?? versionConfig.processors;
  let processor: string | undefined;
  if (processors && processors.length > 0) {
    if (request.processor !== undefined) {
      processor = request.processor;
    } else if (request.instanceType !== undefined) {
      processor = processorOf(request.instanceType, processors);
    } else if (processors.length === 1) {
      processor = processors[0];
    } else {
      throw new Error(`SageMaker image ${description} needs a processor or an instanceType; available processors: ${list(processors)}.`);
    }
    if (!processors.includes(processor)) {
      const from = request.processor === undefined ? ` (from instance type '${request.instanceType}')` : '';
      throw new Error(`SageMaker image ${description} has no processor '${processor}'${from}; available: ${list(processors)}.`);
    }
  }

  // 7. Container version (spark takes the caller's, with a `v` prefix, together with a Python version).
  let containerVersion = processor ? versionConfig.container_version?.[processor] : undefined;
  if (request.containerVersion !== undefined) {
    if (framework !== 'spark') {
      throw new Error(`SageMaker image ${description}: containerVersion applies only to spark images; received '${request.containerVersion}'.`);
    }
    containerVersion = `v${request.containerVersion}`;
  }
  if (framework === 'spark' && (request.pythonVersion === undefined) !== (request.containerVersion === undefined)) {
    throw new Error(`SageMaker image ${description}: give both pythonVersion and containerVersion, or neither (the spark processors' rule).`);
  }
  const repository = versionConfig.repository!;
  if (containerVersion && repository === `${framework}-inference-graviton`) {
    containerVersion = `${containerVersion}-sagemaker`;
  }

  // 8-9. Tag.
  let tag: string;
  if (scope === 'inference_graviton' && framework === 'xgboost' && ['1.5-1', '1.3-1'].includes(version)) {
    tag = `${version}-arm64`;
  } else if (scope === 'inference_graviton' && framework === 'sklearn' && version === '1.0-1') {
    tag = `${version}-arm64-cpu-py3`;
  } else {
    let tagPrefix = versionConfig.tag_prefix ?? version;
    if (baseFrameworkVersion !== undefined) {
      const match = /^(pytorch|tensorflow)(.*)$/.exec(baseFrameworkVersion);
      tagPrefix = `${match ? match[2] : baseFrameworkVersion}-transformers${version}`;
    }
    tag = [tagPrefix, processor, pythonVersion, containerVersion].filter((p) => p).join('-');
  }

  if (!versionConfig.registries || !repository) {
    throw new Error(`SageMaker image ${description} has no registry data.`);
  }
  return { description, repository, tag, registries: versionConfig.registries };
}

function loadFramework(framework: string): FrameworkFile {
  const cached = cache.get(framework);
  if (cached) {
    return cached;
  }
  const available = availableFrameworks();
  if (!available.includes(framework)) {
    throw new Error(`Unknown SageMaker image framework '${framework}'; available: ${list(available)}.`);
  }
  const file = JSON.parse(fs.readFileSync(path.join(IMAGE_URI_DATA_DIR, `${framework}.json`), 'utf-8')) as FrameworkFile;
  cache.set(framework, file);
  return file;
}

function scopesOf(file: FrameworkFile): string[] {
  if (Array.isArray((file as ScopeConfig).scope)) {
    return [...(file as ScopeConfig).scope!];
  }
  return has(file, 'versions') ? ['training', 'inference'] : Object.keys(file);
}

/** `ml.<family>.<size>` to `<family>`; `local` and `local_gpu` as is. */
function instanceFamily(instanceType: string): string {
  const parts = instanceType.split('.');
  return parts.length >= 3 ? parts[1] : instanceType;
}

function processorOf(instanceType: string, processors: string[]): string {
  if (instanceType === 'local') {
    return 'cpu';
  }
  if (instanceType === 'local_gpu') {
    return 'gpu';
  }
  const family = instanceFamily(instanceType);
  if (processors.includes(family)) {
    return family;
  }
  if (family.startsWith('inf')) {
    return 'inf';
  }
  if (family.startsWith('trn')) {
    return 'trn';
  }
  return family.startsWith('g') || family.startsWith('p') ? 'gpu' : 'cpu';
}

function has(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

function list(values: string[]): string {
  return values.map((v) => (v === '' ? "''" : v)).join(', ');
}
