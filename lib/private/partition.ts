import { Stack } from 'aws-cdk-lib';

const PARTITIONS = new WeakMap<Stack, string>();

/**
 * `stack.partition`, read once per stack: the getter looks up a feature flag in the construct
 * tree's context on every read, and the library formats an ARN with it for every grant. The value
 * cannot change once read: it depends on the stack's region (fixed at construction) and on context,
 * which constructs refuses to change once a scope has children (the stack has some by the time a
 * step or grant asks).
 */
export function partitionOf(stack: Stack): string {
  let partition = PARTITIONS.get(stack);
  if (partition === undefined) {
    partition = stack.partition;
    PARTITIONS.set(stack, partition);
  }
  return partition;
}
