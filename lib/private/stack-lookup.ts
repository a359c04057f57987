import { Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

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

/**
 * `Stack.of(construct)`, asked of the construct's scope when the construct is neither a stack nor a
 * stage: `Stack.of` gives the same answer for both then (it walks up the scopes to the first stack),
 * but caches it on every construct it is asked about by defining a property on it, which costs a
 * step more than the rest of its stack lookups. Steps ask this of themselves; their scope (usually
 * the pipeline) has been asked before.
 */
export function stackOf(construct: IConstruct): Stack {
  const scope = construct.node.scope;
  return scope !== undefined && !Stack.isStack(construct) && !Stage.isStage(construct) ? Stack.of(scope) : Stack.of(construct);
}
