export { SimulationInputError } from './errors';
export * from './options';
export type { SimulationSource } from './source';
export type { ConditionEvaluation } from './conditions';
export type { SimulatedAttempt } from './retry';
export * from './trace';
export { simulate } from './simulate';
