import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Returns a function that acknowledges cdk-nag AwsSolutions findings on the construct at
 * `constructPath` (relative to `stack`), each with its reason. `npm run synth:examples` fails on any
 * finding that is not acknowledged; a path that no longer exists throws, so the lists stay current.
 * An id naming `<AWS::Partition>` also covers the same ARN with the literal partition `aws`.
 */
export function acknowledger(stack: Stack): (constructPath: string, reason: string, ...ids: string[]) => void {
  return (constructPath, reason, ...ids) => {
    const scope = constructPath.split('/').reduce<IConstruct>((c, id) => c.node.findChild(id), stack);
    // With the recommended feature flag @aws-cdk/core:enablePartitionLiterals (cdk.json), ARNs in a
    // stack of a known region name the partition ('aws') instead of <AWS::Partition>: acknowledge either.
    const withPartitions = ids.flatMap((id) => (id.includes('<AWS::Partition>') ? [id, id.replace(/<AWS::Partition>/g, 'aws')] : [id]));
    Validations.of(scope).acknowledge(...withPartitions.map((id) => ({ id, reason })));
  };
}

/**
 * Why the examples' own data buckets log no server access: a production app sends them to the
 * access-log bucket of its account (`serverAccessLogsBucket`), which an example cannot know.
 */
export const EXAMPLE_DATA_BUCKET = 'example data bucket: a production app sends its server access logs to the central access-log bucket of its account (serverAccessLogsBucket), which an example cannot know';

/** The read action group of aws-cdk-lib's Bucket.grantRead, as cdk-nag names its findings. */
const READ_ACTIONS = ['AwsSolutions-IAM5[Action::s3:GetObject*]', 'AwsSolutions-IAM5[Action::s3:GetBucket*]', 'AwsSolutions-IAM5[Action::s3:List*]'];
/** What Bucket.grantReadWrite adds to the read group. */
const WRITE_ACTIONS = ['AwsSolutions-IAM5[Action::s3:DeleteObject*]', 'AwsSolutions-IAM5[Action::s3:Abort*]'];

/**
 * Acknowledges, on the role at `rolePath`, the action-group findings of the example's own
 * `bucket.grantRead` (`access: 'read'`) or `grantReadWrite` (`'readWrite'`) on its data prefixes.
 */
export function acknowledgeBucketGrants(acknowledge: ReturnType<typeof acknowledger>, rolePath: string, access: 'read' | 'readWrite'): void {
  acknowledge(rolePath, 'the example\'s own bucket.grantRead / grantReadWrite on its data prefixes grants the read action group of CDK (s3:GetObject*, s3:GetBucket*, s3:List*)', ...READ_ACTIONS);
  if (access === 'readWrite') {
    acknowledge(rolePath, 'the example\'s own bucket.grantReadWrite grants the write action groups of CDK (s3:DeleteObject*, s3:Abort*, ...) on objects of its data prefixes, named at run time', ...WRITE_ACTIONS);
  }
}

/** Acknowledges AwsSolutions-S1 on the example's data bucket (at `path`), and returns `stack`. */
export function acknowledgeDataBucket<T extends Stack>(stack: T, path: string = 'Data'): T {
  acknowledger(stack)(path, EXAMPLE_DATA_BUCKET, 'AwsSolutions-S1');
  return stack;
}
