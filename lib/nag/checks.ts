/**
 * The governance checks of {@link SageMakerPipelinesChecks}, as functions of a pipeline definition
 * (DESIGN decision 12): each takes one step's JSON (or the definition's parameters) and returns its
 * findings. No cdk-nag import here, so the checks can be read and tested on their own.
 */
import { CfnParameter, IResolvable, Reference, SecretValue, Tokenization } from 'aws-cdk-lib';

/** A step of a definition, as JSON. */
export type StepJson = Record<string, unknown>;

/** A parameter declaration of a definition, as JSON. */
export interface ParameterJson {
  readonly Name?: unknown;
  readonly Type?: unknown;
  readonly DefaultValue?: unknown;
}

/** Compliant (no findings), not applicable, or the findings (each names what is wrong). */
export type CheckResult = 'compliant' | 'not-applicable' | string[];

/** What the checks of one step may look up: the definition's parameters, by name. */
export interface CheckContext {
  readonly parameters: ReadonlyMap<string, ParameterJson>;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value, or the default of the parameter it reads (`{"Get": "Parameters.X"}`); undefined when not known at synth. */
export function literalValue(value: unknown, context: CheckContext): unknown {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  if (isObject(value) && typeof value.Get === 'string' && value.Get.startsWith('Parameters.')) {
    return context.parameters.get(value.Get.slice('Parameters.'.length))?.DefaultValue;
  }
  return undefined;
}

/** Steps of a step list, condition branches included, in order. */
export function flattenSteps(steps: unknown): StepJson[] {
  const out: StepJson[] = [];
  const visit = (list: unknown, depth: number): void => {
    if (!Array.isArray(list) || depth > 100) return;
    for (const step of list) {
      if (!isObject(step)) continue;
      out.push(step);
      if (step.Type === 'Condition' && isObject(step.Arguments)) {
        visit(step.Arguments.IfSteps, depth + 1);
        visit(step.Arguments.ElseSteps, depth + 1);
      }
    }
  };
  visit(steps, 0);
  return out;
}

function argsOf(step: StepJson): Json {
  return isObject(step.Arguments) ? step.Arguments : {};
}

/** The training job definitions of a Tuning step, each with the path that names it. */
function tuningDefinitions(args: Json): Array<{ path: string; definition: Json }> {
  const found: Array<{ path: string; definition: Json }> = [];
  if (isObject(args.TrainingJobDefinition)) {
    found.push({ path: 'TrainingJobDefinition', definition: args.TrainingJobDefinition });
  }
  if (Array.isArray(args.TrainingJobDefinitions)) {
    args.TrainingJobDefinitions.forEach((d, i) => {
      if (isObject(d)) found.push({ path: `TrainingJobDefinitions[${i}]`, definition: d });
    });
  }
  return found;
}

function get(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** Whether a KmsKeyId value names a customer managed key (set, and not an `alias/aws/...` AWS managed key). */
function isCustomerKey(value: unknown): boolean {
  if (value === undefined || value === null || value === '') {
    return false;
  }
  return !(typeof value === 'string' && /(^|:)alias\/aws\//.test(value));
}

/**
 * Job volumes and outputs encrypted with a customer managed KMS key: findings `VolumeKmsKeyId` and
 * `OutputKmsKeyId` (prefixed with the training job definition for Tuning steps).
 */
export function checkJobEncryption(step: StepJson): CheckResult {
  const args = argsOf(step);
  const keys: Array<{ path: string; volume: unknown; output?: unknown; hasOutput: boolean }> = [];
  switch (step.Type) {
    case 'Processing':
    case 'QualityCheck':
    case 'ClarifyCheck':
      keys.push({
        path: '',
        volume: get(args, 'ProcessingResources', 'ClusterConfig', 'VolumeKmsKeyId'),
        output: get(args, 'ProcessingOutputConfig', 'KmsKeyId'),
        hasOutput: isObject(args.ProcessingOutputConfig),
      });
      break;
    case 'Training':
      keys.push({ path: '', volume: get(args, 'ResourceConfig', 'VolumeKmsKeyId'), output: get(args, 'OutputDataConfig', 'KmsKeyId'), hasOutput: true });
      break;
    case 'Tuning':
      for (const { path, definition } of tuningDefinitions(args)) {
        keys.push({
          path: `${path}.`,
          volume: get(definition, 'ResourceConfig', 'VolumeKmsKeyId') ?? get(definition, 'HyperParameterTuningResourceConfig', 'VolumeKmsKeyId'),
          output: get(definition, 'OutputDataConfig', 'KmsKeyId'),
          hasOutput: true,
        });
      }
      break;
    case 'Transform':
      keys.push({ path: '', volume: get(args, 'TransformResources', 'VolumeKmsKeyId'), output: get(args, 'TransformOutput', 'KmsKeyId'), hasOutput: true });
      break;
    case 'AutoML':
      keys.push({ path: '', volume: get(args, 'AutoMLJobConfig', 'SecurityConfig', 'VolumeKmsKeyId'), output: get(args, 'OutputDataConfig', 'KmsKeyId'), hasOutput: true });
      break;
    default:
      return 'not-applicable';
  }
  const findings: string[] = [];
  for (const k of keys) {
    if (!isCustomerKey(k.volume)) findings.push(`${k.path}VolumeKmsKeyId`);
    if (k.hasOutput && !isCustomerKey(k.output)) findings.push(`${k.path}OutputKmsKeyId`);
  }
  return findings.length > 0 ? findings : 'compliant';
}

function isTrue(value: unknown, context: CheckContext): boolean {
  const literal = literalValue(value, context);
  return literal === true || literal === 'true';
}

/** Training, tuning and processing jobs run with `EnableNetworkIsolation: true`. */
export function checkNetworkIsolation(step: StepJson, context: CheckContext): CheckResult {
  const args = argsOf(step);
  switch (step.Type) {
    case 'Training':
      return isTrue(args.EnableNetworkIsolation, context) ? 'compliant' : ['EnableNetworkIsolation'];
    case 'Processing':
      return isTrue(get(args, 'NetworkConfig', 'EnableNetworkIsolation'), context) ? 'compliant' : ['NetworkConfig.EnableNetworkIsolation'];
    case 'Tuning': {
      const findings = tuningDefinitions(args).filter(({ definition }) => !isTrue(definition.EnableNetworkIsolation, context))
        .map(({ path }) => `${path}.EnableNetworkIsolation`);
      return findings.length > 0 ? findings : 'compliant';
    }
    default:
      return 'not-applicable';
  }
}

function hasVpc(config: unknown): boolean {
  if (!isObject(config)) return false;
  const subnets = config.Subnets;
  return subnets !== undefined && subnets !== null && !(Array.isArray(subnets) && subnets.length === 0);
}

/** Training, tuning and processing jobs run in a VPC (`VpcConfig` with subnets). */
export function checkVpcPlacement(step: StepJson): CheckResult {
  const args = argsOf(step);
  switch (step.Type) {
    case 'Training':
      return hasVpc(args.VpcConfig) ? 'compliant' : ['VpcConfig'];
    case 'Processing':
      return hasVpc(get(args, 'NetworkConfig', 'VpcConfig')) ? 'compliant' : ['NetworkConfig.VpcConfig'];
    case 'Tuning': {
      const findings = tuningDefinitions(args).filter(({ definition }) => !hasVpc(definition.VpcConfig)).map(({ path }) => `${path}.VpcConfig`);
      return findings.length > 0 ? findings : 'compliant';
    }
    default:
      return 'not-applicable';
  }
}

/** RegisterModel never registers a version `Approved` by default (a literal, or a parameter whose default is `Approved`). */
export function checkModelApproval(step: StepJson, context: CheckContext): CheckResult {
  if (step.Type !== 'RegisterModel') {
    return 'not-applicable';
  }
  const status = argsOf(step).ModelApprovalStatus;
  const literal = literalValue(status, context);
  if (literal !== 'Approved') {
    return 'compliant';
  }
  return [isObject(status) && typeof status.Get === 'string' ? `ModelApprovalStatus=${status.Get}` : 'ModelApprovalStatus'];
}

/** Words of a name (`DB_PASSWORD`, `dbPassword`, `db-password` -> db, password). */
function wordsOf(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 0);
}

const SECRET_WORDS = new Set(['password', 'passwd', 'pwd', 'passphrase', 'secret', 'token', 'apikey', 'credential', 'credentials', 'privatekey', 'accesskey', 'secretkey']);
const SECRET_PAIRS = [['api', 'key'], ['access', 'key'], ['private', 'key'], ['secret', 'key'], ['client', 'secret'], ['auth', 'token']];

/** Whether a name says its value is a secret (`DB_PASSWORD`, `apiKey`, `HF_TOKEN`; not `MAX_TOKENS`). */
export function isSecretName(name: string): boolean {
  const words = wordsOf(name);
  if (words.some((w) => SECRET_WORDS.has(w))) {
    return true;
  }
  return SECRET_PAIRS.some(([a, b]) => words.some((w, i) => w === a && words[i + 1] === b));
}

/** Values that are credentials whatever their name (AWS access keys, private keys, common token formats, URLs with a password). */
const SECRET_VALUE_PATTERNS: Array<[string, RegExp]> = [
  ['an AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['a GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
  ['a Slack token', /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ['a Hugging Face token', /\bhf_[A-Za-z0-9]{30,}\b/],
  ['an API secret key', /\bsk-[A-Za-z0-9_-]{20,}\b/],
  ['a URL with a password', /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i],
];

/**
 * Why a literal value looks like a secret, or undefined. A value under a secret-like name counts
 * unless it is empty, a number or boolean, or a reference (an ARN, an SSM parameter path).
 */
export function secretReason(name: string, value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  for (const [what, pattern] of SECRET_VALUE_PATTERNS) {
    if (pattern.test(value)) {
      return `looks like ${what}`;
    }
  }
  const trimmed = value.trim();
  if (isSecretName(name) && trimmed.length > 0 && !/^(true|false|none|null|-?\d+(\.\d+)?)$/i.test(trimmed)
    && !trimmed.startsWith('arn:') && !trimmed.startsWith('/') && !trimmed.includes('${Token[')) {
    return 'has a name that says it is a secret and a literal value';
  }
  return undefined;
}

/**
 * Why a string puts a secret from elsewhere into the definition in plain text, or undefined: a
 * `SecretValue` token, a reference to a `NoEcho` CloudFormation parameter, or a dynamic reference
 * (`{{resolve:secretsmanager:...}}`, `{{resolve:ssm-secure:...}}`) that CloudFormation would
 * replace with the secret.
 */
export function plainTextSecretReason(value: string): string | undefined {
  if (/\{\{resolve:(secretsmanager|ssm-secure):/.test(value)) {
    return 'is a dynamic reference to a secret, which CloudFormation resolves into the definition in plain text';
  }
  const tokens: IResolvable[] = Tokenization.reverseString(value).tokens;
  for (const token of tokens) {
    if (SecretValue.isSecretValue(token)) {
      return 'is a SecretValue, which would be written into the definition in plain text';
    }
    if (token instanceof Reference && token.target instanceof CfnParameter && token.target.noEcho === true) {
      return `reads the NoEcho parameter ${token.target.node.path}, whose value would be written into the definition in plain text`;
    }
  }
  return undefined;
}

/** Every string leaf of a JSON value, with its dotted path. */
function stringLeaves(value: unknown, path: string, out: Array<{ path: string; value: string }>, depth = 0): void {
  if (depth > 50) return;
  if (typeof value === 'string') {
    out.push({ path, value });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => stringLeaves(v, `${path}[${i}]`, out, depth + 1));
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      stringLeaves(v, path === '' ? k : `${path}.${k}`, out, depth + 1);
    }
  }
}

/** The name-value maps of a step whose values the service shows in plain text: environments, hyperparameters, Lambda and Callback inputs. */
function plainTextMaps(step: StepJson): Array<{ path: string; map: Json }> {
  const maps: Array<{ path: string; map: Json }> = [];
  const visit = (value: unknown, path: string, depth: number): void => {
    if (depth > 20) return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${path}[${i}]`, depth + 1));
      return;
    }
    if (!isObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      if ((key === 'Environment' || key === 'HyperParameters' || key === 'StaticHyperParameters') && isObject(child)) {
        maps.push({ path: childPath, map: child });
      } else if (key !== 'IfSteps' && key !== 'ElseSteps') {
        visit(child, childPath, depth + 1);
      }
    }
  };
  const args = argsOf(step);
  if (step.Type === 'Lambda' || step.Type === 'Callback') {
    maps.push({ path: 'Arguments', map: args });
  } else if (step.Type !== 'Condition') {
    visit(args, 'Arguments', 0);
  }
  return maps;
}

/**
 * No secrets in a step's job environment, hyperparameters or Lambda/Callback inputs (literal values
 * that look like credentials), and no secret from elsewhere written into the step in plain text.
 * `raw` is the step with CDK tokens in place (to recognize SecretValue tokens), `resolved` the same
 * step resolved (to recognize dynamic references). Findings are the paths of the values.
 */
export function checkStepSecrets(raw: StepJson, resolved: StepJson): CheckResult {
  const findings = new Set<string>();
  for (const { path, map } of plainTextMaps(resolved)) {
    for (const [name, value] of Object.entries(map)) {
      if (secretReason(name, value) !== undefined) {
        findings.add(`${path}.${name}`);
      }
    }
  }
  if (raw.Type !== 'Condition') {
    for (const { path, value } of [...leavesOf(argsOf(raw), 'Arguments'), ...leavesOf(argsOf(resolved), 'Arguments')]) {
      if (plainTextSecretReason(value) !== undefined) {
        findings.add(path);
      }
    }
  }
  return findings.size > 0 ? [...findings] : 'compliant';
}

function leavesOf(value: unknown, path: string): Array<{ path: string; value: string }> {
  const out: Array<{ path: string; value: string }> = [];
  stringLeaves(value, path, out);
  return out;
}

/** No secrets in parameter defaults. `raw` and `resolved` as for {@link checkStepSecrets}; findings are parameter names. */
export function checkParameterSecrets(raw: readonly ParameterJson[], resolved: readonly ParameterJson[]): CheckResult {
  const findings = new Set<string>();
  resolved.forEach((parameter, i) => {
    const name = typeof parameter.Name === 'string' ? parameter.Name : `Parameters[${i}]`;
    const rawDefault = raw[i]?.DefaultValue;
    if (secretReason(name, parameter.DefaultValue) !== undefined
      || (typeof parameter.DefaultValue === 'string' && plainTextSecretReason(parameter.DefaultValue) !== undefined)
      || (typeof rawDefault === 'string' && plainTextSecretReason(rawDefault) !== undefined)) {
      findings.add(name);
    }
  });
  return findings.size > 0 ? [...findings] : 'compliant';
}
