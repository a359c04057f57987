import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Returns a function that acknowledges cdk-nag AwsSolutions findings on the construct at
 * `constructPath` (relative to `stack`), each with its reason. `npm run synth:examples` fails on any
 * finding that is not acknowledged; a path that no longer exists throws, so the lists stay current.
 */
export function acknowledger(stack: Stack): (constructPath: string, reason: string, ...ids: string[]) => void {
  return (constructPath, reason, ...ids) => {
    const scope = constructPath.split('/').reduce<IConstruct>((c, id) => c.node.findChild(id), stack);
    Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
  };
}

/**
 * Why the examples' own data buckets log no server access: a production app sends them to the
 * access-log bucket of its account (`serverAccessLogsBucket`), which an example cannot know.
 */
export const EXAMPLE_DATA_BUCKET = 'example data bucket: a production app sends its server access logs to the central access-log bucket of its account (serverAccessLogsBucket), which an example cannot know';
