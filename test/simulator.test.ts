import * as fc from 'fast-check';
import { SimulationInputError, simulate } from '../lib';

/** A minimal valid definition with these steps and parameters. */
function definition(steps: unknown[], parameters: unknown[] = [], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Version: '2020-12-01', Metadata: {}, Parameters: parameters, PipelineExperimentConfig: null, Steps: steps, ...extra };
}

const ROLE = 'arn:aws:iam::123456789012:role/jobs';

function processing(name: string, extra: Record<string, unknown> = {}, outputs: Array<[string, unknown]> = [['out', `s3://bucket/${name}`]]): Record<string, unknown> {
  return {
    Name: name,
    Type: 'Processing',
    Arguments: {
      AppSpecification: { ImageUri: 'image' },
      ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 } },
      RoleArn: ROLE,
      ProcessingOutputConfig: {
        Outputs: outputs.map(([OutputName, S3Uri]) => ({ OutputName, S3Output: { S3Uri, LocalPath: '/opt/ml/processing/out', S3UploadMode: 'EndOfJob' } })),
      },
    },
    ...extra,
  };
}

function fail(name: string, message: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Name: name, Type: 'Fail', Arguments: { ErrorMessage: message }, ...extra };
}

function condition(name: string, conditions: unknown[], ifSteps: unknown[], elseSteps: unknown[] = []): Record<string, unknown> {
  return { Name: name, Type: 'Condition', Arguments: { Conditions: conditions, IfSteps: ifSteps, ElseSteps: elseSteps } };
}

function lambda(
  name: string, args: Record<string, unknown> = {}, outputs: Array<[string, string]> = [], extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    Name: name,
    Type: 'Lambda',
    Arguments: args,
    FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
    OutputParameters: outputs.map(([OutputName, OutputType]) => ({ OutputName, OutputType })),
    ...extra,
  };
}

const join = (on: string, ...values: unknown[]) => ({ 'Std:Join': { On: on, Values: values } });
const get = (path: string) => ({ Get: path });

describe('parameters', () => {
  const params = [
    { Name: 'Count', Type: 'Integer', DefaultValue: 2 },
    { Name: 'Rate', Type: 'Float', DefaultValue: 0.5 },
    { Name: 'On', Type: 'Boolean', DefaultValue: false },
    { Name: 'Mode', Type: 'String', DefaultValue: 'fast', EnumValues: ['fast', 'slow'] },
  ];
  const report = fail('Report', join(' ', get('Parameters.Count'), get('Parameters.Rate'), get('Parameters.On'), get('Parameters.Mode')));

  test('defaults apply; given text is converted to the declared type and printed as the service prints it', () => {
    // WHEN
    const defaults = simulate(definition([report], params));
    const given = simulate(definition([report], params), { parameters: { Count: '3', Rate: '2', On: 'true', Mode: 'slow' } });

    // THEN
    expect(defaults.parameters).toEqual({ Count: 2, Rate: 0.5, On: false, Mode: 'fast' });
    expect(defaults.failureReason).toBe('2 0.5 False fast');
    expect(given.parameters).toEqual({ Count: 3, Rate: 2, On: true, Mode: 'slow' });
    expect(given.failureReason).toBe('3 2.0 True slow');
  });

  test.each([
    [{ Nope: 1 }, /parameter 'Nope' is not declared by the pipeline \(declared: Count, Rate, On, Mode\)/],
    [{ Count: '2.5' }, /parameter 'Count' \(Type Integer\): the value given is "2.5", not an integer/],
    [{ Rate: 'abc' }, /parameter 'Rate' \(Type Float\): the value given is "abc", not a number/],
    [{ On: 'yes' }, /parameter 'On' \(Type Boolean\): the value given is "yes", not a boolean/],
    [{ Mode: 'medium' }, /parameter 'Mode': the value given "medium" is not one of its EnumValues \("fast", "slow"\)/],
    [{ Mode: 3 }, /parameter 'Mode' \(Type String\): the value given is 3, not a string/],
  ])('StartPipelineExecution refuses %j', (parameters, message) => {
    expect(() => simulate(definition([report], params), { parameters })).toThrow(message);
    expect(() => simulate(definition([report], params), { parameters })).toThrow(SimulationInputError);
  });

  test('a parameter without a default needs a value', () => {
    // GIVEN
    const d = definition([fail('F', get('Parameters.Input'))], [{ Name: 'Input', Type: 'String' }]);

    // THEN
    expect(() => simulate(d)).toThrow(/parameter 'Input' \(Type String\) has no DefaultValue, so StartPipelineExecution needs a value for it\. Pass one, e\.g\. --param Input=VALUE/);
    expect(simulate(d, { parameters: { Input: 's3://x' } }).failureReason).toBe('s3://x');
  });

  test('Std:Join prints Float parameters the way the SDK local executor does', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e20, max: 1e20 }), (value) => {
      const trace = simulate(definition([fail('F', join('', get('Parameters.X')))], [{ Name: 'X', Type: 'Float', DefaultValue: value }]));
      const text = trace.failureReason!;
      // Always a decimal point or an exponent, and it reads back as the same number.
      expect(/[.e]/.test(text)).toBe(true);
      expect(Number(text)).toBe(value === 0 ? 0 : value);
    }), { numRuns: 200 });
  });
});

describe('execution variables', () => {
  const d = definition([fail('F', join('|',
    get('Execution.PipelineName'), get('Execution.PipelineArn'), get('Execution.PipelineExecutionId'),
    get('Execution.PipelineExecutionArn'), get('Execution.StartDateTime'), get('Execution.CurrentDateTime')))]);

  test('fixed values by default, the pipeline ARN in lower case as the service forms it', () => {
    // WHEN
    const trace = simulate(d, { executionVariables: { PipelineName: 'MyPipeline' } });

    // THEN
    expect(trace.failureReason!.split('|')).toEqual([
      'MyPipeline',
      'arn:aws:sagemaker:us-east-1:123456789012:pipeline/mypipeline',
      'simulated001',
      'arn:aws:sagemaker:us-east-1:123456789012:pipeline/mypipeline/execution/simulated001',
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
  });

  test('overridable, with region and account', () => {
    // WHEN
    const trace = simulate(d, {
      region: 'eu-west-1',
      account: '111122223333',
      executionVariables: { PipelineName: 'P', PipelineExecutionId: 'abc123def456', StartDateTime: '2025-05-05T10:00:00Z', CurrentDateTime: 'now' },
    });

    // THEN
    expect(trace.failureReason!.split('|')).toEqual([
      'P', 'arn:aws:sagemaker:eu-west-1:111122223333:pipeline/p', 'abc123def456',
      'arn:aws:sagemaker:eu-west-1:111122223333:pipeline/p/execution/abc123def456', '2025-05-05T10:00:00Z', 'now',
    ]);
  });

  test('job names inside the job that has one; elsewhere the reference is undefined', () => {
    // GIVEN
    const withJob = definition([processing('Prep', {}, [['out', join('/', 's3://b', get('Execution.ProcessingJobName'))]])]);
    const outside = definition([fail('F', get('Execution.TrainingJobName'))]);

    // WHEN
    const trace = simulate(withJob);

    // THEN
    const name = trace.step('Prep').properties!.ProcessingJobName as string;
    expect(name).toMatch(/^pipelines-simulated001-Prep-[0-9a-f]{10}$/);
    expect(trace.step('Prep').properties!.ProcessingOutputConfig).toEqual({ Outputs: [expect.objectContaining({ S3Output: expect.objectContaining({ S3Uri: `s3://b/${name}` }) })] });
    expect(simulate(outside).step('F').failureReason).toBe('Execution.TrainingJobName is undefined (only the steps that start a Training job have it).');
  });

  test('a StartDateTime that is not a date is refused', () => {
    expect(() => simulate(d, { executionVariables: { StartDateTime: 'yesterday' } })).toThrow(/StartDateTime 'yesterday' is not an ISO-8601 date/);
  });

  test('PipelineExperimentConfig values resolve from execution variables', () => {
    // GIVEN
    const withConfig = definition([fail('F', join('/', get('PipelineExperimentConfig.ExperimentName'), get('PipelineExperimentConfig.TrialName')))], [], {
      PipelineExperimentConfig: { ExperimentName: get('Execution.PipelineName'), TrialName: get('Execution.PipelineExecutionId') },
    });

    // THEN
    expect(simulate(withConfig).failureReason).toBe('simulated-pipeline/simulated001');
  });
});

describe('Std:JsonGet', () => {
  const evaluate = processing('Eval', { PropertyFiles: [{ PropertyFileName: 'Report', OutputName: 'out', FilePath: 'metrics/report.json' }] });
  const readFile = (path: string) => fail('F', join(' ', { 'Std:JsonGet': { PropertyFile: get('Steps.Eval.PropertyFiles.Report'), Path: path } }));

  test('reads a property file given per step, with the path syntax of jsonpath-plus', () => {
    // GIVEN
    const files = { Report: { metrics: { 'val:acc': 0.91, 'list': [1, 2, 3] } } };

    // THEN
    expect(simulate(definition([evaluate, readFile("metrics['val:acc']")]), { steps: { Eval: { propertyFiles: files } } }).failureReason).toBe('0.91');
    expect(simulate(definition([evaluate, readFile('metrics.list[2]')]), { steps: { Eval: { propertyFiles: files } } }).failureReason).toBe('3');
    expect(simulate(definition([evaluate, readFile('$.metrics.list[0]')]), { steps: { Eval: { propertyFiles: files } } }).failureReason).toBe('1');
  });

  test('reads a property file from the S3 documents at <output S3Uri>/<FilePath>', () => {
    // WHEN
    const trace = simulate(definition([evaluate, readFile('mse')]), { s3Objects: { 's3://bucket/Eval/metrics/report.json': { mse: 2.5 } } });

    // THEN
    expect(trace.failureReason).toBe('2.5');
  });

  test('a property file that a running step needs and nobody gave is bad input naming both flags', () => {
    expect(() => simulate(definition([evaluate, readFile('mse')]))).toThrow(
      /step F reads property file Report of step Eval \(Std:JsonGet Path "mse"\), and no contents were given for it\. Pass steps: \{ Eval: \{ propertyFiles: \{ Report: \{\.\.\.\} \} \} \}, or --property-file Eval\.Report=path\.json \(or the document at s3:\/\/bucket\/Eval\/metrics\/report\.json\)/);
  });

  test('a path that matches nothing fails the reading step', () => {
    // WHEN
    const trace = simulate(definition([evaluate, readFile('nope.x')]), { steps: { Eval: { propertyFiles: { Report: { mse: 1 } } } } });

    // THEN
    expect(trace.step('F').failureReason).toBe('Std:JsonGet: the path "nope.x" matches nothing in property file Report of step Eval.');
  });

  test('reads an S3 URI built with Std:Join', () => {
    // GIVEN
    const d = definition([fail('F', join('', { 'Std:JsonGet': { S3Uri: join('/', 's3://bucket', get('Parameters.Key')), Path: 'a.b' } }))],
      [{ Name: 'Key', Type: 'String', DefaultValue: 'doc.json' }]);

    // THEN
    expect(simulate(d, { s3Objects: { 's3://bucket/doc.json': { a: { b: true } } } }).failureReason).toBe('True');
    expect(() => simulate(d)).toThrow(/step F reads s3:\/\/bucket\/doc\.json with Std:JsonGet \(Path "a\.b"\), and no contents were given for it\. Pass s3Objects: \{ 's3:\/\/bucket\/doc\.json': \{\.\.\.\} \}, or --json-get s3:\/\/bucket\/doc\.json=path\.json\./);
  });
});

describe('conditions', () => {
  const run = (conditions: unknown[], parameters: unknown[] = []) => {
    const trace = simulate(definition([condition('C', conditions, [fail('Yes', 'yes')], [fail('No', 'no')])], parameters));
    return trace;
  };
  const cmp = (Type: string, LeftValue: unknown, RightValue: unknown) => ({ Type, LeftValue, RightValue });

  test.each([
    ['Equals', 1, 1, true], ['Equals', 'a', 'b', false], ['Equals', true, true, true],
    ['GreaterThan', 2, 1, true], ['GreaterThan', 1, 1, false],
    ['GreaterThanOrEqualTo', 1, 1, true], ['GreaterThanOrEqualTo', 0.5, 1, false],
    ['LessThan', 'abc', 'abd', true], ['LessThan', 2, 1, false],
    ['LessThanOrEqualTo', 1, 1, true], ['LessThanOrEqualTo', 'b', 'a', false],
  ])('%s(%j, %j) is %s', (type, left, right, expected) => {
    // WHEN
    const trace = run([cmp(type as string, left, right)]);

    // THEN
    expect(trace.step('C').outcome).toBe(expected);
    expect(trace.step('C').conditions).toEqual([{ type, outcome: expected, leftValue: left, rightValue: right }]);
    expect(trace.step(expected ? 'Yes' : 'No').status).toBe('Failed');
    expect(trace.step(expected ? 'No' : 'Yes')).toMatchObject({ status: 'NotExecuted', reason: `in the ${expected ? 'ElseSteps' : 'IfSteps'} of C, whose outcome was ${expected}` });
  });

  test('In, Not and Or nest; the Conditions list is a conjunction', () => {
    // GIVEN
    const inCondition = { Type: 'In', QueryValue: get('Parameters.Region'), Values: ['us-east-1', 'eu-west-1'] };
    const nested = { Type: 'Not', Condition: { Type: 'Or', Conditions: [cmp('Equals', 1, 2), { Type: 'Not', Condition: cmp('LessThan', 1, 2) }] } };
    const params = [{ Name: 'Region', Type: 'String', DefaultValue: 'eu-west-1' }];

    // WHEN
    const trace = run([inCondition, nested], params);
    const conjunction = run([inCondition, cmp('Equals', 1, 2)], params);

    // THEN
    expect(trace.step('C').outcome).toBe(true);
    expect(trace.step('C').conditions).toEqual([
      { type: 'In', outcome: true, queryValue: 'eu-west-1', values: ['us-east-1', 'eu-west-1'] },
      {
        type: 'Not',
        outcome: true,
        conditions: [{
          type: 'Or',
          outcome: false,
          conditions: [
            { type: 'Equals', outcome: false, leftValue: 1, rightValue: 2 },
            { type: 'Not', outcome: false, conditions: [{ type: 'LessThan', outcome: true, leftValue: 1, rightValue: 2 }] },
          ],
        }],
      },
    ]);
    expect(conjunction.step('C').outcome).toBe(false);
  });

  test('comparing values of different types fails the condition step', () => {
    // WHEN
    const equals = run([cmp('Equals', '1', 1)]);
    const greater = run([cmp('GreaterThan', get('Parameters.Flag'), 1)], [{ Name: 'Flag', Type: 'Boolean', DefaultValue: true }]);
    const booleans = run([cmp('LessThan', true, false)]);

    // THEN
    expect(equals.status).toBe('Failed');
    expect(equals.step('C').failureReason).toBe('LeftValue ["1"] of type [string] and RightValue [1] of type [number] are not of the same type.');
    expect(equals.stepsWithStatus('NotExecuted')).toEqual(['Yes', 'No']);
    expect(greater.step('C').failureReason).toBe('Condition of type [GreaterThan] not supported between LeftValue [true] of type [boolean] and RightValue [1] of type [number].');
    expect(booleans.step('C').failureReason).toMatch(/^Condition of type \[LessThan\] not supported between LeftValue \[true\] of type \[boolean\]/);
  });

  test('nested conditions in a branch run only when their branch is taken', () => {
    // GIVEN
    const inner = condition('Inner', [cmp('Equals', get('Parameters.N'), 2)], [lambda('Two')], [lambda('NotTwo')]);
    const d = definition([condition('Outer', [cmp('GreaterThan', get('Parameters.N'), 0)], [inner], [lambda('NonPositive')])],
      [{ Name: 'N', Type: 'Integer', DefaultValue: 2 }]);

    // WHEN
    const two = simulate(d);
    const negative = simulate(d, { parameters: { N: -1 } });

    // THEN
    expect(two.stepsWithStatus('Succeeded')).toEqual(['Outer', 'Inner', 'Two']);
    expect(two.step('Two').wave).toBe(3);
    expect(negative.stepsWithStatus('Succeeded')).toEqual(['Outer', 'NonPositive']);
    expect(negative.stepsWithStatus('NotExecuted')).toEqual(['Inner', 'Two', 'NotTwo']);
  });
});

describe('property references', () => {
  test('a reference to a property the step would not have fails the referencing step like the service', () => {
    // GIVEN
    const d = definition([
      processing('Prep'),
      lambda('Use', { uri: get("Steps.Prep.ProcessingOutputConfig.Outputs['other'].S3Output.S3Uri") }, [['y', 'String']]),
      lambda('After', { x: get("Steps.Use.OutputParameters['y']") }, [], { DependsOn: ['Use'] }),
    ]);

    // WHEN
    const trace = simulate(d);

    // THEN
    expect(trace.status).toBe('Failed');
    expect(trace.step('Use').failureReason).toMatch(/^Steps\.Prep\.ProcessingOutputConfig\.Outputs\['other'\]\.S3Output\.S3Uri is undefined\./);
    expect(trace.failureReason).toMatch(/^Step Use failed: Steps\.Prep\.ProcessingOutputConfig\.Outputs\['other'\]\.S3Output\.S3Uri is undefined\./);
    expect(trace.step('After')).toMatchObject({ status: 'NotExecuted', reason: 'waits for Use, which did not succeed' });
  });

  test('Lambda outputs are typed by OutputType; undeclared outputs and unknown steps are bad input', () => {
    // GIVEN
    const d = definition([lambda('L', {}, [['n', 'Integer'], ['ok', 'Boolean'], ['f', 'Float']]), fail('F', join(',', get("Steps.L.OutputParameters['n']"), get("Steps.L.OutputParameters['ok']"), get("Steps.L.OutputParameters['f']")))]);

    // THEN
    expect(simulate(d, { steps: { L: { outputParameters: { n: '7', ok: 'false', f: 3 } } } }).failureReason).toBe('7,False,3.0');
    expect(() => simulate(d, { steps: { L: { outputParameters: { m: 1 } } } })).toThrow(/step L: 'm' is not one of its OutputParameters \(n, ok, f\)\. Did you mean "n"\?/);
    expect(() => simulate(d, { steps: { L: { outputParameters: { n: 'seven' } } } })).toThrow(/output 'n' of step L \(OutputType Integer\) is "seven", not an integer/);
    expect(() => simulate(d, { steps: { Lx: {} } })).toThrow(/steps: the pipeline has no step 'Lx'\. Did you mean "L"\? Its steps are L, F\./);
    expect(() => simulate(d, { steps: { F: { outputParameters: { n: 1 } } } })).toThrow(/outputParameters are for Lambda and Callback steps; F is a Fail step/);
    expect(() => simulate(d, { steps: { F: { failures: [{ exceptionType: 'Step.SERVICE_FAULT' }] } } })).toThrow(/a Fail step runs no job/);
  });

  test('an invalid definition is refused with its problems', () => {
    expect(() => simulate(definition([fail('F', get('Parameters.Missing'))]))).toThrow(/the definition has 1 problem, so the service would refuse it: Steps\[0\]\.Arguments\.ErrorMessage\.Get: Parameter "Missing" is not declared/);
  });
});

describe('derived properties', () => {
  const training = {
    Name: 'Train',
    Type: 'Training',
    Arguments: {
      AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' },
      OutputDataConfig: { S3OutputPath: 's3://bucket/models/' },
      ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 },
      RoleArn: ROLE,
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    },
  };

  test('training: model artifacts under <S3OutputPath>/<job name>/output, metrics from the caller, keyed by MetricName', () => {
    // GIVEN
    const d = definition([training, fail('F', join(' ', get('Steps.Train.ModelArtifacts.S3ModelArtifacts'), get("Steps.Train.FinalMetricDataList['rmse'].Value")))]);

    // WHEN
    const trace = simulate(d, { steps: { Train: { metrics: { rmse: 2 } } } });

    // THEN
    const job = trace.step('Train').properties!.TrainingJobName;
    expect(trace.failureReason).toBe(`s3://bucket/models/${job}/output/model.tar.gz 2.0`);
    expect(trace.step('Train').properties).toMatchObject({ TrainingJobStatus: 'Completed', FinalMetricDataList: [{ MetricName: 'rmse', Value: 2 }] });
  });

  test('register model: ModelPackageArn with the group name as given and version 1, overridable', () => {
    // GIVEN
    const register = { Name: 'Reg', Type: 'RegisterModel', Arguments: { ModelPackageGroupName: 'MyGroup', InferenceSpecification: { Containers: [{ Image: 'img' }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] } } };

    // WHEN
    const first = simulate(definition([register]));
    const third = simulate(definition([register]), { steps: { Reg: { properties: { ModelPackageVersion: 3 } } } });

    // THEN
    expect(first.step('Reg').properties).toMatchObject({
      ModelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/MyGroup/1', ModelApprovalStatus: 'PendingManualApproval', ModelPackageStatus: 'Completed',
    });
    expect(third.step('Reg').properties!.ModelPackageArn).toBe('arn:aws:sagemaker:us-east-1:123456789012:model-package/MyGroup/3');
  });

  test('properties given per step replace or extend the derived ones', () => {
    // WHEN
    const trace = simulate(definition([training]), { steps: { Train: { properties: { ModelArtifacts: { S3ModelArtifacts: 's3://given/model.tar.gz' }, Extra: 1 } } } });

    // THEN
    expect(trace.step('Train').properties).toMatchObject({ ModelArtifacts: { S3ModelArtifacts: 's3://given/model.tar.gz' }, Extra: 1, TrainingJobStatus: 'Completed' });
  });
});

describe('retry policies', () => {
  const job = (policies: unknown[]) => definition([processing('Job', { RetryPolicies: policies }), lambda('Next', { uri: get("Steps.Job.ProcessingOutputConfig.Outputs['out'].S3Output.S3Uri") })]);

  test('a failure on the first attempts is retried with backoff until an attempt succeeds', () => {
    // WHEN
    const trace = simulate(job([{ ExceptionType: ['SageMaker.CAPACITY_ERROR'], IntervalSeconds: 10, BackoffRate: 3, MaxAttempts: 5 }]), {
      steps: { Job: { failures: [{ exceptionType: 'SageMaker.CAPACITY_ERROR', attempts: 3 }] } },
    });

    // THEN
    expect(trace.status).toBe('Succeeded');
    expect(trace.step('Job').status).toBe('Succeeded');
    expect(trace.step('Job').attempts).toEqual([
      { attempt: 1, startSeconds: 0, status: 'Failed', exceptionType: 'SageMaker.CAPACITY_ERROR', failureReason: 'SageMaker.CAPACITY_ERROR (injected by the simulation)', retryAfterSeconds: 10 },
      { attempt: 2, startSeconds: 10, status: 'Failed', exceptionType: 'SageMaker.CAPACITY_ERROR', failureReason: 'SageMaker.CAPACITY_ERROR (injected by the simulation)', retryAfterSeconds: 30 },
      { attempt: 3, startSeconds: 40, status: 'Failed', exceptionType: 'SageMaker.CAPACITY_ERROR', failureReason: 'SageMaker.CAPACITY_ERROR (injected by the simulation)', retryAfterSeconds: 90 },
      { attempt: 4, startSeconds: 130, status: 'Succeeded' },
    ]);
    expect(trace.toString()).toMatch(/Job\s+Processing\s+Succeeded\s+4\s+succeeded after SageMaker.CAPACITY_ERROR, SageMaker.CAPACITY_ERROR, SageMaker.CAPACITY_ERROR/);
  });

  test('MaxAttempts counts every attempt; when spent the step and the execution fail', () => {
    // WHEN
    const trace = simulate(job([{ ExceptionType: ['SageMaker.JOB_INTERNAL_ERROR'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 }]), {
      steps: { Job: { failures: [{ exceptionType: 'SageMaker.JOB_INTERNAL_ERROR', message: 'InternalServerError' }] } },
    });

    // THEN
    expect(trace.step('Job').attempts.map((a) => [a.attempt, a.status, a.retryAfterSeconds])).toEqual([[1, 'Failed', 1], [2, 'Failed', 2], [3, 'Failed', undefined]]);
    expect(trace.failureReason).toBe('Step Job failed: InternalServerError');
    expect(trace.step('Next').status).toBe('NotExecuted');
    expect(trace.toString()).toMatch(/Job\s+Processing\s+Failed\s+3\s+InternalServerError \(retried after 1s, 2s\)/);
  });

  test('only the exception types a policy names are retried; the first matching policy applies', () => {
    // GIVEN
    const policies = [
      { ExceptionType: ['Step.THROTTLING'], IntervalSeconds: 5, BackoffRate: 1, MaxAttempts: 2 },
      { ExceptionType: ['SageMaker.RESOURCE_LIMIT', 'Step.THROTTLING'], IntervalSeconds: 60, BackoffRate: 2, MaxAttempts: 10 },
    ];

    // WHEN
    const capacity = simulate(job(policies), { steps: { Job: { failures: [{ exceptionType: 'SageMaker.CAPACITY_ERROR', attempts: 1 }] } } });
    const throttled = simulate(job(policies), { steps: { Job: { failures: [{ exceptionType: 'Step.THROTTLING' }] } } });
    const limit = simulate(job(policies), { steps: { Job: { failures: [{ exceptionType: 'SageMaker.RESOURCE_LIMIT', attempts: [1, 2] }] } } });

    // THEN
    expect(capacity.step('Job').attempts).toHaveLength(1);
    expect(capacity.step('Job').status).toBe('Failed');
    expect(throttled.step('Job').attempts.map((a) => a.retryAfterSeconds)).toEqual([5, undefined]);
    expect(limit.step('Job').attempts.map((a) => a.retryAfterSeconds)).toEqual([60, 120, undefined]);
    expect(limit.step('Job').status).toBe('Succeeded');
  });

  test('ExpireAfterMin stops retrying when the next attempt would start too late; no limit means 5 attempts', () => {
    // WHEN
    const expiring = simulate(job([{ ExceptionType: ['Step.SERVICE_FAULT'], IntervalSeconds: 60, BackoffRate: 2, ExpireAfterMin: 5 }]), {
      steps: { Job: { failures: [{ exceptionType: 'Step.SERVICE_FAULT' }], durationSeconds: 10 } },
    });
    const unlimited = simulate(job([{ ExceptionType: ['Step.SERVICE_FAULT'], IntervalSeconds: 1, BackoffRate: 2 }]), {
      steps: { Job: { failures: [{ exceptionType: 'Step.SERVICE_FAULT' }] } },
    });

    // THEN: starts at 0, 70, 200; the next would start at 200 + 10 + 240 = 450 s > 300 s.
    expect(expiring.step('Job').attempts.map((a) => a.startSeconds)).toEqual([0, 70, 200]);
    expect(unlimited.step('Job').attempts).toHaveLength(5);
  });

  test('injected failures are checked', () => {
    expect(() => simulate(job([]), { steps: { Job: { failures: [{ exceptionType: '' }] } } })).toThrow(/step Job: a failure needs an exceptionType/);
    expect(() => simulate(job([]), { steps: { Job: { failures: [{ exceptionType: 'X', attempts: 0 }] } } })).toThrow(/attempts as a positive integer/);
    expect(() => simulate(job([]), { steps: { Job: { durationSeconds: -1 } } })).toThrow(/step Job: durationSeconds must be a number of seconds of at least 0; received -1/);
    expect(() => simulate(job([]), { steps: { Job: { metrics: { rmse: 'low' as any } } } })).toThrow(/step Job: metric 'rmse' must be a number; received "low"/);
  });
});

describe('waves and parallelism', () => {
  const independent = definition([lambda('A'), lambda('B'), lambda('C'), lambda('D', {}, [], { DependsOn: ['A'] })]);

  test('steps without links run in the same wave; MaxParallelExecutionSteps limits a wave', () => {
    // WHEN
    const free = simulate(independent);
    const limited = simulate(independent, { maxParallelExecutionSteps: 2 });

    // THEN
    expect(free.steps.map((s) => [s.name, s.wave])).toEqual([['A', 1], ['B', 1], ['C', 1], ['D', 2]]);
    expect(limited.steps.map((s) => [s.name, s.wave])).toEqual([['A', 1], ['B', 1], ['C', 2], ['D', 2]]);
    expect(() => simulate(independent, { maxParallelExecutionSteps: 0 })).toThrow(/maxParallelExecutionSteps must be an integer of at least 1; received 0/);
  });

  test('when a step fails, steps of its wave finish and no later step starts', () => {
    // WHEN
    const trace = simulate(independent, { maxParallelExecutionSteps: 2, steps: { A: { failures: [{ exceptionType: 'ClientError' }] } } });

    // THEN
    expect(trace.steps.map((s) => [s.name, s.status])).toEqual([['A', 'Failed'], ['B', 'Succeeded'], ['C', 'NotExecuted'], ['D', 'NotExecuted']]);
    expect(trace.step('C').reason).toBe('the execution failed before the step could start');
  });

  test('random DAGs: every step runs once, after all its upstream steps, at most N per wave', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 25 }).chain((n) => fc.tuple(
        fc.constant(n),
        fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 40 }),
        fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      )),
      ([n, pairs, parallel]) => {
        const deps: string[][] = Array.from({ length: n }, () => []);
        for (const [a, b] of pairs) {
          if (a < b && !deps[b].includes(`S${a}`)) {
            deps[b].push(`S${a}`);
          }
        }
        const steps = deps.map((d, i) => lambda(`S${i}`, {}, [], d.length > 0 ? { DependsOn: d } : {}));
        const trace = simulate(definition(steps), { maxParallelExecutionSteps: parallel });
        expect(trace.status).toBe('Succeeded');
        const wave = new Map(trace.steps.map((s) => [s.name, s.wave!]));
        deps.forEach((d, i) => d.forEach((up) => expect(wave.get(up)!).toBeLessThan(wave.get(`S${i}`)!)));
        const perWave = new Map<number, number>();
        wave.forEach((w) => perWave.set(w, (perWave.get(w) ?? 0) + 1));
        perWave.forEach((count) => expect(count).toBeLessThanOrEqual(parallel ?? n));
      },
    ), { numRuns: 100 });
  });
});

describe('caching', () => {
  const cached = (expireAfter?: string) => definition([processing('Job', { CacheConfig: { Enabled: true, ...(expireAfter ? { ExpireAfter: expireAfter } : {}) } }, [['out', join('/', 's3://b', get('Parameters.Key'))]]), lambda('L')],
    [{ Name: 'Key', Type: 'String', DefaultValue: 'a' }]);

  test('a second run with unchanged arguments reports a cache hit with the earlier properties', () => {
    // GIVEN
    const first = simulate(cached());

    // WHEN
    const second = simulate(cached(), { previousExecution: first, executionVariables: { PipelineExecutionId: 'second000001' } });
    const changed = simulate(cached(), { previousExecution: first, parameters: { Key: 'b' } });

    // THEN
    expect(second.step('Job').status).toBe('CacheHit');
    expect(second.step('Job').properties).toEqual(first.step('Job').properties);
    expect(second.step('L').status).toBe('Succeeded');
    expect(changed.step('Job').status).toBe('Succeeded');
    expect(second.toJSON().steps[0]).toMatchObject({ name: 'Job', status: 'CacheHit' });
  });

  test('ExpireAfter counts from the earlier execution start', () => {
    // GIVEN
    const first = simulate(cached('PT1H'));

    // WHEN
    const soon = simulate(cached('PT1H'), { previousExecution: first, executionVariables: { StartDateTime: '2026-01-01T00:59:00Z' } });
    const late = simulate(cached('PT1H'), { previousExecution: first, executionVariables: { StartDateTime: '2026-01-01T01:01:00Z' } });

    // THEN
    expect(soon.step('Job').status).toBe('CacheHit');
    expect(late.step('Job').status).toBe('Succeeded');
  });
});

describe('the trace', () => {
  test('toJSON has the shape the command line prints; toString a table', () => {
    // GIVEN
    const trace = simulate(definition([lambda('L', { x: 1 }, [['o', 'String']]), condition('C', [{ Type: 'Equals', LeftValue: get("Steps.L.OutputParameters['o']"), RightValue: 'go' }], [fail('Stop', 'stopped')])]), {
      steps: { L: { outputParameters: { o: 'go' } } },
    });

    // THEN
    expect(trace.toJSON()).toEqual({
      status: 'Failed',
      failureReason: 'stopped',
      steps: [
        { name: 'L', type: 'Lambda', status: 'Succeeded', attempts: [{ attempt: 1, startSeconds: 0, status: 'Succeeded' }], arguments: { x: 1 }, properties: { OutputParameters: { o: 'go' } } },
        { name: 'C', type: 'Condition', status: 'Succeeded', attempts: [{ attempt: 1, startSeconds: 0, status: 'Succeeded' }], arguments: { Conditions: [{ Type: 'Equals', LeftValue: 'go', RightValue: 'go' }] }, properties: { Outcome: true }, outcome: true },
        { name: 'Stop', type: 'Fail', status: 'Failed', attempts: [{ attempt: 1, startSeconds: 0, status: 'Failed', failureReason: 'stopped' }], arguments: { ErrorMessage: 'stopped' }, properties: null },
      ],
    });
    expect(trace.toString().split('\n')).toEqual([
      'Wave  Step  Type       Status     Attempts  Detail',
      '----  ----  ---------  ---------  --------  ----------------------',
      '1     L     Lambda     Succeeded  1',
      '2     C     Condition  Succeeded  1         outcome true (IfSteps)',
      '3     Stop  Fail       Failed     1         stopped',
      '',
      'Execution Failed: stopped (3 waves)',
    ]);
    expect(() => trace.step('Nope')).toThrow(/no step 'Nope'; its steps are L, C, Stop/);
  });

  test('a source that is none of the accepted kinds is refused', () => {
    expect(() => simulate({ nope: 1 } as any)).toThrow(/the source is neither a construct, a file path, a definition document/);
  });
});

describe('a definition with every step type, in the shape the SageMaker Python SDK exports', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { fullDefinition } = require('./fixtures/full-definition') as { fullDefinition: () => Record<string, unknown> };
  const inputs = (mse: number) => ({
    parameters: { ApprovalStatus: 'Approved' },
    s3Objects: { 's3://my-bucket/simulated001/report.json': { statistics_uri: 's3://my-bucket/statistics.json' } },
    steps: {
      Prep: { propertyFiles: { EvaluationReport: { regression_metrics: { mse: { value: mse } } } } },
      Train: { metrics: { 'validation:mse': 4 } },
      Notify: { outputParameters: { statusCode: 200, message: 'ok' } },
      Approval: { outputParameters: { approved: 'true' } },
    },
  });

  test('runs through both branches of its condition, nested condition included', () => {
    // WHEN
    const good = simulate(fullDefinition(), inputs(5));
    const bad = simulate(fullDefinition(), inputs(7));

    // THEN
    expect(good.status).toBe('Succeeded');
    expect(good.stepsWithStatus('NotExecuted')).toEqual(['Fail']);
    expect(good.step('CheckAccuracy').conditions!.map((c) => c.outcome)).toEqual([true, true, true, true]);
    expect(good.step('CheckDrift').outcome).toBe(true);
    expect(good.step('Register').arguments).toMatchObject({
      ModelApprovalStatus: 'Approved',
      ModelMetrics: { ModelQuality: { Statistics: { S3Uri: 's3://my-bucket/statistics.json' } } },
      CustomerMetadataProperties: { trained_by: good.step('Train').properties!.TrainingJobName },
    });
    expect(good.step('Notify').arguments).toMatchObject({ threshold: 6.5, dry_run: false, retries: 3, quality_report: 's3://my-bucket/data-quality/statistics.json' });
    expect(bad.status).toBe('Failed');
    expect(bad.failureReason).toBe('MSE above 6.5 in arn:aws:sagemaker:us-east-1:123456789012:pipeline/simulated-pipeline/execution/simulated001');
    expect(bad.stepsWithStatus('NotExecuted')).toEqual(['Register', 'CheckDrift', 'Cleanup']);
  });
});
