import * as path from 'path';
import { Command } from 'commander';
import { loadDefinition } from '../../definition-document';
import { AwsOptions, sagemakerClient, withAwsOptions } from '../aws';
import { CliContext, CliError } from '../context';
import { diffDefinitions, formatDiff, isEmptyDiff } from '../definition-diff';
import { describeDeployed } from './start';

type DiffOptions = AwsOptions & { deployed?: string; pipeline?: string; json?: boolean };

/**
 * `diff <old> <new>` or `diff --deployed <pipeline> <new>`: compares two definitions step by step;
 * exits 0 when they are equal, 1 when they differ.
 */
export function registerDiff(program: Command, context: CliContext): void {
  withAwsOptions(program.command('diff')
    .description('compare two pipeline definitions step by step (steps, changed arguments, parameters, edges, cache misses); exit 0 when equal, 1 when different')
    .argument('[old]', 'cdk.out folder, *.template.json or definition JSON file (left out with --deployed)')
    .argument('[new]', 'cdk.out folder, *.template.json or definition JSON file')
    .option('--deployed <pipeline>', 'compare with the definition SageMaker has for this pipeline name or ARN (DescribePipeline)')
    .option('--pipeline <id>', 'logical id or name of the pipeline when a template or cdk.out folder holds several')
    .option('--json', 'print the differences as JSON'))
    .action(async (oldSource: string | undefined, newSource: string | undefined, options: DiffOptions) => {
      const load = (source: string): Record<string, unknown> =>
        loadDefinition(path.resolve(context.cwd, source), { pipeline: options.pipeline }).definition;
      let before: Record<string, unknown>;
      let after: Record<string, unknown>;
      if (options.deployed !== undefined) {
        if (oldSource === undefined || newSource !== undefined) {
          throw new CliError('diff --deployed <pipeline> takes one source to compare with the deployed definition, e.g. diff --deployed my-pipeline cdk.out.');
        }
        const client = sagemakerClient(context, options, options.deployed);
        after = load(oldSource);
        before = (await describeDeployed(client, options.deployed)).definition;
      } else {
        if (oldSource === undefined || newSource === undefined) {
          throw new CliError('diff needs two sources (diff <old> <new>), or one and --deployed <pipeline>.');
        }
        before = load(oldSource);
        after = load(newSource);
      }
      const diff = diffDefinitions(before, after);
      const equal = isEmptyDiff(diff);
      if (options.json) {
        context.stdout.write(`${JSON.stringify({ equal, ...diff }, undefined, 2)}\n`);
      } else {
        context.stdout.write(equal ? 'definitions are equal\n' : formatDiff(diff));
      }
      context.exitCode = equal ? 0 : 1;
    });
}
