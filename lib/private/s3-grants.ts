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
 * Grant `grantee` read (and with `write`, also write) access to the objects under an S3 URI.
 * Nothing is granted when the bucket is only known at run time.
 */
export function grantS3Uri(grantee: iam.IGrantable, scope: Stack, uri: string, access: 'read' | 'readWrite'): boolean {
  const location = staticS3Location(uri);
  if (location === undefined) {
    return false;
  }
  const partition = scope.partition;
  const objects = `arn:${partition}:s3:::${location.bucket}/${location.keyPrefix}*`;
  const actions = access === 'read' ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'];
  iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [objects] });
  const listPrefix = location.keyPrefix === '' ? undefined : `${location.keyPrefix}*`;
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:ListBucket'],
    resources: [`arn:${partition}:s3:::${location.bucket}`],
    conditions: listPrefix ? { StringLike: { 's3:prefix': [listPrefix] } } : undefined,
  }));
  return true;
}
