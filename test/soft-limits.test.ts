import { Annotations as CdkAnnotations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { fullDefinition } from './fixtures/full-definition';
import { newStack } from './util';
import { FailStep, ParameterString, Pipeline } from '../lib';
import { MAX_ENUM_VALUES, MAX_START_PARAMETERS, MAX_STEPS_WARNING, softLimitWarnings } from '../lib/private/soft-limits';

type Definition = Record<string, any>;

function failStep(name: string): Definition {
  return { Name: name, Type: 'Fail', Arguments: { ErrorMessage: name } };
}

describe('softLimitWarnings', () => {
  test('the full fixture has no warnings', () => {
    expect(softLimitWarnings(fullDefinition())).toEqual([]);
  });

  test.each([undefined, null, 3, 'x', [], {}, { Steps: 'junk', Parameters: 'junk' }, { Steps: [null, 1, { Type: 'Condition', Arguments: null }] }])(
    'never throws on malformed input %p', (input) => {
      expect(softLimitWarnings(input)).toEqual([]);
    });

  test('warns when the pipeline has more than the step threshold', () => {
    // GIVEN
    const d = fullDefinition();
    d.Steps = Array.from({ length: MAX_STEPS_WARNING + 1 }, (_, i) => failStep(`S${i}`));

    // THEN
    const warnings = softLimitWarnings(d);
    expect(warnings).toEqual([expect.objectContaining({ id: 'cdk-sagemaker-pipelines:manySteps', message: expect.stringMatching(/501 steps.*1,048,576 characters/) })]);
  });

  test('does not warn at exactly the threshold', () => {
    const d = fullDefinition();
    d.Steps = Array.from({ length: MAX_STEPS_WARNING }, (_, i) => failStep(`S${i}`));
    expect(softLimitWarnings(d)).toEqual([]);
  });

  test('counts the steps of condition branches, nested ones included', () => {
    // GIVEN 250 top-level steps + a condition step whose branches hold 250 more (one nested condition)
    const d = fullDefinition();
    const top = Array.from({ length: 250 }, (_, i) => failStep(`T${i}`));
    const inner = { Name: 'Inner', Type: 'Condition', Arguments: { Conditions: [], IfSteps: Array.from({ length: 200 }, (_, i) => failStep(`I${i}`)), ElseSteps: [] } };
    const outer = { Name: 'Outer', Type: 'Condition', Arguments: { Conditions: [], IfSteps: [inner], ElseSteps: Array.from({ length: 49 }, (_, i) => failStep(`E${i}`)) } };
    d.Steps = [...top, outer];

    // THEN 250 + 1 + 1 + 200 + 49 = 501
    expect(softLimitWarnings(d)).toEqual([expect.objectContaining({ id: 'cdk-sagemaker-pipelines:manySteps', message: expect.stringContaining('501 steps') })]);
  });

  test('a step object shared by both branches counts once (no endless recursion on cycles)', () => {
    const d = fullDefinition();
    const cond: Definition = { Name: 'C', Type: 'Condition', Arguments: { Conditions: [], IfSteps: [], ElseSteps: [] } };
    cond.Arguments.IfSteps.push(cond);
    d.Steps = [cond];
    expect(softLimitWarnings(d)).toEqual([]);
  });

  test('warns for each String parameter with more than 16 enum values', () => {
    // GIVEN
    const d = fullDefinition();
    const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);
    d.Parameters.push(
      { Name: 'Many', Type: 'String', EnumValues: values(MAX_ENUM_VALUES + 1) },
      { Name: 'Exactly16', Type: 'String', EnumValues: values(MAX_ENUM_VALUES) },
      { Name: 'AlsoMany', Type: 'String', EnumValues: values(40) },
    );

    // THEN
    const warnings = softLimitWarnings(d);
    expect(warnings.map((w) => w.id)).toEqual(['cdk-sagemaker-pipelines:manyEnumValues', 'cdk-sagemaker-pipelines:manyEnumValues']);
    expect(warnings[0].message).toMatch(/"Many" has 17 enum values.*at most 16/);
    expect(warnings[1].message).toMatch(/"AlsoMany" has 40 enum values/);
  });

  test('ignores EnumValues on non-String parameters (the validator reports them)', () => {
    const d = fullDefinition();
    d.Parameters.push({ Name: 'N', Type: 'Integer', EnumValues: Array.from({ length: 20 }, (_, i) => `${i}`) });
    expect(softLimitWarnings(d)).toEqual([]);
  });

  test('warns when there are more parameters than one execution can set', () => {
    const d = fullDefinition();
    d.Parameters = Array.from({ length: MAX_START_PARAMETERS + 1 }, (_, i) => ({ Name: `P${i}`, Type: 'String', DefaultValue: '' }));
    expect(softLimitWarnings(d)).toEqual([expect.objectContaining({ id: 'cdk-sagemaker-pipelines:manyParameters', message: expect.stringContaining('201 parameters') })]);
  });

  test('every id is namespaced and acknowledgeable', () => {
    const d = fullDefinition();
    d.Steps = Array.from({ length: MAX_STEPS_WARNING + 1 }, (_, i) => failStep(`S${i}`));
    d.Parameters = [
      { Name: 'Many', Type: 'String', EnumValues: Array.from({ length: 17 }, (_, i) => `v${i}`) },
      ...Array.from({ length: MAX_START_PARAMETERS }, (_, i) => ({ Name: `P${i}`, Type: 'Integer' })),
    ];
    const ids = softLimitWarnings(d).map((w) => w.id);
    expect(ids).toEqual(['cdk-sagemaker-pipelines:manySteps', 'cdk-sagemaker-pipelines:manyEnumValues', 'cdk-sagemaker-pipelines:manyParameters']);
    for (const id of ids) {
      expect(id).toMatch(/^cdk-sagemaker-pipelines:[a-zA-Z]+$/);
    }
  });
});

describe('soft limits at synth', () => {
  test('a String parameter with more than 16 enum values draws an acknowledgeable warning on the pipeline', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const choice = new ParameterString('Choice', { defaultValue: 'v0', enumValues: Array.from({ length: 17 }, (_, i) => `v${i}`) });
    // WHEN
    new FailStep(pipeline, 'Stop', { errorMessage: choice.valueAsString });
    // THEN
    Annotations.fromStack(stack).hasWarning('/Stack/Pipeline', Match.stringLikeRegexp('Choice.*17'));
  });

  test('the warning disappears once acknowledged', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const choice = new ParameterString('Choice', { defaultValue: 'v0', enumValues: Array.from({ length: 17 }, (_, i) => `v${i}`) });
    new FailStep(pipeline, 'Stop', { errorMessage: choice.valueAsString });
    // WHEN
    CdkAnnotations.of(pipeline).acknowledgeWarning('cdk-sagemaker-pipelines:manyEnumValues', 'the service accepted 17 values in our account');
    // THEN
    Annotations.fromStack(stack).hasNoWarning('/Stack/Pipeline', Match.anyValue());
  });
});
