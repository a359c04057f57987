/**
 * Bad input to the simulator: an unknown or ill-typed parameter value, an option that names a step
 * the pipeline does not have, a property file or S3 document that a step reads and that was not
 * given. The message names the input and says what to pass instead.
 *
 * This is not a failure of the simulated execution (those are in the trace): it means the
 * simulation could not run as asked.
 */
export class SimulationInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulationInputError';
  }
}

/**
 * A step failure found while resolving or running a step (an undefined property reference, a
 * condition comparing values of different types). Internal: it becomes the step's failure reason.
 */
export class StepExecutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepExecutionError';
  }
}
