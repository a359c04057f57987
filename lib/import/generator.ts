import { App, Stack } from 'aws-cdk-lib';
import { arr, call, Code, evaluate, id, isEmptyObject, lit, member, newOf, obj, print, quote, Statement, staticCall, tpl } from './code';
import { isExpression, jsonDifferences, jsonEqual, normalizeDefinition, normalizeStep, pathText } from './compare';
import { suggestContainerImage } from './image-suggestion';
import type { ImportDefinitionOptions, ImportedDefinition, ImportProblem, StepInfo } from './import-definition';
import { mapStep, StepMapping } from './step-mappers';

type Json = unknown;
type JsonObject = Record<string, unknown>;

interface ParameterInfo {
  readonly name: string;
  readonly type: string;
  readonly variable: string;
}

const RESERVED = new Set(['app', 'stack', 'pipeline', 'iam', 'lambda', 'sqs', 'Duration', 'App', 'Stack', 'Fn', 'require', 'module', 'exports',
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export', 'extends', 'false',
  'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try',
  'typeof', 'var', 'void', 'while', 'with', 'yield', 'let', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public',
  'await', 'async', 'of', 'undefined', 'NaN', 'Infinity', 'definePipeline', 'createApp', 'Object', 'String', 'Number', 'Boolean', 'Array', 'JSON']);

const EXECUTION_VARIABLES: Record<string, string> = {
  StartDateTime: 'START_DATE_TIME',
  CurrentDateTime: 'CURRENT_DATE_TIME',
  PipelineName: 'PIPELINE_NAME',
  PipelineArn: 'PIPELINE_ARN',
  PipelineExecutionId: 'PIPELINE_EXECUTION_ID',
  PipelineExecutionArn: 'PIPELINE_EXECUTION_ARN',
  TrainingJobName: 'TRAINING_JOB_NAME',
  ProcessingJobName: 'PROCESSING_JOB_NAME',
};

/** A CloudFormation placeholder that `loadDefinition` / `definitionOf` put in place of a CloudFormation value. */
const CFN_PLACEHOLDER = /\$\{(Ref|GetAtt|Sub|CFN):[^}]*\}/;

/** @internal the generator; steps' mappers call back into it for values and names */
export class Generator {
  public readonly problems: ImportProblem[] = [];
  public readonly notes: ImportProblem[] = [];
  /** Names imported from the library. */
  public readonly libraryImports = new Set<string>(['Pipeline']);
  /** Names imported from aws-cdk-lib (besides App and Stack). */
  public readonly cdkImports = new Set<string>();
  /** Namespaces imported from aws-cdk-lib submodules: name -> module. */
  public readonly namespaces = new Map<string, string>();

  private readonly statements: Statement[] = [];
  private readonly used = new Set<string>(RESERVED);
  private readonly parameters = new Map<string, ParameterInfo>();
  private readonly steps = new Map<string, StepInfo>();
  private readonly roles = new Map<string, string>();
  private readonly noted = new Set<string>();
  private pendingComments: string[] = [];
  /** Statement index of each step's declaration. */
  private readonly stepStatement = new Map<string, number>();

  /** Region of the generated stack, if known. */
  private readonly region?: string;

  constructor(private readonly definition: Record<string, unknown>, private readonly options: ImportDefinitionOptions) {
    this.region = options.region ?? regionOf(definition);
  }

  private stackProps(): Code | undefined {
    return this.region === undefined ? undefined : obj({ env: obj({ region: lit(this.region) }) });
  }

  /** Builds the program, runs it to correct and check it, and prints it. */
  public generate(): ImportedDefinition {
    const definition = this.definition;
    if (typeof definition !== 'object' || definition === null || !Array.isArray(definition.Steps)) {
      throw new Error(`import: the definition must be an object with a "Steps" list; received ${JSON.stringify(definition)?.slice(0, 120)}. Pass a pipeline definition (the SageMaker SDK's pipeline.definition(), DescribePipeline's PipelineDefinition, a template or a cdk.out folder).`);
    }
    for (const key of Object.keys(definition)) {
      if (!['Version', 'Metadata', 'Parameters', 'PipelineExperimentConfig', 'Steps'].includes(key)) {
        this.problem(key, `top-level member "${key}" has no equivalent in the library; it is left out.`);
      }
    }
    if (definition.Metadata !== undefined && !jsonEqual(definition.Metadata, {})) {
      this.problem('Metadata', 'Metadata other than {} cannot be set through the library; it is left out (the service ignores it).');
    }
    this.declareParameters();
    this.collectSteps(definition.Steps as Json[], 'Steps');
    const order = this.declarationOrder();
    this.declarePipeline();
    for (const name of order) {
      this.declareStep(this.steps.get(name)!);
    }
    this.correct();
    return { code: this.printProgram(), problems: this.problems, notes: this.notes };
  }

  // ---------------------------------------------------------------------------------------------
  // Names, problems, notes

  /** A fresh variable name derived from `text` (camelCase, unique, not reserved). */
  public variable(text: string, suffix = ''): string {
    const words = `${text}${suffix}`.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
    let name = words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join('');
    if (name.length === 0 || /^[0-9]/.test(name)) {
      name = `v${name}`;
    }
    let candidate = name;
    for (let i = 2; this.used.has(candidate); i++) {
      candidate = `${name}${i}`;
    }
    this.used.add(candidate);
    return candidate;
  }

  /** Records a part of the definition that the generated app does not reproduce (once per path and message). */
  public problem(path: string, message: string): void {
    if (!this.problems.some((p) => p.path === path && p.message === message)) {
      this.problems.push({ path, message });
    }
  }

  /** Records a remark that needs no action to reproduce the definition (once per path and message). */
  public note(path: string, message: string): void {
    const key = `${path}|${message}`;
    if (!this.noted.has(key)) {
      this.noted.add(key);
      this.notes.push({ path, message });
    }
  }

  /** A note made once per `key` (the first place it occurs). */
  public noteOnce(key: string, path: string, message: string): void {
    if (!this.noted.has(key)) {
      this.noted.add(key);
      this.notes.push({ path, message });
    }
  }

  /** A library name, imported. */
  public lib(name: string): Code {
    this.libraryImports.add(name);
    return id(name);
  }

  /** `Duration.seconds(n)` and friends (aws-cdk-lib). */
  public duration(seconds: number): Code {
    this.cdkImports.add('Duration');
    if (seconds % 86400 === 0 && seconds > 0) {
      return staticCall('Duration', 'days', lit(seconds / 86400));
    }
    if (seconds % 3600 === 0 && seconds > 0) {
      return staticCall('Duration', 'hours', lit(seconds / 3600));
    }
    if (seconds % 60 === 0 && seconds > 0) {
      return staticCall('Duration', 'minutes', lit(seconds / 60));
    }
    return staticCall('Duration', 'seconds', lit(seconds));
  }

  /** A namespace import such as `iam` for `aws-cdk-lib/aws-iam`. */
  public namespace(name: string, module: string): Code {
    this.namespaces.set(name, module);
    return id(name);
  }

  /** Adds a `const` statement and returns its variable. */
  public declare(name: string, value: Code, comments?: string[]): Code {
    this.statements.push({ name, value, comments });
    return id(name);
  }

  // ---------------------------------------------------------------------------------------------
  // Values

  /**
   * The code for a JSON value of the definition: literals stay literals, expressions become
   * parameters, execution variables, step properties, template literals, `Join.of` and `JsonGet`.
   */
  public value(json: Json, path: string): Code {
    if (json === null || typeof json === 'boolean' || typeof json === 'number') {
      return lit(json as null | boolean | number);
    }
    if (typeof json === 'string') {
      return this.text(json, path);
    }
    if (Array.isArray(json)) {
      return arr(json.map((item, i) => this.value(item, `${path}[${i}]`)));
    }
    if (typeof json === 'object') {
      if (isExpression(json)) {
        return this.expression(json, path);
      }
      return obj(Object.entries(json as JsonObject).map(([k, v]): [string, Code] => [k, this.value(v, `${path}.${k}`)]));
    }
    this.problem(path, `value of type ${typeof json} is not JSON; left out.`);
    return lit(null);
  }

  /**
   * A text of the definition. CloudFormation values that `loadDefinition` printed as placeholders
   * (`${Ref:Bucket1234}`, `${GetAtt:Role1234.Arn}`) become `Fn.ref` / `Fn.getAtt` tokens again, so the
   * app renders the same template values; other text stays literal.
   */
  private text(json: string, path: string): Code {
    if (!CFN_PLACEHOLDER.test(json)) {
      return lit(json);
    }
    const parts = splitPlaceholders(json).map((p) => (typeof p === 'string' ? p : this.cloudFormationValue(p, path)));
    if (parts.length === 1 && typeof parts[0] !== 'string') {
      return parts[0];
    }
    if (parts.every((p) => typeof p === 'string')) {
      return lit(json);
    }
    return tpl(parts);
  }

  /** `Fn.ref('Id')` / `Fn.getAtt('Id', 'Attr').toString()` for a placeholder; other placeholders stay text. */
  private cloudFormationValue(placeholder: { kind: string; body: string; text: string }, path: string): Code | string {
    this.noteOnce(placeholder.text, path, `${placeholder.text} is a CloudFormation value of the template the definition came from, rendered with Fn.${placeholder.kind === 'Ref' ? 'ref' : 'getAtt'}; replace it with the construct it stands for (bucket.bucketName, role.roleArn, queue.queueUrl, ...).`);
    if (placeholder.kind === 'Ref') {
      this.cdkImports.add('Fn');
      return call(member(id('Fn'), 'ref'), lit(placeholder.body));
    }
    if (placeholder.kind === 'GetAtt') {
      const dot = placeholder.body.indexOf('.');
      if (dot > 0) {
        this.cdkImports.add('Fn');
        return call(member(call(member(id('Fn'), 'getAtt'), lit(placeholder.body.slice(0, dot)), lit(placeholder.body.slice(dot + 1))), 'toString'));
      }
    }
    // Any other placeholder (an Fn::Sub, a list value) stays text; an earlier Ref may still need Fn.
    return placeholder.text;
  }

  /** The code of a string value that may be an expression (a prop typed `string`). */
  public str(json: Json, path: string): Code {
    return this.value(json, path);
  }

  private expression(json: JsonObject, path: string): Code {
    if ('Get' in json) {
      return this.get(json.Get, path);
    }
    if ('Std:Join' in json) {
      return this.join(json['Std:Join'], `${path}.Std:Join`);
    }
    return this.jsonGet(json['Std:JsonGet'], `${path}.Std:JsonGet`);
  }

  private get(target: Json, path: string): Code {
    if (typeof target !== 'string') {
      this.problem(path, `"Get" must name a string target; received ${JSON.stringify(target)}. Kept as a literal object.`);
      return obj({ Get: lit(JSON.stringify(target)) });
    }
    const [root, ...rest] = target.split('.');
    if (root === 'Parameters') {
      const parameter = this.parameters.get(rest.join('.'));
      if (parameter === undefined) {
        this.problem(path, `{"Get": "${target}"} names a parameter that the definition does not declare; kept as a literal object, which the service rejects. Declare the parameter.`);
        return obj({ Get: lit(target) });
      }
      return member(id(parameter.variable), parameter.type === 'Boolean' ? 'value' : parameter.type === 'String' ? 'valueAsString' : 'valueAsNumber');
    }
    if (root === 'Execution' && rest.length === 1 && EXECUTION_VARIABLES[rest[0]] !== undefined) {
      return member(this.lib('ExecutionVariable'), EXECUTION_VARIABLES[rest[0]]);
    }
    if (root === 'PipelineExperimentConfig' && rest.length === 1 && (rest[0] === 'ExperimentName' || rest[0] === 'TrialName')) {
      return member(this.lib('ExperimentConfigProperty'), rest[0] === 'ExperimentName' ? 'EXPERIMENT_NAME' : 'TRIAL_NAME');
    }
    if (root === 'Steps' && rest.length >= 2) {
      const step = this.steps.get(rest[0]);
      if (step !== undefined && !this.stepStatement.has(step.name)) {
        this.problem(path, `{"Get": "${target}"} reads step ${step.name}, which could not be converted; kept as a literal object.`);
        return obj({ Get: lit(target) });
      }
      if (step !== undefined) {
        const propertyPath = target.slice(`Steps.${rest[0]}.`.length);
        return this.stepProperty(step, propertyPath, path);
      }
      this.problem(path, `{"Get": "${target}"} reads a step that the definition does not have; kept as a literal object.`);
      return obj({ Get: lit(target) });
    }
    this.problem(path, `{"Get": "${target}"} is not a parameter, execution variable or step property the library knows; kept as a literal object.`);
    return obj({ Get: lit(target) });
  }

  /** `step.properties.A.B['x'].C` for `Steps.<step>.A.B['x'].C`. */
  private stepProperty(step: StepInfo, propertyPath: string, path: string): Code {
    const segments = parsePropertyPath(propertyPath);
    if (segments === undefined) {
      this.problem(path, `property path "${propertyPath}" of step ${step.name} does not parse; kept as a literal object.`);
      return obj({ Get: lit(`Steps.${step.name}.${propertyPath}`) });
    }
    let code: Code = id(step.variable);
    let rest = segments;
    if ((step.type === 'Lambda' || step.type === 'Callback') && segments[0]?.key === 'OutputParameters') {
      code = member(code, 'properties', 'Outputs');
      rest = segments.slice(1);
    } else if (step.type === 'AutoML' && segments[0]?.key === 'BestCandidateProperties') {
      code = member(code, 'bestCandidateProperties');
      rest = segments.slice(1);
    } else {
      code = member(code, 'properties');
    }
    for (const s of rest) {
      code = { k: 'member', obj: code, key: s.key, bracket: s.bracket } as Code;
    }
    return code;
  }

  private join(join: Json, path: string): Code {
    const j = join as { On?: unknown; Values?: unknown };
    if (typeof j !== 'object' || j === null || typeof j.On !== 'string' || !Array.isArray(j.Values) || j.Values.length === 0) {
      this.problem(path, `Std:Join needs "On" (text) and a non-empty "Values" list; received ${JSON.stringify(join)?.slice(0, 120)}. Kept as a literal object.`);
      return obj({ 'Std:Join': this.value(join, path) });
    }
    const values = j.Values;
    const kinds = values.map((v) => (isExpression(v) ? 'expr'
      : typeof v !== 'string' ? 'other'
        : !CFN_PLACEHOLDER.test(v) ? 'text'
          : splitPlaceholders(v).length === 1 ? 'token' : 'mixed'));
    const parts = values.map((v, i) => (kinds[i] === 'text' ? v as string : this.value(v, `${path}.Values[${i}]`)));
    // A template literal renders the same Std:Join only when no two texts are adjacent (the
    // renderer merges them), every value is text, a CloudFormation value or an expression, and at
    // least one is an expression (else the renderer gives a plain string).
    const templateable = j.On === '' && values.length > 1
      && kinds.every((k) => k === 'text' || k === 'token' || k === 'expr')
      && kinds.includes('expr')
      && kinds.every((k, i) => i === 0 || k !== 'text' || kinds[i - 1] !== 'text')
      && values.every((v, i) => kinds[i] !== 'text' || (v as string).length > 0);
    if (templateable) {
      return tpl(parts);
    }
    const items = parts.map((p) => (typeof p === 'string' ? lit(p) : p));
    return call(member(this.lib('Join'), 'of'), arr(items), lit(j.On));
  }

  private jsonGet(spec: Json, path: string): Code {
    const s = spec as { PropertyFile?: unknown; S3Uri?: unknown; Path?: unknown };
    if (typeof s !== 'object' || s === null || typeof s.Path !== 'string') {
      this.problem(path, `Std:JsonGet needs "Path" and "PropertyFile" or "S3Uri"; received ${JSON.stringify(spec)?.slice(0, 120)}. Kept as a literal object.`);
      return obj({ 'Std:JsonGet': this.value(spec, path) });
    }
    if (s.PropertyFile !== undefined) {
      const target = isExpression(s.PropertyFile) ? (s.PropertyFile as JsonObject).Get : s.PropertyFile;
      const match = typeof target === 'string' ? /^Steps\.([^.]+)\.PropertyFiles\.(.+)$/.exec(target) : null;
      const file = match && this.stepStatement.has(match[1]) ? this.steps.get(match[1])?.propertyFiles.get(match[2]) : undefined;
      if (file === undefined) {
        this.problem(`${path}.PropertyFile`, `Std:JsonGet reads property file ${JSON.stringify(s.PropertyFile)}, which no step of the definition declares; kept as a literal object.`);
        return obj({ 'Std:JsonGet': this.value(spec, path) });
      }
      return call(member(this.lib('JsonGet'), 'fromPropertyFile'), id(file), lit(s.Path));
    }
    return call(member(this.lib('JsonGet'), 'fromS3Uri'), this.value(s.S3Uri, `${path}.S3Uri`), lit(s.Path));
  }

  /**
   * An `iam.IRole` for a role ARN: a shared `iam.Role.fromRoleArn` per literal ARN (or CloudFormation
   * value); undefined otherwise (an expression: set through an argument override).
   */
  public role(json: Json, path: string): Code | undefined {
    const literal = typeof json === 'string' && /^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(json);
    const placeholder = typeof json === 'string' && /^\$\{(Ref|GetAtt):[^}]*\}$/.test(json);
    if (!literal && !placeholder) {
      return undefined;
    }
    const arn = json as string;
    let variable = this.roles.get(arn);
    if (variable === undefined) {
      const roleName = literal ? arn.split('/').pop() ?? 'Role' : arn.replace(/^\$\{(Ref|GetAtt):/, '').replace(/[0-9A-F]{8}(\.Arn)?\}$/, '').replace(/\.Arn\}$|\}$/, '');
      variable = this.variable(roleName, /role$/i.test(roleName) ? '' : 'Role');
      const iam = this.namespace('iam', 'aws-cdk-lib/aws-iam');
      this.declare(variable, call(member(iam, 'Role', 'fromRoleArn'), id('stack'), lit(variable.charAt(0).toUpperCase() + variable.slice(1)), this.value(arn, path), obj({ mutable: lit(false) })),
        ['An existing role, used as it is (mutable: false: the app adds no policies to it).']);
      this.roles.set(arn, variable);
    }
    return id(variable);
  }

  /** `ContainerImage.fromRegistry(uri)`, noting the factory of a known SageMaker image. */
  public image(json: Json, path: string): Code {
    if (typeof json === 'string') {
      const suggestion = suggestContainerImage(json);
      if (suggestion !== undefined) {
        const comment = `${json} is a SageMaker image: ${suggestion} gives it for the stack's Region.`;
        if (!this.pendingComments.includes(comment)) {
          this.pendingComments.push(comment);
        }
        this.note(path, `${json} is a SageMaker-provided image; ${suggestion} gives it for the stack's Region (and grants the role ECR pull access).`);
      }
    }
    return call(member(this.lib('ContainerImage'), 'fromRegistry'), this.value(json, path));
  }

  /** `InstanceType.M5_XLARGE` or `InstanceType.of('ml.x.y')` (a parameter: `InstanceType.of(param)`). */
  public instanceType(json: Json, path: string): Code {
    const instanceType = this.lib('InstanceType');
    if (typeof json === 'string') {
      const constant = json.replace(/^ml\./, '').replace(/\./g, '_').toUpperCase();
      const library = requireLibrary() as Record<string, Record<string, unknown>>;
      const known = library.InstanceType[constant] as { toString(): string } | undefined;
      if (known !== undefined && String(known) === json) {
        return member(instanceType, constant);
      }
    }
    return call(member(instanceType, 'of'), this.value(json, path));
  }

  /** `Enum.MEMBER` for a value of a library enum, or undefined when it has no such value. */
  public enumMember(enumName: string, json: Json): Code | undefined {
    const library = requireLibrary() as Record<string, Record<string, unknown>>;
    const e = library[enumName];
    if (e === undefined || typeof json !== 'string') {
      return undefined;
    }
    // A TypeScript enum (string values) or an enum-like class (static instances holding the text).
    const key = Object.getOwnPropertyNames(e).find((k) => /^[A-Z][A-Z0-9_]*$/.test(k)
      && (e[k] === json || (typeof e[k] === 'object' && e[k] !== null && ((e[k] as { value?: unknown }).value === json || String(e[k]) === json))));
    return key === undefined ? undefined : member(this.lib(enumName), key);
  }

  /**
   * `Enum.MEMBER` for a known literal; an expression (a parameter's `Get`, a `Std:Join`) as its
   * string token, since enum members the service evaluates at run time take those; else undefined.
   */
  public enumValue(enumName: string, json: Json, path: string): Code | undefined {
    return this.enumMember(enumName, json) ?? (typeof json === 'object' && json !== null && !Array.isArray(json) && isExpression(json) ? this.str(json, path) : undefined);
  }

  /** `Class.MEMBER` of an enum-like class, else `Class.of(value)`. */
  public enumLike(className: string, json: Json, path: string): Code {
    return this.enumMember(className, json) ?? call(member(this.lib(className), 'of'), this.value(json, path));
  }

  /** Comments collected for the statement being built (image suggestions). */
  public takeComments(): string[] {
    const comments = this.pendingComments;
    this.pendingComments = [];
    return comments;
  }

  /** The variable of a step of the definition. */
  public stepVariable(name: string): Code | undefined {
    const step = this.steps.get(name);
    return step === undefined || !this.stepStatement.has(name) ? undefined : id(step.variable);
  }

  /** Declares a PropertyFile for `step`'s `PropertyFiles` entry and returns its variable. */
  public declarePropertyFile(step: StepInfo, file: JsonObject, path: string): Code | undefined {
    if (typeof file.PropertyFileName !== 'string' || typeof file.OutputName !== 'string' || typeof file.FilePath !== 'string') {
      this.problem(path, `PropertyFiles entry needs PropertyFileName, OutputName and FilePath texts; received ${JSON.stringify(file)}. Left out.`);
      return undefined;
    }
    const variable = step.propertyFiles.get(file.PropertyFileName)!;
    return this.declare(variable, newOf(this.libName('PropertyFile'), obj({
      propertyFileName: lit(file.PropertyFileName),
      outputName: lit(file.OutputName),
      filePath: lit(file.FilePath),
    })));
  }

  private libName(name: string): string {
    this.libraryImports.add(name);
    return name;
  }

  // ---------------------------------------------------------------------------------------------
  // Declarations

  private declareParameters(): void {
    const list = this.definition.Parameters;
    if (list === undefined) {
      return;
    }
    if (!Array.isArray(list)) {
      this.problem('Parameters', 'Parameters must be a list; left out.');
      return;
    }
    list.forEach((raw, i) => {
      const p = raw as JsonObject;
      const path = `Parameters[${i}]`;
      const type = p?.Type ?? 'String';
      const cls = { String: 'ParameterString', Integer: 'ParameterInteger', Float: 'ParameterFloat', Boolean: 'ParameterBoolean' }[String(type)];
      if (typeof p?.Name !== 'string' || cls === undefined) {
        this.problem(path, `parameter ${JSON.stringify(raw)?.slice(0, 120)} needs a Name and a Type of String, Integer, Float or Boolean; left out.`);
        return;
      }
      for (const key of Object.keys(p)) {
        if (!['Name', 'Type', 'DefaultValue', 'EnumValues'].includes(key)) {
          this.problem(`${path}.${key}`, `parameter member "${key}" has no equivalent in the library; left out.`);
        }
      }
      const variable = this.variable(p.Name);
      const props = obj({
        defaultValue: p.DefaultValue === undefined ? undefined : lit(p.DefaultValue as string),
        enumValues: Array.isArray(p.EnumValues) && type === 'String' ? arr((p.EnumValues as string[]).map((v) => lit(v))) : undefined,
      });
      if (Array.isArray(p.EnumValues) && type !== 'String') {
        this.problem(`${path}.EnumValues`, 'EnumValues are supported on String parameters only; left out.');
      }
      this.parameters.set(p.Name, { name: p.Name, type: String(type), variable });
      this.declare(variable, newOf(this.libName(cls), lit(p.Name), ...(!isEmptyObject(props) ? [props] : [])));
    });
  }

  private declarePipeline(): void {
    const experiment = this.definition.PipelineExperimentConfig;
    let experimentConfig: Code | undefined;
    const isDefault = experiment === undefined || jsonEqual(experiment, { ExperimentName: { Get: 'Execution.PipelineName' }, TrialName: { Get: 'Execution.PipelineExecutionId' } });
    if (experiment === null) {
      experimentConfig = call(member(this.lib('PipelineExperimentConfig'), 'disabled'));
    } else if (!isDefault) {
      const e = experiment as JsonObject;
      experimentConfig = call(member(this.lib('PipelineExperimentConfig'), 'custom'), obj({
        experimentName: this.value(e.ExperimentName, 'PipelineExperimentConfig.ExperimentName'),
        trialName: this.value(e.TrialName, 'PipelineExperimentConfig.TrialName'),
      }));
    }
    const parameters = [...this.parameters.values()].map((p) => id(p.variable));
    this.declare('pipeline', newOf('Pipeline', id('stack'), lit('Pipeline'), obj({
      pipelineName: this.options.pipelineName !== undefined ? lit(this.options.pipelineName) : undefined,
      parameters: parameters.length > 0 ? arr(parameters) : undefined,
      experimentConfig,
      maxParallelExecutionSteps: this.options.maxParallelExecutionSteps !== undefined ? lit(this.options.maxParallelExecutionSteps) : undefined,
    })));
  }

  private collectSteps(steps: Json[], path: string): void {
    steps.forEach((raw, i) => {
      const stepPath = `${path}[${i}]`;
      const json = raw as JsonObject;
      if (typeof json !== 'object' || json === null || typeof json.Name !== 'string' || typeof json.Type !== 'string') {
        this.problem(stepPath, 'a step needs a Name and a Type; left out.');
        return;
      }
      if (this.steps.has(json.Name)) {
        this.problem(stepPath, `a second step named ${json.Name}; left out (step names must be unique).`);
        return;
      }
      const propertyFiles = new Map<string, string>();
      for (const file of (Array.isArray(json.PropertyFiles) ? json.PropertyFiles : []) as JsonObject[]) {
        if (typeof file?.PropertyFileName === 'string') {
          propertyFiles.set(file.PropertyFileName, this.variable(file.PropertyFileName));
        }
      }
      this.steps.set(json.Name, {
        name: json.Name, type: json.Type, json, path: stepPath, variable: this.variable(json.Name), propertyFiles, dependencies: new Set(),
      });
      if (json.Type === 'Condition') {
        const args = (json.Arguments ?? {}) as JsonObject;
        this.collectSteps(Array.isArray(args.IfSteps) ? args.IfSteps : [], `${stepPath}.Arguments.IfSteps`);
        this.collectSteps(Array.isArray(args.ElseSteps) ? args.ElseSteps : [], `${stepPath}.Arguments.ElseSteps`);
      }
    });
  }

  /** Steps in an order where each comes after the steps it reads, depends on, or holds in a branch. */
  private declarationOrder(): string[] {
    for (const step of this.steps.values()) {
      const visit = (value: Json): void => {
        if (Array.isArray(value)) {
          value.forEach(visit);
        } else if (typeof value === 'object' && value !== null) {
          for (const [key, v] of Object.entries(value)) {
            if (key === 'Get' && typeof v === 'string') {
              const match = /^Steps\.([^.[]+)/.exec(v);
              if (match && this.steps.has(match[1]) && match[1] !== step.name) {
                step.dependencies.add(match[1]);
              }
            } else if (!(step.type === 'Condition' && (key === 'IfSteps' || key === 'ElseSteps'))) {
              visit(v);
            }
          }
        }
      };
      visit(step.json);
      for (const name of Array.isArray(step.json.DependsOn) ? step.json.DependsOn : []) {
        if (typeof name === 'string' && this.steps.has(name)) {
          step.dependencies.add(name);
        }
      }
      if (step.type === 'Condition') {
        const args = (step.json.Arguments ?? {}) as JsonObject;
        for (const branch of [args.IfSteps, args.ElseSteps]) {
          for (const s of (Array.isArray(branch) ? branch : []) as JsonObject[]) {
            if (typeof s?.Name === 'string' && this.steps.has(s.Name)) {
              step.dependencies.add(s.Name);
            }
          }
        }
      }
    }
    const order: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (name: string, chain: string[]): void => {
      if (state.get(name) === 'done') {
        return;
      }
      if (state.get(name) === 'visiting') {
        throw new Error(`import: the steps form a cycle: ${[...chain, name].join(' -> ')}; the definition cannot run as it is. Remove a DependsOn entry or a property reference.`);
      }
      state.set(name, 'visiting');
      for (const dependency of this.steps.get(name)!.dependencies) {
        visit(dependency, [...chain, name]);
      }
      state.set(name, 'done');
      order.push(name);
    };
    for (const name of this.steps.keys()) {
      visit(name, []);
    }
    return order;
  }

  private declareStep(step: StepInfo): void {
    let mapping: StepMapping;
    this.takeComments();
    try {
      mapping = mapStep(this, step);
    } catch (e) {
      this.problem(step.path, `step type ${step.type} could not be converted: ${(e as Error).message}`);
      return;
    }
    const json = step.json;
    const common: Array<[string, Code | undefined]> = [];
    if (typeof json.DisplayName === 'string') {
      common.push(['displayName', lit(json.DisplayName)]);
    }
    if (typeof json.Description === 'string') {
      common.push(['description', lit(json.Description)]);
    }
    const dependsOn = (Array.isArray(json.DependsOn) ? json.DependsOn : []).map((n) => this.stepVariable(String(n)));
    if (dependsOn.some((d) => d === undefined)) {
      this.problem(`${step.path}.DependsOn`, `DependsOn names steps that the definition does not have (${JSON.stringify(json.DependsOn)}); those are left out.`);
    }
    if (dependsOn.length > 0) {
      common.push(['dependsOn', arr(dependsOn.filter((d): d is Code => d !== undefined))]);
    }
    if (Array.isArray(json.RetryPolicies) && json.RetryPolicies.length > 0) {
      common.push(['retryPolicies', arr(json.RetryPolicies.map((p, i) => this.retryPolicy(p as JsonObject, `${step.path}.RetryPolicies[${i}]`)).filter((c): c is Code => c !== undefined))]);
    }
    if (json.CacheConfig !== undefined) {
      common.push(['cacheConfig', this.cacheConfig(json.CacheConfig as JsonObject, `${step.path}.CacheConfig`)]);
    }
    const handled = new Set(['Name', 'Type', 'Arguments', 'DisplayName', 'Description', 'DependsOn', 'RetryPolicies', 'CacheConfig', ...mapping.envelopeKeys]);
    for (const key of Object.keys(json)) {
      if (!handled.has(key)) {
        this.problem(`${step.path}.${key}`, `${step.type} step member "${key}" has no equivalent in the library; left out.`);
      }
    }
    const props = obj([...mapping.props, ...common]);
    const args = [id('pipeline'), lit(step.name), props];
    const value: Code = mapping.factory !== undefined
      ? call(member(this.lib(mapping.construct), mapping.factory), ...args)
      : { k: 'new', cls: this.lib(mapping.construct), args };
    this.stepStatement.set(step.name, this.statements.length);
    this.statements.push({ name: step.variable, value, comments: [...(mapping.comments ?? []), ...this.takeComments()], owner: step.name });
    for (const statement of mapping.after ?? []) {
      this.statements.push({ ...statement, owner: step.name });
    }
  }

  private retryPolicy(policy: JsonObject, path: string): Code | undefined {
    const types = Array.isArray(policy?.ExceptionType) ? policy.ExceptionType as string[] : [];
    const isStep = types.length > 0 && types.every((t) => typeof t === 'string' && t.startsWith('Step.'));
    const isJob = types.length > 0 && types.every((t) => typeof t === 'string' && t.startsWith('SageMaker.'));
    if (!isStep && !isJob) {
      this.problem(path, `retry policy with exception types ${JSON.stringify(policy?.ExceptionType)} mixes step and job types or names none; left out.`);
      return undefined;
    }
    const enumName = isStep ? 'StepExceptionType' : 'SageMakerJobExceptionType';
    const members = types.map((t) => this.enumMember(enumName, t));
    if (members.some((m) => m === undefined)) {
      this.problem(path, `retry policy exception types ${JSON.stringify(types)} include one the library does not know; left out.`);
      return undefined;
    }
    const props = obj({
      exceptionTypes: arr(members as Code[]),
      interval: typeof policy.IntervalSeconds === 'number' && policy.IntervalSeconds !== 1 ? this.duration(policy.IntervalSeconds) : undefined,
      backoffRate: typeof policy.BackoffRate === 'number' && policy.BackoffRate !== 2 ? lit(policy.BackoffRate) : undefined,
      maxAttempts: typeof policy.MaxAttempts === 'number' ? lit(policy.MaxAttempts) : undefined,
      expireAfter: typeof policy.ExpireAfterMin === 'number' ? this.durationMinutes(policy.ExpireAfterMin) : undefined,
    });
    return call(member(this.lib('RetryPolicy'), isStep ? 'step' : 'sageMakerJob'), props);
  }

  private durationMinutes(minutes: number): Code {
    this.cdkImports.add('Duration');
    return minutes % 1440 === 0 && minutes > 0 ? staticCall('Duration', 'days', lit(minutes / 1440))
      : minutes % 60 === 0 && minutes > 0 ? staticCall('Duration', 'hours', lit(minutes / 60)) : staticCall('Duration', 'minutes', lit(minutes));
  }

  private cacheConfig(config: JsonObject, path: string): Code | undefined {
    if (typeof config !== 'object' || config === null) {
      this.problem(path, 'CacheConfig must be an object; left out.');
      return undefined;
    }
    const expire = typeof config.ExpireAfter === 'string' ? lit(config.ExpireAfter) : undefined;
    if (config.Enabled === false) {
      return newOf(this.libName('CacheConfig'), obj({ enabled: lit(false), expireAfter: expire }));
    }
    return call(member(this.lib('CacheConfig'), 'enabled'), ...(expire ? [expire] : []));
  }

  // ---------------------------------------------------------------------------------------------
  // Running the program, and correcting what it renders differently

  /**
   * Runs the program, compares each step's rendered `Arguments` with the definition's, and adds an
   * argument override or deletion per difference; then runs it again and lists what still differs.
   */
  private correct(): void {
    const first = this.run();
    if (first === undefined) {
      return;
    }
    const inserts = new Map<string, Statement[]>();
    for (const step of this.steps.values()) {
      const rendered = first.steps.get(step.name);
      if (!this.stepStatement.has(step.name) || rendered === undefined) {
        continue;
      }
      const expectedArgs = withoutBranches(step, step.json.Arguments);
      const actualArgs = withoutBranches(step, rendered.Arguments);
      const statements: Statement[] = [];
      for (const d of jsonDifferences(expectedArgs, actualArgs)) {
        const where = overridePath(d.segments);
        if (where === undefined) {
          this.problem(`${step.path}.Arguments`, 'the step\'s Arguments differ as a whole from what the construct renders, and a whole Arguments object cannot be overridden.');
          continue;
        }
        const jsonPath = `${step.path}.Arguments.${pathText(d.segments)}`.replace(/\.\[/g, '[');
        const target = member(id(step.variable), d.expected === undefined ? 'addArgumentDeletion' : 'addArgumentOverride');
        statements.push({
          value: d.expected === undefined ? call(target, lit(where)) : call(target, lit(where), this.value(d.expected, jsonPath)),
          owner: step.name,
        });
      }
      if (statements.length > 0) {
        inserts.set(step.name, statements);
      }
    }
    // Each step's overrides go right after its declaration (and the statements that belong to it).
    const out: Statement[] = [];
    this.statements.forEach((s, i) => {
      out.push(s);
      const next = this.statements[i + 1];
      if (s.owner !== undefined && next?.owner !== s.owner && inserts.has(s.owner)) {
        out.push(...inserts.get(s.owner)!);
        inserts.delete(s.owner);
      }
    });
    this.statements.splice(0, this.statements.length, ...out);

    const second = this.run();
    if (second === undefined) {
      return;
    }
    const covered = (at: string): boolean => this.problems.some((p) => at === p.path || at.startsWith(`${p.path}.`) || at.startsWith(`${p.path}[`));
    const report = (at: string, expected: Json, actual: Json): void => {
      if (!covered(at)) {
        this.problem(at, `not reproduced: the generated app renders ${short(actual)} instead of ${short(expected)}.`);
      }
    };
    // The document without its steps, then each step by name (branches compared step by step).
    const { Steps: _expectedSteps, ...expectedRest } = normalizeDefinition(this.definition);
    const { Steps: _actualSteps, ...actualRest } = normalizeDefinition(second.definition);
    for (const d of jsonDifferences(expectedRest, actualRest)) {
      report(pathText(d.segments), d.expected, d.actual);
    }
    for (const step of this.steps.values()) {
      const actual = second.steps.get(step.name);
      if (actual === undefined) {
        report(step.path, step.json, undefined);
        continue;
      }
      const strip = (json: JsonObject): JsonObject => {
        const normalized = normalizeStep(json) as JsonObject;
        return { ...normalized, Arguments: withoutBranches(step, normalized.Arguments) };
      };
      for (const d of jsonDifferences(strip(step.json), strip(actual))) {
        report(`${step.path}.${pathText(d.segments)}`.replace(/\.\[/g, '['), d.expected, d.actual);
      }
      if (step.type === 'Condition') {
        const names = (list: unknown): string[] => ((Array.isArray(list) ? list : []) as JsonObject[]).map((s) => String(s?.Name));
        for (const branch of ['IfSteps', 'ElseSteps']) {
          const expectedNames = names((step.json.Arguments as JsonObject | undefined)?.[branch]);
          const actualNames = names((actual.Arguments as JsonObject | undefined)?.[branch]);
          if (!jsonEqual([...expectedNames].sort(), [...actualNames].sort())) {
            report(`${step.path}.Arguments.${branch}`, expectedNames, actualNames);
          }
        }
      }
    }
    for (const name of second.steps.keys()) {
      if (!this.steps.has(name)) {
        report('Steps', undefined, `a step named ${name}`);
      }
    }
  }

  /** Evaluates the program in a scratch app: the rendered definition and each step by name. */
  private run(): { definition: JsonObject; steps: Map<string, JsonObject> } | undefined {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const library = requireLibrary();
    const app = new App();
    const stack = new Stack(app, this.options.stackId ?? 'ImportedPipeline', this.region === undefined ? undefined : { env: { region: this.region } });
    const scope = new Map<string, unknown>(Object.entries(library));
    scope.set('stack', stack);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cdk = require('aws-cdk-lib') as Record<string, unknown>;
    scope.set('Duration', cdk.Duration);
    scope.set('Fn', cdk.Fn);
    for (const [name, module] of this.namespaces) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      scope.set(name, require(module));
    }
    for (const statement of this.statements) {
      try {
        const value = evaluate(statement.value, scope);
        if (statement.name !== undefined) {
          scope.set(statement.name, value);
        }
      } catch (e) {
        const step = [...this.steps.values()].find((s) => s.variable === statement.name);
        this.problem(step?.path ?? '(program)', `the generated code fails: ${(e as Error).message}`);
        return undefined;
      }
    }
    const pipeline = scope.get('pipeline') as { renderDefinition(): JsonObject };
    let definition: JsonObject;
    try {
      definition = (library.definitionOf as (p: unknown) => JsonObject)(pipeline);
    } catch (e) {
      this.problem('(program)', `the generated app does not render: ${(e as Error).message}`);
      return undefined;
    }
    const steps = new Map<string, JsonObject>();
    const collect = (list: unknown): void => {
      for (const s of (Array.isArray(list) ? list : []) as JsonObject[]) {
        steps.set(String(s.Name), s);
        if (s.Type === 'Condition') {
          const a = s.Arguments as JsonObject;
          collect(a.IfSteps);
          collect(a.ElseSteps);
        }
      }
    };
    collect(definition.Steps);
    return { definition, steps };
  }

  // ---------------------------------------------------------------------------------------------
  // Printing

  private printProgram(): string {
    const moduleName = this.options.moduleName ?? 'cdk-sagemaker-pipelines';
    const lines: string[] = [];
    lines.push('// Generated by `cdk-sagemaker-pipelines import`' + (this.options.source !== undefined ? ` from ${this.options.source}` : '') + '.');
    lines.push('// Synthesizing this app gives the imported definition (see README "Bring an existing pipeline over").');
    if (this.problems.length > 0) {
      lines.push('//');
      lines.push(`// NOT CONVERTED (${this.problems.length}): the parts of the definition this app does not reproduce:`);
      for (const p of this.problems) {
        lines.push(...commentLines(`- ${p.path}: ${p.message}`));
      }
    }
    if (this.notes.length > 0) {
      lines.push('//');
      lines.push('// Notes (reproduced as they are, worth a look):');
      for (const n of this.notes) {
        lines.push(...commentLines(`- ${n.path}: ${n.message}`));
      }
    }
    lines.push('');
    lines.push(`import { ${['App', ...[...this.cdkImports].sort(), 'Stack'].join(', ')} } from 'aws-cdk-lib';`);
    for (const [name, module] of [...this.namespaces].sort()) {
      lines.push(`import * as ${name} from '${module}';`);
    }
    lines.push(`import {\n${wrapNames([...this.libraryImports].sort(), '  ')}\n} from '${moduleName}';`);
    lines.push('');
    lines.push('/** Defines the imported pipeline in `stack`. */');
    lines.push('export function definePipeline(stack: Stack): Pipeline {');
    const read = new Set<string>();
    const collectIds = (code: Code): void => {
      switch (code.k) {
        case 'id': read.add(code.name); break;
        case 'member': collectIds(code.obj); break;
        case 'call': collectIds(code.fn); code.args.forEach(collectIds); break;
        case 'new': collectIds(code.cls); code.args.forEach(collectIds); break;
        case 'obj': code.entries.forEach(([, v]) => collectIds(v)); break;
        case 'arr': code.items.forEach(collectIds); break;
        case 'tpl': code.parts.forEach((p) => typeof p !== 'string' && collectIds(p)); break;
        default: break;
      }
    };
    this.statements.forEach((s) => collectIds(s.value));
    read.add('pipeline');
    for (const statement of this.statements) {
      for (const comment of statement.comments ?? []) {
        lines.push(...commentLines(comment, '  '));
      }
      const text = print(statement.value, '  ');
      lines.push(statement.name !== undefined && read.has(statement.name) ? `  const ${statement.name} = ${text};` : `  ${text};`);
    }
    lines.push('  return pipeline;');
    lines.push('}');
    lines.push('');
    lines.push('/** Builds the app: one stack holding the pipeline. */');
    lines.push('export function createApp(app: App = new App()): App {');
    const stackProps = this.stackProps();
    lines.push(`  definePipeline(new Stack(app, ${quote(this.options.stackId ?? 'ImportedPipeline')}${stackProps === undefined ? '' : `, ${print(stackProps)}`}));`);
    lines.push('  return app;');
    lines.push('}');
    lines.push('');
    lines.push('if (require.main === module) {');
    lines.push('  createApp().synth();');
    lines.push('}');
    lines.push('');
    return lines.join('\n');
  }
}

/** The Arguments of a step without condition branches (compared step by step instead). */
function withoutBranches(step: StepInfo, args: Json): Json {
  if (step.type !== 'Condition' || typeof args !== 'object' || args === null) {
    return args;
  }
  const { IfSteps: _i, ElseSteps: _e, ...rest } = args as JsonObject;
  return rest;
}

/** The `addArgumentOverride` path of a difference, or undefined for the whole Arguments. */
function overridePath(segments: ReadonlyArray<string | number>): string | undefined {
  if (segments.length === 0) {
    return undefined;
  }
  let text = '';
  for (const s of segments) {
    if (typeof s === 'number') {
      text += `[${s}]`;
    } else if (s.length > 0 && !/[.[\]'"]/.test(s)) {
      text += text.length === 0 ? s : `.${s}`;
    } else {
      text += s.includes("'") ? `["${s}"]` : `['${s}']`;
    }
  }
  return text;
}

/** The Region that every regional ECR image URI and ARN in the definition names, if there is exactly one. */
function regionOf(definition: unknown): string | undefined {
  const regions = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      const image = /^\d{12}\.dkr\.ecr\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com/.exec(value);
      const arn = /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-[a-z]+)+-\d):/.exec(value);
      const sqs = /^https:\/\/sqs\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com\//.exec(value);
      for (const match of [image, arn, sqs]) {
        if (match) {
          regions.add(match[1]);
        }
      }
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (typeof value === 'object' && value !== null) {
      Object.values(value).forEach(visit);
    }
  };
  visit(definition);
  return regions.size === 1 ? [...regions][0] : undefined;
}

/** Text and CloudFormation placeholders of a string, in order. */
function splitPlaceholders(text: string): Array<string | { kind: string; body: string; text: string }> {
  const out: Array<string | { kind: string; body: string; text: string }> = [];
  let last = 0;
  for (const match of text.matchAll(/\$\{(Ref|GetAtt|Sub|CFN):([^}]*)\}/g)) {
    const index = match.index ?? 0;
    if (index > last) {
      out.push(text.slice(last, index));
    }
    out.push({ kind: match[1], body: match[2], text: match[0] });
    last = index + match[0].length;
  }
  if (last < text.length) {
    out.push(text.slice(last));
  }
  return out;
}

/** Segments of a property path: `A.B['x'].C[0]`. */
function parsePropertyPath(path: string): Array<{ key: string | number; bracket: boolean }> | undefined {
  const out: Array<{ key: string | number; bracket: boolean }> = [];
  let rest = path;
  let first = true;
  while (rest.length > 0) {
    const index = /^\[(\d+)\]/.exec(rest);
    const quoted = /^\[(['"])(.*?)\1\]/.exec(rest);
    if (index) {
      out.push({ key: Number(index[1]), bracket: true });
      rest = rest.slice(index[0].length);
    } else if (quoted) {
      out.push({ key: quoted[2], bracket: true });
      rest = rest.slice(quoted[0].length);
    } else {
      if (!first) {
        if (!rest.startsWith('.')) {
          return undefined;
        }
        rest = rest.slice(1);
      }
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
      if (!name) {
        return undefined;
      }
      out.push({ key: name[0], bracket: false });
      rest = rest.slice(name[0].length);
    }
    first = false;
  }
  return out;
}

function short(value: Json): string {
  if (value === undefined) {
    return 'nothing';
  }
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function commentLines(text: string, indent = ''): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line.length > 0 && line.length + word.length + 1 > 110) {
      lines.push(line);
      line = `  ${word}`;
    } else {
      line = line.length === 0 ? word : `${line} ${word}`;
    }
  }
  if (line.length > 0) {
    lines.push(line);
  }
  return lines.map((l) => `${indent}// ${l}`.replace(/\*\//g, '* /'));
}

function wrapNames(names: string[], indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const name of names) {
    const next = line.length === 0 ? `${name},` : `${line} ${name},`;
    if (indent.length + next.length > 110) {
      lines.push(`${indent}${line}`);
      line = `${name},`;
    } else {
      line = next;
    }
  }
  if (line.length > 0) {
    lines.push(`${indent}${line}`);
  }
  return lines.join('\n');
}

/** The library's exports (required lazily: lib/index exports this module). */
function requireLibrary(): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../index');
}
