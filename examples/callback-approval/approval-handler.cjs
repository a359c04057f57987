'use strict';
/**
 * Handler module of the callback-approval example, run by CallbackHandler's Lambda function for each
 * Callback step message. `args` are the step's inputs.
 *
 * A model whose validation RMSE is at most `max_rmse` is approved at once. Any other model waits for
 * a person: the step stays pending (context.defer()) until someone runs
 *   aws sagemaker send-pipeline-execution-step-success --callback-token <token> \
 *     --output-parameters Name=approved,Value=true Name=reviewer,Value=<name>
 * (or send-pipeline-execution-step-failure to reject it).
 */
exports.handler = async (args, context) => {
  const rmse = Number(args.rmse);
  const maxRmse = Number(args.max_rmse);
  if (Number.isNaN(rmse) || Number.isNaN(maxRmse)) {
    throw new Error(`rmse and max_rmse must be numbers; received ${args.rmse} and ${args.max_rmse}`);
  }
  if (rmse <= maxRmse) {
    return { approved: 'true', reviewer: 'auto' };
  }
  console.log(`Manual approval needed for ${args.model} (RMSE ${rmse} > ${maxRmse}): callback token ${context.token} of ${context.pipelineExecutionArn}`);
  context.defer();
  return undefined;
};

exports.onStop = async (args, context) => {
  console.log(`Approval of ${args.model} cancelled: execution ${context.pipelineExecutionArn} is stopping`);
};
