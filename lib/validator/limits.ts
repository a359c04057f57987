/**
 * Checks literal values of job-step Arguments against the service model's value constraints
 * (`../private/generated/constraints.ts`: string lengths and patterns, numeric ranges, list and map
 * sizes) and the hard limits of the limits table that the model lacks.
 */
import { StepInfo, ValidationContext, child } from './context';
import { CONSTRAINTS, MemberConstraint, ValueConstraint } from '../private/generated/constraints';

/** A CloudFormation placeholder (`${Token[...]}`, `${Ref:X}`) or a CDK list token (`#{Token[...]}`) inside a string. */
const PLACEHOLDER = /[$#]\{[^}]+\}/;

/** CDK number tokens are encoded near -1.888e+289; such numbers stand for deploy-time values. */
const NUMBER_TOKEN_MAGNITUDE = 1e288;

/**
 * Hard limits of the limits table (reference/limits.md, confidence H) that apply to Arguments members.
 * Used only where the service model has no constraint of its own for the same field (the model wins).
 */
const TABLE_LIMITS: Readonly<Record<string, MemberConstraint>> = {
  // ContainerEntrypoint / ContainerArguments items: <= 256 characters each (CreateProcessingJob / CreateTrainingJob API).
  'AppSpecification.ContainerEntrypoint': { items: { max: 256 } },
  'AppSpecification.ContainerArguments': { items: { max: 256 } },
  'AlgorithmSpecification.ContainerEntrypoint': { items: { max: 256 } },
  'AlgorithmSpecification.ContainerArguments': { items: { max: 256 } },
  // Processing inputs per job: <= 10 (CreateProcessingJob API).
  'CreateProcessingJobRequest.ProcessingInputs': { max: 10 },
  // Container environment map: <= 100 entries (CreateProcessingJob / CreateTrainingJob API).
  'CreateProcessingJobRequest.Environment': { max: 100 },
  'CreateTrainingJobRequest.Environment': { max: 100 },
};

function mergeValue(table?: ValueConstraint, model?: ValueConstraint): ValueConstraint | undefined {
  if (table === undefined) return model;
  if (model === undefined) return table;
  return { ...table, ...model };
}

/** Structure -> member -> merged constraints (two levels: no key string is built per lookup). */
const merged = new Map<string, Map<string, MemberConstraint | undefined>>();

/**
 * The constraints of member `member` of structure `structure` (a SHAPES key), or undefined when it has none.
 */
export function memberConstraint(structure: string, member: string): MemberConstraint | undefined {
  let members = merged.get(structure);
  if (members === undefined) {
    members = new Map();
    merged.set(structure, members);
  } else if (members.has(member)) {
    return members.get(member);
  }
  const key = `${structure}.${member}`;
  const model = Object.prototype.hasOwnProperty.call(CONSTRAINTS, key) ? CONSTRAINTS[key] : undefined;
  const table = Object.prototype.hasOwnProperty.call(TABLE_LIMITS, key) ? TABLE_LIMITS[key] : undefined;
  let result: MemberConstraint | undefined = model;
  if (table !== undefined) {
    result = {
      ...mergeValue(table, model),
      items: mergeValue(table.items, model?.items),
      keys: mergeValue(table.keys, model?.keys),
      values: mergeValue(table.values, model?.values),
    };
  }
  members.set(member, result);
  return result;
}

/** Java POSIX classes used by botocore patterns, as character-class contents. */
const POSIX_CLASSES: Readonly<Record<string, string>> = {
  Alnum: '0-9A-Za-z',
  Alpha: 'A-Za-z',
  Digit: '0-9',
  Upper: 'A-Z',
  Lower: 'a-z',
  XDigit: '0-9A-Fa-f',
  Punct: '!-\\/:-@\\[-`{-~',
  Space: ' \\t\\n\\x0B\\f\\r',
  Blank: ' \\t',
};

/** Replace Java POSIX classes (`\p{Alnum}`) by their ranges, inside or outside a character class. */
function translateJava(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const posix = /^\\p\{(\w+)\}/.exec(pattern.slice(i));
      if (posix && POSIX_CLASSES[posix[1]] !== undefined) {
        out += inClass ? POSIX_CLASSES[posix[1]] : `[${POSIX_CLASSES[posix[1]]}]`;
        i += posix[0].length - 1;
      } else {
        out += pattern.slice(i, i + 2);
        i++;
      }
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    out += c;
  }
  return out;
}

const compiled = new Map<string, RegExp | null>();

/**
 * A JavaScript RegExp for a botocore (Java) pattern, matched against the whole value (the service
 * validates with full-match semantics; botocore strips the `^` / `$` anchors of many SageMaker
 * patterns). `.` also matches line breaks, to err on the side of accepting.
 *
 * @returns the RegExp, or undefined when the pattern uses Java syntax JavaScript cannot compile
 * (e.g. a quantified `$`, or set intersection `&&`): such patterns are not checked.
 */
export function compilePattern(pattern: string): RegExp | undefined {
  const cached = compiled.get(pattern);
  if (cached !== undefined) {
    return cached ?? undefined;
  }
  let result: RegExp | null = null;
  if (!pattern.includes('&&')) {
    const source = `^(?:${translateJava(pattern)})$`;
    try {
      // `u`: Java matches code points, and \p{L} / surrogate-pair ranges need it.
      result = new RegExp(source, 'su');
    } catch {
      if (!/\\[pP]\{/.test(source)) {
        try {
          result = new RegExp(source, 's');
        } catch {
          result = null;
        }
      }
    }
  }
  compiled.set(pattern, result);
  return result ?? undefined;
}

/** A received string for messages: quoted, cut to 60 characters (with its full length when cut). */
function received(value: string): string {
  if (value.length <= 60) {
    return JSON.stringify(value);
  }
  return `${JSON.stringify(value.slice(0, 57)).slice(0, -1)}..." (${value.length} characters)`;
}

/** Whether a string is a literal that can be checked at synth time (no deploy-time placeholder). */
export function isLiteralString(value: string): boolean {
  // Every placeholder has a "{": most strings are told apart by that search alone, without the regex.
  return !value.includes('{') || !PLACEHOLDER.test(value);
}

/**
 * Whether `value` meets `constraint`, i.e. {@link checkValueConstraint} reports nothing for it: a
 * string that is not a literal, or any value other than a literal string or number, always does.
 */
export function meetsValueConstraint(value: unknown, constraint: ValueConstraint | undefined): boolean {
  if (constraint === undefined) {
    return true;
  }
  if (typeof value === 'string') {
    if (!isLiteralString(value)) {
      return true;
    }
    const { min, max, pattern } = constraint;
    if ((max !== undefined && value.length > max) || (min !== undefined && value.length < min)) {
      return false;
    }
    const regexp = pattern === undefined ? undefined : compilePattern(pattern);
    return regexp === undefined || regexp.test(value);
  }
  if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) < NUMBER_TOKEN_MAGNITUDE) {
    const { min, max } = constraint;
    return !(min !== undefined && value < min) && !(max !== undefined && value > max);
  }
  return true;
}

/** Check a literal string or number against its constraint. */
export function checkValueConstraint(
  ctx: ValidationContext, value: unknown, constraint: ValueConstraint | undefined, path: string, what: string, step?: StepInfo,
): void {
  // The usual case, a value that meets its constraint, needs no more than this; below, what it fails is reported.
  if (constraint === undefined || meetsValueConstraint(value, constraint)) {
    return;
  }
  if (typeof value === 'string') {
    const { min, max, pattern } = constraint;
    if (max !== undefined && value.length > max) {
      ctx.add(path, `${what} is ${value.length} characters long; the service accepts at most ${max}. Received ${received(value)}. Shorten it.`, step);
    } else if (min !== undefined && value.length < min) {
      ctx.add(path, `${what} must be at least ${min} character${min === 1 ? '' : 's'} long; received ${received(value)}. Set a longer value.`, step);
    }
    const regexp = pattern === undefined ? undefined : compilePattern(pattern);
    if (regexp !== undefined && !regexp.test(value)) {
      ctx.add(path, `${what} must match the pattern ${pattern} (the whole value); received ${received(value)}. ${explainPattern(pattern!, value)}`, step);
    }
  } else if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) < NUMBER_TOKEN_MAGNITUDE) {
    const { min, max } = constraint;
    if (min !== undefined && value < min) {
      ctx.add(path, `${what} must be at least ${min}; received ${value}. Use a value of ${min} or more.`, step);
    } else if (max !== undefined && value > max) {
      ctx.add(path, `${what} must be at most ${max}; received ${value}. Use a value of ${max} or less.`, step);
    }
  }
}

/** Check the number of items of a literal list against its constraint. */
export function checkListSize(
  ctx: ValidationContext, value: readonly unknown[], constraint: MemberConstraint | undefined, path: string, what: string, step?: StepInfo,
): void {
  if (constraint === undefined || hasListToken(value)) {
    // A CDK list token stands for an unknown number of items.
    return;
  }
  const { min, max } = constraint;
  if (max !== undefined && value.length > max) {
    ctx.add(path, `${what} has ${value.length} items; the service accepts at most ${max}. Remove ${value.length - max} or split the work across steps.`, step);
  } else if (min !== undefined && value.length < min) {
    ctx.add(path, `${what} has ${value.length} item${value.length === 1 ? '' : 's'}; the service needs at least ${min}. Add items or remove the member.`, step);
  }
}

function hasListToken(value: readonly unknown[]): boolean {
  for (const v of value) {
    if (typeof v === 'string' && v.includes('#{Token[')) {
      return true;
    }
  }
  return false;
}

/** Check the number of entries and the keys of a literal map against its constraint. */
export function checkMapEntries(
  ctx: ValidationContext, value: Readonly<Record<string, unknown>>, constraint: MemberConstraint | undefined,
  path: string, what: string, step?: StepInfo,
): void {
  if (constraint === undefined) {
    return;
  }
  const keys = Object.keys(value);
  const { min, max } = constraint;
  if (max !== undefined && keys.length > max) {
    ctx.add(path, `${what} has ${keys.length} entries; the service accepts at most ${max}. Remove ${keys.length - max} of them.`, step);
  } else if (min !== undefined && keys.length < min) {
    ctx.add(path, `${what} has ${keys.length} entr${keys.length === 1 ? 'y' : 'ies'}; the service needs at least ${min}. Add entries or remove the member.`, step);
  }
  if (constraint.keys !== undefined) {
    for (const key of keys) {
      checkValueConstraint(ctx, key, constraint.keys, child(path, key), `${what} key "${key.length > 60 ? `${key.slice(0, 57)}...` : key}"`, step);
    }
  }
}

/** A value that looks like a placeholder left in a template: `<role-arn>`, `${ROLE}`, `{{role}}`, `YOUR_ROLE`, `TODO`. */
const PLACEHOLDER_VALUE = /^<.*>$|^\$\{.*\}$|^\{\{.*\}\}$|^(?:your|my)[-_ ]?(?:sagemaker[-_ ]?)?(?:execution[-_ ]?)?(?:role|bucket|account|arn|region)|^(?:todo|tbd|changeme|replace[-_ ]?me|xxx+)$|placeholder/i;

/**
 * What a value that fails `pattern` should look like, in words, with an example; specific
 * mistakes (an upper-case `S3://`, a placeholder where an ARN belongs) are named.
 */
export function explainPattern(pattern: string, value: string): string {
  const placeholder = PLACEHOLDER_VALUE.test(value.trim());
  if (pattern.startsWith('(https|s3)://')) {
    if (/^(s3|https):\/\//i.test(value) && !/^(s3|https):\/\//.test(value)) {
      return `Write the scheme in lower case: s3:// in lower case (e.g. ${JSON.stringify(value.replace(/^(s3|https):\/\//i, (m) => m.toLowerCase()))}).`;
    }
    return 'It should be an S3 URI: s3:// in lower case, then the bucket and the key, e.g. "s3://my-bucket/path/data.csv" (or an https:// URL of an S3 object).';
  }
  const arn = /^\(?arn:aws\[a-z\\-\]\*:([a-z0-9-]+):.*?:([a-z-]+)[/:]/.exec(pattern);
  if (arn) {
    const [, service, resource] = arn;
    const example = service === 'iam'
      ? `arn:aws:iam::123456789012:${resource}/SageMakerRole`
      : `arn:aws:${service}:us-east-1:123456789012:${resource}/my-${resource}`;
    const article = /^[aeiou]/.test(resource) ? 'an' : 'a';
    return `It should be ${service === 'iam' ? `${article} ${resource === 'role' ? 'role' : resource} ARN` : `${article} ${service} ${resource} ARN`} such as ${example}${placeholder ? ', not a placeholder: put the real ARN (or a CloudFormation value of this app) in its place' : ''}.`;
  }
  const name = /^\[a-zA-Z0-9\]\(-\*\[a-zA-Z0-9\]\)(?:\{0,(\d+)\}|\*)$/.exec(pattern);
  if (name) {
    const max = name[1] !== undefined ? Number(name[1]) + 1 : undefined;
    return `It should be ${max !== undefined ? `1-${max}` : 'one or more'} letters and digits, with hyphens only between them (no spaces, underscores or dots), e.g. ${JSON.stringify(value.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'my-name')}.`;
  }
  if (pattern.startsWith('[a-zA-Z_][a-zA-Z0-9_]')) {
    return `It should start with a letter or underscore and hold only letters, digits and underscores, e.g. ${JSON.stringify(value.replace(/[^a-zA-Z0-9_]+/g, '_').replace(/^(?=\d)/, '_'))}.`;
  }
  if (placeholder) {
    return `${JSON.stringify(value)} looks like a placeholder left in the definition; put the real value in its place.`;
  }
  return 'Change it to match.';
}
