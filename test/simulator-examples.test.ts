import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { SimulationOptions, SimulationTrace, simulate } from '../lib';

/**
 * Every example app (found on disk, so a new example is covered without editing this file) is
 * simulated; an example with condition steps is simulated once per branch, and together its runs
 * must take both branches of every condition. Steps other than Fail steps must not fail.
 */

const examplesDir = path.join(__dirname, '..', 'examples');
const examples = fs.readdirSync(examplesDir).filter((name) => fs.existsSync(path.join(examplesDir, name, 'app.ts'))).sort();

const evaluation = (mse: number) => ({ regression_metrics: { mse: { value: mse } } });
const bestCandidate = {
  BestCandidate: {
    InferenceContainers: [{
      Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/autopilot:ensemble',
      ModelDataUrl: 's3://bucket/automl/model.tar.gz',
      Environment: {
        MODEL_NAME: 'ensemble',
        SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT: 'text/csv',
        SAGEMAKER_INFERENCE_OUTPUT: 'predicted_label',
        SAGEMAKER_INFERENCE_SUPPORTED: 'predicted_label,probability',
        SAGEMAKER_PROGRAM: 'tabular_serve.py',
        SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/model/code',
      },
    }],
  },
};

/** Evaluation reports (RMSE per hyperparameter set) for examples/fan-out's Evaluate-<set> steps. */
function fanOutReports(rmse: Record<string, number>): NonNullable<SimulationOptions['steps']> {
  return Object.fromEntries(Object.entries(rmse).map(([set, value]) => [
    `Evaluate-${set}`, { propertyFiles: { EvaluationReport: { regression_metrics: { rmse: { value } } } } },
  ]));
}

/** The runs of each example that needs outside-world inputs: one per condition branch. */
const RUNS: Record<string, SimulationOptions[]> = {
  'abalone': [
    { steps: { AbaloneEval: { propertyFiles: { EvaluationReport: evaluation(3.1) } } } },
    { steps: { AbaloneEval: { propertyFiles: { EvaluationReport: evaluation(7.5) } } } },
  ],
  'conditions': [
    { steps: { Evaluate: { propertyFiles: { EvaluationReport: evaluation(2) } } } },
    { steps: { Evaluate: { propertyFiles: { EvaluationReport: evaluation(6.5) } } } },
  ],
  'automl': [
    { steps: { AutoML: { metrics: { F1: 0.82 }, properties: bestCandidate } } },
    { steps: { AutoML: { metrics: { F1: 0.5 } } } },
  ],
  'callback-approval': [
    { steps: { Train: { metrics: { 'validation:rmse': 1.9 } }, Approve: { outputParameters: { approved: 'yes', reviewer: 'ana' } } } },
  ],
  'fan-out': [
    { steps: fanOutReports({ shallow: 2.1, medium: 1.8, deep: 2.4 }) },
    { steps: fanOutReports({ shallow: 2.1, medium: 3.9, deep: 2.4 }) },
  ],
  'lambda-connected': [
    { steps: { Prep: { outputParameters: { train_path: 's3://bucket/train/', rows: '1200' } } } },
  ],
};

function stacksOf(name: string): Stack[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const example = require(path.join(examplesDir, name, 'app.ts')) as { createApp: (app: App) => App };
  const app = example.createApp(new App());
  return app.node.children.filter((c): c is Stack => Stack.isStack(c));
}

describe('every example simulates', () => {
  test.each(examples)('%s', (name) => {
    // GIVEN
    const stacks = stacksOf(name);
    expect(stacks.length).toBeGreaterThan(0);

    for (const stack of stacks) {
      // WHEN
      const traces: SimulationTrace[] = (RUNS[name] ?? [{}]).map((options) => simulate(stack, options));

      // THEN
      for (const trace of traces) {
        const unexpected = trace.steps.filter((s) => s.status === 'Failed' && s.type !== 'Fail');
        expect(unexpected.map((s) => `${s.name}: ${s.failureReason}`)).toEqual([]);
        expect(trace.steps.some((s) => s.status === 'Succeeded')).toBe(true);
      }
      const conditionSteps = traces[0].steps.filter((s) => s.type === 'Condition').map((s) => s.name);
      for (const condition of conditionSteps) {
        const outcomes = new Set(traces.map((t) => t.step(condition).outcome));
        expect([condition, [...outcomes].sort()]).toEqual([condition, [false, true]]);
      }
    }
  });
});

describe('example details', () => {
  test('abalone: an MSE within the threshold registers, creates and scores the model; above it the Fail step quotes both values', () => {
    // GIVEN
    const [stack] = stacksOf('abalone');

    // WHEN
    const good = simulate(stack, RUNS.abalone[0]);
    const bad = simulate(stack, RUNS.abalone[1]);

    // THEN
    expect(good.status).toBe('Succeeded');
    expect(good.step('AbaloneMSECond').conditions).toEqual([{ type: 'LessThanOrEqualTo', outcome: true, leftValue: 3.1, rightValue: 6 }]);
    expect(good.stepsWithStatus('Succeeded')).toEqual([
      'AbaloneProcess', 'AbaloneTrain', 'AbaloneEval', 'AbaloneMSECond', 'AbaloneRegisterModel', 'AbaloneCreateModel', 'AbaloneTransform',
    ]);
    expect(good.step('AbaloneMSEFail').status).toBe('NotExecuted');
    expect(good.step('AbaloneTransform').arguments?.ModelName).toBe(good.step('AbaloneCreateModel').properties?.ModelName);
    expect(good.step('AbaloneEval').arguments?.ProcessingInputs).toEqual(expect.arrayContaining([expect.objectContaining({
      InputName: 'model',
      S3Input: expect.objectContaining({ S3Uri: `s3://\${Ref:Data666C94C7}/AbalonePipeline/simulated001/AbaloneTrain/output/${good.step('AbaloneTrain').properties?.TrainingJobName}/output/model.tar.gz` }),
    })]));
    expect(bad.status).toBe('Failed');
    expect(bad.failureReason).toBe('Execution failed due to MSE 7.5 > 6.0');
    expect(bad.stepsWithStatus('NotExecuted')).toEqual(['AbaloneRegisterModel', 'AbaloneCreateModel', 'AbaloneTransform']);
  });

  test('step properties as the service reports them, derived from each step type\'s resolved arguments', () => {
    // WHEN
    const emr = simulate(stacksOf('emr-spark')[0]);
    const governance = simulate(stacksOf('model-governance')[0]);
    const transform = simulate(stacksOf('transform')[0]);
    const tuning = simulate(stacksOf('tuning-best-model')[0]);
    const automl = simulate(stacksOf('automl')[0], RUNS.automl[1]);
    const callback = simulate(stacksOf('callback-approval')[0], RUNS['callback-approval'][0]);

    // THEN EMR: the step id and COMPLETED state reach the validation job's arguments
    const stepId = emr.step('BuildFeatures').properties!.Id as string;
    expect(stepId).toMatch(/^s-[0-9A-F]{13}$/);
    expect(emr.step('BuildFeatures').properties).toMatchObject({ Status: { State: 'COMPLETED' }, Config: { Jar: 'command-runner.jar' } });
    expect((emr.step('ValidateFeatures').arguments!.AppSpecification as any).ContainerArguments).toEqual(['--emr-step-id', stepId, '--emr-step-state', 'COMPLETED']);
    // check steps: calculated baselines under the check's output, registered as drift-check baselines
    const quality = governance.step('DataQualityCheck').properties as Record<string, string>;
    expect(quality.CalculatedBaselineStatistics).toMatch(/\/DataQualityCheck\/quality-check\/statistics\.json$/);
    expect(quality.BaselineUsedForDriftCheckConstraints).toBe(quality.CalculatedBaselineConstraints);
    expect(governance.step('DataBiasCheck').properties!.CalculatedBaselineConstraints).toMatch(/\/DataBiasCheck\/clarify-check\/analysis\.json$/);
    expect((governance.step('RegisterModel').arguments!.DriftCheckBaselines as any).ModelDataQuality.Statistics.S3Uri).toBe(quality.BaselineUsedForDriftCheckStatistics);
    // transform: the output location as resolved
    expect(transform.step('Score').properties).toMatchObject({ TransformJobStatus: 'Completed', TransformOutput: { S3OutputPath: expect.stringMatching(/\/simulated001\/scores$/) } });
    // tuning: the best training job first among the summaries; its model under the tuning output path
    const best = (tuning.step('Tune').properties!.BestTrainingJob as any).TrainingJobName;
    expect((tuning.step('Tune').properties!.TrainingJobSummaries as any[])[0].TrainingJobName).toBe(best);
    expect((tuning.step('BestModel').arguments!.PrimaryContainer as any).ModelDataUrl).toMatch(new RegExp(`/tuning/${best}/output/model\\.tar\\.gz$`));
    // AutoML: the objective metric given, and a Fail step quoting it as a Float
    expect(automl.failureReason).toMatch(/^Best candidate pipelines-simulated001-[0-9a-f]{8}-best reached F1 0\.5, below 0\.7\. Model insights: s3:\/\//);
    // Callback: outputs given, and the Fail step reading them
    expect(callback.failureReason).toBe('Dry run: approved=yes by ana');
    expect(callback.step('Approve').arguments).toMatchObject({ rmse: 1.9 });
  });

  test('automl: a capacity failure is retried by the step\'s retry policy; a third one spends it', () => {
    // GIVEN
    const [stack] = stacksOf('automl');
    const retried = RUNS.automl[0].steps!;

    // WHEN
    const recovered = simulate(stack, { steps: { ...retried, AutoML: { ...retried.AutoML, failures: [{ exceptionType: 'SageMaker.CAPACITY_ERROR', attempts: 2 }] } } });
    const spent = simulate(stack, { steps: { AutoML: { failures: [{ exceptionType: 'SageMaker.CAPACITY_ERROR' }] } } });

    // THEN
    expect(recovered.status).toBe('Succeeded');
    expect(recovered.step('AutoML').attempts.map((a) => [a.status, a.retryAfterSeconds])).toEqual([['Failed', 1], ['Failed', 2], ['Succeeded', undefined]]);
    expect(spent.status).toBe('Failed');
    expect(spent.step('AutoML').attempts).toHaveLength(3);
    expect(spent.stepsWithStatus('NotExecuted')).toEqual(['CheckF1', 'BestModel', 'F1TooLow']);
  });

  test('lambda-connected: Integer outputs given as text are converted to numbers', () => {
    // GIVEN
    const [stack] = stacksOf('lambda-connected');

    // WHEN
    const trace = simulate(stack, RUNS['lambda-connected'][0]);

    // THEN
    expect(trace.step('Prep').properties).toEqual({ OutputParameters: { train_path: 's3://bucket/train/', rows: 1200 } });
  });
});
