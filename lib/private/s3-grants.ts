import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { expressionOf } from './expression';
import { containsTokens, splitTokens } from './renderer';

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
  if (expressionOf(uri) !== undefined) {
    return undefined;
  }
  let fixed = '';
  let cut = false;
  if (containsTokens(uri)) {
    for (const part of splitTokens(uri)) {
      if (typeof part === 'string') {
        fixed += part;
      } else if (expressionOf(Token.asString(part)) !== undefined) {
        cut = true;
        break;
      } else {
        fixed += Token.asString(part);
      }
    }
  } else {
    fixed = uri;
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
 * The S3 statements already added for a principal, so that further grants extend them instead of
 * adding two statements per location: a pipeline of hundreds of steps would otherwise overflow the
 * role's policy into more managed policies than IAM allows a role.
 */
interface S3Statements {
  readonly objects: Map<string, { statement: iam.PolicyStatement; resources: Set<string> }>;
  readonly lists: Map<string, { statement: iam.PolicyStatement; prefixes: string[]; seen: Set<string> }>;
}

const STATEMENTS = new WeakMap<iam.IPrincipal, S3Statements>();

/**
 * Grant `grantee` read (and with `readWrite`, also write) access to the objects under an S3 URI,
 * and `s3:ListBucket` on its bucket limited to the key prefix. Grants to one principal share one
 * statement per access kind and one list statement per bucket. Nothing is granted when the bucket is
 * only known at run time.
 */
export function grantS3Uri(grantee: iam.IGrantable, scope: Stack, uri: string, access: 'read' | 'readWrite'): boolean {
  const location = staticS3Location(uri);
  if (location === undefined) {
    return false;
  }
  const principal = grantee.grantPrincipal;
  let statements = STATEMENTS.get(principal);
  if (statements === undefined) {
    statements = { objects: new Map(), lists: new Map() };
    STATEMENTS.set(principal, statements);
  }
  const partition = scope.partition;

  const objects = `arn:${partition}:s3:::${location.bucket}/${location.keyPrefix}*`;
  const existing = statements.objects.get(access);
  if (existing === undefined) {
    const actions = access === 'read' ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'];
    const statement = new iam.PolicyStatement({ actions, resources: [objects] });
    principal.addToPrincipalPolicy(statement);
    statements.objects.set(access, { statement, resources: new Set([objects]) });
  } else if (!existing.resources.has(objects)) {
    existing.resources.add(objects);
    existing.statement.addResources(objects);
  }

  const bucketArn = `arn:${partition}:s3:::${location.bucket}`;
  const listKey = location.keyPrefix === '' ? `all:${bucketArn}` : `prefix:${bucketArn}`;
  const list = statements.lists.get(listKey);
  if (location.keyPrefix === '') {
    if (list === undefined) {
      const statement = new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucketArn] });
      principal.addToPrincipalPolicy(statement);
      statements.lists.set(listKey, { statement, prefixes: [], seen: new Set() });
    }
  } else if (list === undefined) {
    // The condition keeps a reference to `prefixes`, so later grants only add to the list.
    const prefixes = [`${location.keyPrefix}*`];
    const statement = new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucketArn],
      conditions: { StringLike: { 's3:prefix': prefixes } },
    });
    principal.addToPrincipalPolicy(statement);
    statements.lists.set(listKey, { statement, prefixes, seen: new Set(prefixes) });
  } else {
    // A set beside the list: a pipeline of hundreds of steps adds hundreds of prefixes.
    const prefix = `${location.keyPrefix}*`;
    if (!list.seen.has(prefix)) {
      list.seen.add(prefix);
      list.prefixes.push(prefix);
    }
  }
  return true;
}
