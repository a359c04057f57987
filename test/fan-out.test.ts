import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import {
  Condition, ConditionStep, ContainerImage, FailStep, FanOut, FanOutBranch, JsonGet, Pipeline, ProcessingStep, PropertyFile,
  TrainingStep,
} from '../lib';
import { definitionOf, newStack, stepOf, synthErrors } from './util';

const IMAGE = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1');

function newPipeline(props: ConstructorParameters<typeof Pipeline>[2] = {}) {
  const { app, stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'fan', ...props });
  return { app, stack, pipeline };
}

/** One training and one evaluation step per branch; returns the evaluation's metric. */
function trainAndEvaluate(branch: FanOutBranch<string>): string {
  const train = new TrainingStep(branch, 'Train', {
    image: IMAGE,
    outputPath: 's3://example-bucket/models',
    hyperparameters: { region: branch.key },
  });
  const report = new PropertyFile({ propertyFileName: 'Report', outputName: 'evaluation', filePath: 'evaluation.json' });
  new ProcessingStep(branch, 'Evaluate', {
    image: IMAGE,
    inputs: [{ inputName: 'model', s3Uri: train.properties.ModelArtifacts.S3ModelArtifacts, localPath: '/opt/ml/processing/model' }],
    outputs: [{ outputName: 'evaluation', localPath: '/opt/ml/processing/evaluation', s3Uri: 's3://example-bucket/evaluation' }],
    propertyFiles: [report],
  });
  return JsonGet.fromPropertyFile(report, 'metrics.auc');
}

describe('FanOut', () => {
  test('creates the branch\'s steps once per item, named <name>-<key>, with a join condition over every metric', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();

    // WHEN
    const perRegion = new FanOut(pipeline, 'PerRegion', { items: ['us-east-1', 'eu-west-1'], branch: trainAndEvaluate });
    const fail = new FailStep(pipeline, 'TooWeak', { errorMessage: 'a model is below the AUC threshold' });
    const done = new FailStep(pipeline, 'Done', { errorMessage: 'all good' });
    new ConditionStep(pipeline, 'AllGoodEnough', {
      conditions: perRegion.results.map((auc) => Condition.greaterThanOrEqualTo(auc, 0.8)),
      ifSteps: [done],
      elseSteps: [fail],
    });

    // THEN
    const definition = definitionOf(stack);
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(
      ['Train-us-east-1', 'Evaluate-us-east-1', 'Train-eu-west-1', 'Evaluate-eu-west-1', 'AllGoodEnough']);
    expect(stepOf(definition, 'Train-eu-west-1').Arguments.HyperParameters).toEqual({ region: 'eu-west-1' });
    expect(stepOf(definition, 'Evaluate-eu-west-1').Arguments.ProcessingInputs[0].S3Input.S3Uri)
      .toEqual({ Get: 'Steps.Train-eu-west-1.ModelArtifacts.S3ModelArtifacts' });
    const conditions = stepOf(definition, 'AllGoodEnough').Arguments.Conditions;
    expect(conditions.map((c: any) => c.LeftValue['Std:JsonGet'].PropertyFile))
      .toEqual([{ Get: 'Steps.Evaluate-us-east-1.PropertyFiles.Report' }, { Get: 'Steps.Evaluate-eu-west-1.PropertyFiles.Report' }]);
    expect(perRegion.branches.map((b) => [b.key, b.index, b.item, b.steps.map((s) => s.stepName)])).toEqual([
      ['us-east-1', 0, 'us-east-1', ['Train-us-east-1', 'Evaluate-us-east-1']],
      ['eu-west-1', 1, 'eu-west-1', ['Train-eu-west-1', 'Evaluate-eu-west-1']],
    ]);
    expect(perRegion.steps.map((s) => s.node.path)).toContain('Stack/Pipeline/PerRegion/eu-west-1/Train');
  });

  test('objects take a key function, and the branch result is whatever the function returned', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const sets = [{ name: 'shallow', depth: 3 }, { name: 'deep', depth: 9 }];

    // WHEN
    const fan = new FanOut(pipeline, 'Hpo', {
      items: sets,
      key: (set) => set.name,
      branch: (branch) => new TrainingStep(branch, 'Train', { image: IMAGE, outputPath: 's3://b/m', hyperparameters: { max_depth: branch.item.depth } }),
    });

    // THEN
    expect(fan.results.map((s) => s.stepName)).toEqual(['Train-shallow', 'Train-deep']);
    expect(fan.branches[1].result).toBe(fan.results[1]);
    expect(stepOf(definitionOf(stack), 'Train-deep').Arguments.HyperParameters).toEqual({ max_depth: '9' });
  });

  test('join makes a step depend on every step of every branch', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const fan = new FanOut(pipeline, 'Fan', {
      items: [1, 2, 3],
      branch: (branch) => new FailStep(branch, 'Work', { errorMessage: `item ${branch.item}` }),
    });
    const after = new ConditionStep(pipeline, 'After', { conditions: [Condition.equals(1, 1)], ifSteps: [], elseSteps: [] });

    // WHEN
    fan.join(after);

    // THEN
    expect(stepOf(definitionOf(stack), 'After').DependsOn).toEqual(['Work-1', 'Work-2', 'Work-3']);
  });

  test('maxConcurrency chains branch i after branch i - maxConcurrency', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();

    // WHEN
    new FanOut(pipeline, 'Fan', {
      items: ['a', 'b', 'c', 'd', 'e'],
      maxConcurrency: 2,
      branch: (branch) => new FailStep(branch, 'Work', { errorMessage: branch.key }),
    });

    // THEN
    const definition = definitionOf(stack);
    expect(Object.fromEntries(definition.Steps.map((s: any) => [s.Name, s.DependsOn ?? []]))).toEqual({
      'Work-a': [], 'Work-b': [], 'Work-c': ['Work-a'], 'Work-d': ['Work-b'], 'Work-e': ['Work-c'],
    });
  });

  test('nested fan-outs compose the keys, innermost first, and a custom stepName function is applied', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();

    // WHEN
    new FanOut(pipeline, 'Regions', {
      items: ['us', 'eu'],
      stepName: (name, key) => `${key}_${name}`,
      branch: (region) => new FanOut(region, 'Depths', {
        items: [3, 6],
        branch: (depth) => new FailStep(depth, 'Work', { errorMessage: `${region.key} ${depth.key}` }),
      }),
    });

    // THEN
    expect(definitionOf(stack).Steps.map((s: any) => s.Name)).toEqual(['us_Work-3', 'us_Work-6', 'eu_Work-3', 'eu_Work-6']);
  });

  test('keys that name Object.prototype members (constructor, __proto__) work, their branch ids prefixed', () => {
    const { stack, pipeline } = newPipeline();
    const fan = new FanOut(pipeline, 'Fan', { items: ['constructor', '__proto__', 'toString'], branch: (b) => new FailStep(b, 'W', { errorMessage: 'e' }) });
    expect(fan.branches.map((b) => b.node.id)).toEqual(['Branch-constructor', 'Branch-__proto__', 'Branch-toString']);
    expect(definitionOf(stack).Steps.map((s: any) => s.Name).sort()).toEqual(['W-__proto__', 'W-constructor', 'W-toString']);
  });

  test('an explicit stepName inside a branch also carries the key', () => {
    const { stack, pipeline } = newPipeline();
    new FanOut(pipeline, 'Fan', { items: ['x', 'y'], branch: (b) => new FailStep(b, 'Work', { stepName: 'Job', errorMessage: 'e' }) });
    expect(definitionOf(stack).Steps.map((s: any) => s.Name)).toEqual(['Job-x', 'Job-y']);
  });

  test('warns when more branches run at once than the pipeline\'s maxParallelExecutionSteps, and not within it', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline({ maxParallelExecutionSteps: 2 });

    // WHEN
    new FanOut(pipeline, 'Wide', { items: ['a', 'b', 'c'], branch: (b) => new FailStep(b, 'W', { errorMessage: 'e' }) });
    new FanOut(pipeline, 'Narrow', { items: ['a', 'b', 'c'], maxConcurrency: 2, branch: (b) => new FailStep(b, 'N', { errorMessage: 'e' }) });

    // THEN
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('maxParallelExecutionSteps'));
    expect(warnings.map((w) => [w.id, w.entry.data])).toEqual([
      ['/Stack/Pipeline/Wide', expect.stringMatching(/FanOut Stack\/Pipeline\/Wide runs 3 branches at the same time, but the pipeline runs at most 2 steps.*set maxConcurrency to at most 2.*\[ack: cdk-sagemaker-pipelines:fanOutAboveParallelism\]/)],
    ]);
  });

  test('a large fan-out reaches the pipeline\'s step-count warning', () => {
    const { stack, pipeline } = newPipeline();
    new FanOut(pipeline, 'Big', { items: Array.from({ length: 501 }, (_, i) => i), branch: (b) => new FailStep(b, 'W', { errorMessage: 'e' }) });
    definitionOf(stack);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('501 steps'))).toHaveLength(1);
  });

  test('a fan-out that makes the definition too large fails synth with the definition size error', () => {
    // GIVEN 400 branches of a step with a 3,000-character message: about 1.2 million characters
    const { stack, pipeline } = newPipeline();
    new FanOut(pipeline, 'Huge', { items: Array.from({ length: 400 }, (_, i) => i), branch: (b) => new FailStep(b, 'W', { errorMessage: 'x'.repeat(3000) }) });
    // THEN
    expect(synthErrors(stack).join('\n')).toMatch(/The definition is \d+ characters long; the service accepts at most 1048576\. Split the pipeline/);
  });

  describe('errors', () => {
    test('a derived name above 64 characters names the fan-out, the branch, the step and the fix', () => {
      const { pipeline } = newPipeline();
      const key = 'k'.repeat(42);
      expect(() => new FanOut(pipeline, 'Fan', { items: [key], branch: (b) => new FailStep(b, 'A-rather-long-step-name', { errorMessage: 'e' }) }))
        .toThrow(`FanOut Stack/Pipeline/Fan, branch '${key}' (item #0): step Stack/Pipeline/Fan/${key}/A-rather-long-step-name would be named `
          + `'A-rather-long-step-name-${key}' (66 characters), but step names are at most 64 characters. Shorten the key (42 characters) `
          + 'or the step\'s id or stepName (\'A-rather-long-step-name\', 23 characters) by 2 characters in total, or pass a stepName function to the fan-out that abbreviates.');
    });

    test('exactly 64 characters is accepted', () => {
      const { stack, pipeline } = newPipeline();
      new FanOut(pipeline, 'Fan', { items: ['k'.repeat(61)], branch: (b) => new FailStep(b, 'AB', { errorMessage: 'e' }) });
      expect(definitionOf(stack).Steps[0].Name).toHaveLength(64);
    });

    test('65 characters is refused with the length', () => {
      const { pipeline } = newPipeline();
      expect(() => new FanOut(pipeline, 'Fan', { items: ['k'.repeat(62)], branch: (b) => new FailStep(b, 'AB', { errorMessage: 'e' }) }))
        .toThrow(/\(65 characters\), but step names are at most 64 characters\. Shorten the key \(62 characters\) or the step's id or stepName \('AB', 2 characters\) by 1 characters/);
    });

    test('a stepName function returning an invalid name', () => {
      const { pipeline } = newPipeline();
      expect(() => new FanOut(pipeline, 'Fan', { items: ['a'], stepName: (n, k) => `${n}.${k}`, branch: (b) => new FailStep(b, 'W', { errorMessage: 'e' }) }))
        .toThrow(/FanOut Stack\/Pipeline\/Fan, branch 'a' \(item #0\): step Stack\/Pipeline\/Fan\/a\/W would be named 'W\.a', which is not 1-64 characters/);
    });

    test('duplicate keys list the items', () => {
      const { pipeline } = newPipeline();
      expect(() => new FanOut(pipeline, 'Fan', { items: ['a', 'b', 'a'], branch: (b) => new FailStep(b, 'W', { errorMessage: 'e' }) }))
        .toThrow(/FanOut Stack\/Pipeline\/Fan: keys must be unique.*duplicated: 'a' \(items #0 and #2\)\. Remove the duplicate items/);
      expect(() => new FanOut(pipeline, 'Fan2', { items: [{ n: 1 }, { n: 2 }], key: () => 'same', branch: (b) => new FailStep(b, 'W', { errorMessage: 'e' }) }))
        .toThrow(/duplicated: 'same' \(items #0 and #1\)\. Make the key function return a distinct value per item/);
    });

    test('an invalid key suggests a valid one', () => {
      const { pipeline } = newPipeline();
      expect(() => new FanOut(pipeline, 'Fan', { items: [0.1], branch: (b) => new FailStep(b, 'W', { errorMessage: 'e' }) }))
        .toThrow(/the key of item #0 must be 1-64 characters of A-Z, a-z, 0-9, - and _ known at synth .*received '0\.1'\. Use for example '0_1'\./);
      expect(() => new FanOut(pipeline, 'Fan2', { items: [''], branch: (b) => new FailStep(b, 'W', { errorMessage: 'e' }) }))
        .toThrow(/the key of item #0 .*received ''/);
    });

    test('an object item without a key function', () => {
      const { pipeline } = newPipeline();
      expect(() => new FanOut(pipeline, 'Fan', { items: [{ region: 'us' }], branch: (b) => new FailStep(b, 'W', { errorMessage: 'e' }) }))
        .toThrow(/FanOut Stack\/Pipeline\/Fan: item #0 is object, so it needs a key; pass key: \(item\) =>/);
    });

    test('empty items', () => {
      const { pipeline } = newPipeline();
      expect(() => new FanOut(pipeline, 'Fan', { items: [], branch: () => undefined }))
        .toThrow(/FanOut Stack\/Pipeline\/Fan: items is empty, so the fan-out would create no steps/);
    });

    test('items that are not an array known at synth', () => {
      const { pipeline } = newPipeline();
      expect(() => new FanOut(pipeline, 'Fan', { items: 'abc' as unknown as string[], branch: () => undefined }))
        .toThrow(/items must be an array known at synth; received abc/);
    });

    test('a branch that creates no steps', () => {
      const { pipeline } = newPipeline();
      expect(() => new FanOut(pipeline, 'Fan', { items: ['a'], branch: () => undefined }))
        .toThrow(/the branch function of 'a' created no steps\. Create at least one step with the branch as its scope/);
    });

    test('a step created with the pipeline as scope inside the branch function', () => {
      const { pipeline } = newPipeline();
      expect(() => new FanOut(pipeline, 'Fan', { items: ['a'], branch: (b) => [new FailStep(b, 'In', { errorMessage: 'e' }), new FailStep(pipeline, 'Out', { errorMessage: 'e' })] }))
        .toThrow(/the branch function of 'a' created Stack\/Pipeline\/Out outside the branch.*new FailStep\(branch, 'Out', \{\.\.\.\}\)/);
    });

    test('maxConcurrency must be a positive integer', () => {
      const { pipeline } = newPipeline();
      for (const bad of [0, 1.5, -1]) {
        expect(() => new FanOut(pipeline, `Fan${String(bad).replace(/\W/g, '')}`, { items: ['a'], maxConcurrency: bad, branch: (b) => new FailStep(b, 'W', { errorMessage: 'e' }) }))
          .toThrow(new RegExp(`maxConcurrency must be an integer of at least 1 known at synth; received ${String(bad).replace('.', '\\.')}`));
      }
    });

    test('outside a pipeline', () => {
      const { stack } = newStack();
      expect(() => new FanOut(stack, 'Fan', { items: ['a'], branch: () => undefined }))
        .toThrow(/FanOut Stack\/Fan is not inside a Pipeline/);
    });

    test('join refuses the fan-out\'s own steps', () => {
      const { pipeline } = newPipeline();
      const fan = new FanOut(pipeline, 'Fan', { items: ['a'], branch: (b) => new FailStep(b, 'W', { errorMessage: 'e' }) });
      expect(() => fan.join(fan.results[0])).toThrow(/cannot join Stack\/Pipeline\/Fan\/a\/W, which is a step of the fan-out itself/);
    });

    test('reading a branch result inside its own function', () => {
      const { pipeline } = newPipeline();
      expect(() => new FanOut(pipeline, 'Fan', { items: ['a'], branch: (b) => b.result }))
        .toThrow(/the result of branch 'a' is read before its branch function returned/);
    });

    test('two fan-outs over the same keys with the same step ids collide, and the pipeline says so', () => {
      const { stack, pipeline } = newPipeline();
      new FanOut(pipeline, 'One', { items: ['a'], branch: (b) => new FailStep(b, 'W', { errorMessage: 'e' }) });
      new FanOut(pipeline, 'Two', { items: ['a'], branch: (b) => new FailStep(b, 'W', { errorMessage: 'e' }) });
      expect(synthErrors(stack).join('\n')).toMatch(/2 steps are named 'W-a' \(Stack\/Pipeline\/One\/a\/W, Stack\/Pipeline\/Two\/a\/W\)/);
    });
  });

  test('property: any list of distinct valid keys gives distinct step names, each <name>-<key>', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/), { minLength: 1, maxLength: 8 }),
      (keys) => {
        const { stack, pipeline } = newPipeline();
        new FanOut(pipeline, 'Fan', { items: keys, branch: (b) => new FailStep(b, 'Step', { errorMessage: b.key }) });
        // (The definition's step order follows construct order, in which integer-like ids come first.)
        const names: string[] = definitionOf(stack).Steps.map((s: any) => s.Name);
        expect([...names].sort()).toEqual(keys.map((k) => `Step-${k}`).sort());
      },
    ), { numRuns: 25 });
  });
});
