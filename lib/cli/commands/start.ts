import { DescribePipelineCommand, Parameter as SageMakerParameter, SageMakerClient, StartPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { Command } from 'commander';
import { nearestName } from '../../private/shape-util';
import { AwsOptions, call, sagemakerClient, withAwsOptions } from '../aws';
import { CliContext, CliError, collect, splitAssignment } from '../context';
import { parseInterval, watchExecution } from './watch';

/** A parameter as the deployed definition declares it. */
interface DeclaredParameter {
  readonly Name: string;
  readonly Type?: string;
  readonly DefaultValue?: unknown;
  readonly EnumValues?: unknown[];
}

/** StartPipelineExecution accepts at most this many `PipelineParameters`. */
const MAX_PARAMETERS = 200;

/**
 * The deployed definition of a pipeline (DescribePipeline), parsed. `pipeline` is a name or an ARN.
 */
export async function describeDeployed(client: SageMakerClient, pipeline: string): Promise<{ name: string; definition: Record<string, unknown> }> {
  const described = await call('DescribePipeline', `pipeline '${pipeline}'`,
    () => client.send(new DescribePipelineCommand({ PipelineName: pipeline })));
  try {
    const definition = JSON.parse(described.PipelineDefinition ?? '');
    return { name: described.PipelineName ?? pipeline, definition };
  } catch (e) {
    throw new CliError(`DescribePipeline returned a definition for pipeline '${pipeline}' that is not JSON (${(e as Error).message}).`);
  }
}

/**
 * Checks `--param NAME=VALUE` assignments against the declared parameters: unknown names, values of
 * the wrong type, values outside `EnumValues`, a name given twice. Returns them in the API's form.
 */
export function checkParameters(pipeline: string, declared: DeclaredParameter[], assignments: string[]): SageMakerParameter[] {
  if (assignments.length > MAX_PARAMETERS) {
    throw new CliError(`${assignments.length} --param values given; StartPipelineExecution accepts at most ${MAX_PARAMETERS}.`);
  }
  const byName = new Map(declared.map((p) => [p.Name, p]));
  const given = new Set<string>();
  const result: SageMakerParameter[] = [];
  for (const assignment of assignments) {
    const [name, value] = splitAssignment('--param', assignment);
    const parameter = byName.get(name);
    if (parameter === undefined) {
      const near = nearestName(name, [...byName.keys()]);
      throw new CliError(`--param ${name}: pipeline ${pipeline} declares no parameter '${name}'.${near ? ` Did you mean '${near}'?` : ''} Its parameters: ${describeParameters(declared)}.`);
    }
    if (given.has(name)) {
      throw new CliError(`--param ${name} is given twice; give each parameter once.`);
    }
    given.add(name);
    const type = parameter.Type ?? 'String';
    const problem = typeProblem(type, value);
    if (problem !== undefined) {
      throw new CliError(`--param ${name}=${value}: ${name} is ${/^[AEIOU]/.test(type) ? 'an' : 'a'} ${type} parameter, and '${value}' is ${problem}.`);
    }
    const allowed = Array.isArray(parameter.EnumValues) ? parameter.EnumValues.map(String) : undefined;
    if (allowed !== undefined && allowed.length > 0 && !allowed.includes(value)) {
      throw new CliError(`--param ${name}=${value}: ${name} accepts only ${allowed.map((v) => `'${v}'`).join(', ')} (its EnumValues); received '${value}'.`);
    }
    result.push({ Name: name, Value: value });
  }
  return result;
}

function typeProblem(type: string, value: string): string | undefined {
  switch (type) {
    case 'Integer':
      return /^[-+]?\d+$/.test(value) ? undefined : 'not an integer (e.g. 2)';
    case 'Float':
      return value.trim() !== '' && Number.isFinite(Number(value)) ? undefined : 'not a number (e.g. 0.5)';
    case 'Boolean':
      return value === 'true' || value === 'false' ? undefined : "neither 'true' nor 'false'";
    default:
      return undefined;
  }
}

function describeParameters(declared: DeclaredParameter[]): string {
  if (declared.length === 0) {
    return 'none';
  }
  return declared.map((p) => `${p.Name} (${p.Type ?? 'String'}${p.DefaultValue !== undefined ? `, default ${JSON.stringify(p.DefaultValue)}` : ''})`).join(', ');
}

/**
 * `start <pipeline name | ARN> [--param NAME=VALUE]... [--display-name N] [--description TEXT] [--wait]`:
 * checks the parameters against the deployed definition, starts an execution, prints its ARN.
 */
export function registerStart(program: Command, context: CliContext): void {
  withAwsOptions(program.command('start')
    .description('start an execution of a deployed pipeline, checking --param values against its definition first; prints the execution ARN')
    .argument('<pipeline>', 'pipeline name or ARN')
    .option('--param <NAME=VALUE>', 'a pipeline parameter value (repeat for several)', collect, [])
    .option('--display-name <name>', 'display name of the execution')
    .option('--description <text>', 'description of the execution')
    .option('--wait', 'then follow the execution as `watch` does (exit 0 when it succeeds, 1 otherwise)')
    .option('--json', 'with --wait: print the final state as JSON')
    .option('--interval <seconds>', 'with --wait: seconds between polls', '10'))
    .action(async (pipeline: string, options: AwsOptions & {
      param: string[]; displayName?: string; description?: string; wait?: boolean; json?: boolean; interval: string;
    }) => {
      const interval = parseInterval(options.interval);
      const client = sagemakerClient(context, options, pipeline);
      const { name, definition } = await describeDeployed(client, pipeline);
      const declared = (Array.isArray(definition.Parameters) ? definition.Parameters : []) as DeclaredParameter[];
      const parameters = checkParameters(name, declared, options.param);
      const started = await call('StartPipelineExecution', `pipeline '${pipeline}'`, () => client.send(new StartPipelineExecutionCommand({
        PipelineName: pipeline,
        PipelineParameters: parameters.length > 0 ? parameters : undefined,
        PipelineExecutionDisplayName: options.displayName,
        PipelineExecutionDescription: options.description,
      })));
      const arn = started.PipelineExecutionArn;
      if (arn === undefined) {
        throw new CliError(`StartPipelineExecution for pipeline '${pipeline}' returned no execution ARN.`);
      }
      // With --wait --json, stdout carries only the JSON; the ARN goes to stderr.
      (options.wait && options.json ? context.stderr : context.stdout).write(`${arn}\n`);
      if (options.wait) {
        context.exitCode = await watchExecution(context, client, arn, { json: options.json, intervalSeconds: interval });
      }
    });
}
