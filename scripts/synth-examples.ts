/**
 * Synthesizes every example app (`examples/<name>/app.ts`, which exports `createApp(app)`) into
 * `cdk.out/examples/<name>/`, checks each pipeline definition in the result with the project's
 * validator, and checks every example with cdk-nag's AwsSolutions pack.
 *
 * Usage: `npm run synth:examples`, or `npx ts-node --prefer-ts-exts scripts/synth-examples.ts [--nag | --no-nag] [<name> ...]`.
 *
 * The cdk-nag pass is on by default (`--nag` says so explicitly, `--no-nag` or `CDK_NAG=0` skips it).
 * Every finding, error or warning, that is not acknowledged in code with
 * `Validations.of(construct).acknowledge({ id, reason })` is printed with its construct path and
 * makes the script exit non-zero. Acknowledged findings are listed with their reasons. See
 * docs/ci-gates.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, PolicyViolation, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { validateDefinition } from '../lib';

const root = path.join(__dirname, '..');
const examplesDir = path.join(root, 'examples');
const args = process.argv.slice(2);
const nag = args.includes('--nag') || (!args.includes('--no-nag') && process.env.CDK_NAG !== '0');
const only = args.filter((a) => !a.startsWith('--'));
const names = fs.readdirSync(examplesDir)
  .filter((name) => fs.existsSync(path.join(examplesDir, name, 'app.ts')))
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();

/** Every acknowledgement recorded under `scope`: construct path, rule id and reason. */
function acknowledgementsUnder(scope: IConstruct): Array<{ path: string; id: string; reason: string }> {
  const found: Array<{ path: string; id: string; reason: string }> = [];
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data) {
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          found.push({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason });
        }
      }
    }
  }
  return found;
}

/** cdk.json's context: aws-cdk-lib's recommended feature flags, as `npx cdk synth` applies them. */
const context = (JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf-8')) as { context?: Record<string, unknown> }).context ?? {};

let failures = 0;
let nagFindings = 0;
for (const name of names) {
  const outdir = path.join(root, 'cdk.out', 'examples', name);
  fs.rmSync(outdir, { recursive: true, force: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const example = require(path.join(examplesDir, name, 'app.ts')) as { createApp?: (app: App) => App };
  if (typeof example.createApp !== 'function') {
    console.error(`examples/${name}/app.ts must export createApp(app: App): App`);
    failures++;
    continue;
  }
  const app = example.createApp(new App({ outdir, context }));
  const assembly = app.synth();
  let pipelines = 0;
  for (const stack of assembly.stacks) {
    type Resource = { Type: string; Properties: { PipelineDefinition: { PipelineDefinitionBody?: unknown } } };
    for (const [id, resource] of Object.entries(stack.template.Resources ?? {}) as Array<[string, Resource]>) {
      if (resource.Type !== 'AWS::SageMaker::Pipeline') {
        continue;
      }
      pipelines++;
      const body = resource.Properties.PipelineDefinition.PipelineDefinitionBody;
      if (body === undefined) {
        continue;
      }
      const text = typeof body === 'string' ? body : (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
        .map((part) => (typeof part === 'string' ? part : '${CFN-VALUE}')).join('');
      const problems = validateDefinition(JSON.parse(text));
      for (const problem of problems) {
        console.error(`examples/${name} ${stack.stackName}/${id}: ${problem.path}: ${problem.message}`);
        failures++;
      }
    }
  }
  let nagSummary = '';
  if (nag) {
    // cdk-nag 3 is a CDK policy-validation plugin. Its `validateScope` walks the (already prepared)
    // construct tree, skips findings acknowledged with `Validations.of(x).acknowledge(...)` on the
    // resource or any ancestor, and returns every other finding, warnings included. Running it here,
    // after synth, instead of registering it with `Validations.of(app).addPlugins(...)` keeps warnings
    // fatal too and lets this script print one line per finding and construct path.
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app);
    const violations: PolicyViolation[] = report.violations;
    for (const violation of violations) {
      for (const resource of violation.violatingResources) {
        console.error(`examples/${name} [${violation.severity}] ${resource.constructPath}: ${violation.ruleName}: ${violation.description}`);
        nagFindings++;
      }
    }
    const acknowledged = acknowledgementsUnder(app).filter((a) => a.id.startsWith('AwsSolutions-'));
    for (const a of acknowledged) {
      console.log(`examples/${name} acknowledged ${a.id} at ${a.path}: ${a.reason}`);
    }
    nagSummary = `, cdk-nag AwsSolutions: ${violations.reduce((n, v) => n + v.violatingResources.length, 0)} unacknowledged, ${acknowledged.length} acknowledged`;
  }
  console.log(`examples/${name}: ${assembly.stacks.length} stack(s), ${pipelines} pipeline(s)${nagSummary} -> ${path.relative(root, outdir)}`);
}
if (nagFindings > 0) {
  console.error(`${nagFindings} unacknowledged cdk-nag finding(s): fix them by configuration, or acknowledge a genuine `
    + 'exception next to the construct with Validations.of(construct).acknowledge({ id, reason }) (see docs/ci-gates.md)');
}
if (failures > 0) {
  console.error(`${failures} problem(s) in the examples`);
}
if (failures > 0 || nagFindings > 0) {
  process.exit(1);
}
