import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { newStack } from './util';
import {
  DefinitionInputError, DefinitionPlacement, FailStep, LambdaStep, ParameterString, Pipeline, definitionOf, loadDefinition, simulate,
} from '../lib';

/** One pipeline, read by the simulator from every kind of source (DESIGN decision 12). */

function stackWithPipeline(placement?: DefinitionPlacement) {
  const { app, stack } = newStack();
  const bucket = new s3.Bucket(stack, 'Data');
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'Daily', definitionPlacement: placement, maxParallelExecutionSteps: 1 });
  const where = new ParameterString('Where', { defaultValue: 's3://example/x' });
  const a = new LambdaStep(pipeline, 'A', { function: lambda.Function.fromFunctionArn(stack, 'FnA', 'arn:aws:lambda:us-east-1:123456789012:function:a') });
  const b = new LambdaStep(pipeline, 'B', { function: lambda.Function.fromFunctionArn(stack, 'FnB', 'arn:aws:lambda:us-east-1:123456789012:function:b') });
  const stop = new FailStep(pipeline, 'Stop', { errorMessage: `stopped at ${where.valueAsString} in ${bucket.bucketName}` });
  stop.addDependsOn(a, b);
  return { app, stack, pipeline, bucket };
}

function synthTo(placement?: DefinitionPlacement): string {
  const { app } = stackWithPipeline(placement);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'simulate-source-'));
  fs.cpSync(app.synth().directory, out, { recursive: true });
  return out;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('sources', () => {
  test('a construct: the pipeline name and ParallelismConfiguration come from the Pipeline', () => {
    // GIVEN
    const { stack, pipeline } = stackWithPipeline();

    // WHEN
    const fromStack = simulate(stack);
    const fromPipeline = simulate(pipeline, { maxParallelExecutionSteps: 2 });

    // THEN
    expect(fromStack.executionVariables.PipelineName).toBe('Daily');
    expect(fromStack.executionVariables.PipelineArn).toBe('arn:aws:sagemaker:us-east-1:123456789012:pipeline/daily');
    expect(fromStack.steps.map((s) => [s.name, s.wave])).toEqual([['A', 1], ['B', 2], ['Stop', 3]]);
    expect(fromPipeline.steps.map((s) => [s.name, s.wave])).toEqual([['A', 1], ['B', 1], ['Stop', 2]]);
    expect(fromStack.failureReason).toMatch(/^stopped at s3:\/\/example\/x in \$\{Ref:Data[0-9A-F]+\}$/);
  });

  test('values fill CloudFormation placeholders; a choice among several pipelines is passed on', () => {
    // GIVEN
    const { stack, bucket } = stackWithPipeline();
    const id = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    const other = new Pipeline(stack, 'Other', { pipelineName: 'other' });
    new FailStep(other, 'Nope', { errorMessage: 'other' });

    // THEN
    expect(simulate(stack, { pipeline: 'Pipeline', values: { [id]: 'my-bucket' } }).failureReason).toBe('stopped at s3://example/x in my-bucket');
    expect(simulate(stack, { pipeline: 'other' }).failureReason).toBe('other');
    expect(() => simulate(stack)).toThrow(DefinitionInputError);
    expect(() => simulate(stack)).toThrow(/holds 2 pipelines/);
  });

  test('a cdk.out folder, a template, a definition file, a definition object and a loadDefinition result give the same trace', () => {
    // GIVEN
    const dir = synthTo();
    dirs.push(dir);
    const file = path.join(dir, 'definition.json');
    const { stack } = stackWithPipeline();
    fs.writeFileSync(file, JSON.stringify(definitionOf(stack)));

    // WHEN
    const traces = [dir, path.join(dir, 'Stack.template.json'), loadDefinition(dir)].map((source) => simulate(source));
    const bare = [file, definitionOf(stack)].map((source) => simulate(source));

    // THEN
    for (const trace of [...traces, ...bare]) {
      expect(trace.failureReason).toEqual(traces[0].failureReason);
    }
    // The template knows the name and ParallelismConfiguration; a bare definition does not.
    expect(traces.map((t) => [t.executionVariables.PipelineName, t.waves])).toEqual([['Daily', 3], ['Daily', 3], ['Daily', 3]]);
    expect(bare.map((t) => [t.executionVariables.PipelineName, t.waves])).toEqual([['simulated-pipeline', 2], ['simulated-pipeline', 2]]);
  });

  test('a definition placed in S3 is read from its staged asset', () => {
    // GIVEN
    const dir = synthTo(DefinitionPlacement.s3());
    dirs.push(dir);

    // WHEN
    const trace = simulate(dir);

    // THEN
    expect(trace.failureReason).toMatch(/^stopped at s3:\/\/example\/x in \$\{Ref:Data[0-9A-F]+\}$/);
  });

  test('a missing file is bad input', () => {
    expect(() => simulate(path.join(os.tmpdir(), 'no-such-definition.json'))).toThrow(/no such file or folder/);
  });
});
