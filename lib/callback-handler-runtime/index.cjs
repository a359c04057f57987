'use strict';
/**
 * Runtime of cdk-sagemaker-pipelines' CallbackHandler: the Lambda function that consumes the queue of
 * a SageMaker pipeline Callback step, runs the user's handler module and reports the result to the
 * pipeline. Plain CommonJS with no dependencies besides `@aws-sdk/client-sagemaker`, which the
 * Lambda Node.js runtime provides.
 *
 * The CallbackHandler construct stages this file as `index.js` beside `handler-entry.js`, which
 * re-exports the user's module (`handler(args, context)` and optionally `onStop(args, context)`).
 *
 * Each SQS message body is the Callback step's message:
 *   {"token": "<10 characters>", "pipelineExecutionArn": "arn:...", "arguments": {...}, "status"?: "Stopping"}
 * - a normal message: the user's handler runs with `arguments`; what it returns (an object of output
 *   names to values, or undefined) is reported with SendPipelineExecutionStepSuccess (values as
 *   strings, objects as JSON); an error it throws is reported with SendPipelineExecutionStepFailure
 *   (reason truncated to 256 characters), and so is `context.fail(reason)`. A handler may call
 *   `context.defer()` to leave the token pending for someone else to complete (a manual approval).
 * - a `"status": "Stopping"` message (the execution is being stopped): the user's `onStop` runs if
 *   it exists, then the step is reported failed with reason "stopped".
 * - a message that is not such JSON, or a failed SageMaker call, is returned to the queue as a batch
 *   item failure, so SQS retries it and finally moves it to the dead-letter queue.
 */
const crypto = require('crypto');

/** The service's limits (SendPipelineExecutionStepSuccess/Failure). */
const MAX_FAILURE_REASON = 256;
const MAX_OUTPUTS = 50;
const TOKEN = /^[a-zA-Z0-9]{10}$/;

/**
 * Build the Lambda handler.
 * @param {object} options
 * @param {{ sendPipelineExecutionStepSuccess(input: object): Promise<unknown>, sendPipelineExecutionStepFailure(input: object): Promise<unknown> }} [options.client]
 *   the SageMaker client (default: `@aws-sdk/client-sagemaker`)
 * @param {{ handler: Function, onStop?: Function }} options.userHandler the user's module
 * @param {{ log(...args: unknown[]): void, error(...args: unknown[]): void }} [options.logger] default: console
 */
function createHandler(options) {
  const userHandler = options && options.userHandler;
  if (!userHandler || typeof userHandler.handler !== 'function') {
    throw new Error('CallbackHandler: the handler module must export a function `handler(args, context)` (module.exports.handler = async (args) => ({ ... })).');
  }
  const logger = options.logger || console;
  let client = options.client;
  const sagemaker = () => {
    if (!client) {
      client = createDefaultClient();
    }
    return client;
  };

  return async function handler(event, lambdaContext) {
    const batchItemFailures = [];
    for (const record of (event && event.Records) || []) {
      try {
        await processRecord(record, lambdaContext);
      } catch (err) {
        logger.error(`callback message ${record.messageId} failed and returns to the queue: ${describeError(err)}`);
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };

  async function processRecord(record, lambdaContext) {
    const message = parseMessage(record.body);
    const requestToken = (kind) => crypto.createHash('sha256').update(`${kind}:${message.token}:${record.messageId}`).digest('hex');
    let deferred = false;
    let failureReason;
    const context = {
      token: message.token,
      pipelineExecutionArn: message.pipelineExecutionArn,
      messageId: record.messageId,
      lambdaContext,
      defer: () => { deferred = true; },
      fail: (reason) => { failureReason = reason === undefined || reason === null || reason === '' ? 'failed' : String(reason); },
    };

    if (message.status === 'Stopping') {
      if (typeof userHandler.onStop === 'function') {
        try {
          await userHandler.onStop(message.arguments, context);
        } catch (err) {
          logger.error(`onStop failed for ${message.pipelineExecutionArn}: ${describeError(err)}`);
        }
      }
      await sagemaker().sendPipelineExecutionStepFailure({
        CallbackToken: message.token,
        FailureReason: 'stopped',
        ClientRequestToken: requestToken('stop'),
      });
      logger.log(`callback step of ${message.pipelineExecutionArn} stopped`);
      return;
    }

    let outputs;
    try {
      outputs = await userHandler.handler(message.arguments, context);
      if (failureReason !== undefined) {
        throw new Error(failureReason);
      }
      if (!deferred) {
        outputs = toOutputParameters(outputs);
      }
    } catch (err) {
      await sagemaker().sendPipelineExecutionStepFailure({
        CallbackToken: message.token,
        FailureReason: truncate(describeError(err), MAX_FAILURE_REASON),
        ClientRequestToken: requestToken('failure'),
      });
      logger.log(`callback step of ${message.pipelineExecutionArn} reported failed: ${describeError(err)}`);
      return;
    }
    if (deferred) {
      logger.log(`callback step of ${message.pipelineExecutionArn} deferred; token ${message.token} stays pending`);
      return;
    }
    await sagemaker().sendPipelineExecutionStepSuccess({
      CallbackToken: message.token,
      OutputParameters: outputs,
      ClientRequestToken: requestToken('success'),
    });
    logger.log(`callback step of ${message.pipelineExecutionArn} reported succeeded with ${outputs.length} output(s)`);
  }
}

/** Parse and check a callback message; throws (the message goes back to the queue) when it is not one. */
function parseMessage(body) {
  let message;
  try {
    message = JSON.parse(body);
  } catch (err) {
    throw new Error(`message body is not JSON (${describeError(err)}): ${truncate(String(body), 200)}`);
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    throw new Error(`message body is not a callback message object: ${truncate(String(body), 200)}`);
  }
  if (typeof message.token !== 'string' || !TOKEN.test(message.token)) {
    throw new Error(`message has no valid "token" (10 letters or digits): ${truncate(String(body), 200)}`);
  }
  const args = message.arguments === undefined || message.arguments === null ? {} : message.arguments;
  if (typeof args !== 'object' || Array.isArray(args)) {
    throw new Error(`message "arguments" is not an object: ${truncate(String(body), 200)}`);
  }
  return {
    token: message.token,
    pipelineExecutionArn: typeof message.pipelineExecutionArn === 'string' ? message.pipelineExecutionArn : undefined,
    arguments: args,
    status: message.status,
  };
}

/** The handler's result as OutputParameters: `{ name: value }` -> `[{ Name, Value }]` (values as strings). */
function toOutputParameters(result) {
  if (result === undefined || result === null) {
    return [];
  }
  if (typeof result !== 'object' || Array.isArray(result)) {
    throw new Error(`the handler must return an object of output names to values (or nothing); it returned ${Array.isArray(result) ? 'an array' : typeof result}`);
  }
  const entries = Object.entries(result).filter(([, value]) => value !== undefined);
  if (entries.length > MAX_OUTPUTS) {
    throw new Error(`the handler returned ${entries.length} outputs; a callback step takes at most ${MAX_OUTPUTS}`);
  }
  return entries.map(([name, value]) => ({
    Name: name,
    Value: typeof value === 'string' ? value : (value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value)),
  }));
}

function describeError(err) {
  if (err instanceof Error) {
    return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
  }
  return String(err);
}

function truncate(text, max) {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/** The SageMaker client of the Lambda runtime's AWS SDK, loaded only when a message needs it. */
function createDefaultClient() {
  // eslint-disable-next-line global-require
  const sdk = require('@aws-sdk/client-sagemaker');
  const client = new sdk.SageMakerClient({});
  return {
    sendPipelineExecutionStepSuccess: (input) => client.send(new sdk.SendPipelineExecutionStepSuccessCommand(input)),
    sendPipelineExecutionStepFailure: (input) => client.send(new sdk.SendPipelineExecutionStepFailureCommand(input)),
  };
}

let lambdaHandler;

/** The Lambda entry point (`index.handler`): wraps the staged user module `./handler-entry.js`. */
async function handler(event, context) {
  if (!lambdaHandler) {
    // eslint-disable-next-line global-require
    lambdaHandler = createHandler({ userHandler: require('./handler-entry.js') });
  }
  return lambdaHandler(event, context);
}

module.exports = { createHandler, createDefaultClient, handler, parseMessage, toOutputParameters, MAX_FAILURE_REASON };
