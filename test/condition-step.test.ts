import { App, Stack } from 'aws-cdk-lib';
import { Template, Annotations as AssertAnnotations, Match } from 'aws-cdk-lib/assertions';
import {
  Condition, ConditionStep, ContainerImage, FailStep, Join, JsonGet, ParameterFloat, ParameterString, Pipeline,
  ProcessingStep, PropertyFile, RetryPolicy, StepExceptionType, TrainingStep,
} from '../lib';
import { definitionOf, newStack, stepOf, synthErrors } from './util';
import { createApp } from '../examples/conditions/app';

const IMAGE = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1.2-1');

function training(pipeline: Pipeline, id: string, extra: Partial<ConstructorParameters<typeof TrainingStep>[2]> = {}): TrainingStep {
  return new TrainingStep(pipeline, id, { image: IMAGE, outputPath: 's3://example-bucket/models', ...extra });
}

function newPipeline() {
  const { app, stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline');
  return { app, stack, pipeline };
}

describe('ConditionStep', () => {
  test('renders Conditions, IfSteps and ElseSteps with full step objects; branch steps are not at top level', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const threshold = new ParameterFloat('Threshold', { defaultValue: 0.5 });
    const prep = new ProcessingStep(pipeline, 'Prep', { image: IMAGE });
    const train = training(pipeline, 'Train', {
      retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING], maxAttempts: 3 })],
      displayName: 'Train the model',
      dependsOn: [prep],
    });
    const fail = new FailStep(pipeline, 'Fail', { errorMessage: 'too low', description: 'stops the execution' });

    // WHEN
    new ConditionStep(pipeline, 'Check', {
      conditions: [Condition.greaterThan(threshold, 0.1)],
      ifSteps: [train],
      elseSteps: [fail],
      displayName: 'Check threshold',
    });
    const definition = definitionOf(stack);

    // THEN
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Prep', 'Check']);
    const check = stepOf(definition, 'Check');
    expect(Object.keys(check)).toEqual(['Name', 'Type', 'Arguments', 'DisplayName']);
    expect(check.Type).toEqual('Condition');
    expect(check.Arguments.Conditions).toEqual([{ Type: 'GreaterThan', LeftValue: { Get: 'Parameters.Threshold' }, RightValue: 0.1 }]);
    expect(check.Arguments.IfSteps).toHaveLength(1);
    const nestedTrain = check.Arguments.IfSteps[0];
    expect(nestedTrain).toMatchObject({
      Name: 'Train',
      Type: 'Training',
      DependsOn: ['Prep'],
      DisplayName: 'Train the model',
      RetryPolicies: [{ ExceptionType: ['Step.THROTTLING'], MaxAttempts: 3 }],
    });
    expect(nestedTrain.Arguments.AlgorithmSpecification.TrainingImage).toEqual('123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1.2-1');
    expect(check.Arguments.ElseSteps).toEqual([
      { Name: 'Fail', Type: 'Fail', Arguments: { ErrorMessage: 'too low' }, Description: 'stops the execution' },
    ]);
  });

  test('IfSteps and ElseSteps are present and empty when no branch steps are given', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();

    // WHEN
    new ConditionStep(pipeline, 'Check', { conditions: [Condition.equals(1, 1)] });

    // THEN
    expect(stepOf(definitionOf(stack), 'Check').Arguments).toEqual({
      Conditions: [{ Type: 'Equals', LeftValue: 1, RightValue: 1 }], IfSteps: [], ElseSteps: [],
    });
  });

  test('several conditions are an implicit AND, in order', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();

    // WHEN
    new ConditionStep(pipeline, 'Check', { conditions: [Condition.equals(1, 1), Condition.lessThan(1, 2)] });

    // THEN
    expect(stepOf(definitionOf(stack), 'Check').Arguments.Conditions.map((c: any) => c.Type)).toEqual(['Equals', 'LessThan']);
  });

  test('addIfSteps and addElseSteps add branch steps after construction', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const check = new ConditionStep(pipeline, 'Check', { conditions: [Condition.equals(1, 1)] });

    // WHEN
    check.addIfSteps(new FailStep(pipeline, 'A', { errorMessage: `outcome was ${check.properties.Outcome}` }));
    check.addElseSteps(new FailStep(pipeline, 'B'));
    const definition = definitionOf(stack);

    // THEN
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Check']);
    expect(check.ifSteps.map((s) => s.stepName)).toEqual(['A']);
    expect(check.elseSteps.map((s) => s.stepName)).toEqual(['B']);
    expect(stepOf(definition, 'A').Arguments.ErrorMessage).toEqual({ 'Std:Join': { On: '', Values: ['outcome was ', { Get: 'Steps.Check.Outcome' }] } });
  });

  test('the condition orders after the steps its conditions read, and before steps that read its branch steps', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const report = new PropertyFile({ propertyFileName: 'Evaluation', outputName: 'evaluation', filePath: 'evaluation.json' });
    // Created in reverse order, so that construct order alone would be wrong.
    const after = new FailStep(pipeline, 'After');
    const train = training(pipeline, 'Train');
    const check = new ConditionStep(pipeline, 'Check', {
      conditions: [Condition.lessThan(JsonGet.fromPropertyFile(report, 'mse'), 1)],
      ifSteps: [train],
    });
    const evaluate = new ProcessingStep(pipeline, 'Evaluate', {
      image: IMAGE,
      outputs: [{ outputName: 'evaluation', localPath: '/opt/ml/processing/evaluation', s3Uri: 's3://example-bucket/evaluation' }],
      propertyFiles: [report],
    });

    // WHEN
    after.addDependsOn(train);
    const definition = definitionOf(stack);

    // THEN
    expect(definition.Steps.map((s: any) => s.Name)).toEqual([evaluate.stepName, check.stepName, 'After']);
    expect(stepOf(definition, 'After').DependsOn).toEqual(['Train']);
    expect(stepOf(definition, 'Check').DependsOn).toBeUndefined();
  });

  test('branch steps may read steps outside the condition', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const train = training(pipeline, 'Train');
    const fail = new FailStep(pipeline, 'Report', { errorMessage: `model at ${train.properties.ModelArtifacts.S3ModelArtifacts}` });

    // WHEN
    new ConditionStep(pipeline, 'Check', { conditions: [Condition.equals(1, 1)], elseSteps: [fail] });
    const definition = definitionOf(stack);

    // THEN
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Train', 'Check']);
    expect(stepOf(definition, 'Report').Arguments.ErrorMessage['Std:Join'].Values[1]).toEqual({ Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' });
  });

  test('Outcome renders {"Get": "Steps.<cond>.Outcome"} in a FailStep message through a template literal and Join.of', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const check = new ConditionStep(pipeline, 'Check', { conditions: [Condition.equals(1, 1)], stepName: 'Quality-Gate' });

    // WHEN
    new FailStep(pipeline, 'Joined', { errorMessage: Join.of(['outcome', `${check.properties.Outcome}`], ': ') });
    const definition = definitionOf(stack);

    // THEN
    expect(stepOf(definition, 'Joined').Arguments.ErrorMessage).toEqual({ 'Std:Join': { On: ': ', Values: ['outcome', { Get: 'Steps.Quality-Gate.Outcome' }] } });
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Quality-Gate', 'Joined']);
  });

  test('a misspelt property of a condition step fails synth naming Outcome', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const check = new ConditionStep(pipeline, 'Check', { conditions: [Condition.equals(1, 1)] });

    // WHEN
    new FailStep(pipeline, 'Fail', { errorMessage: `${(check.properties as any).Outcom}` });

    // THEN
    expect(synthErrors(stack).join('\n')).toMatch(/'Outcom' is not a property of step Check \(ConditionStep, whose only property is Outcome\); did you mean 'Outcome'\?/);
  });

  test('a condition step takes no retry policies or caching', () => {
    const { pipeline } = newPipeline();
    expect(() => new ConditionStep(pipeline, 'Check', {
      conditions: [Condition.equals(1, 1)],
      retryPolicies: [RetryPolicy.step({ exceptionTypes: [StepExceptionType.THROTTLING] })],
    } as any)).toThrow(/does not accept retryPolicies/);
  });

  describe('eager errors', () => {
    test('no conditions', () => {
      const { pipeline } = newPipeline();
      expect(() => new ConditionStep(pipeline, 'Check', { conditions: [] }))
        .toThrow(/ConditionStep Stack\/Pipeline\/Check: conditions must list at least one Condition.*received an empty list/);
    });

    test('a condition that is not a Condition', () => {
      const { pipeline } = newPipeline();
      expect(() => new ConditionStep(pipeline, 'Check', { conditions: [{ Type: 'Equals' } as any] }))
        .toThrow(/conditions\[0\] is not a Condition/);
    });

    test('a step in both branches, naming both', () => {
      const { pipeline } = newPipeline();
      const fail = new FailStep(pipeline, 'Fail');
      expect(() => new ConditionStep(pipeline, 'Check', { conditions: [Condition.equals(1, 1)], ifSteps: [fail], elseSteps: [fail] }))
        .toThrow(/ConditionStep Stack\/Pipeline\/Check: step Stack\/Pipeline\/Fail is in both ifSteps and elseSteps; a step can be in one branch only/);
    });

    test('a step listed twice in one branch', () => {
      const { pipeline } = newPipeline();
      const fail = new FailStep(pipeline, 'Fail');
      expect(() => new ConditionStep(pipeline, 'Check', { conditions: [Condition.equals(1, 1)], ifSteps: [fail, fail] }))
        .toThrow(/step Stack\/Pipeline\/Fail is listed twice in ifSteps/);
    });

    test('a branch step of another pipeline, naming both pipelines', () => {
      const { stack, pipeline } = newPipeline();
      const other = new Pipeline(stack, 'Other');
      const fail = new FailStep(other, 'Fail');
      expect(() => new ConditionStep(pipeline, 'Check', { conditions: [Condition.equals(1, 1)], ifSteps: [fail] }))
        .toThrow(/ifSteps step Stack\/Other\/Fail belongs to another pipeline \(Stack\/Other, not Stack\/Pipeline\)/);
    });

    test('a condition in its own branch, or two conditions containing each other', () => {
      const { pipeline } = newPipeline();
      const outer = new ConditionStep(pipeline, 'Outer', { conditions: [Condition.equals(1, 1)] });
      expect(() => outer.addIfSteps(outer)).toThrow(/a condition step cannot be in its own ifSteps/);
      const inner = new ConditionStep(pipeline, 'Inner', { conditions: [Condition.equals(1, 1)], elseSteps: [outer] });
      expect(() => outer.addIfSteps(inner)).toThrow(/Stack\/Pipeline\/Inner already contains this condition/);
    });

    test('a branch entry that is not a step', () => {
      const { pipeline } = newPipeline();
      expect(() => new ConditionStep(pipeline, 'Check', { conditions: [Condition.equals(1, 1)], elseSteps: ['Fail' as any] }))
        .toThrow(/elseSteps accepts steps only; received Fail/);
    });
  });

  test('a branch step used by two conditions fails synth naming the step and both conditions', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const fail = new FailStep(pipeline, 'Fail');

    // WHEN
    new ConditionStep(pipeline, 'First', { conditions: [Condition.equals(1, 1)], ifSteps: [fail] });
    new ConditionStep(pipeline, 'Second', { conditions: [Condition.equals(1, 2)], elseSteps: [fail] });

    // THEN
    const errors = synthErrors(stack);
    expect(errors.join('\n')).toMatch(/step Stack\/Pipeline\/Fail is placed in 2 branches \(Stack\/Pipeline\/First, Stack\/Pipeline\/Second\); a step can be in one branch of one condition only/);
    expect(() => Template.fromStack(stack)).toThrow(/placed in 2 branches/);
  });

  test('a nested condition renders recursively and draws the nestedCondition warning', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const kind = new ParameterString('Kind', { defaultValue: 'a' });
    const innerFail = new FailStep(pipeline, 'InnerFail', { errorMessage: 'inner' });
    const inner = new ConditionStep(pipeline, 'Inner', { conditions: [Condition.equals(kind, 'b')], ifSteps: [innerFail] });

    // WHEN
    new ConditionStep(pipeline, 'Outer', { conditions: [Condition.equals(kind, 'a')], elseSteps: [inner] });
    const definition = definitionOf(stack);

    // THEN
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Outer']);
    expect(stepOf(definition, 'Outer').Arguments.ElseSteps).toEqual([{
      Name: 'Inner',
      Type: 'Condition',
      Arguments: {
        Conditions: [{ Type: 'Equals', LeftValue: { Get: 'Parameters.Kind' }, RightValue: 'b' }],
        IfSteps: [{ Name: 'InnerFail', Type: 'Fail', Arguments: { ErrorMessage: 'inner' } }],
        ElseSteps: [],
      },
    }]);
    AssertAnnotations.fromStack(stack).hasWarning('/Stack/Pipeline/Inner', Match.stringLikeRegexp(
      'ConditionStep Stack/Pipeline/Inner is nested in the else branch of Stack/Pipeline/Outer. The SageMaker developer guide says condition steps cannot be nested, although the service accepts'));
    AssertAnnotations.fromStack(stack).hasWarning('/Stack/Pipeline/Inner', Match.stringLikeRegexp('cdk-sagemaker-pipelines:nestedCondition'));
  });

  test('a condition that reads a step of its own branch is a cycle', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const train = training(pipeline, 'Train');

    // WHEN
    new ConditionStep(pipeline, 'Check', { conditions: [Condition.equals(train.properties.TrainingJobStatus, 'Completed')], ifSteps: [train] });

    // THEN
    expect(synthErrors(stack).join('\n')).toMatch(/steps form a cycle: .*Check.*Train|steps form a cycle: .*Train.*Check/);
  });

  test('a JsonGet in a branch step reading an undeclared property file is reported with the branch step', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const report = new PropertyFile({ propertyFileName: 'Evaluation', outputName: 'evaluation', filePath: 'evaluation.json' });
    const fail = new FailStep(pipeline, 'Fail', { errorMessage: JsonGet.fromPropertyFile(report, 'mse') });

    // WHEN
    new ConditionStep(pipeline, 'Check', { conditions: [Condition.equals(1, 1)], ifSteps: [fail] });

    // THEN
    expect(synthErrors(stack).join('\n')).toMatch(/property file 'Evaluation', which is not declared on any step.*\(used by Stack\/Pipeline\/Fail\)/);
  });

  test('parameters used only inside branch steps are declared', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const reason = new ParameterString('Reason', { defaultValue: 'none' });

    // WHEN
    new ConditionStep(pipeline, 'Check', { conditions: [Condition.equals(1, 1)], ifSteps: [new FailStep(pipeline, 'Fail', { errorMessage: reason.valueAsString })] });

    // THEN
    expect(definitionOf(stack).Parameters).toEqual([{ Name: 'Reason', Type: 'String', DefaultValue: 'none' }]);
  });

  test('two synths give identical definitions', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    new ConditionStep(pipeline, 'Check', { conditions: [Condition.equals(1, 1)], ifSteps: [training(pipeline, 'Train')], elseSteps: [new FailStep(pipeline, 'Fail')] });

    // THEN
    expect(JSON.stringify(pipeline.renderDefinition())).toEqual(JSON.stringify(pipeline.renderDefinition()));
    expect(definitionOf(stack)).toEqual(definitionOf(stack));
  });
});

describe('examples/conditions', () => {
  test('Evaluate, then CheckMse with Train in the if branch and MseTooHigh in the else branch', () => {
    // GIVEN
    const app = createApp(new App());

    // WHEN
    const definition = definitionOf(app.node.findChild('Conditions') as Stack);

    // THEN
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Evaluate', 'CheckMse']);
    const check = stepOf(definition, 'CheckMse');
    const mse = { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Evaluate.PropertyFiles.EvaluationReport' }, Path: 'regression_metrics.mse.value' } };
    expect(check.Arguments.Conditions).toEqual([{ Type: 'LessThanOrEqualTo', LeftValue: mse, RightValue: { Get: 'Parameters.MseThreshold' } }]);
    expect(check.Arguments.IfSteps.map((s: any) => s.Name)).toEqual(['Train']);
    expect(check.Arguments.ElseSteps).toEqual([{
      Name: 'MseTooHigh',
      Type: 'Fail',
      Arguments: { ErrorMessage: { 'Std:Join': { On: '', Values: ['Baseline MSE ', mse, ' is above the threshold ', { Get: 'Parameters.MseThreshold' }, '; not training.'] } } },
    }]);
    expect(stepOf(definition, 'Evaluate').PropertyFiles).toEqual([{ PropertyFileName: 'EvaluationReport', OutputName: 'evaluation', FilePath: 'evaluation.json' }]);
  });
});
