import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Pipeline, validateDefinition } from '../lib';
import { assertReferenceMatches } from './iam/reference';
import { bodyText, definitionOf, placeholder } from './util';

/**
 * Golden definitions: every example app (`examples/<name>/app.ts`, found on disk so that a new
 * example is covered without editing this file) is synthesized, and the resolved definition of each
 * of its pipelines is checked with the project's validator and compared with the snapshot in
 * `__snapshots__/examples.test.ts.snap`. CloudFormation values appear as placeholders
 * (`${GetAtt:PipelineJobRole....Arn}`, `${Ref:Data...}`); asset keys are content hashes, so the
 * snapshots do not depend on the machine. Every IAM statement of every example's templates is checked
 * against the AWS service authorization reference (test/iam/reference.ts). Update them with `npx jest test/examples.test.ts --ci=false -u`
 * and review the diff like code.
 */

const examplesDir = path.join(__dirname, '..', 'examples');
/** The feature flags of cdk.json (aws-cdk-lib's recommended flags), under which `cdk synth` runs the apps. */
const context = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf-8')) as { context: Record<string, unknown> }).context;
const examples = fs.readdirSync(examplesDir)
  .filter((name) => fs.existsSync(path.join(examplesDir, name, 'app.ts')))
  .sort();

/** Replaces CloudFormation intrinsics in a resolved value with the placeholders of `bodyText`. */
function withPlaceholders(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(withPlaceholders);
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    const join = (value as Record<string, unknown>)['Fn::Join'] as [string, unknown[]] | undefined;
    if (join !== undefined && join[0] === '') {
      return join[1].map((part) => (typeof part === 'string' ? part : placeholder(part))).join('');
    }
    return placeholder(value);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withPlaceholders(v)]));
}

describe('examples', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-test-'));
  });
  afterAll(() => {
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  test('every example folder has an app', () => {
    expect(examples.length).toBeGreaterThan(0);
    expect(examples).toContain('abalone');
  });

  test.each(examples)('%s: definitions are valid and match their snapshots', (name) => {
    // GIVEN
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const example = require(path.join(examplesDir, name, 'app.ts')) as { createApp?: (app: App) => App };
    expect(typeof example.createApp).toBe('function');

    // WHEN
    const app = example.createApp!(new App({ outdir: path.join(outdir, name), context }));
    const assembly = app.synth();

    // THEN
    let pipelines = 0;
    for (const stackArtifact of assembly.stacks) {
      const stack = app.node.findAll().find((c): c is Stack => Stack.isStack(c) && c.artifactId === stackArtifact.id)!;
      // Every IAM statement can match per the AWS service authorization reference (test/iam/reference.ts).
      assertReferenceMatches(stackArtifact.template, `examples/${name} ${stackArtifact.stackName}`, stackArtifact.environment.region === 'unknown-region' ? undefined : stackArtifact.environment.region);
      const resources = (stackArtifact.template.Resources ?? {}) as Record<string, { Type: string; Properties: any }>;
      for (const [logicalId, resource] of Object.entries(resources)) {
        if (resource.Type !== 'AWS::SageMaker::Pipeline') {
          continue;
        }
        pipelines++;
        const body = resource.Properties.PipelineDefinition.PipelineDefinitionBody;
        let definition: Record<string, unknown>;
        if (body !== undefined) {
          definition = JSON.parse(bodyText(body));
        } else {
          // PipelineDefinitionS3Location: the template holds no body (the object is written at
          // deploy time), so check what the Pipeline construct renders, resolved the same way.
          const pipeline = stack.node.findAll().find((c): c is Pipeline => Pipeline.isPipeline(c) && stack.getLogicalId(c.cfnPipeline) === logicalId);
          expect(pipeline).toBeDefined();
          definition = withPlaceholders(stack.resolve(pipeline!.renderDefinition())) as Record<string, unknown>;
        }
        expect(validateDefinition(definition)).toEqual([]);
        expect(definition).toMatchSnapshot(`${stackArtifact.stackName}/${logicalId}`);
      }
    }
    expect(pipelines).toBeGreaterThan(0);
  }, 180_000);
});

describe('the seed article\'s pipeline (examples/lambda-connected)', () => {
  test('Lambda outputs feed training, the model is created from its artifact, and every step is connected', () => {
    // GIVEN
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { LambdaConnectedStack } = require(path.join(examplesDir, 'lambda-connected', 'app.ts')) as {
      LambdaConnectedStack: new (scope: App, id: string, props: { env: { region: string } }) => Stack;
    };
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'seed-')), context });
    // WHEN
    const stack = new LambdaConnectedStack(app, 'Seed', { env: { region: 'us-east-1' } });
    // THEN
    const definition = definitionOf(stack);
    const steps = definition.Steps as Array<Record<string, any>>;
    expect(steps.map((s) => s.Name)).toEqual(['Prep', 'Train', 'Model', 'Report']);
    expect(steps[0].FunctionArn).toMatch(/^\$\{GetAtt:Preprocess[0-9A-F]+\.Arn\}$/);
    expect(steps[1].Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toEqual({ Get: "Steps.Prep.OutputParameters['train_path']" });
    expect(steps[2].Arguments.PrimaryContainer.ModelDataUrl).toEqual({ Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' });
    // No step without an edge: each step references another or is referenced by one.
    const text = (s: Record<string, unknown>): string => JSON.stringify(s);
    for (const step of steps) {
      const referencesOther = steps.some((o) => o !== step && text(step).includes(`Steps.${o.Name}.`));
      const referenced = steps.some((o) => o !== step && text(o).includes(`Steps.${step.Name}.`));
      expect({ step: step.Name, connected: referencesOther || referenced }).toEqual({ step: step.Name, connected: true });
    }
  });
});
