import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { loadDefinition } from '../../definition-document';
import { PipelineGraph } from '../../pipeline-graph';
import { CliContext, CliError } from '../context';

const FORMATS = ['mermaid', 'dot', 'svg'];

/** How to get Graphviz, for the error when `dot` is missing. */
export const GRAPHVIZ_HINT = 'Install Graphviz (Debian/Ubuntu: sudo apt-get install graphviz; Fedora: sudo dnf install graphviz; macOS: brew install graphviz; Windows: winget install graphviz), or use --format dot or --format mermaid and render elsewhere.';

/** Renders DOT text to SVG with Graphviz's `dot` (a CliError with an install hint when it is missing). */
export function renderSvg(dot: string, env: NodeJS.ProcessEnv): string {
  const result = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  if (result.error !== undefined) {
    if ((result.error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CliError(`--format svg needs Graphviz's dot command, which is not on the PATH. ${GRAPHVIZ_HINT}`);
    }
    throw new CliError(`running Graphviz's dot failed: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new CliError(`Graphviz's dot exited with ${result.status}: ${result.stderr.trim().split('\n')[0]}`);
  }
  return result.stdout;
}

/**
 * `graph <cdk.out | template | definition> [--pipeline ID] [--format mermaid|dot|svg] [--out FILE]`:
 * the step graph as Mermaid, Graphviz DOT or (through Graphviz) SVG; steps with no edge and unread
 * Lambda / Callback outputs are marked in the picture and listed on stderr.
 */
export function registerGraph(program: Command, context: CliContext): void {
  program.command('graph')
    .description('draw the step graph of a pipeline definition as Mermaid (default), Graphviz DOT or SVG (through Graphviz)')
    .argument('<source>', 'cdk.out folder, *.template.json or definition JSON file')
    .option('--pipeline <id>', 'logical id or name of the pipeline when the source holds several')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'mermaid')
    .option('--out <file>', 'write to this file instead of stdout')
    .action((source: string, options: { pipeline?: string; format: string; out?: string }) => {
      if (!FORMATS.includes(options.format)) {
        throw new CliError(`--format '${options.format}': expected one of ${FORMATS.join(', ')}.`);
      }
      const loaded = loadDefinition(path.resolve(context.cwd, source), { pipeline: options.pipeline });
      const graph = PipelineGraph.fromDefinition(loaded.definition);
      const text = options.format === 'mermaid' ? graph.toMermaid()
        : options.format === 'dot' ? graph.toDot()
          : renderSvg(graph.toDot(), context.env);
      for (const finding of graph.findings()) {
        context.stderr.write(`warning: ${finding.message}\n`);
      }
      if (options.out !== undefined) {
        const out = path.resolve(context.cwd, options.out);
        fs.writeFileSync(out, text);
        context.stderr.write(`wrote ${options.format} of ${graph.steps.length} steps to ${options.out}\n`);
      } else {
        context.stdout.write(text);
      }
    });
}
