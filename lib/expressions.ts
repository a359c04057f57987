import { Token } from 'aws-cdk-lib';
import { Expression, GetExpression, IRenderContext, IStepLike, JoinExpression } from './private/expression';

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
   * @param values literals, parameters, execution variables, step properties or other expressions
   * @param separator text placed between the values (`On`). Default: the empty string.
   */
  public static of(values: ReadonlyArray<string | number | boolean>, separator: string = ''): string {
    if (values.length === 0) {
      throw new Error('Join.of needs at least one value; received an empty list. Pass the values to join, e.g. Join.of(["s3:/", bucket, key], "/").');
    }
    if (Token.isUnresolved(separator)) {
      throw new Error(`Join.of separator must be literal text; received the token ${separator}. The service evaluates "On" as a fixed string.`);
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
      throw new Error(`PropertyFile name must be 1-64 characters of A-Z, a-z, 0-9, - and _; received '${props.propertyFileName}'.`);
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
    return Token.asString(new JsonGetPropertyFileExpression(propertyFile, checkJsonPath(path)));
  }

  private constructor() {}
}

function checkJsonPath(path: string): string {
  if (path.trim().length === 0) {
    throw new Error('JsonGet path must not be empty; pass the JSON path of the value, for example "regression_metrics.mse.value".');
  }
  return path;
}

class JsonGetPropertyFileExpression extends Expression {
  public readonly kind = 'Unknown' as const;

  constructor(private readonly propertyFile: PropertyFile, private readonly path: string) {
    super();
  }

  public render(context: IRenderContext): unknown {
    const step = this.propertyFile.step;
    if (step === undefined) {
      context.addProblem(`JsonGet reads property file '${this.propertyFile.propertyFileName}', which is not declared on any step. Add it to the producing ProcessingStep's propertyFiles.`);
      return { 'Std:JsonGet': { PropertyFile: { Get: `Steps.<undeclared>.PropertyFiles.${this.propertyFile.propertyFileName}` }, Path: this.path } };
    }
    context.addStepReference(step);
    return { 'Std:JsonGet': { PropertyFile: { Get: `Steps.${step.stepName}.PropertyFiles.${this.propertyFile.propertyFileName}` }, Path: this.path } };
  }
}
