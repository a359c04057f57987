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
