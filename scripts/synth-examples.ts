/**
 * Synthesizes every example app (`examples/<name>/app.ts`, which exports `createApp(app)`) into
 * `cdk.out/examples/<name>/`, and checks each pipeline definition in the result with the project's
 * validator. Usage: `npm run synth:examples [-- <name> ...]`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { validateDefinition } from '../lib';

const root = path.join(__dirname, '..');
const examplesDir = path.join(root, 'examples');
const only = process.argv.slice(2);
const names = fs.readdirSync(examplesDir)
  .filter((name) => fs.existsSync(path.join(examplesDir, name, 'app.ts')))
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();

let failures = 0;
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
  const assembly = example.createApp(new App({ outdir })).synth();
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
        .map((part) => (typeof part === 'string' ? part : 'CFN-VALUE')).join('');
      const problems = validateDefinition(JSON.parse(text));
      for (const problem of problems) {
        console.error(`examples/${name} ${stack.stackName}/${id}: ${problem.path}: ${problem.message}`);
        failures++;
      }
    }
  }
  console.log(`examples/${name}: ${assembly.stacks.length} stack(s), ${pipelines} pipeline(s) -> ${path.relative(root, outdir)}`);
}
if (failures > 0) {
  console.error(`${failures} problem(s) in the examples`);
  process.exit(1);
}
