import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { loadDefinition } from '../../definition-document';
import { importDefinition } from '../../import/import-definition';
import { CliContext, CliError } from '../context';

/**
 * `import <cdk.out folder | template.json | definition.json> [--out app.ts]`: generates a TypeScript
 * CDK app that defines the pipeline with this library's constructs. Prints the code (or writes it to
 * `--out`), and lists on stderr everything the app does not reproduce, with its JSON path; exits 1 when
 * there is any such part (the code is still written), 0 otherwise.
 */
export function registerImport(program: Command, context: CliContext): void {
  program.command('import')
    .description('generate a TypeScript CDK app (App, Stack, Pipeline and its step constructs) from a pipeline definition; exit 1 when a part could not be converted')
    .argument('<source>', 'definition JSON (SageMaker SDK pipeline.definition(), DescribePipeline), *.template.json or cdk.out folder')
    .option('--out <file>', 'write the app to this file instead of stdout')
    .option('--pipeline <id>', 'logical id or name of the pipeline when the source holds several')
    .option('--pipeline-name <name>', 'pipelineName of the generated Pipeline (default: the template\'s, else generated)')
    .option('--stack-id <id>', 'construct id of the generated stack', 'ImportedPipeline')
    .option('--force', 'overwrite --out when it exists')
    .action((source: string, options: { out?: string; pipeline?: string; pipelineName?: string; stackId: string; force?: boolean }) => {
      const loaded = loadDefinition(path.resolve(context.cwd, source), { pipeline: options.pipeline });
      if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(options.stackId)) {
        throw new CliError(`--stack-id '${options.stackId}' is not a valid stack id; use letters, digits and hyphens, starting with a letter (e.g. --stack-id AbalonePipeline).`);
      }
      const templateName = loaded.pipelineName !== undefined && !loaded.pipelineName.includes('${') ? loaded.pipelineName : undefined;
      const out = options.out === undefined ? undefined : path.resolve(context.cwd, options.out);
      if (out !== undefined && fs.existsSync(out) && !options.force) {
        throw new CliError(`--out ${options.out} exists; pass --force to overwrite it, or choose another file.`);
      }
      const result = importDefinition(loaded.definition, {
        source: path.relative(context.cwd, loaded.file) || loaded.file,
        stackId: options.stackId,
        pipelineName: options.pipelineName ?? templateName,
        maxParallelExecutionSteps: loaded.maxParallelExecutionSteps,
      });
      if (out !== undefined) {
        fs.mkdirSync(path.dirname(out), { recursive: true });
        fs.writeFileSync(out, result.code);
        context.stdout.write(`wrote ${options.out} (${(loaded.definition.Steps as unknown[]).length} top-level steps); run it with: npx cdk synth --app "npx ts-node ${options.out}"\n`);
      } else {
        context.stdout.write(result.code);
      }
      const report = out !== undefined ? context.stdout : context.stderr;
      for (const note of result.notes) {
        report.write(`note: ${note.path}: ${note.message}\n`);
      }
      for (const problem of result.problems) {
        report.write(`not converted: ${problem.path}: ${problem.message}\n`);
      }
      if (result.problems.length > 0) {
        report.write(`${result.problems.length} part${result.problems.length === 1 ? '' : 's'} of the definition not converted (listed above and at the top of the generated file)\n`);
        context.exitCode = 1;
      }
    });
}
