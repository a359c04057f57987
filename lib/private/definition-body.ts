import { Stack } from 'aws-cdk-lib';

/**
 * The `PipelineDefinitionBody` string for a rendered definition: JSON text in which CloudFormation
 * values (role ARNs, bucket names) are spliced in as intrinsics (an `Fn::Join`).
 */
export function renderDefinitionBody(stack: Stack, definition: Record<string, unknown>): string {
  return stack.toJsonString(definition);
}
