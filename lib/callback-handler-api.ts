/**
 * The typed signature of a {@link CallbackHandler} module: what your handler receives and returns.
 * Types only, so a handler file can `import type` them from `cdk-sagemaker-pipelines` without the
 * library ending up in the function's bundle.
 *
 * ```ts
 * import type { CallbackHandlerFunction } from 'cdk-sagemaker-pipelines';
 *
 * export const handler: CallbackHandlerFunction<{ score: string }, { approved: boolean }> = async (inputs, context) => {
 *   if (Number(inputs.score) < 0.5) {
 *     return context.fail(`score ${inputs.score} is below 0.5`);   // SendPipelineExecutionStepFailure
 *   }
 *   return { approved: true };                                      // SendPipelineExecutionStepSuccess
 * };
 * ```
 */

/** The Callback step's inputs as the service sends them (`arguments` of the message): input names to values. */
export type CallbackHandlerInputs = Record<string, unknown>;

/**
 * Output names to values. Strings are sent as they are, numbers and booleans as text, objects as
 * JSON; `undefined` values are left out. At most 50 outputs.
 */
export type CallbackHandlerOutputs = Record<string, string | number | boolean | object | null | undefined>;

/** What a handler call is given besides the inputs. */
export interface CallbackHandlerContext {
  /** The callback token of the step (10 letters and digits). */
  readonly token: string;
  /**
   * ARN of the pipeline execution whose step sent the message.
   * @default - undefined when the message names no execution
   */
  readonly pipelineExecutionArn?: string;
  /** Id of the SQS message. */
  readonly messageId: string;
  /** The Lambda invocation's context object. */
  readonly lambdaContext: unknown;
  /**
   * Leave the step pending: nothing is reported, and someone else completes the step with the
   * token later (a manual approval).
   */
  defer(): void;
  /**
   * Report the step failed with `reason` (`SendPipelineExecutionStepFailure`; truncated to 256
   * characters) instead of succeeded, whatever the handler returns. Throwing an error does the
   * same with the error's message.
   */
  fail(reason: string): void;
}

/**
 * A callback handler: the step's inputs in; the outputs (or nothing) out, reported with
 * `SendPipelineExecutionStepSuccess`. A failure is reported with `SendPipelineExecutionStepFailure`
 * when the handler calls `context.fail(reason)` or throws (the reason is the error's message).
 *
 * @typeParam I - the step's inputs (an interface or type of input names to values)
 * @typeParam O - the step's outputs (output names to strings, numbers, booleans or JSON-serializable objects)
 */
export type CallbackHandlerFunction<I extends object = CallbackHandlerInputs, O extends object = CallbackHandlerOutputs> =
  (inputs: I, context: CallbackHandlerContext) => O | void | Promise<O | void>;

/**
 * Runs when the execution is stopped while the step waits; the step is then reported failed with
 * reason `stopped`.
 *
 * @typeParam I - the step's inputs
 */
export type CallbackStopFunction<I extends object = CallbackHandlerInputs> =
  (inputs: I, context: CallbackHandlerContext) => void | Promise<void>;

/**
 * What a handler module exports: `handler` and, optionally, `onStop`.
 *
 * @typeParam I - the step's inputs
 * @typeParam O - the step's outputs
 */
export interface CallbackHandlerModule<I extends object = CallbackHandlerInputs, O extends object = CallbackHandlerOutputs> {
  /** Handles one callback message. */
  readonly handler: CallbackHandlerFunction<I, O>;
  /**
   * Runs when the execution is stopped while the step waits.
   * @default - nothing runs; the step is reported failed with reason `stopped`
   */
  readonly onStop?: CallbackStopFunction<I>;
}
