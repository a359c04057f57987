import { fullDefinition } from './fixtures/full-definition';
import { assertValidDefinition, validateDefinition } from '../lib/validator/validate-definition';

type Definition = Record<string, any>;
/** [title, mutation of the valid fixture, expected problem path, expected message fragment] */
type Case = [string, (d: Definition) => void, string, RegExp];

const PREP = 0;
const TRAIN = 1;
const TUNE = 2;
const MODEL = 3;
const TRANSFORM = 4;
const QUALITY = 5;
const CLARIFY = 6;
const AUTOML = 7;
const LAMBDA = 8;
const CALLBACK = 9;
const EMR = 10;
const EMR_NEW = 11;
const CONDITION = 12;

const step = (d: Definition, i: number): Definition => d.Steps[i];
const args = (d: Definition, i: number): Definition => d.Steps[i].Arguments;
const register = (d: Definition): Definition => d.Steps[CONDITION].Arguments.IfSteps[0];
const fail = (d: Definition): Definition => d.Steps[CONDITION].Arguments.ElseSteps[0];
const conditions = (d: Definition): any[] => d.Steps[CONDITION].Arguments.Conditions;
const env = (d: Definition): Definition => args(d, TRAIN).Environment;
const modelEnv = (d: Definition): Definition => args(d, MODEL).PrimaryContainer.Environment;

function problemsAfter(mutate: (d: Definition) => void) {
  const d = fullDefinition();
  mutate(d);
  return validateDefinition(d);
}

function expectProblem(mutate: (d: Definition) => void, path: string, message: RegExp) {
  expect(problemsAfter(mutate)).toContainEqual(expect.objectContaining({ path, message: expect.stringMatching(message) }));
}

describe('valid definitions', () => {
  test('the full fixture covering every step type has no problems', () => {
    // GIVEN
    const d = fullDefinition();
    // THEN
    expect(validateDefinition(d)).toEqual([]);
    expect(() => assertValidDefinition(d)).not.toThrow();
  });

  test('the fixture covers every supported step type, nested conditions included', () => {
    const types = new Set<string>();
    const visit = (steps: Definition[]) => steps.forEach((s) => {
      types.add(s.Type);
      if (s.Type === 'Condition') {
        visit(s.Arguments.IfSteps);
        visit(s.Arguments.ElseSteps);
      }
    });
    visit(fullDefinition().Steps);
    expect([...types].sort()).toEqual([
      'AutoML', 'Callback', 'ClarifyCheck', 'Condition', 'EMR', 'Fail', 'Lambda', 'Model', 'Processing', 'QualityCheck',
      'RegisterModel', 'Training', 'Transform', 'Tuning',
    ]);
  });

  test.each<[string, (d: Definition) => void]>([
    ['PipelineExperimentConfig null', (d) => { d.PipelineExperimentConfig = null; delete env(d).EXPERIMENT; }],
    ['MlflowConfig present (SDK v3)', (d) => { d.MlflowConfig = { MlflowResourceArn: 'arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/x', MlflowExperimentName: null }; }],
    ['a custom job-name prefix kept', (d) => { args(d, TRAIN).TrainingJobName = 'TrainPrefix'; args(d, MODEL).ModelName = 'ModelPrefix'; }],
    ['RegisterModel with ModelPackageName only', (d) => { delete register(d).Arguments.ModelPackageGroupName; register(d).Arguments.ModelPackageName = 'pkg'; }],
    ['lenient cache durations', (d) => { step(d, TRAIN).CacheConfig.ExpireAfter = 'p1y2m3w4dt5h6m7.5s'; step(d, TRANSFORM).CacheConfig.ExpireAfter = 'T16m'; }],
    ['an optional member explicitly null', (d) => { args(d, TRANSFORM).TransformOutput.Accept = null; }],
    ['a timestamp execution variable in a string field', (d) => { env(d).STARTED = { Get: 'Execution.StartDateTime' }; }],
    ['Std:JsonGet (any type) in a number field', (d) => {
      args(d, TRAIN).ResourceConfig.InstanceCount = { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Prep.PropertyFiles.EvaluationReport' }, Path: 'instances' } };
    }],
    ['a map-keyed property reference', (d) => {
      modelEnv(d).EPOCHS = { Get: "Steps.Train.HyperParameters['epochs']" };
      modelEnv(d).OTHER = { Get: "Steps.Tune.BestTrainingJob.TunedHyperParameters['eta']" };
    }],
    ['a name-keyed processing input reference', (d) => { env(d).INPUT = { Get: "Steps.Prep.ProcessingInputs['code'].S3Input.S3Uri" }; }],
    ['an EMR property reference', (d) => { env(d).EMR = { Get: 'Steps.SparkOnCluster.Status.FailureDetails.Reason' }; }],
    ['an unresolved CloudFormation placeholder as a literal', (d) => { args(d, TRAIN).RoleArn = '${Token[AWS.Role.Arn.123]}'; }],
    ['a parameter with a description', (d) => { d.Parameters[0].Description = 'Raw input'; }],
    ['a CloudFormation placeholder in an enum field', (d) => { args(d, TRAIN).ResourceConfig.InstanceType = '${Token[TOKEN.789]}'; }],
    ['a property file whose outputs are not all literal', (d) => { args(d, PREP).ProcessingOutputConfig.Outputs[0].OutputName = { Get: 'Parameters.InputData' }; }],
  ])('accepts %s', (_, mutate) => {
    expect(problemsAfter(mutate)).toEqual([]);
  });
});

describe('envelope', () => {
  test.each<Case>([
    ['unknown top-level key', (d) => { d.PipelineDefinitionConfig = {}; }, 'PipelineDefinitionConfig', /Unknown key "PipelineDefinitionConfig" in the pipeline definition/],
    ['misspelt top-level key', (d) => { d.Parameter = []; }, 'Parameter', /Did you mean "Parameters"\?/],
    ['Version', (d) => { d.Version = '2021-01-01'; }, 'Version', /must be "2020-12-01".*received string "2021-01-01"/],
    ['Version missing', (d) => { delete d.Version; }, 'Version', /must be "2020-12-01".*received nothing/],
    ['Metadata', (d) => { d.Metadata = 'x'; }, 'Metadata', /Metadata must be an object/],
    ['Parameters not a list', (d) => { d.Parameters = {}; }, 'Parameters', /Parameters must be a list/],
    ['parameter not an object', (d) => { d.Parameters[0] = 'InputData'; }, 'Parameters[0]', /A parameter must be an object/],
    ['parameter name pattern', (d) => { d.Parameters[6].Name = 'Approval Status'; }, 'Parameters[6].Name', /1-64 letters.*received string "Approval Status"/],
    ['parameter name length', (d) => { d.Parameters[6].Name = 'a'.repeat(65); }, 'Parameters[6].Name', /1-64 letters/],
    ['duplicate parameter', (d) => { d.Parameters[6].Name = 'InputData'; }, 'Parameters[6].Name', /"InputData" is declared more than once/],
    ['parameter type', (d) => { d.Parameters[6].Type = 'Text'; }, 'Parameters[6].Type', /must be one of String, Integer, Float, Boolean; received string "Text"/],
    ['unknown parameter key', (d) => { d.Parameters[0].Default = 'x'; }, 'Parameters[0].Default', /Unknown key "Default" in a parameter/],
    ['parameter description', (d) => { d.Parameters[0].Description = 1; }, 'Parameters[0].Description', /"Description" must be a string/],
    ['String default', (d) => { d.Parameters[0].DefaultValue = 3; }, 'Parameters[0].DefaultValue', /String parameter .* must be a string; received number 3/],
    ['Integer default not integral', (d) => { d.Parameters[2].DefaultValue = 1.5; }, 'Parameters[2].DefaultValue', /Integer parameter .* must be an integral number/],
    ['Integer default as string', (d) => { d.Parameters[2].DefaultValue = '1'; }, 'Parameters[2].DefaultValue', /must be an integral number; received string "1"/],
    ['Float default', (d) => { d.Parameters[4].DefaultValue = '6.5'; }, 'Parameters[4].DefaultValue', /Float parameter .* must be a number/],
    ['Boolean default', (d) => { d.Parameters[5].DefaultValue = 'false'; }, 'Parameters[5].DefaultValue', /Boolean parameter .* must be a boolean/],
    ['EnumValues on a non-String parameter', (d) => { d.Parameters[2].EnumValues = ['1']; }, 'Parameters[2].EnumValues', /only allowed on String parameters/],
    ['EnumValues empty', (d) => { d.Parameters[1].EnumValues = []; }, 'Parameters[1].EnumValues', /non-empty list of strings/],
    ['EnumValues not strings', (d) => { d.Parameters[1].EnumValues = ['a', 1]; }, 'Parameters[1].EnumValues', /non-empty list of strings/],
    ['DefaultValue outside EnumValues', (d) => { d.Parameters[1].DefaultValue = 'ml.c5.xlarge'; }, 'Parameters[1].DefaultValue', /"ml.c5.xlarge" .* is not one of its EnumValues/],
    ['experiment config not an object', (d) => { d.PipelineExperimentConfig = 'exp'; }, 'PipelineExperimentConfig', /must be null or \{"ExperimentName", "TrialName"\}/],
    ['experiment config without TrialName', (d) => { delete d.PipelineExperimentConfig.TrialName; }, 'PipelineExperimentConfig.TrialName', /needs "TrialName"/],
    ['experiment name not a string', (d) => { d.PipelineExperimentConfig.ExperimentName = 5; }, 'PipelineExperimentConfig.ExperimentName', /must be a string or an expression/],
    ['experiment config unknown key', (d) => { d.PipelineExperimentConfig.RunName = 'r'; }, 'PipelineExperimentConfig.RunName', /Unknown key "RunName"/],
    ['experiment config referencing a step', (d) => { d.PipelineExperimentConfig.TrialName = { Get: 'Steps.Train.TrainingJobName' }; },
      'PipelineExperimentConfig.TrialName.Get', /references a step, which is not allowed here/],
    ['experiment config referencing itself', (d) => { d.PipelineExperimentConfig.TrialName = { Get: 'PipelineExperimentConfig.ExperimentName' }; },
      'PipelineExperimentConfig.TrialName.Get', /cannot reference itself/],
    ['experiment config reference while it is null', (d) => { d.PipelineExperimentConfig = null; },
      'Steps[1].Arguments.Environment.EXPERIMENT.Get', /PipelineExperimentConfig is null/],
    ['MlflowConfig', (d) => { d.MlflowConfig = { MlflowResourceArn: 5 }; }, 'MlflowConfig.MlflowResourceArn', /must be a string or null/],
    ['MlflowConfig not an object', (d) => { d.MlflowConfig = []; }, 'MlflowConfig', /must be null or/],
    ['Steps empty', (d) => { d.Steps = []; }, 'Steps', /non-empty list of steps; received a list \[\]/],
    ['Steps missing', (d) => { delete d.Steps; }, 'Steps', /non-empty list of steps; received nothing/],
    ['definition too large', (d) => { args(d, TRAIN).Environment.BIG = 'x'.repeat(1_048_576); }, '', /characters long; the service accepts at most 1048576/],
  ])('%s', (_, mutate, path, message) => expectProblem(mutate, path, message));

  test('a non-object definition', () => {
    expect(validateDefinition('{"Version": "2020-12-01"}')).toEqual([
      { path: '', message: expect.stringMatching(/must be a JSON object.*received string/) },
    ]);
  });
});

describe('step envelope', () => {
  test.each<Case>([
    ['step not an object', (d) => { d.Steps.push('Train'); }, 'Steps[13]', /A step must be an object/],
    ['name pattern', (d) => { step(d, LAMBDA).Name = 'notify team'; }, 'Steps[8].Name', /1-64 letters.*received string "notify team"/],
    ['name too long', (d) => { step(d, LAMBDA).Name = 'N'.repeat(65); }, 'Steps[8].Name', /1-64 letters/],
    ['name missing', (d) => { delete step(d, LAMBDA).Name; }, 'Steps[8].Name', /received nothing/],
    ['unknown type', (d) => { step(d, LAMBDA).Type = 'EndpointConfig'; }, 'Steps[8].Type', /Unknown step "Type" string "EndpointConfig"/],
    ['misspelt type', (d) => { step(d, LAMBDA).Type = 'lambda'; }, 'Steps[8].Type', /Did you mean "Lambda"\?/],
    ['Arguments missing', (d) => { delete step(d, LAMBDA).Arguments; }, 'Steps[8].Arguments', /"Arguments" is required and must be an object/],
    ['Arguments not an object', (d) => { step(d, TRAIN).Arguments = []; }, 'Steps[1].Arguments', /must be an object.*received a list/],
    ['unknown envelope key', (d) => { step(d, PREP).PropertyFile = []; }, 'Steps[0].PropertyFile', /Unknown key "PropertyFile" in a Processing step\. Did you mean "PropertyFiles"\?/],
    ['extra key of another step type', (d) => { step(d, PREP).FunctionArn = 'arn'; }, 'Steps[0].FunctionArn', /Unknown key "FunctionArn" in a Processing step/],
    ['DependsOn not a list', (d) => { step(d, TUNE).DependsOn = 'Train'; }, 'Steps[2].DependsOn', /must be a list of step names/],
    ['DependsOn unknown step', (d) => { step(d, TUNE).DependsOn = ['Trian']; }, 'Steps[2].DependsOn[0]', /"Trian", which does not exist.*Did you mean "Train"\?/],
    ['DependsOn itself', (d) => { step(d, TUNE).DependsOn = ['Train', 'Tune']; }, 'Steps[2].DependsOn[1]', /"Tune" depends on itself/],
    ['DependsOn non-string', (d) => { step(d, TUNE).DependsOn = [{ Name: 'Train' }]; }, 'Steps[2].DependsOn[0]', /must be step names \(strings\)/],
    ['DependsOn a branch step is fine, an unknown one is not', (d) => { step(d, TUNE).DependsOn = ['Cleanup', 'Nope']; }, 'Steps[2].DependsOn[1]', /"Nope"/],
    ['DisplayName length', (d) => { step(d, TRAIN).DisplayName = 'd'.repeat(257); }, 'Steps[1].DisplayName', /257 characters long; the limit is 256/],
    ['DisplayName type', (d) => { step(d, TRAIN).DisplayName = 1; }, 'Steps[1].DisplayName', /must be a string/],
    ['Description length', (d) => { step(d, TRAIN).Description = 'd'.repeat(3073); }, 'Steps[1].Description', /the limit is 3072/],
    ['RetryPolicies on a Condition step', (d) => { step(d, CONDITION).RetryPolicies = [{ ExceptionType: ['Step.THROTTLING'] }]; },
      'Steps[12].RetryPolicies', /Condition steps do not accept RetryPolicies/],
    ['RetryPolicies on a Lambda step', (d) => { step(d, LAMBDA).RetryPolicies = []; }, 'Steps[8].RetryPolicies', /Lambda steps do not accept RetryPolicies/],
    ['RetryPolicies on a QualityCheck step', (d) => { step(d, QUALITY).RetryPolicies = []; }, 'Steps[5].RetryPolicies', /QualityCheck steps do not accept/],
    ['RetryPolicies not a list', (d) => { step(d, TRAIN).RetryPolicies = {}; }, 'Steps[1].RetryPolicies', /must be a list of retry policy objects/],
    ['retry policy not an object', (d) => { step(d, TRAIN).RetryPolicies = ['Step.THROTTLING']; }, 'Steps[1].RetryPolicies[0]', /must be an object/],
    ['ExceptionType empty', (d) => { step(d, TRAIN).RetryPolicies[0].ExceptionType = []; }, 'Steps[1].RetryPolicies[0].ExceptionType', /non-empty list/],
    ['ExceptionType missing', (d) => { delete step(d, TRAIN).RetryPolicies[0].ExceptionType; }, 'Steps[1].RetryPolicies[0].ExceptionType', /non-empty list/],
    ['ExceptionType unknown', (d) => { step(d, TRAIN).RetryPolicies[0].ExceptionType = ['SageMaker.JOB_CAPACITY_ERROR']; },
      'Steps[1].RetryPolicies[0].ExceptionType[0]', /Invalid exception type string "SageMaker.JOB_CAPACITY_ERROR".*Did you mean "SageMaker.CAPACITY_ERROR"\?/],
    ['SageMaker exception on EMR', (d) => { step(d, EMR).RetryPolicies[0].ExceptionType = ['SageMaker.CAPACITY_ERROR']; },
      'Steps[10].RetryPolicies[0].ExceptionType[0]', /EMR steps accept only Step\.\* exception types/],
    ['SageMaker exception on Model', (d) => { step(d, MODEL).RetryPolicies[0].ExceptionType = ['Step.THROTTLING', 'SageMaker.JOB_INTERNAL_ERROR']; },
      'Steps[3].RetryPolicies[0].ExceptionType[1]', /Model steps accept only Step\.\* exception types, no SageMaker job retry policy/],
    ['SageMaker exception on RegisterModel', (d) => { register(d).RetryPolicies[0].ExceptionType = ['SageMaker.RESOURCE_LIMIT']; },
      'Steps[12].Arguments.IfSteps[0].RetryPolicies[0].ExceptionType[0]', /RegisterModel steps accept only Step\.\*/],
    ['IntervalSeconds 0', (d) => { step(d, TRAIN).RetryPolicies[0].IntervalSeconds = 0; }, 'Steps[1].RetryPolicies[0].IntervalSeconds', /an integer 1\.\.43200; received number 0/],
    ['IntervalSeconds too large', (d) => { step(d, TRAIN).RetryPolicies[0].IntervalSeconds = 43201; }, 'Steps[1].RetryPolicies[0].IntervalSeconds', /1\.\.43200/],
    ['IntervalSeconds fractional', (d) => { step(d, TRAIN).RetryPolicies[0].IntervalSeconds = 1.5; }, 'Steps[1].RetryPolicies[0].IntervalSeconds', /an integer/],
    ['BackoffRate negative', (d) => { step(d, TRAIN).RetryPolicies[0].BackoffRate = -1; }, 'Steps[1].RetryPolicies[0].BackoffRate', /a number >= 0/],
    ['BackoffRate not a number', (d) => { step(d, TRAIN).RetryPolicies[0].BackoffRate = '2'; }, 'Steps[1].RetryPolicies[0].BackoffRate', /a number >= 0; received string "2"/],
    ['MaxAttempts 21', (d) => { step(d, TRAIN).RetryPolicies[0].MaxAttempts = 21; }, 'Steps[1].RetryPolicies[0].MaxAttempts', /1\.\.20/],
    ['MaxAttempts 0', (d) => { step(d, TRAIN).RetryPolicies[0].MaxAttempts = 0; }, 'Steps[1].RetryPolicies[0].MaxAttempts', /1\.\.20/],
    ['ExpireAfterMin too large', (d) => { step(d, PREP).RetryPolicies[1].ExpireAfterMin = 14401; }, 'Steps[0].RetryPolicies[1].ExpireAfterMin', /0\.\.14400/],
    ['ExpireAfterMin negative', (d) => { step(d, PREP).RetryPolicies[1].ExpireAfterMin = -1; }, 'Steps[0].RetryPolicies[1].ExpireAfterMin', /0\.\.14400/],
    ['retry policy unknown key', (d) => { step(d, TRAIN).RetryPolicies[0].MaxAttempt = 3; }, 'Steps[1].RetryPolicies[0].MaxAttempt', /Did you mean "MaxAttempts"\?/],
    ['CacheConfig on a Model step', (d) => { step(d, MODEL).CacheConfig = { Enabled: true }; }, 'Steps[3].CacheConfig', /Model steps do not accept CacheConfig/],
    ['CacheConfig on a RegisterModel step', (d) => { register(d).CacheConfig = { Enabled: true }; }, 'Steps[12].Arguments.IfSteps[0].CacheConfig', /RegisterModel steps do not accept CacheConfig/],
    ['CacheConfig on a Condition step', (d) => { step(d, CONDITION).CacheConfig = { Enabled: true }; }, 'Steps[12].CacheConfig', /Condition steps do not accept CacheConfig/],
    ['CacheConfig on a Fail step', (d) => { fail(d).CacheConfig = { Enabled: true }; }, 'Steps[12].Arguments.ElseSteps[0].CacheConfig', /Fail steps do not accept CacheConfig/],
    ['CacheConfig not an object', (d) => { step(d, TRAIN).CacheConfig = true; }, 'Steps[1].CacheConfig', /must be an object/],
    ['CacheConfig.Enabled missing', (d) => { step(d, TRAIN).CacheConfig = { ExpireAfter: 'P1D' }; }, 'Steps[1].CacheConfig.Enabled', /must be a boolean; received nothing/],
    ['CacheConfig.Enabled string', (d) => { step(d, TRAIN).CacheConfig.Enabled = 'true'; }, 'Steps[1].CacheConfig.Enabled', /must be a boolean; received string "true"/],
    ['CacheConfig.ExpireAfter words', (d) => { step(d, TRAIN).CacheConfig.ExpireAfter = '1 hour'; }, 'Steps[1].CacheConfig.ExpireAfter', /ISO-8601 duration.*received string "1 hour"/],
    ['CacheConfig.ExpireAfter empty duration', (d) => { step(d, TRAIN).CacheConfig.ExpireAfter = 'PT'; }, 'Steps[1].CacheConfig.ExpireAfter', /ISO-8601 duration/],
    ['CacheConfig.ExpireAfter number', (d) => { step(d, TRAIN).CacheConfig.ExpireAfter = 3600; }, 'Steps[1].CacheConfig.ExpireAfter', /ISO-8601 duration/],
    ['CacheConfig unknown key', (d) => { step(d, TRAIN).CacheConfig.Expire = 'P1D'; }, 'Steps[1].CacheConfig.Expire', /Unknown key "Expire" in CacheConfig/],
    ['PropertyFiles not a list', (d) => { step(d, PREP).PropertyFiles = {}; }, 'Steps[0].PropertyFiles', /must be a list/],
    ['property file not an object', (d) => { step(d, PREP).PropertyFiles = ['x']; }, 'Steps[0].PropertyFiles[0]', /must be an object/],
    ['property file without FilePath', (d) => { delete step(d, PREP).PropertyFiles[0].FilePath; }, 'Steps[0].PropertyFiles[0].FilePath', /must be a non-empty string/],
    ['property file unknown key', (d) => { step(d, PREP).PropertyFiles[0].Path = 'x'; }, 'Steps[0].PropertyFiles[0].Path', /Unknown key "Path" in a property file/],
    ['property file naming no output', (d) => { step(d, PREP).PropertyFiles[0].OutputName = 'evaluations'; },
      'Steps[0].PropertyFiles[0].OutputName', /"evaluations" names no output.*Did you mean "evaluation"\?.*Outputs: train, evaluation/],
    ['property file declared twice', (d) => { step(d, PREP).PropertyFiles.push({ PropertyFileName: 'EvaluationReport', OutputName: 'train', FilePath: 'a.json' }); },
      'Steps[0].PropertyFiles[1].PropertyFileName', /declared twice/],
    ['property file of a step without outputs', (d) => { delete args(d, PREP).ProcessingOutputConfig; }, 'Steps[0].PropertyFiles[0].OutputName', /names no output.*Outputs: none/],
    ['Lambda without FunctionArn', (d) => { delete step(d, LAMBDA).FunctionArn; }, 'Steps[8].FunctionArn', /Lambda steps need "FunctionArn"/],
    ['Lambda FunctionArn not a string', (d) => { step(d, LAMBDA).FunctionArn = { Get: 'Parameters.InputData' }; }, 'Steps[8].FunctionArn', /need "FunctionArn".*received an object/],
    ['OutputParameters not a list', (d) => { step(d, LAMBDA).OutputParameters = {}; }, 'Steps[8].OutputParameters', /must be a list/],
    ['output parameter not an object', (d) => { step(d, LAMBDA).OutputParameters[0] = 'statusCode'; }, 'Steps[8].OutputParameters[0]', /must be an object/],
    ['OutputParameters duplicate', (d) => { step(d, LAMBDA).OutputParameters[1].OutputName = 'statusCode'; }, 'Steps[8].OutputParameters[1].OutputName', /declared twice/],
    ['OutputParameters type', (d) => { step(d, LAMBDA).OutputParameters[0].OutputType = 'Number'; }, 'Steps[8].OutputParameters[0].OutputType', /one of String, Integer, Float, Boolean/],
    ['OutputParameters name missing', (d) => { delete step(d, LAMBDA).OutputParameters[0].OutputName; }, 'Steps[8].OutputParameters[0].OutputName', /non-empty string/],
    ['OutputParameters unknown key', (d) => { step(d, LAMBDA).OutputParameters[0].Name = 'x'; }, 'Steps[8].OutputParameters[0].Name', /Unknown key "Name" in an output parameter/],
    ['more than 50 OutputParameters', (d) => {
      step(d, LAMBDA).OutputParameters = Array.from({ length: 51 }, (_, i) => ({ OutputName: `o${i}`, OutputType: 'String' }));
    }, 'Steps[8].OutputParameters', /at most 50 OutputParameters; received 51/],
    ['Callback without SqsQueueUrl', (d) => { delete step(d, CALLBACK).SqsQueueUrl; }, 'Steps[9].SqsQueueUrl', /Callback steps need "SqsQueueUrl"/],
    ['Callback OutputParameters', (d) => { step(d, CALLBACK).OutputParameters[0].OutputType = 'bool'; }, 'Steps[9].OutputParameters[0].OutputType', /one of String/],
    ['QualityCheck CheckType', (d) => { step(d, QUALITY).CheckType = 'DATA_BIAS'; }, 'Steps[5].CheckType', /one of DATA_QUALITY, MODEL_QUALITY; received string "DATA_BIAS"/],
    ['QualityCheck SkipCheck', (d) => { step(d, QUALITY).SkipCheck = 'false'; }, 'Steps[5].SkipCheck', /SkipCheck must be a boolean/],
    ['QualityCheck SkipCheck from a String parameter', (d) => { step(d, QUALITY).SkipCheck = { Get: 'Parameters.InputData' }; }, 'Steps[5].SkipCheck', /expects a boolean, but parameter "InputData" \(Type String\)/],
    ['QualityCheck baseline', (d) => { step(d, QUALITY).SuppliedBaselineConstraints = 5; }, 'Steps[5].SuppliedBaselineConstraints', /must be a string/],
    ['QualityCheck unknown key', (d) => { step(d, QUALITY).ModelName = 'm'; }, 'Steps[5].ModelName', /Unknown key "ModelName" in a QualityCheck step/],
    ['ClarifyCheck CheckType', (d) => { delete step(d, CLARIFY).CheckType; }, 'Steps[6].CheckType', /one of DATA_BIAS, MODEL_BIAS, MODEL_EXPLAINABILITY; received nothing/],
    ['ClarifyCheck without statistics', (d) => { step(d, CLARIFY).SuppliedBaselineStatistics = null; },
      'Steps[6].SuppliedBaselineStatistics', /Unknown key "SuppliedBaselineStatistics" in a ClarifyCheck step/],
    ['ClarifyCheck FailOnViolation', (d) => { step(d, CLARIFY).FailOnViolation = 1; }, 'Steps[6].FailOnViolation', /must be a boolean/],
  ])('%s', (_, mutate, path, message) => expectProblem(mutate, path, message));

  test('problems inside a step carry the step name', () => {
    const problems = problemsAfter((d) => { step(d, TRAIN).CacheConfig.Enabled = 1; });
    expect(problems).toEqual([expect.objectContaining({ path: 'Steps[1].CacheConfig.Enabled', stepName: 'Train' })]);
  });
});

describe('step names and graph', () => {
  test.each<Case>([
    ['duplicate top-level names', (d) => { step(d, TUNE).Name = 'Train'; step(d, TUNE).DependsOn = []; }, 'Steps[2].Name', /"Train" is already used by the step at Steps\[1\]/],
    ['a step at top level and in a branch', (d) => { fail(d).Name = 'Train'; }, 'Steps[12].Arguments.ElseSteps[0].Name',
      /already used by the step at Steps\[1\].*cannot appear both at top level and in a condition branch/],
    ['a step in both branches', (d) => { fail(d).Name = 'Register'; }, 'Steps[12].Arguments.ElseSteps[0].Name', /already used by the step at Steps\[12\]\.Arguments\.IfSteps\[0\]/],
    ['a duplicate in a nested branch', (d) => { args(d, CONDITION).IfSteps[1].Arguments.IfSteps[0].Name = 'Notify'; },
      'Steps[12].Arguments.IfSteps[1].Arguments.IfSteps[0].Name', /already used by the step at Steps\[8\]/],
    ['a cycle through DependsOn and references', (d) => { step(d, TRAIN).DependsOn = ['CreateModel']; }, 'Steps[1]', /Steps form a cycle: Train -> CreateModel -> Train/],
    ['a cycle through DependsOn only', (d) => { step(d, EMR).DependsOn = ['SparkNewCluster']; }, 'Steps[10]', /cycle: SparkOnCluster -> SparkNewCluster -> SparkOnCluster/],
    ['a cycle through a condition branch', (d) => { step(d, TUNE).DependsOn = ['Register']; }, 'Steps[2]', /cycle: Tune -> CheckAccuracy -> Register -> Tune/],
  ])('%s', (_, mutate, path, message) => expectProblem(mutate, path, message));

  test('branch steps are validated as full steps', () => {
    const problems = problemsAfter((d) => { register(d).Name = 'bad name'; register(d).Arguments.Foo = 1; });
    expect(problems).toContainEqual(expect.objectContaining({ path: 'Steps[12].Arguments.IfSteps[0].Name', message: expect.stringMatching(/1-64 letters/) }));
    expect(problems).toContainEqual(expect.objectContaining({
      path: 'Steps[12].Arguments.IfSteps[0].Arguments.Foo', stepName: 'bad name', message: expect.stringMatching(/Unknown member "Foo" in CreateModelPackageInput/),
    }));
  });
});

describe('Arguments per step type', () => {
  test.each<Case>([
    ['Condition without Conditions', (d) => { delete args(d, CONDITION).Conditions; }, 'Steps[12].Arguments.Conditions', /need "Conditions"/],
    ['Condition without IfSteps', (d) => { delete args(d, CONDITION).IfSteps; }, 'Steps[12].Arguments.IfSteps', /need "IfSteps".*received nothing/],
    ['Condition ElseSteps not a list', (d) => { args(d, CONDITION).ElseSteps = {}; }, 'Steps[12].Arguments.ElseSteps', /need "ElseSteps", a list of steps/],
    ['Condition unknown key', (d) => { args(d, CONDITION).Else = []; }, 'Steps[12].Arguments.Else', /Unknown key "Else" in Condition step Arguments/],
    ['Conditions not a list', (d) => { args(d, CONDITION).Conditions = {}; }, 'Steps[12].Arguments.Conditions', /must be a list of condition objects/],
    ['condition not an object', (d) => { conditions(d)[0] = true; }, 'Steps[12].Arguments.Conditions[0]', /A condition must be an object/],
    ['unknown condition type', (d) => { conditions(d)[1].Type = 'NotEquals'; }, 'Steps[12].Arguments.Conditions[1].Type', /Unknown condition type string "NotEquals"/],
    ['And is not a condition type', (d) => { conditions(d)[1].Type = 'And'; }, 'Steps[12].Arguments.Conditions[1].Type', /implicit And/],
    ['comparison without RightValue', (d) => { delete conditions(d)[1].RightValue; }, 'Steps[12].Arguments.Conditions[1].RightValue', /Equals condition needs "RightValue"/],
    ['comparison with a list value', (d) => { conditions(d)[1].LeftValue = [1]; }, 'Steps[12].Arguments.Conditions[1].LeftValue', /must be a string, number or boolean or an expression/],
    ['comparison unknown key', (d) => { conditions(d)[1].Value = 1; }, 'Steps[12].Arguments.Conditions[1].Value', /Unknown key "Value" in a Equals condition/],
    ['In without QueryValue', (d) => { delete conditions(d)[2].QueryValue; }, 'Steps[12].Arguments.Conditions[2].QueryValue', /needs "QueryValue"/],
    ['In with old-schema keys', (d) => { conditions(d)[2].In = conditions(d)[2].Values; delete conditions(d)[2].Values; },
      'Steps[12].Arguments.Conditions[2].In', /Unknown key "In" in an In condition/],
    ['In without Values', (d) => { delete conditions(d)[2].Values; }, 'Steps[12].Arguments.Conditions[2].Values', /non-empty list/],
    ['In with an object value', (d) => { conditions(d)[2].Values = [{ a: 1 }]; }, 'Steps[12].Arguments.Conditions[2].Values[0]', /must be a string, number or boolean/],
    ['Not without Condition', (d) => { delete conditions(d)[3].Condition; }, 'Steps[12].Arguments.Conditions[3].Condition', /Not condition needs "Condition"/],
    ['Not with Expression key', (d) => { conditions(d)[3].Expression = conditions(d)[3].Condition; delete conditions(d)[3].Condition; },
      'Steps[12].Arguments.Conditions[3].Expression', /Unknown key "Expression" in a Not condition/],
    ['Or with no conditions', (d) => { conditions(d)[3].Condition.Conditions = []; }, 'Steps[12].Arguments.Conditions[3].Condition.Conditions', /non-empty list of conditions/],
    ['nested condition problem', (d) => { conditions(d)[3].Condition.Conditions[1].Type = 'LessThen'; },
      'Steps[12].Arguments.Conditions[3].Condition.Conditions[1].Type', /Did you mean "LessThan"\?/],
    ['nested condition expression', (d) => { conditions(d)[3].Condition.Conditions[0].LeftValue = { Get: 'Steps.Train.Nope' }; },
      'Steps[12].Arguments.Conditions[3].Condition.Conditions[0].LeftValue.Get', /has no property "Nope"/],
    ['Fail without ErrorMessage', (d) => { fail(d).Arguments = {}; }, 'Steps[12].Arguments.ElseSteps[0].Arguments.ErrorMessage', /need "ErrorMessage"/],
    ['Fail ErrorMessage number', (d) => { fail(d).Arguments.ErrorMessage = 1; }, 'Steps[12].Arguments.ElseSteps[0].Arguments.ErrorMessage', /ErrorMessage must be a string or an expression/],
    ['Fail ErrorMessage from a Boolean parameter', (d) => { fail(d).Arguments.ErrorMessage = { Get: 'Parameters.SkipDriftCheck' }; },
      'Steps[12].Arguments.ElseSteps[0].Arguments.ErrorMessage', /expects a string, but parameter "SkipDriftCheck" \(Type Boolean\) yields a boolean/],
    ['Fail unknown key', (d) => { fail(d).Arguments.ErrorMesage = 'x'; }, 'Steps[12].Arguments.ElseSteps[0].Arguments.ErrorMesage', /Did you mean "ErrorMessage"\?/],
    ['Lambda input object', (d) => { args(d, LAMBDA).config = { a: 1 }; }, 'Steps[8].Arguments.config', /Lambda input "config" must be a string, number or boolean or an expression/],
    ['Lambda input null', (d) => { args(d, LAMBDA).config = null; }, 'Steps[8].Arguments.config', /received object null/],
    ['Callback input list', (d) => { args(d, CALLBACK).items = ['a']; }, 'Steps[9].Arguments.items', /Callback input "items" must be a string, number or boolean/],
    ['EMR without StepConfig', (d) => { delete args(d, EMR).StepConfig; }, 'Steps[10].Arguments.StepConfig', /need "StepConfig"/],
    ['EMR without HadoopJarStep', (d) => { args(d, EMR).StepConfig = {}; }, 'Steps[10].Arguments.StepConfig.HadoopJarStep', /needs "HadoopJarStep"/],
    ['EMR StepConfig with ActionOnFailure', (d) => { args(d, EMR).StepConfig.ActionOnFailure = 'CONTINUE'; },
      'Steps[10].Arguments.StepConfig.ActionOnFailure', /Unknown key "ActionOnFailure" in EMR StepConfig/],
    ['EMR without Jar', (d) => { delete args(d, EMR).StepConfig.HadoopJarStep.Jar; }, 'Steps[10].Arguments.StepConfig.HadoopJarStep.Jar', /needs "Jar"/],
    ['EMR Jar number', (d) => { args(d, EMR).StepConfig.HadoopJarStep.Jar = 1; }, 'Steps[10].Arguments.StepConfig.HadoopJarStep.Jar', /must be a string/],
    ['EMR HadoopJarStep unknown key', (d) => { args(d, EMR).StepConfig.HadoopJarStep.Arguments = []; },
      'Steps[10].Arguments.StepConfig.HadoopJarStep.Arguments', /Unknown key "Arguments" in HadoopJarStep/],
    ['EMR Args not a list', (d) => { args(d, EMR).StepConfig.HadoopJarStep.Args = 'a b'; }, 'Steps[10].Arguments.StepConfig.HadoopJarStep.Args', /must be a list of strings/],
    ['EMR Args item number', (d) => { args(d, EMR).StepConfig.HadoopJarStep.Args[0] = 1; }, 'Steps[10].Arguments.StepConfig.HadoopJarStep.Args[0]', /must be a string/],
    ['EMR MainClass', (d) => { args(d, EMR).StepConfig.HadoopJarStep.MainClass = true; }, 'Steps[10].Arguments.StepConfig.HadoopJarStep.MainClass', /must be a string/],
    ['EMR Properties not a list', (d) => { args(d, EMR).StepConfig.HadoopJarStep.Properties = { a: 'b' }; },
      'Steps[10].Arguments.StepConfig.HadoopJarStep.Properties', /list of \{"Key", "Value"\}/],
    ['EMR property not an object', (d) => { args(d, EMR).StepConfig.HadoopJarStep.Properties = ['a=b']; },
      'Steps[10].Arguments.StepConfig.HadoopJarStep.Properties[0]', /must be \{"Key": \.\.\., "Value": \.\.\.\}/],
    ['EMR property without Value', (d) => { delete args(d, EMR).StepConfig.HadoopJarStep.Properties[0].Value; },
      'Steps[10].Arguments.StepConfig.HadoopJarStep.Properties[0].Value', /needs "Value"/],
    ['EMR with both cluster keys', (d) => { args(d, EMR).ClusterConfig = args(d, EMR_NEW).ClusterConfig; }, 'Steps[10].Arguments', /exactly one of "ClusterId".*received both/],
    ['EMR with no cluster', (d) => { delete args(d, EMR).ClusterId; delete args(d, EMR).ExecutionRoleArn; }, 'Steps[10].Arguments', /exactly one of "ClusterId".*received neither/],
    ['EMR runtime role with a new cluster', (d) => { args(d, EMR_NEW).ExecutionRoleArn = 'arn:aws:iam::1:role/r'; },
      'Steps[11].Arguments.ExecutionRoleArn', /can only be used with "ClusterId"/],
    ['EMR unknown key', (d) => { args(d, EMR).Cluster = 'j-1'; }, 'Steps[10].Arguments.Cluster', /Unknown key "Cluster" in EMR step Arguments/],
    ['EMR ClusterConfig not an object', (d) => { args(d, EMR_NEW).ClusterConfig = 'c'; }, 'Steps[11].Arguments.ClusterConfig', /must be an object/],
    ['EMR ClusterConfig Name', (d) => { args(d, EMR_NEW).ClusterConfig.Name = 'c'; }, 'Steps[11].Arguments.ClusterConfig.Name', /must not contain "Name"/],
    ['EMR ClusterConfig Steps', (d) => { args(d, EMR_NEW).ClusterConfig.Steps = []; }, 'Steps[11].Arguments.ClusterConfig.Steps', /must not contain "Steps"/],
    ['EMR ClusterConfig AutoTerminationPolicy', (d) => { args(d, EMR_NEW).ClusterConfig.AutoTerminationPolicy = {}; },
      'Steps[11].Arguments.ClusterConfig.AutoTerminationPolicy', /must not contain "AutoTerminationPolicy"/],
    ['EMR ClusterConfig without Instances', (d) => { delete args(d, EMR_NEW).ClusterConfig.Instances; }, 'Steps[11].Arguments.ClusterConfig.Instances', /needs "Instances"/],
    ['EMR Instances KeepJobFlowAliveWhenNoSteps', (d) => { args(d, EMR_NEW).ClusterConfig.Instances.KeepJobFlowAliveWhenNoSteps = true; },
      'Steps[11].Arguments.ClusterConfig.Instances.KeepJobFlowAliveWhenNoSteps', /must not contain "KeepJobFlowAliveWhenNoSteps"/],
    ['EMR Instances TerminationProtected', (d) => { args(d, EMR_NEW).ClusterConfig.Instances.TerminationProtected = false; },
      'Steps[11].Arguments.ClusterConfig.Instances.TerminationProtected', /must not contain "TerminationProtected"/],
    ['EMR Instances groups and fleets', (d) => { args(d, EMR_NEW).ClusterConfig.Instances.InstanceFleets = []; }, 'Steps[11].Arguments.ClusterConfig.Instances', /received both/],
    ['EMR Instances neither groups nor fleets', (d) => { args(d, EMR_NEW).ClusterConfig.Instances = {}; }, 'Steps[11].Arguments.ClusterConfig.Instances', /received neither/],
    ['EMR ClusterConfig expressions are checked', (d) => { args(d, EMR_NEW).ClusterConfig.LogUri = { Get: 'Parameters.Nope' }; },
      'Steps[11].Arguments.ClusterConfig.LogUri.Get', /Parameter "Nope" is not declared/],
  ])('%s', (_, mutate, path, message) => expectProblem(mutate, path, message));

  test.each<Case>([
    ['unknown member with suggestion', (d) => { args(d, TRAIN).ResourceConfig.InstanceCont = 1; },
      'Steps[1].Arguments.ResourceConfig.InstanceCont', /Unknown member "InstanceCont" in ResourceConfig\. Did you mean "InstanceCount"\?/],
    ['unknown top-level member', (d) => { args(d, PREP).ProcessingOutputs = []; }, 'Steps[0].Arguments.ProcessingOutputs', /Unknown member "ProcessingOutputs" in CreateProcessingJobRequest/],
    // Names every JavaScript object inherits are members of no request shape either.
    ['unknown member named like an inherited property', (d) => { args(d, TRAIN).ResourceConfig.toString = 'x'; },
      'Steps[1].Arguments.ResourceConfig.toString', /Unknown member "toString" in ResourceConfig/],
    ['unknown member constructor', (d) => { Object.assign(args(d, PREP), { constructor: 'x' }); }, 'Steps[0].Arguments.constructor', /Unknown member "constructor" in CreateProcessingJobRequest/],
    ['missing required member', (d) => { delete args(d, TRAIN).RoleArn; }, 'Steps[1].Arguments.RoleArn', /Missing required member "RoleArn" of CreateTrainingJobRequest/],
    ['missing nested required member', (d) => { delete args(d, PREP).ProcessingInputs[0].S3Input.S3DataType; },
      'Steps[0].Arguments.ProcessingInputs[0].S3Input.S3DataType', /Missing required member "S3DataType" of ProcessingS3Input/],
    ['required member null', (d) => { args(d, TRANSFORM).TransformOutput.S3OutputPath = null; }, 'Steps[4].Arguments.TransformOutput.S3OutputPath', /Missing required member "S3OutputPath"/],
    ['Transform still needs ModelName', (d) => { delete args(d, TRANSFORM).ModelName; }, 'Steps[4].Arguments.ModelName', /Missing required member "ModelName" of CreateTransformJobRequest/],
    ['QualityCheck request shape', (d) => { delete args(d, QUALITY).AppSpecification; }, 'Steps[5].Arguments.AppSpecification', /Missing required member "AppSpecification" of CreateProcessingJobRequest/],
    ['ClarifyCheck request shape', (d) => { args(d, CLARIFY).ProcessingInputs[0].S3Input.S3DataType = 's3prefix'; },
      'Steps[6].Arguments.ProcessingInputs[0].S3Input.S3DataType', /must be one of the ProcessingS3DataType values; received "s3prefix"\. Did you mean "S3Prefix"\?/],
    ['Tuning nested required member', (d) => { delete args(d, TUNE).HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs; },
      'Steps[2].Arguments.HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs', /Missing required member "MaxParallelTrainingJobs" of ResourceLimits/],
    ['Model unknown member', (d) => { args(d, MODEL).PrimaryContainer.ModelDataURL = 's3://x'; },
      'Steps[3].Arguments.PrimaryContainer.ModelDataURL', /Did you mean "ModelDataUrl"\?/],
    ['AutoML required member', (d) => { delete args(d, AUTOML).OutputDataConfig; }, 'Steps[7].Arguments.OutputDataConfig', /Missing required member "OutputDataConfig" of CreateAutoMLJobRequest/],
    ['string where a number is expected', (d) => { args(d, PREP).ProcessingResources.ClusterConfig.VolumeSizeInGB = '30'; },
      'Steps[0].Arguments.ProcessingResources.ClusterConfig.VolumeSizeInGB', /"VolumeSizeInGB" must be a number or an expression.*received string "30"/],
    ['number where a string is expected', (d) => { args(d, TRAIN).RoleArn = 42; }, 'Steps[1].Arguments.RoleArn', /"RoleArn" must be a string or an expression .*; received number 42/],
    ['string where a boolean is expected', (d) => { args(d, TRAIN).EnableManagedSpotTraining = 'false'; }, 'Steps[1].Arguments.EnableManagedSpotTraining', /must be a boolean/],
    ['object where a list is expected', (d) => { args(d, TRAIN).InputDataConfig = args(d, TRAIN).InputDataConfig[0]; }, 'Steps[1].Arguments.InputDataConfig', /must be a list \(InputDataConfig\)/],
    ['string where an object is expected', (d) => { args(d, TRAIN).OutputDataConfig = 's3://my-bucket/models'; }, 'Steps[1].Arguments.OutputDataConfig', /must be an object \(OutputDataConfig\)/],
    ['list item of the wrong type', (d) => { args(d, PREP).AppSpecification.ContainerEntrypoint = ['python3', 3]; },
      'Steps[0].Arguments.AppSpecification.ContainerEntrypoint[1]', /must be a string/],
    ['map value of the wrong type', (d) => { env(d).EPOCHS = 10; }, 'Steps[1].Arguments.Environment.EPOCHS', /"Environment" value "EPOCHS" must be a string or an expression .*; received number 10/],
    ['map that is a list', (d) => { args(d, TRAIN).HyperParameters = [['epochs', '10']]; }, 'Steps[1].Arguments.HyperParameters', /must be a map/],
    ['enum value', (d) => { args(d, TRAIN).ResourceConfig.InstanceType = 'ml.m5.xlarg'; }, 'Steps[1].Arguments.ResourceConfig.InstanceType', /TrainingInstanceType values; received "ml.m5.xlarg"\. Did you mean "ml.m5.xlarge"\?/],
    ['enum value that is a number', (d) => { args(d, TRANSFORM).BatchStrategy = 1; }, 'Steps[4].Arguments.BatchStrategy', /must be a string or an expression/],
    ['an expression where a structure is expected', (d) => { args(d, TRAIN).OutputDataConfig = { Get: 'Steps.Prep.ProcessingOutputConfig' }; },
      'Steps[1].Arguments.OutputDataConfig', /expects an object \(OutputDataConfig\), but received an expression/],
    ['RegisterModel without group or name', (d) => { delete register(d).Arguments.ModelPackageGroupName; },
      'Steps[12].Arguments.IfSteps[0].Arguments', /need "ModelPackageGroupName".*or "ModelPackageName"; received neither/],
    ['RegisterModel CertifyForMarketplace', (d) => { register(d).Arguments.CertifyForMarketplace = false; },
      'Steps[12].Arguments.IfSteps[0].Arguments.CertifyForMarketplace', /not available in pipelines/],
    ['RegisterModel enum', (d) => { register(d).Arguments.ModelApprovalStatus = 'Approve'; },
      'Steps[12].Arguments.IfSteps[0].Arguments.ModelApprovalStatus', /Did you mean "Approved"\?/],
    ['AutoML mode', (d) => { args(d, AUTOML).AutoMLJobConfig.Mode = 'HYPERPARAMETER_TUNING'; }, 'Steps[7].Arguments.AutoMLJobConfig.Mode', /only AutoMLJobConfig.Mode "ENSEMBLING"/],
    ['AutoML mode missing', (d) => { delete args(d, AUTOML).AutoMLJobConfig; }, 'Steps[7].Arguments.AutoMLJobConfig.Mode', /received nothing/],
  ])('job Arguments: %s', (_, mutate, path, message) => expectProblem(mutate, path, message));
});

describe('expressions', () => {
  const set = (value: unknown) => (d: Definition) => { modelEnv(d).X = value; };
  const at = 'Steps[3].Arguments.PrimaryContainer.Environment.X';
  test.each<Case>([
    ['Get not a string', set({ Get: ['Parameters.InputData'] }), `${at}.Get`, /"Get" must be a string/],
    ['Get unknown namespace', set({ Get: 'Params.InputData' }), `${at}.Get`, /must start with Parameters\., Execution\., PipelineExperimentConfig\. or Steps\./],
    ['undeclared parameter', set({ Get: 'Parameters.InputDat' }), `${at}.Get`, /Parameter "InputDat" is not declared.*Did you mean "InputData"\?/],
    ['unknown execution variable', set({ Get: 'Execution.PipelineExecutionID' }), `${at}.Get`, /Unknown execution variable "PipelineExecutionID".*Did you mean "PipelineExecutionId"\?/],
    ['unknown experiment config property', set({ Get: 'PipelineExperimentConfig.RunName' }), `${at}.Get`, /Unknown experiment config property "RunName"/],
    ['unknown step', set({ Get: 'Steps.Preprocess.ProcessingJobName' }), `${at}.Get`, /references step "Preprocess", which does not exist/],
    ['self reference', set({ Get: 'Steps.CreateModel.ModelArn' }), `${at}.Get`, /Step "CreateModel" references itself/],
    ['no property', set({ Get: 'Steps.Prep' }), `${at}.Get`, /names no property of step "Prep"/],
    ['unknown member', set({ Get: 'Steps.Prep.ProcessingOutputConfig.Output' }), `${at}.Get`, /has no property "Output".*Did you mean "Outputs"\?/],
    ['path ending on a structure', set({ Get: 'Steps.Prep.ProcessingOutputConfig' }), `${at}.Get`, /is a structure \(ProcessingOutputConfig\), not a value/],
    ['path ending on a list', set({ Get: 'Steps.Prep.ProcessingOutputConfig.Outputs' }), `${at}.Get`, /is a list, not a value; select an item with \[0\] or \['<OutputName>'\]/],
    ['path ending on a map', set({ Get: 'Steps.Prep.Environment' }), `${at}.Get`, /is a map, not a value/],
    ['member of a list', set({ Get: 'Steps.Prep.ProcessingOutputConfig.Outputs.S3Output.S3Uri' }), `${at}.Get`, /is a list; select an item with \[0\] before "\.S3Output"/],
    ['name key on a list not keyed by name', set({ Get: "Steps.Train.InputDataConfig['train'].ChannelName" }), `${at}.Get`, /can only index by position; use \[0\]/],
    ['index on a map', set({ Get: 'Steps.Prep.Environment[0]' }), `${at}.Get`, /is a map; select a value with \['<key>'\]/],
    ['member of a leaf', set({ Get: 'Steps.Prep.ProcessingJobName.Value' }), `${at}.Get`, /is a string value; it has no member "\.Value"/],
    ['member of an enum', set({ Get: 'Steps.Prep.ProcessingJobStatus.Value' }), `${at}.Get`, /is an enum value/],
    ['unparseable path', set({ Get: 'Steps.Prep.Outputs["train"]' }), `${at}.Get`, /cannot parse the property path/],
    ['Tuning unknown member', set({ Get: 'Steps.Tune.BestTrainingJobs.TrainingJobName' }), `${at}.Get`, /Tuning step "Tune" has no property "BestTrainingJobs".*Did you mean "BestTrainingJob"\?/],
    ['EMR unknown member', set({ Get: 'Steps.SparkOnCluster.Status.Sate' }), `${at}.Get`, /Did you mean "State"\?/],
    ['Lambda undeclared output', set({ Get: "Steps.Notify.OutputParameters['msg']" }), `${at}.Get`, /declares no output "msg".*Declared: statusCode, message/],
    ['Lambda output without OutputParameters', set({ Get: "Steps.Notify.Outputs['message']" }), `${at}.Get`, /only has properties of the form OutputParameters\['<output name>'\]/],
    ['Callback output', set({ Get: "Steps.Approval.OutputParameters['approve']" }), `${at}.Get`, /declares no output "approve".*Did you mean "approved"\?/],
    ['Condition property', set({ Get: 'Steps.CheckAccuracy.Result' }), `${at}.Get`, /has only the property "Outcome"/],
    ['Fail property', set({ Get: 'Steps.Fail.ErrorMessage' }), `${at}.Get`, /Fail step "Fail" has no properties/],
    ['QualityCheck property', set({ Get: 'Steps.DataQuality.CalculatedBaselineConstraint' }), `${at}.Get`, /Did you mean "CalculatedBaselineConstraints"\?/],
    ['ClarifyCheck property', set({ Get: 'Steps.ModelBias.CalculatedBaselineStatistics' }), `${at}.Get`, /ClarifyCheck step "ModelBias" has no property "CalculatedBaselineStatistics"/],
    ['property file reference outside JsonGet', set({ Get: 'Steps.Prep.PropertyFiles.EvaluationReport' }), `${at}.Get`, /can only be used as the PropertyFile of a Std:JsonGet/],
    ['two keys', set({ 'Get': 'Parameters.InputData', 'Std:Join': {} }), at, /exactly one key/],
    ['Get with another key', set({ Get: 'Parameters.InputData', Default: 'x' }), at, /exactly one key.*received keys Get, Default/],
    ['unknown function', set({ 'Std:Format': { Format: '{}' } }), at, /Unknown function "Std:Format"/],
    ['Std:Join not an object', set({ 'Std:Join': ['a', 'b'] }), `${at}['Std:Join']`, /Std:Join takes an object/],
    ['Std:Join without On', set({ 'Std:Join': { Values: ['a'] } }), `${at}['Std:Join'].On`, /"On" must be a string separator/],
    ['Std:Join Values not a list', set({ 'Std:Join': { On: '', Values: 'a' } }), `${at}['Std:Join'].Values`, /"Values" must be a list/],
    ['Std:Join value object', set({ 'Std:Join': { On: '', Values: [{ a: 1 }] } }), `${at}['Std:Join'].Values[0]`, /A Std:Join value must be a string, number or boolean/],
    ['Std:Join nested expression problem', set({ 'Std:Join': { On: '', Values: [{ Get: 'Parameters.Nope' }] } }), `${at}['Std:Join'].Values[0].Get`, /"Nope" is not declared/],
    ['Std:Join unknown key', set({ 'Std:Join': { On: '', Values: [], Separator: ',' } }), `${at}['Std:Join'].Separator`, /Unknown key "Separator" in Std:Join/],
    ['JsonGet not an object', set({ 'Std:JsonGet': 'x' }), `${at}['Std:JsonGet']`, /Std:JsonGet takes an object/],
    ['JsonGet with both sources', set({ 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Prep.PropertyFiles.EvaluationReport' }, S3Uri: 's3://b/k', Path: 'a' } }),
      `${at}['Std:JsonGet']`, /exactly one of "PropertyFile" and "S3Uri"; received both/],
    ['JsonGet with no source', set({ 'Std:JsonGet': { Path: 'a' } }), `${at}['Std:JsonGet']`, /received neither/],
    ['JsonGet empty Path', set({ 'Std:JsonGet': { S3Uri: 's3://b/k', Path: '' } }), `${at}['Std:JsonGet'].Path`, /non-empty JSON path/],
    ['JsonGet unknown key', set({ 'Std:JsonGet': { S3Uri: 's3://b/k', Path: 'a', StepName: 'Prep' } }), `${at}['Std:JsonGet'].StepName`, /Unknown key "StepName" in Std:JsonGet/],
    ['JsonGet S3Uri number', set({ 'Std:JsonGet': { S3Uri: 5, Path: 'a' } }), `${at}['Std:JsonGet'].S3Uri`, /S3Uri must be a string or an expression/],
    ['JsonGet property file as a string', set({ 'Std:JsonGet': { PropertyFile: 'EvaluationReport', Path: 'a' } }), `${at}['Std:JsonGet'].PropertyFile`,
      /must be \{"Get": "Steps.<processing step>.PropertyFiles.<name>"\}/],
    ['JsonGet property file not a PropertyFiles reference', set({ 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Prep.ProcessingJobName' }, Path: 'a' } }),
      `${at}['Std:JsonGet'].PropertyFile.Get`, /PropertyFile must be \{"Get": "Steps.<processing step>.PropertyFiles.<name>"\}/],
    ['JsonGet on a non-processing step', set({ 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Tune.PropertyFiles.EvaluationReport' }, Path: 'a' } }),
      `${at}['Std:JsonGet'].PropertyFile.Get`, /can only read outputs of a Processing step, but step "Tune" is of type Tuning/],
    ['JsonGet undeclared property file', set({ 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Prep.PropertyFiles.Evaluation' }, Path: 'a' } }),
      `${at}['Std:JsonGet'].PropertyFile.Get`, /Property file "Evaluation" is not declared in the PropertyFiles of step "Prep".*Declared: EvaluationReport/],
    ['JsonGet of its own property file', (d) => { args(d, PREP).Environment.X = { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Prep.PropertyFiles.EvaluationReport' }, Path: 'a' } }; },
      "Steps[0].Arguments.Environment.X['Std:JsonGet'].PropertyFile.Get", /Step "Prep" references itself/],
    ['JsonGet of an unknown step', set({ 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Nope.PropertyFiles.EvaluationReport' }, Path: 'a' } }),
      `${at}['Std:JsonGet'].PropertyFile.Get`, /step "Nope", which does not exist/],
    ['Std:Join in a number field', (d) => { args(d, TRAIN).ResourceConfig.InstanceCount = { 'Std:Join': { On: '', Values: ['1'] } }; },
      'Steps[1].Arguments.ResourceConfig.InstanceCount', /"InstanceCount" expects a number, but Std:Join \(always a string\) yields a string/],
    ['Std:Join in a boolean field', (d) => { args(d, TRAIN).EnableManagedSpotTraining = { 'Std:Join': { On: '', Values: [true] } }; },
      'Steps[1].Arguments.EnableManagedSpotTraining', /expects a boolean, but Std:Join/],
    ['String parameter in an integer field', (d) => { args(d, TRAIN).ResourceConfig.InstanceCount = { Get: 'Parameters.InputData' }; },
      'Steps[1].Arguments.ResourceConfig.InstanceCount', /expects a number, but parameter "InputData" \(Type String\) yields a string\. Declare the parameter with Type Integer or Float/],
    ['Integer parameter in a string field', set({ Get: 'Parameters.Epochs' }), at, /expects a string, but parameter "Epochs" \(Type Integer\) yields a number/],
    ['Integer parameter in an enum field', (d) => { args(d, TRAIN).ResourceConfig.InstanceType = { Get: 'Parameters.InstanceCount' }; },
      'Steps[1].Arguments.ResourceConfig.InstanceType', /expects a string, but parameter "InstanceCount"/],
    ['number step property in a string field', set({ Get: "Steps.Train.FinalMetricDataList['validation:mse'].Value" }), at,
      /expects a string, but step property .* yields a number\. Wrap it in \{"Std:Join"/],
    ['Condition outcome in a string field', set({ Get: 'Steps.CheckAccuracy.Outcome' }), at, /yields a boolean/],
    ['Lambda Integer output in a string field', set({ Get: "Steps.Notify.OutputParameters['statusCode']" }), at, /yields a number/],
    ['execution variable in a number field', (d) => { args(d, TRAIN).ResourceConfig.InstanceCount = { Get: 'Execution.PipelineName' }; },
      'Steps[1].Arguments.ResourceConfig.InstanceCount', /execution variable "PipelineName" yields a string/],
    ['expression in a Lambda input is checked', (d) => { args(d, LAMBDA).x = { Get: 'Steps.Notify.OutputParameters' }; }, 'Steps[8].Arguments.x.Get', /Step "Notify" references itself/],
    ['expression in a check-step key is checked', (d) => { step(d, QUALITY).ModelPackageGroupName = { Get: 'Parameters.Group' }; },
      'Steps[5].ModelPackageGroupName.Get', /Parameter "Group" is not declared/],
    ['a condition referencing its own branch step', (d) => { conditions(d)[1].LeftValue = { Get: 'Steps.Register.ModelApprovalStatus' }; },
      'Steps[12]', /cycle: CheckAccuracy -> Register -> CheckAccuracy/],
  ])('%s', (_, mutate, path, message) => expectProblem(mutate, path, message));
});

describe('assertValidDefinition', () => {
  test('lists every problem at once, with paths and step names', () => {
    // GIVEN
    const d = fullDefinition();
    d.Version = '2021';
    args(d, TRAIN).ResourceConfig.InstanceCont = 1;
    fail(d).Arguments.ErrorMessage = 5;
    // WHEN
    let message = '';
    try {
      assertValidDefinition(d);
    } catch (e) {
      message = (e as Error).message;
    }
    // THEN
    expect(message).toMatch(/^Invalid pipeline definition: 3 problems:\n/);
    expect(message).toContain('  - Version: Version must be "2020-12-01"');
    expect(message).toContain('  - Steps[1].Arguments.ResourceConfig.InstanceCont [step Train]: Unknown member "InstanceCont" in ResourceConfig. Did you mean "InstanceCount"?');
    expect(message).toContain('  - Steps[12].Arguments.ElseSteps[0].Arguments.ErrorMessage [step Fail]: ErrorMessage must be a string');
    expect(message.split('\n')).toHaveLength(4);
  });

  test('a problem of the document itself', () => {
    expect(() => assertValidDefinition(null)).toThrow(/1 problem:\n {2}- \(definition\): A pipeline definition must be a JSON object/);
  });
});

describe('robustness', () => {
  test.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a list', []],
    ['an empty object', {}],
    ['steps of junk', { Version: '2020-12-01', Steps: [null, 1, [], { Type: 5, Arguments: { Get: 3 } }, { Name: 'C', Type: 'Condition', Arguments: { IfSteps: 'x', ElseSteps: [null] } }] }],
    ['deeply nested expressions', { Version: '2020-12-01', Steps: [{ Name: 'L', Type: 'Lambda', FunctionArn: 'a', Arguments: { x: nest(500) } }] }],
    ['deeply nested conditions', { Version: '2020-12-01', Steps: [nestConditions(200)] }],
  ])('never throws on %s', (_, value) => {
    expect(() => validateDefinition(value)).not.toThrow();
    expect(validateDefinition(value).length).toBeGreaterThan(0);
  });

  test('a cyclic object does not throw', () => {
    const d = fullDefinition();
    env(d).SELF = d;
    expect(() => validateDefinition(d)).not.toThrow();
    expect(validateDefinition(d)).toContainEqual(expect.objectContaining({ path: '', message: expect.stringMatching(/cannot be serialized/) }));
  });
});

function nest(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) {
    value = { 'Std:Join': { On: '', Values: [value] } };
  }
  return value;
}

function nestConditions(depth: number): Definition {
  let s: Definition = { Name: 'Leaf', Type: 'Fail', Arguments: { ErrorMessage: '' } };
  for (let i = 0; i < depth; i++) {
    s = { Name: `C${i}`, Type: 'Condition', Arguments: { Conditions: [], IfSteps: [s], ElseSteps: [] } };
  }
  return s;
}
