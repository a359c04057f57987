import { IResolvable } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import {
  Condition, ConditionStep, ContainerImage, ExecutionVariable, FailStep, JsonGet, ParameterBoolean, ParameterFloat,
  ParameterInteger, ParameterString, Pipeline, ProcessingStep, PropertyFile, TrainingStep,
} from '../lib';
import { definitionOf, newStack, stepOf } from './util';

const IMAGE = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1.2-1');

/** A pipeline with one condition step `Check` over `conditions` and a Fail step in its if branch. */
function conditionsOf(build: (pipeline: Pipeline) => Condition[]): unknown[] {
  const { stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline');
  const conditions = build(pipeline);
  new ConditionStep(pipeline, 'Check', { conditions, ifSteps: [new FailStep(pipeline, 'Stop', { errorMessage: 'stopped' })] });
  return stepOf(definitionOf(stack), 'Check').Arguments.Conditions;
}

describe('Condition', () => {
  test.each([
    ['equals', Condition.equals, 'Equals'],
    ['greaterThan', Condition.greaterThan, 'GreaterThan'],
    ['greaterThanOrEqualTo', Condition.greaterThanOrEqualTo, 'GreaterThanOrEqualTo'],
    ['lessThan', Condition.lessThan, 'LessThan'],
    ['lessThanOrEqualTo', Condition.lessThanOrEqualTo, 'LessThanOrEqualTo'],
  ])('Condition.%s renders {"Type": "%s", "LeftValue", "RightValue"}', (_name, factory, type) => {
    // GIVEN
    const epochs = new ParameterInteger('Epochs', { defaultValue: 10 });

    // WHEN
    const conditions = conditionsOf(() => [factory(epochs.valueAsNumber, 5)]);

    // THEN
    expect(conditions).toEqual([{ Type: type, LeftValue: { Get: 'Parameters.Epochs' }, RightValue: 5 }]);
  });

  test('comparisons take literal strings, numbers and booleans on either side', () => {
    // WHEN
    const conditions = conditionsOf(() => [Condition.equals('a', 'a'), Condition.lessThan(1.5, 2), Condition.equals(true, false)]);

    // THEN
    expect(conditions).toEqual([
      { Type: 'Equals', LeftValue: 'a', RightValue: 'a' },
      { Type: 'LessThan', LeftValue: 1.5, RightValue: 2 },
      { Type: 'Equals', LeftValue: true, RightValue: false },
    ]);
  });

  test('parameters of every type, as tokens or as IResolvable, render as Get', () => {
    // GIVEN
    const name = new ParameterString('ModelName', { defaultValue: 'm' });
    const threshold = new ParameterFloat('Threshold', { defaultValue: 0.5 });
    const approve = new ParameterBoolean('Approve', { defaultValue: true });

    // WHEN
    const conditions = conditionsOf(() => [
      Condition.equals(name.valueAsString, 'm'),
      Condition.greaterThan(threshold, 0.1),
      Condition.equals(approve.value, true),
    ]);

    // THEN
    expect(conditions).toEqual([
      { Type: 'Equals', LeftValue: { Get: 'Parameters.ModelName' }, RightValue: 'm' },
      { Type: 'GreaterThan', LeftValue: { Get: 'Parameters.Threshold' }, RightValue: 0.1 },
      { Type: 'Equals', LeftValue: { Get: 'Parameters.Approve' }, RightValue: true },
    ]);
  });

  test('Not(Not(Or(...))) renders exactly', () => {
    // GIVEN
    const epochs = new ParameterInteger('Epochs', { defaultValue: 10 });

    // WHEN
    const conditions = conditionsOf(() => [
      Condition.not(Condition.not(Condition.or(
        Condition.lessThan(epochs.valueAsNumber, 5),
        Condition.in(ExecutionVariable.PIPELINE_NAME, ['a', 'b']),
        Condition.not(Condition.equals(1, 2)),
      ))),
    ]);

    // THEN
    expect(conditions).toEqual([{
      Type: 'Not',
      Condition: {
        Type: 'Not',
        Condition: {
          Type: 'Or',
          Conditions: [
            { Type: 'LessThan', LeftValue: { Get: 'Parameters.Epochs' }, RightValue: 5 },
            { Type: 'In', QueryValue: { Get: 'Execution.PipelineName' }, Values: ['a', 'b'] },
            { Type: 'Not', Condition: { Type: 'Equals', LeftValue: 1, RightValue: 2 } },
          ],
        },
      },
    }]);
  });

  test('In over a processing step property and an execution variable; the condition orders after the step', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    // Created before the step it reads, so construct order alone would be wrong.
    const check = new ConditionStep(pipeline, 'Check', { conditions: [Condition.equals(1, 1)] });
    const prep = new ProcessingStep(pipeline, 'Prep', { image: IMAGE });

    // WHEN
    const gate = new ConditionStep(pipeline, 'Gate', {
      conditions: [
        Condition.in(prep.properties.ProcessingJobStatus, ['Completed', ExecutionVariable.PIPELINE_NAME]),
        Condition.in(ExecutionVariable.PIPELINE_NAME, ['prod', 'staging']),
      ],
    });
    const definition = definitionOf(stack);

    // THEN
    expect(stepOf(definition, 'Gate').Arguments.Conditions).toEqual([
      { Type: 'In', QueryValue: { Get: 'Steps.Prep.ProcessingJobStatus' }, Values: ['Completed', { Get: 'Execution.PipelineName' }] },
      { Type: 'In', QueryValue: { Get: 'Execution.PipelineName' }, Values: ['prod', 'staging'] },
    ]);
    expect(definition.Steps.map((s: any) => s.Name)).toEqual([check.stepName, 'Prep', gate.stepName]);
    // A data reference is not a DependsOn entry: the service derives the edge from the Get.
    expect(stepOf(definition, 'Gate').DependsOn).toBeUndefined();
  });

  test('conditions read JsonGet values and step properties of several types', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const report = new PropertyFile({ propertyFileName: 'Evaluation', outputName: 'evaluation', filePath: 'evaluation.json' });
    new ProcessingStep(pipeline, 'Evaluate', {
      image: IMAGE,
      outputs: [{ outputName: 'evaluation', localPath: '/opt/ml/processing/evaluation', s3Uri: 's3://example-bucket/evaluation' }],
      propertyFiles: [report],
    });
    const train = new TrainingStep(pipeline, 'Train', { image: IMAGE, outputPath: 's3://example-bucket/models' });
    const threshold = new ParameterFloat('MseThreshold', { defaultValue: 6 });

    // WHEN
    new ConditionStep(pipeline, 'Check', {
      conditions: [
        Condition.lessThanOrEqualTo(JsonGet.fromPropertyFile(report, 'regression_metrics.mse.value'), threshold),
        Condition.greaterThanOrEqualTo(train.properties.FinalMetricDataList['validation:rmse'].Value, 0),
        Condition.equals(train.properties.EnableNetworkIsolation, false),
      ],
    });
    const definition = definitionOf(stack);

    // THEN
    expect(stepOf(definition, 'Check').Arguments.Conditions).toEqual([
      {
        Type: 'LessThanOrEqualTo',
        LeftValue: { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Evaluate.PropertyFiles.Evaluation' }, Path: 'regression_metrics.mse.value' } },
        RightValue: { Get: 'Parameters.MseThreshold' },
      },
      { Type: 'GreaterThanOrEqualTo', LeftValue: { Get: "Steps.Train.FinalMetricDataList['validation:rmse'].Value" }, RightValue: 0 },
      { Type: 'Equals', LeftValue: { Get: 'Steps.Train.EnableNetworkIsolation' }, RightValue: false },
    ]);
    expect(definition.Parameters).toEqual([{ Name: 'MseThreshold', Type: 'Float', DefaultValue: 6 }]);
    const names = definition.Steps.map((s: any) => s.Name);
    expect(names.indexOf('Check')).toBeGreaterThan(names.indexOf('Evaluate'));
    expect(names.indexOf('Check')).toBeGreaterThan(names.indexOf('Train'));
  });

  test('a Join as an operand renders Std:Join', () => {
    // WHEN
    const conditions = conditionsOf(() => [Condition.equals(`${ExecutionVariable.PIPELINE_NAME}-prod`, 'p-prod')]);

    // THEN
    expect(conditions).toEqual([{
      Type: 'Equals',
      LeftValue: { 'Std:Join': { On: '', Values: [{ Get: 'Execution.PipelineName' }, '-prod'] } },
      RightValue: 'p-prod',
    }]);
  });

  test.each([
    ['undefined', () => Condition.equals(undefined as any, 1), /Condition.equals: left must be a string, number, boolean or a pipeline expression.*received undefined/],
    ['an object', () => Condition.lessThan(1, { a: 1 } as any), /Condition.lessThan: right must be .*received an object \(Object\)/],
    ['NaN', () => Condition.greaterThan(NaN, 1), /left must be a finite number; received NaN/],
    ['an empty In list', () => Condition.in('a', []), /Condition.in needs at least one value.*received an empty list/],
    ['a bad In value', () => Condition.in('a', ['b', null as any]), /Condition.in: values\[1\] must be .*received null/],
    ['an empty Or', () => Condition.or(), /Condition.or needs at least one condition; received none/],
    ['a non-condition in Or', () => Condition.or(Condition.equals(1, 1), 'x' as any), /Condition.or takes Conditions only; argument 1 is string x/],
    ['a non-condition in Not', () => Condition.not(true as any), /Condition.not takes one Condition; received boolean true/],
  ])('refuses %s eagerly', (_what, build, message) => {
    expect(build).toThrow(message);
  });

  test('conditionType names the JSON Type', () => {
    expect([
      Condition.equals(1, 1), Condition.in(1, [1]), Condition.not(Condition.equals(1, 1)), Condition.or(Condition.equals(1, 1)),
    ].map((c) => c.conditionType)).toEqual(['Equals', 'In', 'Not', 'Or']);
  });

  describe('property: random Not/Or trees', () => {
    type Tree = { kind: 'leaf'; type: number; left: number; right: number } | { kind: 'in'; query: string; values: string[] } | { kind: 'not'; inner: Tree } | { kind: 'or'; items: Tree[] };
    const TYPES = ['Equals', 'GreaterThan', 'GreaterThanOrEqualTo', 'LessThan', 'LessThanOrEqualTo'];
    const FACTORIES = [Condition.equals, Condition.greaterThan, Condition.greaterThanOrEqualTo, Condition.lessThan, Condition.lessThanOrEqualTo];

    const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.record({ kind: fc.constant('leaf' as const), type: fc.integer({ min: 0, max: 4 }), left: fc.integer(), right: fc.integer() }),
        fc.record({ kind: fc.constant('in' as const), query: fc.string(), values: fc.array(fc.string(), { minLength: 1, maxLength: 3 }) }),
        fc.record({ kind: fc.constant('not' as const), inner: tie('tree') }),
        fc.record({ kind: fc.constant('or' as const), items: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
      ),
    })).tree;

    function build(t: Tree): Condition {
      switch (t.kind) {
        case 'leaf': return FACTORIES[t.type](t.left, t.right);
        case 'in': return Condition.in(t.query, t.values);
        case 'not': return Condition.not(build(t.inner));
        case 'or': return Condition.or(...t.items.map(build));
      }
    }

    function expected(t: Tree): unknown {
      switch (t.kind) {
        case 'leaf': return { Type: TYPES[t.type], LeftValue: t.left, RightValue: t.right };
        case 'in': return { Type: 'In', QueryValue: t.query, Values: t.values };
        case 'not': return { Type: 'Not', Condition: expected(t.inner) };
        case 'or': return { Type: 'Or', Conditions: t.items.map(expected) };
      }
    }

    test('the rendered JSON mirrors the tree and passes the validator', () => {
      fc.assert(fc.property(tree, (t) => {
        expect(conditionsOf(() => [build(t)])).toEqual([expected(t)]);
      }), { numRuns: 40 });
    });
  });

  test('an IResolvable that is not a pipeline expression (a condition Outcome) is accepted', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const first = new ConditionStep(pipeline, 'First', { conditions: [Condition.equals(1, 1)] });
    const outcome: IResolvable = first.properties.Outcome;

    // WHEN
    new ConditionStep(pipeline, 'Second', { conditions: [Condition.equals(outcome, true)] });
    const definition = definitionOf(stack);

    // THEN
    expect(stepOf(definition, 'Second').Arguments.Conditions).toEqual([{ Type: 'Equals', LeftValue: { Get: 'Steps.First.Outcome' }, RightValue: true }]);
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['First', 'Second']);
  });
});
