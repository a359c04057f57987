import { IResolvable, Token, Tokenization } from 'aws-cdk-lib';
import { JSONPath } from 'jsonpath-plus';
import { carriedExpression, Expression, GetExpression, IRenderContext, IStepLike, JoinExpression, refusePropertyProblem } from './private/expression';
import { Renderer } from './private/renderer';

/**
 * Values the pipeline service knows about the running execution (`{"Get": "Execution.<Name>"}`).
 *
 * Each is a string token usable in any string prop, alone or inside a larger string
 * (which then renders as `Std:Join`).
 */
export class ExecutionVariable {
  /** The time the execution started. */
  public static readonly START_DATE_TIME: string = ExecutionVariable.of('StartDateTime');
  /** The time at which the variable is evaluated. */
  public static readonly CURRENT_DATE_TIME: string = ExecutionVariable.of('CurrentDateTime');
  /** The name of the pipeline. */
  public static readonly PIPELINE_NAME: string = ExecutionVariable.of('PipelineName');
  /** The ARN of the pipeline. */
  public static readonly PIPELINE_ARN: string = ExecutionVariable.of('PipelineArn');
  /** The ID of the execution. */
  public static readonly PIPELINE_EXECUTION_ID: string = ExecutionVariable.of('PipelineExecutionId');
  /** The ARN of the execution. */
  public static readonly PIPELINE_EXECUTION_ARN: string = ExecutionVariable.of('PipelineExecutionArn');
  /** The name of the training job launched by the current training step. */
  public static readonly TRAINING_JOB_NAME: string = ExecutionVariable.of('TrainingJobName');
  /** The name of the processing job launched by the current processing step. */
  public static readonly PROCESSING_JOB_NAME: string = ExecutionVariable.of('ProcessingJobName');

  private static of(name: string): string {
    return Token.asString(new GetExpression(`Execution.${name}`, 'String'));
  }

  private constructor() {}
}

/**
 * References to the pipeline's experiment configuration
 * (`{"Get": "PipelineExperimentConfig.<Name>"}`), usable in string props.
 */
export class ExperimentConfigProperty {
  /** The experiment name the execution records into. */
  public static readonly EXPERIMENT_NAME: string = Token.asString(new GetExpression('PipelineExperimentConfig.ExperimentName', 'String'));
  /** The trial name the execution records into. */
  public static readonly TRIAL_NAME: string = Token.asString(new GetExpression('PipelineExperimentConfig.TrialName', 'String'));

  private constructor() {}
}

/**
 * `Std:Join`: joins values with a separator when the pipeline runs.
 *
 * Plain string concatenation of expressions (a template literal) already renders as a `Std:Join`
 * with an empty separator; use `Join.of` for another separator.
 */
export class Join {
  /**
   * A string token that renders `{"Std:Join": {"On": separator, "Values": [...]}}`.
   *
   * @param values literals, parameters, execution variables, step properties or other expressions,
   * as tokens or as the expression objects themselves (a `ParameterBoolean`, a condition step's
   * `properties.Outcome`, a Boolean Lambda output), each rendered as its own `Values` item
   * @param separator text placed between the values (`On`). Default: the empty string.
   */
  public static of(values: ReadonlyArray<string | number | boolean | IResolvable>, separator: string = ''): string {
    if (!Array.isArray(values) || values.length === 0) {
      throw new Error('Join.of needs at least one value; received an empty list. Pass the values to join, e.g. Join.of(["s3:/", bucket, key], "/").');
    }
    values.forEach((value, i) => {
      const ok = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        || (typeof value === 'object' && value !== null && (carriedExpression(value) !== undefined || Tokenization.isResolvable(value)));
      if (!ok) {
        throw new Error(`Join.of: values[${i}] must be text, a number, a boolean or a pipeline expression (a parameter, a step property, an execution variable, a condition's Outcome); received ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}.`);
      }
    });
    if (Token.isUnresolved(separator)) {
      throw new Error(`Join.of separator must be literal text; received the token ${separator}. The service evaluates "On" as a fixed string. Pass the separator as literal text (e.g. '/'), and put run-time values among the joined values instead.`);
    }
    return Token.asString(new JoinExpression(separator, [...values]));
  }

  private constructor() {}
}

/**
 * Props of a {@link PropertyFile}.
 */
export interface PropertyFileProps {
  /** Name of the property file; `JsonGet` refers to it by this name. Must be unique within its step. */
  readonly propertyFileName: string;
  /** Name of the processing output that holds the file (`ProcessingOutputConfig.Outputs[].OutputName`). */
  readonly outputName: string;
  /** Path of the JSON file inside that output, for example `evaluation.json`. */
  readonly filePath: string;
}

/**
 * A JSON file written by a processing step whose values later steps read with {@link JsonGet}.
 *
 * Declare it on the processing step (`propertyFiles: [file]`); the step renders it in its
 * `PropertyFiles` list.
 */
export class PropertyFile {
  /** Name of the property file. */
  public readonly propertyFileName: string;
  /** Name of the processing output that holds the file. */
  public readonly outputName: string;
  /** Path of the JSON file inside that output. */
  public readonly filePath: string;
  private owner?: IStepLike;

  constructor(props: PropertyFileProps) {
    if (!/^[A-Za-z0-9\-_]{1,64}$/.test(props.propertyFileName)) {
      throw new Error(`PropertyFile name must be 1-64 characters of A-Z, a-z, 0-9, - and _; received '${props.propertyFileName}'. Rename it, e.g. '${typeof props.propertyFileName === 'string' ? (props.propertyFileName.replace(/[^A-Za-z0-9\-_]+/g, '').slice(0, 64) || 'EvaluationReport') : 'EvaluationReport'}'.`);
    }
    if (props.outputName.length === 0 || props.filePath.length === 0) {
      throw new Error(`PropertyFile '${props.propertyFileName}' needs a non-empty outputName and filePath.`);
    }
    this.propertyFileName = props.propertyFileName;
    this.outputName = props.outputName;
    this.filePath = props.filePath;
  }

  /** The step that declares this property file, once it is declared on one. */
  public get step(): IStepLike | undefined {
    return this.owner;
  }

  /** @internal called by the processing step that declares the file */
  public _declareOn(step: IStepLike): void {
    if (this.owner !== undefined && this.owner !== step) {
      throw new Error(`PropertyFile '${this.propertyFileName}' is already declared on ${this.owner.node.path}; a property file belongs to one step. Create another PropertyFile for ${step.node.path}.`);
    }
    this.owner = step;
  }

  /** @internal the `PropertyFiles` entry */
  public _render(): Record<string, string> {
    return { PropertyFileName: this.propertyFileName, OutputName: this.outputName, FilePath: this.filePath };
  }
}

/**
 * `Std:JsonGet`: reads one value out of a JSON file when the pipeline runs.
 *
 * The result is a string token usable in any string prop, in a template literal, or as a condition
 * operand. Its JSON path is checked for syntax when it is created.
 */
export class JsonGet {
  /**
   * Reads `path` from a property file declared on a processing step, rendering
   * `{"Std:JsonGet": {"PropertyFile": {"Get": "Steps.<step>.PropertyFiles.<name>"}, "Path": path}}`.
   * The reading step then runs after the processing step.
   *
   * @param propertyFile a property file declared on a ProcessingStep (`propertyFiles`)
   * @param path JSON path inside the file, for example `regression_metrics.mse.value`
   */
  public static fromPropertyFile(propertyFile: PropertyFile, path: string): string {
    if (!(propertyFile instanceof PropertyFile)) {
      throw new Error(`JsonGet.fromPropertyFile needs a PropertyFile; received ${String(propertyFile)}. Create one with new PropertyFile({...}) and declare it on a ProcessingStep.`);
    }
    return Token.asString(new JsonGetPropertyFileExpression(propertyFile, checkJsonPath(path)));
  }

  /**
   * Reads `path` from a JSON file in S3, rendering
   * `{"Std:JsonGet": {"S3Uri": {"Std:Join": ...}, "Path": path}}`.
   *
   * The service requires the URI to be a `Std:Join` whose variable members are parameters,
   * execution variables or step properties: a literal URI, a single expression or a concatenation
   * (template literal) is wrapped or rewritten into one. Every step whose property appears in the
   * URI is added to the reading step's `DependsOn`, since the service does not derive that edge
   * from the file it reads.
   *
   * @param s3Uri `s3://bucket/key.json`, a parameter, a step property, a template literal or `Join.of(...)`
   * @param path JSON path inside the file, for example `metrics.accuracy.value`
   */
  public static fromS3Uri(s3Uri: string, path: string): string {
    refusePropertyProblem('JsonGet.fromS3Uri: s3Uri', s3Uri);
    if (typeof s3Uri !== 'string') {
      throw new Error(`JsonGet.fromS3Uri: s3Uri must be a string (an s3:// URI, a parameter, a step property or a concatenation of them); received ${typeof s3Uri}.`);
    }
    if (!Token.isUnresolved(s3Uri) && !/^s3:\/\/[^/]+\/.+/.test(s3Uri)) {
      throw new Error(`JsonGet.fromS3Uri: s3Uri must be an s3://<bucket>/<key> URI; received '${s3Uri}'. Use the S3 URI of the JSON file, e.g. 's3://my-bucket/evaluation/metrics.json', or a step property or Join.of that builds one.`);
    }
    const checkedPath = checkJsonPath(path);
    // Render once now, only to refuse members the service does not accept while the caller is on the stack.
    const problem = s3UriJoin(Renderer.render(s3Uri).value).problem;
    if (problem !== undefined) {
      throw new Error(`JsonGet.fromS3Uri: ${problem}`);
    }
    return Token.asString(new JsonGetS3Expression(s3Uri, checkedPath));
  }

  private constructor() {}
}

/**
 * Checks a JsonGet path's syntax: brackets, parentheses and quotes balanced, no empty member
 * (`a..`, `a.`, `a[]`), and filter or script expressions (`[?(@.x > 1)]`, `[(@.length-1)]`)
 * parsed by jsonpath-plus. jsonpath-plus is lenient about the rest of a path (it accepts `a[0`,
 * `a]` and `a['b` and evaluates them to nothing), hence the structural scan.
 */
function checkJsonPath(path: string): string {
  if (typeof path !== 'string') {
    throw new Error(`JsonGet path must be a string such as "regression_metrics.mse.value"; received ${typeof path}.`);
  }
  if (Token.isUnresolved(path)) {
    throw new Error(`JsonGet path must be literal text; received the token ${path}. The service reads "Path" as a fixed JSON path. Pass the path as literal text, e.g. "regression_metrics.mse.value"; to choose the file at run time, use a parameter in the S3 URI instead.`);
  }
  if (path.trim().length === 0) {
    throw new Error('JsonGet path must not be empty; pass the JSON path of the value, for example "regression_metrics.mse.value".');
  }
  const problem = jsonPathSyntaxProblem(path);
  if (problem !== undefined) {
    throw new Error(`JsonGet path '${path}' is not a valid JSON path: ${problem}. Examples of valid paths: "mse", "regression_metrics.mse.value", "Output[1]", "metrics['val:acc']". Use dots between member names, and brackets for indices and for keys with special characters.`);
  }
  return path;
}

/** Structural syntax problems of a JSON path, or undefined. */
function jsonPathSyntaxProblem(path: string): string | undefined {
  let i = 0;
  // What must come next: a member (at the start or after '.'), or anything.
  let needMember = true;
  if (path.startsWith('$')) {
    i = 1;
    needMember = false;
  }
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      if (needMember) {
        return `a member name is missing before '.' at position ${i}`;
      }
      const recursive = path[i + 1] === '.';
      i += recursive ? 2 : 1;
      if (i >= path.length) {
        return `it ends with '${recursive ? '..' : '.'}'; a member name must follow`;
      }
      if (path[i] === '.' || (path[i] === '[' && !recursive)) {
        return `'${path[i]}' at position ${i} cannot follow '.'; write a member name after it (or use [..] without the dot)`;
      }
      needMember = true;
      continue;
    }
    if (c === '[') {
      const end = closingBracket(path, i);
      if (typeof end === 'string') {
        return end;
      }
      const inner = path.slice(i + 1, end).trim();
      if (inner.length === 0) {
        return `empty brackets at position ${i}; put an index ([0]), a quoted key (['name']) or * inside`;
      }
      if (inner.startsWith('?(') || inner.startsWith('(')) {
        const scriptProblem = scriptExpressionProblem(inner);
        if (scriptProblem !== undefined) {
          return `the expression [${inner}] at position ${i} does not parse (${scriptProblem})`;
        }
      }
      if ((inner.startsWith("'") || inner.startsWith('"')) && !/^(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")(?:\s*,\s*(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"))*$/.test(inner)) {
        return `the quoted key [${inner}] at position ${i} is malformed`;
      }
      i = end + 1;
      needMember = false;
      continue;
    }
    if (c === ']' || c === ')') {
      return `unbalanced '${c}' at position ${i}`;
    }
    if (c === '(' || c === "'" || c === '"') {
      return `'${c}' at position ${i} is only allowed inside brackets (for example ['key'] or [?(@.x > 1)])`;
    }
    // A member name: up to the next '.' or '['.
    let j = i;
    while (j < path.length && !'.[]()\'"'.includes(path[j])) {
      j++;
    }
    const member = path.slice(i, j);
    if (/\s/.test(member)) {
      return `the member '${member}' at position ${i} contains white space; write it as a quoted key (['${member.trim()}'])`;
    }
    i = j;
    needMember = false;
  }
  if (needMember) {
    return 'it names no member';
  }
  return undefined;
}

/** The index of the ']' that closes the '[' at `open` (quotes and nested brackets or parentheses respected), or a problem. */
function closingBracket(path: string, open: number): number | string {
  const stack: string[] = [];
  let quote: string | undefined;
  for (let i = open + 1; i < path.length; i++) {
    const c = path[i];
    if (quote !== undefined) {
      if (c === '\\') {
        i++;
      } else if (c === quote) {
        quote = undefined;
      }
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '(' || c === '[') {
      stack.push(c === '(' ? ')' : ']');
    } else if (c === ')' || c === ']') {
      if (stack.length === 0) {
        if (c === ']') {
          return i;
        }
        return `unbalanced ')' at position ${i}`;
      }
      const expected = stack.pop();
      if (expected !== c) {
        return `'${c}' at position ${i} closes '${expected === ')' ? '(' : '['}'`;
      }
    }
  }
  if (quote !== undefined) {
    return `unclosed quote ${quote} in the brackets opened at position ${open}`;
  }
  return `unclosed '[' at position ${open}`;
}

/**
 * The syntax error jsonpath-plus reports for a filter or script expression, or undefined. The
 * expression is evaluated once, safely (no `eval`), on an empty object; errors raised while
 * evaluating rather than parsing (`jsonPath: ...`, such as a missing member) are not syntax errors.
 */
function scriptExpressionProblem(expression: string): string | undefined {
  try {
    JSONPath({ path: `$[${expression}]`, json: [{}], wrap: true, eval: 'safe' });
    return undefined;
  } catch (e) {
    const message = (e as Error).message;
    return message.startsWith('jsonPath:') ? undefined : message;
  }
}

/**
 * The `Std:Join` a JsonGet S3 URI renders as: a Join is kept, anything else wrapped in one; a
 * single-value Join with no separator inside it (a number parameter made a string) is replaced by
 * its value. Members other than literals, parameters, execution variables, step properties and
 * CloudFormation values are a problem.
 */
function s3UriJoin(rendered: unknown): { join: Record<string, unknown>; problem?: string } {
  const isJoin = (v: unknown): v is { 'Std:Join': { On: string; Values: unknown[] } } =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && 'Std:Join' in v;
  const body = isJoin(rendered) ? rendered['Std:Join'] : { On: '', Values: [rendered] };
  let problem: string | undefined;
  const values = body.Values.map((value) => {
    const flat = isJoin(value) && value['Std:Join'].On === '' && value['Std:Join'].Values.length === 1 ? value['Std:Join'].Values[0] : value;
    if (typeof flat === 'object' && flat !== null && !Tokenization.isResolvable(flat)) {
      const get = (flat as { Get?: unknown }).Get;
      const allowed = Object.keys(flat).length === 1 && typeof get === 'string' && /^(Parameters|Execution|Steps)\./.test(get) && !get.includes('.PropertyFiles.');
      if (!allowed && problem === undefined) {
        problem = `the S3 URI may only join literals, parameters, execution variables and step properties (the service requires a Std:Join of those); it contains ${JSON.stringify(flat)}. Read that value in an earlier step or pass it through a parameter.`;
      }
    }
    return flat;
  });
  return { join: { 'Std:Join': { On: body.On, Values: values } }, problem };
}

class JsonGetPropertyFileExpression extends Expression {
  public readonly kind = 'Unknown' as const;

  constructor(private readonly propertyFile: PropertyFile, private readonly path: string) {
    super();
  }

  public render(context: IRenderContext): unknown {
    const step = this.propertyFile.step;
    const name = this.propertyFile.propertyFileName;
    if (step === undefined) {
      context.addProblem(`JsonGet reads property file '${name}', which is not declared on any step. Add it to the producing ProcessingStep's propertyFiles.`);
      return { 'Std:JsonGet': { PropertyFile: { Get: `Steps.<undeclared>.PropertyFiles.${name}` }, Path: this.path } };
    }
    const stepType = (step as IStepLike & { stepType?: string }).stepType;
    if (stepType !== undefined && stepType !== 'Processing') {
      context.addProblem(`JsonGet reads property file '${name}' declared on ${step.node.path}, a ${stepType} step; the service reads property files of Processing steps only. Declare the file on a ProcessingStep's propertyFiles.`);
    }
    context.addStepReference(step);
    return { 'Std:JsonGet': { PropertyFile: { Get: `Steps.${step.stepName}.PropertyFiles.${name}` }, Path: this.path } };
  }
}

class JsonGetS3Expression extends Expression {
  public readonly kind = 'Unknown' as const;

  constructor(private readonly s3Uri: string, private readonly path: string) {
    super();
  }

  public render(context: IRenderContext): unknown {
    const uri = Renderer.render(this.s3Uri);
    for (const step of uri.stepReferences) {
      context.addStepReference(step);
      // The service does not order the reader after the writer of an S3 file: DependsOn does.
      context.addImplicitDependency(step);
    }
    uri.implicitDependencies.forEach((step) => context.addImplicitDependency(step));
    uri.parameterReferences.forEach((parameter) => context.addParameterReference(parameter));
    uri.problems.forEach((problem) => context.addProblem(problem));
    const { join, problem } = s3UriJoin(uri.value);
    if (problem !== undefined) {
      context.addProblem(`JsonGet.fromS3Uri: ${problem}`);
    }
    return { 'Std:JsonGet': { S3Uri: join, Path: this.path } };
  }
}
