import { App } from 'aws-cdk-lib';
import { AbaloneStack } from '../examples/abalone/app';
import { simulate } from '../lib';

/** The README's "Test your pipeline offline" example, verbatim but for the import paths. */

test('a model within the MSE threshold is registered, created and scored', () => {
  // GIVEN
  const stack = new AbaloneStack(new App(), 'Abalone', { env: { region: 'us-east-1' } });

  // WHEN the evaluation step writes an MSE of 4.2
  const trace = simulate(stack, {
    steps: { AbaloneEval: { propertyFiles: { EvaluationReport: { regression_metrics: { mse: { value: 4.2 } } } } } },
  });

  // THEN
  expect(trace.status).toBe('Succeeded');
  expect(trace.step('AbaloneMSECond').outcome).toBe(true);
  expect(trace.stepsWithStatus('NotExecuted')).toEqual(['AbaloneMSEFail']);
  expect(trace.step('AbaloneTransform').arguments?.ModelName).toBe(trace.step('AbaloneCreateModel').properties?.ModelName);
});

test('a model above the threshold ends the execution with the Fail step', () => {
  const stack = new AbaloneStack(new App(), 'Abalone', { env: { region: 'us-east-1' } });
  const trace = simulate(stack, {
    parameters: { MseThreshold: 3 },
    steps: { AbaloneEval: { propertyFiles: { EvaluationReport: { regression_metrics: { mse: { value: 4.2 } } } } } },
  });
  expect(trace.status).toBe('Failed');
  expect(trace.failureReason).toBe('Execution failed due to MSE 4.2 > 3.0');
});
