// The public entry point of the simulator, loaded with the library's index. The implementation
// (simulator.ts: resolver, conditions, step properties, retries, cache) is required on the first call
// only, so that apps which never simulate (every `cdk synth`) do not load it.
import type { SimulationOptions } from './options';
import type { SimulationSource } from './source';
import type { SimulationTrace } from './trace';

/**
 * Simulates one execution of a pipeline from its definition: resolves parameters, execution
 * variables and every expression, runs the steps in waves as their references and `DependsOn` allow
 * (at most `MaxParallelExecutionSteps` at a time), evaluates conditions and runs one branch, applies
 * retry policies to injected failures, reports cache hits against an earlier trace, and derives each
 * step's properties as the service would report them. No AWS account or container is needed.
 *
 * ```ts
 * const trace = simulate(stack, {
 *   steps: { AbaloneEval: { propertyFiles: { EvaluationReport: { regression_metrics: { mse: { value: 4.2 } } } } } },
 * });
 * expect(trace.step('AbaloneMSECond').outcome).toBe(true);
 * ```
 *
 * @throws SimulationInputError for bad input: an invalid definition, an undeclared or ill-typed
 * parameter, an option naming a step the pipeline does not have, a property file or S3 document that
 * a running step reads and that was not given.
 * @throws DefinitionInputError when the source cannot be read: a missing file, a template or construct
 * without a pipeline, or several pipelines and no `pipeline` option to choose one.
 */
export function simulate(source: SimulationSource, options: SimulationOptions = {}): SimulationTrace {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const implementation = require('./simulator') as typeof import('./simulator');
  return implementation.simulate(source, options);
}
