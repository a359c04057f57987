import * as fs from 'fs';
import { fullDefinition } from './fixtures/full-definition';
import { BOTOCORE_VERSION, CONSTRAINTS } from '../lib/private/generated/constraints';
import { SHAPES } from '../lib/private/generated/shapes';
import { compilePattern, memberConstraint } from '../lib/validator/limits';
import { validateDefinition } from '../lib/validator/validate-definition';
import { GENERATED_CONSTRAINTS_PATH, REGENERATE_CONSTRAINTS_COMMAND, generateConstraintsSource, locateBotocore } from '../scripts/constraints-generator';

type Definition = Record<string, any>;

const PREP = 0;
const TRAIN = 1;
const TUNE = 2;
const MODEL = 3;
const TRANSFORM = 4;
const QUALITY = 5;

const args = (d: Definition, i: number): Definition => d.Steps[i].Arguments;

function problemsAfter(mutate: (d: Definition) => void) {
  const d = fullDefinition();
  mutate(d);
  return validateDefinition(d);
}

function expectProblem(mutate: (d: Definition) => void, path: string, message: RegExp, stepName?: string) {
  const expected = { path, message: expect.stringMatching(message), ...(stepName ? { stepName } : {}) };
  expect(problemsAfter(mutate)).toContainEqual(expect.objectContaining(expected));
}

function expectNoProblems(mutate: (d: Definition) => void) {
  expect(problemsAfter(mutate)).toEqual([]);
}

const long = (n: number, c = 'a') => c.repeat(n);
const entries = (n: number, value = 'v') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`K${i}`, value]));

describe('generated constraints table', () => {
  const botocore = locateBotocore();

  test('the checked-in file matches what the generator produces from the installed botocore', () => {
    if (botocore === undefined) {
      // eslint-disable-next-line no-console
      console.warn('SKIPPED: python3 with botocore is not installed, so lib/private/generated/constraints.ts cannot be checked against it.');
      return;
    }
    // WHEN
    const expected = generateConstraintsSource(botocore);
    const actual = fs.readFileSync(GENERATED_CONSTRAINTS_PATH, 'utf8');

    // THEN
    if (actual !== expected) {
      const a = actual.split('\n');
      const e = expected.split('\n');
      let line = 0;
      while (line < Math.max(a.length, e.length) && a[line] === e[line]) line++;
      throw new Error(`lib/private/generated/constraints.ts is out of date with botocore ${botocore.version} or shapes.ts `
        + `(first difference at line ${line + 1}). Regenerate it with: ${REGENERATE_CONSTRAINTS_COMMAND}`);
    }
    expect(BOTOCORE_VERSION).toEqual(botocore.version);
  }, 60_000);

  test('every key is a member of a structure in shapes.ts', () => {
    const unknown = Object.keys(CONSTRAINTS).filter((key) => {
      const dot = key.lastIndexOf('.');
      const shape = SHAPES[key.slice(0, dot)];
      return shape === undefined || shape.kind !== 'structure' || !(key.slice(dot + 1) in shape.members);
    });
    expect(unknown).toEqual([]);
  });

  test.each([
    ['CreateProcessingJobRequest.ProcessingInputs', { max: 10 }],
    ['CreateProcessingJobRequest.Environment', { max: 100, keys: { max: 256, pattern: '[a-zA-Z_][a-zA-Z0-9_]*' }, values: { max: 256 } }],
    ['CreateTrainingJobRequest.Environment', { max: 100, keys: { max: 512, pattern: '[a-zA-Z_][a-zA-Z0-9_]*' }, values: { max: 512 } }],
    ['CreateTrainingJobRequest.HyperParameters', { max: 100, keys: { max: 256 }, values: { max: 2500 } }],
    ['CreateTransformJobRequest.Environment', expect.objectContaining({ max: 16 })],
    ['StoppingCondition.MaxRuntimeInSeconds', { min: 1 }],
    ['ProcessingStoppingCondition.MaxRuntimeInSeconds', { min: 1, max: 777600 }],
    ['ResourceConfig.VolumeSizeInGB', { min: 0 }],
    ['AppSpecification.ImageUri', { max: 255 }],
    ['AppSpecification.ContainerEntrypoint', { min: 1, max: 100, items: { max: 256 } }],
    ['AlgorithmSpecification.ContainerArguments', { min: 1, max: 100, items: { max: 256 } }],
    ['CreateTrainingJobRequest.TrainingJobName', { min: 1, max: 63, pattern: '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}' }],
    ['CreateProcessingJobRequest.RoleArn', expect.objectContaining({ min: 20, max: 2048 })],
    ['HyperParameterTuningJobObjective.MetricName', { min: 1, max: 255, pattern: '.+' }],
  ])('%s', (key, expected) => {
    expect(CONSTRAINTS[key]).toEqual(expected);
  });

  test('members without constraints in the model have no entry (ProcessingInput.InputName is a plain String)', () => {
    expect(CONSTRAINTS['ProcessingInput.InputName']).toBeUndefined();
    // enums are checked against SHAPES, not here
    expect(CONSTRAINTS['S3DataSource.S3DataType']).toBeUndefined();
  });

  test('every pattern compiles to a JavaScript RegExp, except the few Java-only ones (never throws)', () => {
    const patterns = new Set<string>();
    for (const c of Object.values(CONSTRAINTS)) {
      for (const v of [c, c.items, c.keys, c.values]) {
        if (v?.pattern !== undefined) patterns.add(v.pattern);
      }
    }
    const skipped = [...patterns].filter((p) => compilePattern(p) === undefined);
    // The Tag key / value patterns quantify `$` (`(...)${1,128}`), which JavaScript rejects.
    expect(skipped.every((p) => p.includes('${'))).toBe(true);
    expect(skipped.length).toBeLessThanOrEqual(2);
    expect(patterns.size - skipped.length).toBeGreaterThan(40);
  });
});

describe('compilePattern', () => {
  test('matches the whole value', () => {
    const re = compilePattern('[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}')!;
    expect(re.test('my-job-1')).toBe(true);
    expect(re.test('my_job')).toBe(false);
  });

  test('translates Java POSIX classes inside and outside character classes', () => {
    const re = compilePattern('arn:[\\p{Alnum}\\-]+:lambda:\\p{Alnum}+')!;
    expect(re.test('arn:aws-cn:lambda:fn1')).toBe(true);
    expect(re.test('arn:aws_cn:lambda:fn1')).toBe(false);
  });

  test('supports Unicode categories and supplementary-plane ranges', () => {
    expect(compilePattern('[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*')!.test('Grüße 2024')).toBe(true);
    const xml = compilePattern('[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*')!;
    expect(xml.test('emoji \u{1F600} ok')).toBe(true);
    expect(xml.test('bell \u0007')).toBe(false);
  });

  test('returns undefined for patterns JavaScript cannot compile', () => {
    expect(compilePattern('([\\p{L}]*)${1,128}')).toBeUndefined();
    expect(compilePattern('[a-z&&[^b]]')).toBeUndefined();
    expect(compilePattern('(unclosed')).toBeUndefined();
    expect(compilePattern('a*+')).toBeUndefined();
  });
});

describe('literal values are checked against the model constraints', () => {
  test('the full fixture stays valid', () => {
    expect(validateDefinition(fullDefinition())).toEqual([]);
  });

  describe('string length', () => {
    test('too long, naming the step, the limit and the truncated value', () => {
      const problems = problemsAfter((d) => { args(d, PREP).AppSpecification.ImageUri = long(300); });
      expect(problems).toEqual([{
        path: 'Steps[0].Arguments.AppSpecification.ImageUri',
        stepName: 'Prep',
        message: expect.stringMatching(/^"ImageUri" is 300 characters long; the service accepts at most 255\. Received "a{57}\.\.\." \(300 characters\)\. Shorten it\.$/),
      }]);
    });

    test('too short', () => expectProblem(
      (d) => { args(d, TUNE).HyperParameterTuningJobConfig.HyperParameterTuningJobObjective.MetricName = ''; },
      'Steps[2].Arguments.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective.MetricName', /at least 1 character long; received ""/, 'Tune'));

    test('a list item (ContainerArguments items <= 256)', () => expectProblem(
      (d) => { args(d, PREP).AppSpecification.ContainerArguments = ['--ok', long(257)]; },
      'Steps[0].Arguments.AppSpecification.ContainerArguments[1]', /257 characters long; the service accepts at most 256/));

    test('a training ContainerEntrypoint item', () => expectProblem(
      (d) => { args(d, TRAIN).AlgorithmSpecification.ContainerEntrypoint = [long(300)]; },
      'Steps[1].Arguments.AlgorithmSpecification.ContainerEntrypoint[0]', /at most 256/));

    test('a map value (HyperParameters values <= 2500)', () => expectProblem(
      (d) => { args(d, TRAIN).HyperParameters.config = long(2501); },
      'Steps[1].Arguments.HyperParameters.config', /2501 characters long; the service accepts at most 2500/));

    test('a map key (Environment keys <= 512 for training)', () => expectProblem(
      (d) => { args(d, TRAIN).Environment[long(513, 'K')] = 'x'; },
      `Steps[1].Arguments.Environment.${long(513, 'K')}`, /key "K{57}\.\.\." is 513 characters long; the service accepts at most 512/));
  });

  describe('pattern', () => {
    test('an environment variable name', () => expectProblem(
      (d) => { args(d, PREP).Environment['MY-VAR'] = 'x'; },
      "Steps[0].Arguments.Environment['MY-VAR']", /key "MY-VAR" must match the pattern \[a-zA-Z_\]\[a-zA-Z0-9_\]\* \(the whole value\); received "MY-VAR"\. It should start with a letter or underscore and hold only letters, digits and underscores, e\.g\. "MY_VAR"\./));

    test('a role ARN', () => expectProblem(
      (d) => { args(d, TRAIN).RoleArn = 'SageMakerJobRole-name-only'; },
      'Steps[1].Arguments.RoleArn', /must match the pattern arn:aws/));

    test('a channel name', () => expectProblem(
      (d) => { args(d, TRAIN).InputDataConfig[0].ChannelName = 'train data'; },
      'Steps[1].Arguments.InputDataConfig[0].ChannelName', /must match the pattern \[A-Za-z0-9\\\.\\-_\]\+/));

    test('a model data URL', () => expectProblem(
      (d) => { args(d, MODEL).PrimaryContainer.ModelDataUrl = 'ftp://bucket/model.tar.gz'; },
      'Steps[3].Arguments.PrimaryContainer.ModelDataUrl', /must match the pattern \(https\|s3\)/));

    test('an upper-case S3:// scheme says to write it in lower case', () => expectProblem(
      (d) => { args(d, MODEL).PrimaryContainer.ModelDataUrl = 'S3://bucket/model.tar.gz'; },
      'Steps[3].Arguments.PrimaryContainer.ModelDataUrl', /Write the scheme in lower case: s3:\/\/ in lower case \(e\.g\. "s3:\/\/bucket\/model\.tar\.gz"\)\./));

    test('a non-S3 URI says what an S3 URI looks like', () => expectProblem(
      (d) => { args(d, MODEL).PrimaryContainer.ModelDataUrl = 'bucket/model.tar.gz'; },
      'Steps[3].Arguments.PrimaryContainer.ModelDataUrl', /It should be an S3 URI: s3:\/\/ in lower case, then the bucket and the key, e\.g\. "s3:\/\/my-bucket\/path\/data\.csv"/));

    test('a placeholder role ARN says to put a role ARN in its place', () => expectProblem(
      (d) => { args(d, TRAIN).RoleArn = '<SAGEMAKER_ROLE_ARN>'; },
      'Steps[1].Arguments.RoleArn', /It should be a role ARN such as arn:aws:iam::123456789012:role\/SageMakerRole, not a placeholder: put the real ARN/));

    test('a role name where an ARN belongs says what a role ARN looks like', () => expectProblem(
      (d) => { args(d, TRAIN).RoleArn = 'SageMakerJobRole-name-only'; },
      'Steps[1].Arguments.RoleArn', /It should be a role ARN such as arn:aws:iam::123456789012:role\/SageMakerRole\.$/));
  });

  describe('numeric range', () => {
    test('below the minimum', () => expectProblem(
      (d) => { args(d, TRAIN).StoppingCondition.MaxRuntimeInSeconds = 0; },
      'Steps[1].Arguments.StoppingCondition.MaxRuntimeInSeconds', /must be at least 1; received 0\. Use a value of 1 or more\./));

    test('above the maximum', () => expectProblem(
      (d) => { args(d, PREP).StoppingCondition.MaxRuntimeInSeconds = 1_000_000; },
      'Steps[0].Arguments.StoppingCondition.MaxRuntimeInSeconds', /must be at most 777600; received 1000000/));

    test('a negative volume size', () => expectProblem(
      (d) => { args(d, TRAIN).ResourceConfig.VolumeSizeInGB = -1; },
      'Steps[1].Arguments.ResourceConfig.VolumeSizeInGB', /at least 0; received -1/));
  });

  describe('list and map sizes', () => {
    test('more than 10 processing inputs', () => expectProblem(
      (d) => {
        const input = args(d, PREP).ProcessingInputs[1];
        args(d, PREP).ProcessingInputs = Array.from({ length: 11 }, (_, i) => ({ ...input, InputName: `in${i}` }));
      },
      'Steps[0].Arguments.ProcessingInputs', /"ProcessingInputs" has 11 items; the service accepts at most 10\. Remove 1/));

    test('an empty list where the model needs at least one item', () => expectProblem(
      (d) => { args(d, PREP).AppSpecification.ContainerEntrypoint = []; },
      'Steps[0].Arguments.AppSpecification.ContainerEntrypoint', /has 0 items; the service needs at least 1/));

    test('more than 100 environment entries (processing)', () => expectProblem(
      (d) => { args(d, QUALITY).Environment = entries(101); },
      'Steps[5].Arguments.Environment', /"Environment" has 101 entries; the service accepts at most 100/, 'DataQuality'));

    test('more than 100 hyperparameters', () => expectProblem(
      (d) => { args(d, TRAIN).HyperParameters = entries(101); },
      'Steps[1].Arguments.HyperParameters', /101 entries; the service accepts at most 100/));

    test('more than 16 transform environment entries', () => expectProblem(
      (d) => { args(d, TRANSFORM).Environment = entries(17); },
      'Steps[4].Arguments.Environment', /17 entries; the service accepts at most 16/));

    test('exactly at the limits is fine', () => expectNoProblems((d) => {
      args(d, PREP).Environment = entries(100);
      args(d, TRAIN).HyperParameters = entries(100);
      args(d, TRAIN).StoppingCondition.MaxRuntimeInSeconds = 1;
      args(d, PREP).AppSpecification.ContainerArguments = [long(256)];
    }));
  });

  describe('values that are not literal are not checked', () => {
    test('strings holding CloudFormation placeholders', () => expectNoProblems((d) => {
      args(d, PREP).AppSpecification.ImageUri = `\${Token[TOKEN.42]}${long(300)}`;
      args(d, TRAIN).RoleArn = '${Token[TOKEN.7]}';
      args(d, MODEL).ExecutionRoleArn = '${Ref:MyRole}';
      args(d, PREP).Environment = { ...args(d, PREP).Environment, '${Token[TOKEN.9]}': 'x' };
    }));

    test('expressions', () => expectNoProblems((d) => {
      args(d, TRAIN).StoppingCondition.MaxRuntimeInSeconds = { Get: 'Parameters.InstanceCount' };
      args(d, TRAIN).RoleArn = { 'Std:Join': { On: '', Values: ['not-an-arn'] } };
    }));

    test('CDK number tokens', () => expectNoProblems((d) => {
      args(d, TRAIN).StoppingCondition.MaxRuntimeInSeconds = -1.8881545897087626e+289;
    }));

    test('a list holding a CDK list token', () => expectNoProblems((d) => {
      args(d, PREP).AppSpecification.ContainerEntrypoint = ['#{Token[TOKEN.11]}'];
    }));
  });

  test('several limits at once are all reported', () => {
    const problems = problemsAfter((d) => {
      args(d, PREP).AppSpecification.ImageUri = long(256);
      args(d, TRAIN).StoppingCondition.MaxRuntimeInSeconds = 0;
      args(d, TRAIN).HyperParameters = entries(101);
    });
    expect(problems.map((p) => p.path)).toEqual([
      'Steps[0].Arguments.AppSpecification.ImageUri',
      'Steps[1].Arguments.StoppingCondition.MaxRuntimeInSeconds',
      'Steps[1].Arguments.HyperParameters',
    ]);
  });
});

describe('limits-table hard limits missing from the model', () => {
  test('are merged with the model (the model wins)', () => {
    expect(memberConstraint('AppSpecification', 'ContainerArguments')).toEqual({ min: 1, max: 100, items: { max: 256 } });
    expect(memberConstraint('ProcessingInput', 'InputName')).toBeUndefined();
  });

  test('apply when the model has no constraint for the member', () => {
    jest.isolateModules(() => {
      jest.doMock('../lib/private/generated/constraints', () => ({ BOTOCORE_VERSION: 'none', CONSTRAINTS: {} }));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { validateDefinition: validate } = require('../lib/validator/validate-definition') as typeof import('../lib/validator/validate-definition');
      const d = fullDefinition();
      args(d, PREP).AppSpecification.ContainerArguments = [long(257)];
      args(d, TRAIN).AlgorithmSpecification.ContainerEntrypoint = [long(257)];
      args(d, PREP).ProcessingInputs = Array.from({ length: 11 }, (_, i) => ({ ...args(d, PREP).ProcessingInputs[1], InputName: `in${i}` }));
      args(d, TRAIN).Environment = entries(101);
      args(d, PREP).AppSpecification.ImageUri = long(300); // model-only limit: not checked without the model
      expect(validate(d).map((p) => p.path)).toEqual([
        'Steps[0].Arguments.AppSpecification.ContainerArguments[0]',
        'Steps[0].Arguments.ProcessingInputs',
        'Steps[1].Arguments.AlgorithmSpecification.ContainerEntrypoint[0]',
        'Steps[1].Arguments.Environment',
      ]);
      jest.dontMock('../lib/private/generated/constraints');
    });
  });
});
