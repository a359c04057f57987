import { Stack, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { SimulationInputError } from './errors';
import { LoadedDefinition, PipelineDefinitionDocument, cloudFormationPlaceholder, definitionOf, loadDefinition } from '../definition-document';
import { Pipeline } from '../pipeline';
import { isObject } from '../validator/context';

/**
 * What the simulator can run: a {@link Pipeline} (or a construct holding one, such as its stack), the
 * path of a `cdk.out` folder, a synthesized template or a definition JSON file, a definition document
 * (including one exported by the SageMaker Python SDK), or what `loadDefinition` returned.
 */
export type SimulationSource = IConstruct | string | PipelineDefinitionDocument | LoadedDefinition;

/** A definition to simulate, with what its source says about the pipeline. */
export interface SimulationDefinition {
  /** The definition document. */
  readonly definition: PipelineDefinitionDocument;
  /**
   * The pipeline's name.
   * @default - unknown (a bare definition)
   */
  readonly pipelineName?: string;
  /**
   * `ParallelismConfiguration.MaxParallelExecutionSteps` of the pipeline.
   * @default - no limit
   */
  readonly maxParallelExecutionSteps?: number;
}

/**
 * The definition of `source` (DESIGN decision 12: the simulator reads only the definition JSON),
 * through `definitionOf` for constructs and `loadDefinition` for files.
 */
export function simulationDefinition(
  source: SimulationSource, options: { pipeline?: string; values?: Record<string, string> } = {},
): SimulationDefinition {
  if (Construct.isConstruct(source)) {
    const definition = definitionOf(source, options);
    const pipeline = chosenPipeline(source, options.pipeline);
    const stack = Stack.of(pipeline);
    const parallel = stack.resolve(pipeline.cfnPipeline.parallelismConfiguration) as { MaxParallelExecutionSteps?: unknown } | undefined;
    return {
      definition,
      pipelineName: textOf(stack.resolve(pipeline.pipelineName), options.values ?? {}),
      maxParallelExecutionSteps: typeof parallel?.MaxParallelExecutionSteps === 'number' ? parallel.MaxParallelExecutionSteps : undefined,
    };
  }
  if (typeof source === 'string') {
    return fromLoaded(loadDefinition(source, options));
  }
  if (isObject(source) && isObject(source.definition) && typeof source.file === 'string') {
    return fromLoaded(source as unknown as LoadedDefinition);
  }
  if (isObject(source) && Array.isArray(source.Steps)) {
    return { definition: source };
  }
  throw new SimulationInputError(`simulate: the source is neither a construct, a file path, a definition document (an object with Steps) nor a loadDefinition result; received ${Array.isArray(source) ? 'a list' : typeof source}. Pass a Pipeline or its stack, a cdk.out folder or file path, or the parsed definition JSON.`);
}

function fromLoaded(loaded: LoadedDefinition): SimulationDefinition {
  return { definition: loaded.definition, pipelineName: loaded.pipelineName, maxParallelExecutionSteps: loaded.maxParallelExecutionSteps };
}

/** The pipeline `definitionOf(scope, { pipeline })` chose (it has already refused ambiguous choices). */
function chosenPipeline(scope: IConstruct, wanted: string | undefined): Pipeline {
  if (Pipeline.isPipeline(scope) && wanted === undefined) {
    return scope;
  }
  const pipelines = scope.node.findAll().filter((c): c is Pipeline => Pipeline.isPipeline(c));
  return pipelines.find((p) => wanted === undefined || p.node.id === wanted || p.node.path === wanted || p.pipelineName === wanted)!;
}

function textOf(value: unknown, values: Record<string, string>): string {
  if (typeof value === 'string' && !Token.isUnresolved(value)) {
    return value;
  }
  const placeholder = cloudFormationPlaceholder(value);
  return values[placeholder] ?? placeholder;
}
