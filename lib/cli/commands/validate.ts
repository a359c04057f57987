import * as path from 'path';
import { Command } from 'commander';
import { loadDefinition } from '../../definition-document';
import { validateDefinition } from '../../validator/validate-definition';
import { CliContext } from '../context';

/**
 * `validate <cdk.out folder | template.json | definition.json> [--pipeline ID]`: checks a definition
 * with the library's validator (the same checks every synth runs); exits 0 when valid, 1 with one line
 * per problem otherwise.
 */
export function registerValidate(program: Command, context: CliContext): void {
  program.command('validate')
    .description('check a pipeline definition (cdk.out folder, template or definition JSON) against the service\'s rules; exit 1 when invalid')
    .argument('<source>', 'cdk.out folder, *.template.json or definition JSON file')
    .option('--pipeline <id>', 'logical id or name of the pipeline when the source holds several')
    .action((source: string, options: { pipeline?: string }) => {
      const loaded = loadDefinition(path.resolve(context.cwd, source), { pipeline: options.pipeline });
      const problems = validateDefinition(loaded.definition);
      const label = loaded.pipelineName ?? path.basename(loaded.file);
      if (problems.length === 0) {
        context.stdout.write(`${label}: valid (${(loaded.definition.Steps as unknown[]).length} top-level steps)\n`);
        return;
      }
      for (const p of problems) {
        context.stdout.write(`${p.path === '' ? '(definition)' : p.path}${p.stepName !== undefined ? ` [step ${p.stepName}]` : ''}: ${p.message}\n`);
      }
      context.stdout.write(`${label}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
      context.exitCode = 1;
    });
}
