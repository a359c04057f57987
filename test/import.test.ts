import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import * as ts from 'typescript';
import { definitionOf as renderedDefinitionOf, importDefinition, Pipeline } from '../lib';
import { runCli } from './cli-util';
import { definitionOf } from './util';
import { normalizeDefinition } from '../lib/import/compare';
import { suggestContainerImage } from '../lib/import/image-suggestion';

/**
 * `cdk-sagemaker-pipelines import`: for every example app and for definitions written the way the
 * SageMaker SDK writes them (test/fixtures/sdk-definition.json and test/fixtures/import/*.json, at
 * least one step of each type), the generated TypeScript type-checks (all apps in one tsc program),
 * runs, and synthesizes a definition equal to the input (modulo key order and the defaults in
 * lib/import/compare.ts, listed in the README).
 */

const root = path.join(__dirname, '..');
const examplesDir = path.join(root, 'examples');
const fixturesDir = path.join(__dirname, 'fixtures');

interface Case {
  readonly name: string;
  readonly definition: Record<string, unknown>;
}

function exampleCases(): Case[] {
  const cases: Case[] = [];
  for (const name of fs.readdirSync(examplesDir).filter((n) => fs.existsSync(path.join(examplesDir, n, 'app.ts'))).sort()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const example = require(path.join(examplesDir, name, 'app.ts')) as { createApp: (app: App) => App };
    const app = example.createApp(new App());
    const pipelines = app.node.findAll().filter((c): c is Pipeline => Pipeline.isPipeline(c));
    for (const pipeline of pipelines) {
      cases.push({ name: `example ${name} (${pipeline.node.path})`, definition: renderedDefinitionOf(pipeline) });
    }
  }
  return cases;
}

function fixtureCases(): Case[] {
  const files = [path.join(fixturesDir, 'sdk-definition.json'),
    ...fs.readdirSync(path.join(fixturesDir, 'import')).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(fixturesDir, 'import', f))];
  return files.map((file) => ({ name: `SDK definition ${path.relative(fixturesDir, file)}`, definition: JSON.parse(fs.readFileSync(file, 'utf-8')) }));
}

/** Every step type of the definitions (nested ones included). */
function stepTypes(definition: Record<string, unknown>): string[] {
  const types: string[] = [];
  const visit = (steps: unknown): void => {
    for (const step of (Array.isArray(steps) ? steps : []) as Array<Record<string, any>>) {
      types.push(step.Type);
      if (step.Type === 'Condition') {
        visit(step.Arguments.IfSteps);
        visit(step.Arguments.ElseSteps);
      }
    }
  };
  visit(definition.Steps);
  return types;
}

/** Runs a generated app in-process: transpiled to CommonJS, the package name mapped to lib/ (jest moduleNameMapper). */
function runGenerated(code: string, file: string): Stack {
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  const js = ts.transpileModule(code, { compilerOptions, fileName: file }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const requireMapped = (name: string): unknown => (name === 'cdk-sagemaker-pipelines' ? require('cdk-sagemaker-pipelines') : require(name));
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('exports', 'require', 'module', '__filename', '__dirname', js)(module.exports, requireMapped, module, file, path.dirname(file));
  const app = (module.exports.createApp as (app: App) => App)(new App());
  const stacks = app.node.children.filter((c): c is Stack => Stack.isStack(c));
  expect(stacks).toHaveLength(1);
  return stacks[0];
}

describe('import: round trip', () => {
  const cases = [...exampleCases(), ...fixtureCases()];
  const generated = new Map<string, { code: string; file: string }>();
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-test-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the fixtures cover every step type the library has a construct for', () => {
    const types = new Set(fixtureCases().flatMap((c) => stepTypes(c.definition)));
    expect([...types].sort()).toEqual(['AutoML', 'Callback', 'ClarifyCheck', 'Condition', 'EMR', 'Fail', 'Lambda', 'Model', 'Processing',
      'QualityCheck', 'RegisterModel', 'Training', 'Transform', 'Tuning']);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s: converts without leaving anything out', (_name, c) => {
    // WHEN
    const result = importDefinition(c.definition, { source: c.name });
    // THEN
    expect(result.problems).toEqual([]);
    expect(result.code).not.toMatch(/NOT CONVERTED/);
    const file = path.join(dir, `${c.name.replace(/[^A-Za-z0-9]+/g, '-')}.ts`);
    fs.writeFileSync(file, result.code);
    generated.set(c.name, { code: result.code, file });
  });

  test('every generated app type-checks (one tsc program, the package name mapped to lib/)', () => {
    // GIVEN
    const files = [...generated.values()].map((g) => g.file);
    expect(files).toHaveLength(cases.length);
    // a control file with a type error, to show that the check reports errors in generated files
    const control = path.join(dir, 'control.ts');
    fs.writeFileSync(control, "import { Pipeline } from 'cdk-sagemaker-pipelines';\nexport const p: Pipeline = 'not a pipeline';\n");
    files.push(control);
    // WHEN
    const program = ts.createProgram(files, {
      strict: true,
      noImplicitAny: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      noImplicitReturns: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
      typeRoots: [path.join(root, 'node_modules', '@types')],
      // The apps sit in a temp folder: map the package to lib/ and find aws-cdk-lib in this clone.
      baseUrl: root,
      paths: {
        'cdk-sagemaker-pipelines': ['lib/index.ts'],
        'aws-cdk-lib': ['node_modules/aws-cdk-lib'],
        'aws-cdk-lib/*': ['node_modules/aws-cdk-lib/*'],
        'constructs': ['node_modules/constructs'],
      },
    });
    // Only the generated files are checked (lib/ is type-checked by `npm test` already); the checker
    // reads just the declarations they use, which keeps this to seconds of CPU.
    const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(),
      ...files.flatMap((f) => {
        const source = program.getSourceFile(f)!;
        return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
      })]
      .map((d) => `${d.file ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    // THEN
    expect(diagnostics).toEqual([expect.stringMatching(/^control\.ts:2: Type 'string' is not assignable to type 'Pipeline'/)]);
  }, 240_000);

  test.each(cases.map((c) => [c.name, c] as const))('%s: the generated app synthesizes the same definition', (name, c) => {
    // GIVEN
    const { code, file } = generated.get(name)!;
    // WHEN
    const stack = runGenerated(code, file);
    // THEN (synthesized, validated and checked with the project's validator by definitionOf)
    // Apps generated from a template refer to that template's resources with Fn.ref placeholders (which
    // the user replaces), so their own templates are not deployable: they stay out of cfn-lint.
    expect(normalizeDefinition(definitionOf(stack, undefined, { lint: false }))).toEqual(normalizeDefinition(c.definition));
  });
});

describe('import: generated code', () => {
  test('a Ref placeholder followed by another kind of placeholder keeps Fn imported', () => {
    // GIVEN a Ref (rendered with Fn.ref) and then an Fn::Sub placeholder (kept as text)
    const definition = {
      Version: '2020-12-01',
      Parameters: [],
      Steps: [
        { Name: 'A', Type: 'Fail', Arguments: { ErrorMessage: 'in ${Ref:Data1234}' } },
        { Name: 'B', Type: 'Fail', Arguments: { ErrorMessage: 'at ${Sub:s3://x-${AWS::Region}/y}' } },
      ],
    };
    // WHEN
    const { code } = importDefinition(definition);
    // THEN
    expect(code).toMatch(/Fn\.ref\('Data1234'\)/);
    expect(code).toMatch(/^import \{ App, Fn, Stack \} from 'aws-cdk-lib';$/m);
  });


  const sdk = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'sdk-definition.json'), 'utf-8'));

  test('reads like code written by hand: parameters, typed property paths, template strings, conditions', () => {
    // GIVEN
    const definition = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'import', 'sdk-control.json'), 'utf-8'));
    // WHEN
    const { code } = importDefinition(definition);
    // THEN
    expect(code).toMatch(/import \{ App, Fn|import \{ App,/);
    expect(code).toMatch(/from 'cdk-sagemaker-pipelines';/);
    expect(code).toContain("const mseThreshold = new ParameterFloat('MseThreshold', { defaultValue: 6 });");
    expect(code).toContain("const evaluationReport = new PropertyFile({ propertyFileName: 'EvaluationReport', outputName: 'evaluation', filePath: 'evaluation.json' });");
    expect(code).toContain("Condition.lessThanOrEqualTo(JsonGet.fromPropertyFile(evaluationReport, 'regression_metrics.mse.value'), mseThreshold.valueAsNumber)");
    expect(code).toContain("Condition.not(Condition.in(region.valueAsString, ['cn-north-1', 'us-gov-west-1']))");
    expect(code).toContain("waitForApproval.properties.Outputs['approved']");
    expect(code).toContain("outputs: [{ outputName: 'status' }, { outputName: 'count', outputType: LambdaOutputType.INTEGER }] as const");
    expect(code).toContain("Join.of(['Execution failed due to MSE >', mseThreshold.valueAsNumber], ' ')");
    expect(code).toContain("trialName: Join.of(['trial', ExecutionVariable.PIPELINE_EXECUTION_ID], '-')");
    expect(code).toContain("lambda.Function.fromFunctionArn(stack, 'PrepareWithLambdaFunction', 'arn:aws:lambda:us-east-1:123456789012:function:prepare-abalone')");
    expect(code).toContain("cluster: EmrCluster.fromClusterId('j-2AXXXXXXGAPLF')");
    expect(code).toMatch(/ifSteps: \[nestedCheck\]/);
    expect(code).toMatch(/elseSteps: \[abaloneMSEFail\]/);
    expect(code).toContain('retryPolicies: [');
    expect(code).toContain("cacheConfig: CacheConfig.enabled('P1D')");
  });

  test('the stack gets the Region that the definition\'s image URIs and ARNs name', () => {
    // WHEN
    const { code } = importDefinition(sdk);
    const none = importDefinition({ ...sdk, Steps: [{ Name: 'F', Type: 'Fail', Arguments: { ErrorMessage: 'x' } }] });
    // THEN
    expect(code).toContain("definePipeline(new Stack(app, 'ImportedPipeline', { env: { region: 'us-east-1' } }));");
    expect(none.code).toContain("definePipeline(new Stack(app, 'ImportedPipeline'));");
  });

  test('property: any Std:Join of texts, parameters and execution variables converts and renders back the same', () => {
    const value = fc.oneof(
      fc.stringMatching(/^[a-z0-9 :/-]{1,12}$/),
      fc.constant({ Get: 'Parameters.InputData' }),
      fc.constant({ Get: 'Parameters.MseThreshold' }),
      fc.constant({ Get: 'Execution.PipelineExecutionId' }),
      fc.constant({ Get: 'Steps.AbaloneTrain.ModelArtifacts.S3ModelArtifacts' }),
    );
    fc.assert(fc.property(fc.array(value, { minLength: 1, maxLength: 6 }), fc.constantFrom('', '/', ' '), (values, on) => {
      // GIVEN
      const definition = {
        ...sdk,
        Steps: [...sdk.Steps, { Name: 'Report', Type: 'Fail', Arguments: { ErrorMessage: { 'Std:Join': { On: on, Values: values } } } }],
      };
      // WHEN (the generator runs the program and lists every difference from the input)
      const { problems } = importDefinition(definition);
      // THEN
      expect(problems).toEqual([]);
    }), { numRuns: 15 });
  });

  test('a step property inside a string becomes a template literal', () => {
    // GIVEN
    const definition = {
      ...sdk,
      Steps: [...sdk.Steps, {
        Name: 'Report',
        Type: 'Fail',
        Arguments: { ErrorMessage: { 'Std:Join': { On: '', Values: ['model at ', { Get: 'Steps.AbaloneTrain.ModelArtifacts.S3ModelArtifacts' }, ' for ', { Get: 'Execution.PipelineExecutionId' }] } } },
      }],
    };
    // WHEN
    const { code, problems } = importDefinition(definition);
    // THEN
    expect(problems).toEqual([]);
    expect(code).toContain('errorMessage: `model at ${abaloneTrain.properties.ModelArtifacts.S3ModelArtifacts} for ${ExecutionVariable.PIPELINE_EXECUTION_ID}`');
  });

  test('literal role ARNs and image URIs stay literals, with the ContainerImage factory of a SageMaker image in a comment', () => {
    // WHEN
    const { code, notes } = importDefinition(sdk);
    // THEN
    expect(code).toContain("iam.Role.fromRoleArn(stack, 'SageMakerJobsRole', 'arn:aws:iam::123456789012:role/SageMakerJobs', { mutable: false })");
    expect(code).toContain("ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1')");
    expect(code).toMatch(/\/\/ 683313688378\.dkr\.ecr\.us-east-1\.amazonaws\.com\/sagemaker-xgboost:1\.7-1 is a SageMaker image:\n\s*\/\/\s+ContainerImage\.xgboost\('1\.7-1'\)/);
    expect(code).toContain("outputPath: 's3://example-bucket/abalone/model'");
    // the SDK's script input and entry point become the code prop
    expect(code).toContain("code: 's3://example-bucket/code/preprocessing.py',");
    expect(code).not.toContain('containerEntrypoint');
    expect(code).not.toContain("inputName: 'code'");
    expect(notes.map((n) => n.path)).toContain('Steps[1].Arguments.AlgorithmSpecification.TrainingImage');
  });

  test('request members without a prop become argument overrides', () => {
    // GIVEN
    const definition = JSON.parse(JSON.stringify(sdk));
    definition.Steps[1].Arguments.ResourceConfig.KeepAlivePeriodInSeconds = 600;
    definition.Steps[1].Arguments.RetryStrategy = { MaximumRetryAttempts: 2 };
    // WHEN
    const { code, problems } = importDefinition(definition);
    // THEN
    expect(problems).toEqual([]);
    expect(code).toContain("abaloneTrain.addArgumentOverride('ResourceConfig.KeepAlivePeriodInSeconds', 600);");
    expect(code).toContain('retryStrategy: { maximumRetryAttempts: 2 }');
  });

  test('a member the construct renders but the definition lacks becomes an argument deletion', () => {
    // GIVEN
    const definition = JSON.parse(JSON.stringify(sdk));
    delete definition.Steps[0].Arguments.ProcessingResources.ClusterConfig.VolumeSizeInGB;
    // WHEN
    const { code, problems } = importDefinition(definition);
    // THEN
    expect(problems).toEqual([]);
    expect(code).toContain("abaloneProcess.addArgumentDeletion('ProcessingResources.ClusterConfig.VolumeSizeInGB');");
  });

  test('CloudFormation placeholders become Fn.ref / Fn.getAtt, and a note says to replace them', () => {
    // GIVEN
    const definition = JSON.parse(JSON.stringify(sdk));
    definition.Steps[1].Arguments.OutputDataConfig.S3OutputPath = 's3://${Ref:Bucket83908E77}/models';
    definition.Steps[1].Arguments.RoleArn = '${GetAtt:JobRole1234ABCD.Arn}';
    // WHEN
    const { code, notes, problems } = importDefinition(definition);
    // THEN
    expect(problems).toEqual([]);
    expect(code).toContain("outputPath: `s3://${Fn.ref('Bucket83908E77')}/models`");
    expect(code).toContain("iam.Role.fromRoleArn(stack, 'JobRole', Fn.getAtt('JobRole1234ABCD', 'Arn').toString(), { mutable: false })");
    expect(notes.map((n) => n.message).join('\n')).toMatch(/\$\{Ref:Bucket83908E77\} is a CloudFormation value .* replace it with the construct/);
  });

  describe('what cannot be converted is listed with its JSON path, in problems and at the top of the code', () => {
    test.each([
      ['an unknown step type', (d: any) => d.Steps.push({ Name: 'Deploy', Type: 'EndpointConfig', Arguments: {} }), 'Steps[3]', /no construct for steps of type "EndpointConfig"/],
      ['an unknown envelope member', (d: any) => { d.Steps[2].Zimmer = true; }, 'Steps[2].Zimmer', /RegisterModel step member "Zimmer" has no equivalent/],
      ['an unknown top-level member', (d: any) => { d.MlflowConfig = { MlflowResourceArn: 'arn' }; }, 'MlflowConfig', /top-level member "MlflowConfig"/],
      ['a Get of an undeclared parameter', (d: any) => { d.Steps[0].Arguments.Environment = { X: { Get: 'Parameters.Nope' } }; }, 'Steps[0].Arguments.Environment.X', /names a parameter that the definition does not declare/],
      ['a parameter of an unknown type', (d: any) => d.Parameters.push({ Name: 'P', Type: 'Date' }), 'Parameters[2]', /needs a Name and a Type of String, Integer, Float or Boolean/],
      ['a retry policy mixing kinds', (d: any) => { d.Steps[1].RetryPolicies = [{ ExceptionType: ['Step.THROTTLING', 'SageMaker.CAPACITY_ERROR'] }]; }, 'Steps[1].RetryPolicies[0]', /mixes step and job types/],
      ['a reference to a step that could not be converted', (d: any) => {
        d.Steps.push({ Name: 'Deploy', Type: 'EndpointConfig', Arguments: {} });
        d.Steps.push({ Name: 'Report', Type: 'Fail', Arguments: { ErrorMessage: { Get: 'Steps.Deploy.EndpointConfigArn' } } });
      }, 'Steps[4].Arguments.ErrorMessage', /reads step Deploy, which could not be converted/],
      ['Metadata the library cannot set', (d: any) => { d.Metadata = { owner: 'me' }; }, 'Metadata', /Metadata other than \{\}/],
    ])('%s', (_what, change, where, message) => {
      // GIVEN
      const definition = JSON.parse(JSON.stringify(sdk));
      change(definition);
      // WHEN
      const { code, problems } = importDefinition(definition);
      // THEN
      expect(problems).toEqual(expect.arrayContaining([{ path: where, message: expect.stringMatching(message) }]));
      const header = code.slice(0, code.indexOf('\nimport '));
      expect(header).toContain('// NOT CONVERTED');
      expect(header).toContain(`// - ${where}: `);
    });

    test('a cycle is an error naming the steps', () => {
      // GIVEN
      const definition = JSON.parse(JSON.stringify(sdk));
      definition.Steps[0].DependsOn = ['AbaloneRegister'];
      // WHEN / THEN
      expect(() => importDefinition(definition)).toThrow(/the steps form a cycle: AbaloneProcess -> AbaloneRegister -> AbaloneTrain -> AbaloneProcess|cycle: .*AbaloneProcess/);
    });

    test('something that is not a definition is an error saying what to pass', () => {
      expect(() => importDefinition({ Version: '2020-12-01' })).toThrow(/must be an object with a "Steps" list; .* Pass a pipeline definition/);
    });
  });

  test('ContainerImage suggestions for SageMaker images only', () => {
    expect(suggestContainerImage('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3')).toBe("ContainerImage.sklearn('1.2-1')");
    expect(suggestContainerImage('156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer')).toBe('ContainerImage.modelMonitor()');
    expect(suggestContainerImage('123456789012.dkr.ecr.us-east-1.amazonaws.com/my-own:1')).toBeUndefined();
    expect(suggestContainerImage('public.ecr.aws/x/y:1')).toBeUndefined();
  });
});

describe('import command', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-cli-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('prints the app for a definition file and exits 0', async () => {
    // WHEN
    const { code, stdout, stderr } = await runCli(['import', path.join(fixturesDir, 'sdk-definition.json')]);
    // THEN
    expect(code).toBe(0);
    expect(stdout).toContain("new ProcessingStep(pipeline, 'AbaloneProcess', {");
    expect(stdout).toContain('export function createApp(');
    expect(stderr).toMatch(/^note: Steps\[0\]\.Arguments\.AppSpecification\.ImageUri: .*ContainerImage\.sklearn\('1\.2-1'\)/m);
    expect(stderr).not.toMatch(/not converted/);
  });

  test('--out writes the file and reports on stdout; an existing file needs --force', async () => {
    // GIVEN
    const out = path.join(dir, 'app.ts');
    // WHEN
    const first = await runCli(['import', path.join(fixturesDir, 'sdk-definition.json'), '--out', out, '--pipeline-name', 'abalone']);
    const firstText = fs.readFileSync(out, 'utf-8');
    const again = await runCli(['import', path.join(fixturesDir, 'sdk-definition.json'), '--out', out]);
    const forced = await runCli(['import', path.join(fixturesDir, 'sdk-definition.json'), '--out', out, '--force', '--stack-id', 'Abalone']);
    // THEN
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^wrote .*app\.ts \(3 top-level steps\)/);
    expect(firstText).toContain("new Pipeline(stack, 'Pipeline', { pipelineName: 'abalone', parameters: [inputData, mseThreshold] });");
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--out .*app\.ts exists; pass --force to overwrite it/);
    expect(forced.code).toBe(0);
    const text = fs.readFileSync(out, 'utf-8');
    expect(text).toContain("definePipeline(new Stack(app, 'Abalone', { env: { region: 'us-east-1' } }));");
    expect(text).not.toContain('pipelineName:');
  });

  test('takes a template or cdk.out folder through loadDefinition, with the pipeline name of the template', async () => {
    // GIVEN
    const app = new App({ outdir: path.join(dir, 'cdk.out') });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const example = require(path.join(examplesDir, 'getting-started', 'app.ts')) as { createApp: (app: App) => App };
    example.createApp(app).synth();
    // WHEN
    const { code, stdout } = await runCli(['import', path.join(dir, 'cdk.out')]);
    // THEN
    expect(code).toBe(0);
    expect(stdout).toContain("pipelineName: 'getting-started'");
    expect(stdout).toContain("Fn.ref('Data666C94C7')");
  });

  test('lists what it cannot convert, with JSON paths, and exits 1', async () => {
    // GIVEN
    const definition = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'sdk-definition.json'), 'utf-8'));
    definition.Steps.push({ Name: 'Endpoint', Type: 'Endpoint', Arguments: {} });
    const file = path.join(dir, 'definition.json');
    fs.writeFileSync(file, JSON.stringify(definition));
    // WHEN
    const { code, stdout, stderr } = await runCli(['import', file]);
    // THEN
    expect(code).toBe(1);
    expect(stdout).toContain('// NOT CONVERTED (1)');
    expect(stderr).toMatch(/^not converted: Steps\[3\]: step type Endpoint could not be converted/m);
    expect(stderr).toMatch(/1 part of the definition not converted/);
  });

  test('bad input: a missing file, a bad stack id', async () => {
    const missing = await runCli(['import', path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: /);
    const badId = await runCli(['import', path.join(fixturesDir, 'sdk-definition.json'), '--stack-id', 'no spaces']);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toMatch(/--stack-id 'no spaces' is not a valid stack id/);
  });
});
