import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, StackProps, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { assertValidDefinition, definitionBodyText } from '../lib';
import { assertReferenceMatches } from './iam/reference';

export { cloudFormationPlaceholder as placeholder, definitionBodyText as bodyText } from '../lib';

/** A fresh app and stack in a fixed region, as every test uses. */
export function newStack(props: StackProps = { env: { account: '123456789012', region: 'us-east-1' } }): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, 'Stack', props);
  return { app, stack };
}

/**
 * The resolved definition of the stack's pipeline (the only one, or the one with `logicalIdPrefix`),
 * with CloudFormation values as readable placeholders. Synthesizes the stack (running every
 * validation), checks the definition with the project's validator, and checks every IAM statement
 * of the template against the AWS service authorization reference (test/iam/reference.ts).
 */
export function definitionOf(stack: Stack, logicalIdPrefix?: string): Record<string, any> {
  const template = Template.fromStack(stack).toJSON();
  writeForLint(stack, template);
  assertReferenceMatches(template, `stack ${stack.node.path}`, Token.isUnresolved(stack.region) ? undefined : stack.region);
  const pipelines = Object.entries(template.Resources as Record<string, any>)
    .filter(([id, r]) => r.Type === 'AWS::SageMaker::Pipeline' && (logicalIdPrefix === undefined || id.startsWith(logicalIdPrefix)));
  if (pipelines.length !== 1) {
    throw new Error(`expected one AWS::SageMaker::Pipeline${logicalIdPrefix ? ` starting with ${logicalIdPrefix}` : ''}, found ${pipelines.length}`);
  }
  const body = pipelines[0][1].Properties.PipelineDefinition.PipelineDefinitionBody;
  const definition = JSON.parse(definitionBodyText(body));
  assertValidDefinition(definition);
  return definition;
}

/** The step of the definition named `name` (top level or nested in condition branches). */
export function stepOf(definition: Record<string, any>, name: string): Record<string, any> {
  const visit = (steps: any[]): any => {
    for (const step of steps) {
      if (step.Name === name) {
        return step;
      }
      if (step.Type === 'Condition') {
        const found = visit([...(step.Arguments.IfSteps ?? []), ...(step.Arguments.ElseSteps ?? [])]);
        if (found) {
          return found;
        }
      }
    }
    return undefined;
  };
  const step = visit(definition.Steps);
  if (!step) {
    throw new Error(`no step ${name} in ${definition.Steps.map((s: any) => s.Name).join(', ')}`);
  }
  return step;
}

/** The messages of a failed synth's validation errors, one per problem. */
export function synthErrors(stack: Stack): string[] {
  try {
    Template.fromStack(stack);
  } catch (e) {
    const message = (e as Error).message;
    return message.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('['));
  }
  return [];
}

let written = 0;

/**
 * With `CFN_LINT_OUT=<dir>` set, every template a test synthesizes through `definitionOf` is also
 * written there, so that CI can run cfn-lint over them (the "every option" tests: see .ci/run).
 */
function writeForLint(stack: Stack, template: Record<string, unknown>): void {
  const dir = process.env.CFN_LINT_OUT;
  if (!dir) {
    return;
  }
  fs.mkdirSync(dir, { recursive: true });
  const name = `${stack.stackName}-${process.pid}-${process.hrtime.bigint()}-${++written}.template.json`;
  fs.writeFileSync(path.join(dir, name), JSON.stringify(template, undefined, 1));
}
