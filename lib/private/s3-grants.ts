import { Annotations, AspectPriority, Aspects, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { Expression } from './expression';
import { noteLibraryPrincipal, noteLibraryS3Grant } from './nag';
import { splitTokens } from './renderer';
import { partitionOf } from './stack-lookup';

/** The part of an S3 URI known at synth: `s3://<bucket>/<key prefix>` up to the first pipeline expression. */
export interface StaticS3Location {
  readonly bucket: string;
  readonly keyPrefix: string;
}

/**
 * The bucket and key prefix of an S3 URI, as far as they are fixed at synth. CloudFormation tokens
 * (a bucket name) are kept; the key is cut at the first pipeline expression. Undefined when even
 * the bucket is only known at run time (a parameter or step property).
 */
export function staticS3Location(uri: string): StaticS3Location | undefined {
  let fixed = uri;
  let cut = false;
  // The substring checks of containsTokens: without them the URI holds no token.
  const numberTokens = uri.includes('e+289');
  if (numberTokens || uri.includes('Token[')) {
    // The URI up to its first expression (a URI that is one expression, such as a parameter or a
    // step property, cuts at its first part and leaves no bucket). The parts are the token objects
    // themselves, so an expression is recognized without printing and looking it up again. Without
    // an expression the fixed part is the URI itself, since a string token prints as the one text
    // it was found as; only a printed number token prints differently (as a string token).
    const parts = splitTokens(uri);
    if (numberTokens || parts.some((part) => part instanceof Expression)) {
      fixed = '';
      for (const part of parts) {
        if (typeof part === 'string') {
          fixed += part;
        } else if (part instanceof Expression) {
          cut = true;
          break;
        } else {
          fixed += Token.asString(part);
        }
      }
    }
  }
  // Cut inside the bucket name (`s3://data-${param}/...`): the bucket is only known at run time.
  if (cut && !/^s3:\/\/[^/]+\//.test(fixed)) {
    return undefined;
  }
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(fixed);
  if (!match || match[1].length === 0) {
    return undefined;
  }
  return { bucket: match[1], keyPrefix: match[2] ?? '' };
}

/**
 * Budget of the S3 grants of one principal, in characters as IAM counts them, estimated the way
 * aws-cdk-lib estimates statements when it splits a role's policy (a token ARN counts 150
 * characters, more than a bucket ARN deploys to). IAM allows a role 10,240 characters of inline
 * policies and 10 managed policies of 6,144 characters each; aws-cdk-lib moves what does not fit
 * inline into "OverflowPolicy" managed policies. Keeping a role's S3 grants within this budget, in
 * statements of at most {@link STATEMENT_BUDGET}, leaves the split room to stay within the quotas
 * with the role's other statements, at any pipeline size.
 */
export const PRINCIPAL_S3_BUDGET = 24_000;
/** Largest S3 statement: small enough that two always fit one 6,144-character managed policy. */
export const STATEMENT_BUDGET = 2_900;
/** aws-cdk-lib's size estimate of a token ARN (context `@aws-cdk/aws-iam.arnSizeEstimate`). */
const DEFAULT_ARN_ESTIMATE = 150;

type Access = 'read' | 'readWrite';
const ACTIONS: Record<Access, string[]> = {
  read: ['s3:GetObject'],
  readWrite: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
};

/** The key prefixes one principal is granted in one bucket. */
interface BucketGrants {
  readonly bucket: string;
  readonly read: string[];
  readonly readWrite: string[];
  /** Every prefix granted, in the order of the grants (the order of the list condition). */
  readonly order: string[];
  /** The members of `read`, `readWrite` and `order`, so that each grant checks them in constant time. */
  readonly seen: Record<Access | 'order', Set<string>>;
  /** `s3:ListBucket` on the whole bucket, once a grant covers the whole bucket. */
  listAll?: iam.PolicyStatement;
  /** `s3:ListBucket` limited to prefixes, created at the first such grant so statements keep their order. */
  list?: iam.PolicyStatement;
  /** The `s3:prefix` values of `list`'s condition (filled when the grants are rendered). */
  listPrefixes?: string[];
}

/**
 * The S3 grants of one principal. Statements are created at the first grant (so that they keep
 * their place among the principal's statements) and filled in once, just before aws-cdk-lib
 * splits the role's policy: then every prefix is known, and prefixes of a bucket that would push
 * the role past its budget are widened to their common prefix.
 */
interface PrincipalGrants {
  readonly principal: iam.IPrincipal;
  readonly scope: Stack;
  readonly objects: Map<Access, iam.PolicyStatement>;
  readonly buckets: Map<string, BucketGrants>;
  rendered: boolean;
}

const GRANTS = new WeakMap<iam.IPrincipal, PrincipalGrants>();

/**
 * Grant `grantee` read (and with `readWrite`, also write) access to the objects under an S3 URI,
 * and `s3:ListBucket` on its bucket limited to the key prefix. Grants to one principal share one
 * statement per access kind and one list statement per bucket, and stay within
 * {@link PRINCIPAL_S3_BUDGET}: when they would not, the prefixes of the largest bucket are widened to
 * their common prefix (down to the whole bucket), with a warning on the principal naming the
 * bucket and the widened prefix. Nothing is granted when the bucket is only known at run time.
 */
export function grantS3Uri(grantee: iam.IGrantable, scope: Stack, uri: string, access: Access): boolean {
  const location = staticS3Location(uri);
  if (location === undefined) {
    return false;
  }
  const principal = grantee.grantPrincipal;
  // The principal is the library's from its first grant; its object ARNs are noted as they are rendered.
  noteLibraryPrincipal(grantee);
  let grants = GRANTS.get(principal);
  if (grants === undefined) {
    grants = { principal, scope, objects: new Map(), buckets: new Map(), rendered: false };
    GRANTS.set(principal, grants);
    const owner = grants;
    if (Construct.isConstruct(principal)) {
      // Before aws-cdk-lib's policy split (an aspect of the role, at priority MUTATING or DEFAULT).
      Aspects.of(principal).add({ visit: (node) => node === principal && render(owner) }, { priority: AspectPriority.MUTATING - 100 });
    }
  }
  if (!grants.objects.has(access)) {
    const statement = new iam.PolicyStatement({ actions: ACTIONS[access] });
    principal.addToPrincipalPolicy(statement);
    grants.objects.set(access, statement);
  }
  let bucket = grants.buckets.get(location.bucket);
  if (bucket === undefined) {
    bucket = { bucket: location.bucket, read: [], readWrite: [], order: [], seen: { read: new Set(), readWrite: new Set(), order: new Set() } };
    grants.buckets.set(location.bucket, bucket);
  }
  if (location.keyPrefix === '' && bucket.listAll === undefined) {
    bucket.listAll = new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucketArn(scope, location.bucket)] });
    principal.addToPrincipalPolicy(bucket.listAll);
  } else if (location.keyPrefix !== '' && bucket.list === undefined) {
    const listPrefixes: string[] = [];
    bucket.list = new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucketArn(scope, location.bucket)],
      // The condition keeps a reference to `listPrefixes`, filled when the grants are rendered.
      conditions: { StringLike: { 's3:prefix': listPrefixes } },
    });
    bucket.listPrefixes = listPrefixes;
    principal.addToPrincipalPolicy(bucket.list);
  }
  if (!bucket.seen[access].has(location.keyPrefix)) {
    bucket.seen[access].add(location.keyPrefix);
    bucket[access].push(location.keyPrefix);
  }
  if (!bucket.seen.order.has(location.keyPrefix)) {
    bucket.seen.order.add(location.keyPrefix);
    bucket.order.push(location.keyPrefix);
  }
  if (grants.rendered || !Construct.isConstruct(principal)) {
    // A principal that is no construct has no aspect: render (without budget) as grants come.
    renderStatements(grants, false);
  }
  return true;
}

function bucketArn(scope: Stack, bucket: string): string {
  return `arn:${partitionOf(scope)}:s3:::${bucket}`;
}

function objectsArn(scope: Stack, bucket: string, keyPrefix: string): string {
  return `${bucketArn(scope, bucket)}/${keyPrefix}*`;
}

/** Renders the grants of a principal once, within its budget. */
function render(grants: PrincipalGrants): void {
  if (grants.rendered) {
    return;
  }
  grants.rendered = true;
  renderStatements(grants, true);
}

/** The prefixes of `list` (in order, once each) that no other prefix of `list` already covers. */
export function uncovered(list: string[]): string[] {
  const distinct = [...new Set(list)];
  // In sorted order, a prefix covered by another comes after it with only prefixes it covers between
  // them, so comparing each prefix with the last one kept finds every covered prefix (n log n, not n²).
  const covered = new Set<string>();
  let kept: string | undefined;
  for (const prefix of [...distinct].sort()) {
    if (kept !== undefined && prefix.startsWith(kept)) {
      covered.add(prefix);
    } else {
      kept = prefix;
    }
  }
  return distinct.filter((prefix) => !covered.has(prefix));
}

function commonPrefix(prefixes: string[]): string {
  let common = prefixes[0] ?? '';
  for (const prefix of prefixes) {
    let i = 0;
    while (i < common.length && i < prefix.length && common[i] === prefix[i]) {
      i++;
    }
    common = common.slice(0, i);
  }
  // Never cut inside a token: widen to the text before it.
  const token = common.lastIndexOf('${Token[');
  if (token >= 0 && !common.slice(token).includes(']}')) {
    common = common.slice(0, token);
  }
  return common;
}

/** The size aws-cdk-lib estimates for one resource or condition value. */
function estimate(value: string, arnEstimate: number): number {
  return (Token.isUnresolved(value) ? Math.max(arnEstimate, value.replace(/\$\{Token\[[^\]]*\]\}/g, 'x'.repeat(64)).length) : value.length) + 3;
}

/**
 * Fills the principal's S3 statements from its grants. With `budget`, widens the prefixes of the
 * bucket that takes the most room to their common prefix until the whole fits the budget, and
 * splits resource lists into statements of at most {@link STATEMENT_BUDGET}.
 */
function renderStatements(grants: PrincipalGrants, budget: boolean): void {
  const scope = grants.scope;
  const arnEstimate = Number(scope.node.tryGetContext('@aws-cdk/aws-iam.arnSizeEstimate') ?? DEFAULT_ARN_ESTIMATE);
  // Effective prefixes per bucket and access: read prefixes that a read-write prefix covers go.
  const effective = new Map<string, Record<Access, string[]>>();
  for (const [name, bucket] of grants.buckets) {
    effective.set(name, { readWrite: uncovered(bucket.readWrite), read: uncovered(bucket.read) });
  }
  // The size of a bucket's grants, computed once per bucket and again only after its prefixes are widened.
  const sizes = new Map<string, number>();
  const sizeOf = (name: string): number => {
    let size = sizes.get(name);
    if (size === undefined) {
      const e = effective.get(name)!;
      const prefixes = [...e.read, ...e.readWrite];
      const objects = prefixes.reduce((n, p) => n + estimate(objectsArn(scope, name, p), arnEstimate), 0);
      const list = prefixes.includes('') ? 0 : prefixes.reduce((n, p) => n + estimate(`${p}*`, arnEstimate), 0);
      size = objects + list + 120;
      sizes.set(name, size);
    }
    return size;
  };
  if (budget) {
    const widened = new Set<string>();
    let total = [...effective.keys()].reduce((n, name) => n + sizeOf(name), 0);
    while (total > PRINCIPAL_S3_BUDGET) {
      const candidates = [...effective.keys()].filter((name) => !widened.has(name));
      if (candidates.length === 0) {
        break;
      }
      const name = candidates.reduce((a, b) => (sizeOf(b) > sizeOf(a) ? b : a));
      widened.add(name);
      const e = effective.get(name)!;
      const before = sizeOf(name);
      const readWrite = e.readWrite.length > 1 ? [commonPrefix(e.readWrite)] : e.readWrite;
      const read = e.read.length > 1 ? [commonPrefix(e.read)] : e.read;
      effective.set(name, { readWrite, read });
      sizes.delete(name);
      total += sizeOf(name) - before;
      const what = [
        ...(e.readWrite.length > 1 ? [`${e.readWrite.length} read-write prefixes to '${readWrite[0]}*'`] : []),
        ...(e.read.length > 1 ? [`${e.read.length} read prefixes to '${read[0]}*'`] : []),
      ].join(' and ');
      const roleName = Construct.isConstruct(grants.principal) ? grants.principal.node.path : String(grants.principal);
      const bucketName = readable(scope, name);
      Annotations.of(Construct.isConstruct(grants.principal) ? grants.principal : scope).addWarningV2('cdk-sagemaker-pipelines:s3GrantsWidened',
        `the S3 grants of role ${roleName} would exceed IAM's policy size quotas (${PRINCIPAL_S3_BUDGET.toLocaleString('en-US')} characters budgeted for S3 per role), so in bucket ${bucketName} the role is granted ${what || 'its prefixes together'}: s3://${bucketName}/${readWrite[0] ?? read[0] ?? ''}*. To keep grants narrow, write step outputs under fewer shared prefixes (e.g. s3://bucket/<pipeline>/<step>/...), give steps their own roles, or acknowledge this warning.`);
    }
  }

  // Objects: one statement per access kind, split into parts of at most STATEMENT_BUDGET.
  for (const access of ['read', 'readWrite'] as const) {
    const statement = grants.objects.get(access);
    if (statement === undefined) {
      continue;
    }
    const arns = [...effective.entries()].flatMap(([name, e]) => e[access].map((p) => objectsArn(scope, name, p)));
    // The library's own grants (widened ones included) carry cdk-nag suppressions (private/nag.ts).
    arns.forEach((arn) => noteLibraryS3Grant(grants.principal, arn));
    const chunks = budget ? chunk(arns, arnEstimate) : [arns];
    const existing = new Set(statement.resources);
    const first = chunks[0] ?? [];
    statement.addResources(...first.filter((arn) => !existing.has(arn)));
    for (const part of chunks.slice(1)) {
      grants.principal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ACTIONS[access], resources: part }));
    }
  }
  // Lists: one statement per bucket limited to its prefixes, or without condition for the whole bucket.
  for (const [name, bucket] of grants.buckets) {
    const e = effective.get(name)!;
    const kept = new Set([...e.readWrite, ...e.read]);
    // In the order of the grants; prefixes that widening introduced come last.
    const prefixes = [...bucket.order.filter((p) => kept.has(p)), ...[...kept].filter((p) => !bucket.seen.order.has(p))];
    if (kept.has('') && bucket.listAll === undefined) {
      bucket.listAll = new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucketArn(scope, name)] });
      grants.principal.addToPrincipalPolicy(bucket.listAll);
    }
    const target = bucket.listPrefixes;
    if (target === undefined || bucket.list === undefined) {
      continue;
    }
    const limited = prefixes.filter((p) => p !== '').map((p) => `${p}*`);
    if (limited.length === 0) {
      // Widened to the whole bucket: the limited statement keeps one prefix (covered by the whole-bucket one).
      target.splice(0, target.length, `${bucket.order.find((p) => p !== '')}*`);
      continue;
    }
    const chunks = budget ? chunk(limited, arnEstimate) : [limited];
    target.splice(0, target.length, ...chunks[0]);
    for (const part of chunks.slice(1)) {
      grants.principal.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucketArn(scope, name)],
        conditions: { StringLike: { 's3:prefix': part } },
      }));
    }
  }
}

/** A bucket name for messages: literal, or its CloudFormation reference (`${Ref:DataBucket1234}`). */
function readable(scope: Stack, bucket: string): string {
  if (!Token.isUnresolved(bucket)) {
    return bucket;
  }
  const resolved = scope.resolve(bucket) as unknown;
  if (typeof resolved === 'object' && resolved !== null && typeof (resolved as { Ref?: unknown }).Ref === 'string') {
    return `\${Ref:${(resolved as { Ref: string }).Ref}}`;
  }
  return `\${CFN:${JSON.stringify(resolved)}}`;
}

/** Splits values into lists whose estimated size stays within STATEMENT_BUDGET. */
function chunk(values: string[], arnEstimate: number): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const value of values) {
    const n = estimate(value, arnEstimate);
    if (current.length > 0 && size + n > STATEMENT_BUDGET - 200) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(value);
    size += n;
  }
  if (current.length > 0) {
    chunks.push(current);
  }
  return chunks;
}
