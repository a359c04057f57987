// The public entry point of the import generator and its types, loaded with the library's index.
// The generator itself (generator.ts: code model, step mappers, comparison, image suggestions) is
// required on the first call only, so that apps which never import a definition (every `cdk synth`)
// do not load it.

/**
 * Options of {@link importDefinition}.
 */
export interface ImportDefinitionOptions {
  /**
   * Where the definition came from, shown in the generated file's header comment.
   * @default - no source line
   */
  readonly source?: string;
  /**
   * Construct id of the generated stack.
   * @default 'ImportedPipeline'
   */
  readonly stackId?: string;
  /**
   * `pipelineName` of the generated `Pipeline` (the definition itself does not hold the name).
   * @default - the pipeline's generated name
   */
  readonly pipelineName?: string;
  /**
   * Region of the generated stack (`env: { region }`), so that SageMaker images chosen by the
   * constructs (check steps' analyzers) resolve to the same URIs as in the definition.
   * @default - the Region that every regional image URI and ARN of the definition names, if they agree; else none
   */
  readonly region?: string;
  /**
   * `maxParallelExecutionSteps` of the generated `Pipeline` (a template's `ParallelismConfiguration`).
   * @default - none
   */
  readonly maxParallelExecutionSteps?: number;
  /**
   * Module the generated code imports the library from.
   * @default 'cdk-sagemaker-pipelines'
   */
  readonly moduleName?: string;
}

/**
 * A part of a definition that {@link importDefinition} could not express with the library's
 * constructs, or expressed only partly.
 */
export interface ImportProblem {
  /** JSON path in the imported definition, e.g. `Steps[2].Arguments.ProcessingInputs[0]`. */
  readonly path: string;
  /** What could not be converted and what the generated code does instead. */
  readonly message: string;
}

/**
 * The result of {@link importDefinition}.
 */
export interface ImportedDefinition {
  /** The generated TypeScript: a complete CDK app (an `App`, a `Stack`, the `Pipeline`). */
  readonly code: string;
  /**
   * What the generated app does not reproduce, each with its JSON path; also listed in a comment at
   * the top of `code`. Empty when synthesizing the app gives the imported definition back.
   */
  readonly problems: ImportProblem[];
  /**
   * Remarks that need no action to reproduce the definition but are worth a look: CloudFormation
   * placeholders kept as text, SageMaker images that a `ContainerImage` factory can give.
   */
  readonly notes: ImportProblem[];
}

/** A step of the imported definition, with what the generator decided about it. */
export interface StepInfo {
  readonly name: string;
  readonly type: string;
  readonly json: Record<string, unknown>;
  /** JSON path of the step (`Steps[1]`, `Steps[3].Arguments.IfSteps[0]`). */
  readonly path: string;
  /** Variable holding the step construct. */
  readonly variable: string;
  /** Property file name -> variable holding the PropertyFile. */
  readonly propertyFiles: Map<string, string>;
  /** Steps this one must be declared after. */
  readonly dependencies: Set<string>;
}

/**
 * Generates a TypeScript CDK app that defines the given pipeline definition with this library's
 * constructs: parameters as `Parameter*` objects, each step as the construct of its type with camelCase
 * props (request members without a prop through `addArgumentOverride`), `Get` references as typed
 * `step.properties` paths, `Std:Join` as template literals or `Join.of`, `Std:JsonGet` as `JsonGet`,
 * conditions through `Condition.*`, condition branches, retry policies and caching.
 *
 * The generated program is also run in-process before it is returned: each difference between what
 * it synthesizes and `definition` becomes an argument override, and whatever still differs is
 * listed in `problems` (and in a comment at the top of the code), never dropped silently.
 */
export function importDefinition(definition: Record<string, unknown>, options: ImportDefinitionOptions = {}): ImportedDefinition {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Generator } = require('./generator') as typeof import('./generator');
  return new Generator(definition, options).generate();
}

