import { Annotations, Duration, IResolvable, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { CacheableStepProps, Step } from './step';
import { ExpressionKind, IStepLike } from '../private/expression';
import { StepPropertyReference } from '../properties';

/** The service's limit on the output parameters of a Lambda or Callback step. */
const MAX_OUTPUTS = 50;

/** How long a Lambda step may run before the service fails it, whatever the function's own timeout. */
const LAMBDA_STEP_LIMIT = Duration.minutes(10);

/**
 * The type of a Lambda (or Callback) step output (`OutputParameters[].OutputType`).
 */
export enum LambdaOutputType {
  /** A string; read as a string token. */
  STRING = 'String',
  /** An integer; read as a number token. */
  INTEGER = 'Integer',
  /** A floating-point number; read as a number token. */
  FLOAT = 'Float',
  /** A boolean; read as an `IResolvable` (use it in conditions). */
  BOOLEAN = 'Boolean',
}

/**
 * An output of a Lambda step: a key of the object the function returns (`OutputParameters[]`).
 */
export interface LambdaOutput {
  /**
   * Name of the output: the key of the function's returned object, unique within the step. Later
   * steps read it as `step.properties.Outputs['<name>']` (`OutputParameters['<name>']`).
   */
  readonly outputName: string;
  /**
   * Type of the value. It decides the TypeScript type of the property: String gives a string token,
   * Integer and Float a number token, Boolean an `IResolvable`.
   * @default LambdaOutputType.STRING
   */
  readonly outputType?: LambdaOutputType;
}

/** The TypeScript type of an output's value for its declared `outputType`. */
export type OutputValueOf<T extends LambdaOutputType | undefined> =
  T extends LambdaOutputType.INTEGER | LambdaOutputType.FLOAT ? number
    : T extends LambdaOutputType.BOOLEAN ? IResolvable
      : string;

/**
 * The outputs of a Lambda or Callback step, keyed by output name and typed by output type. With the
 * outputs written inline in the props, each name is a key of its own type; with outputs built
 * elsewhere (names widened to `string`), values are `string | number | IResolvable`.
 */
export type OutputsOf<T extends readonly LambdaOutput[]> = {
  readonly [O in T[number] as O['outputName']]: OutputValueOf<O['outputType']>;
};

/**
 * The properties of a Lambda or Callback step: its declared outputs.
 */
export interface OutputStepProperties<T extends readonly LambdaOutput[]> {
  /**
   * The declared outputs: `Outputs['train_path']` renders `{"Get": "Steps.<step>.OutputParameters['train_path']"}`
   * and makes the reading step run after this one. A name that was not declared is reported at synth.
   */
  readonly Outputs: OutputsOf<T>;
}

/**
 * Props of a {@link LambdaStep}.
 */
export interface LambdaStepProps<T extends readonly LambdaOutput[] = readonly LambdaOutput[]> extends CacheableStepProps {
  /**
   * The function to invoke: one defined in the app, or an imported one
   * (`lambda.Function.fromFunctionArn`). The pipeline role is allowed `lambda:InvokeFunction` on
   * exactly this ARN. The service fails the step after 10 minutes, whatever the function's timeout.
   */
  readonly function: lambda.IFunction;
  /**
   * The event the function receives (`Arguments`). Values may be literals, parameters, step
   * properties or concatenations (rendered as `Std:Join`).
   * @default {} (an empty event)
   */
  readonly inputs?: Record<string, string | number | boolean>;
  /**
   * Keys of the function's returned object that later steps read (at most 50, names unique).
   * @default [] (no outputs)
   */
  readonly outputs?: T;
}

/**
 * A step that invokes an AWS Lambda function (`Type: Lambda`). It accepts caching but no retry
 * policies, and its properties are the declared outputs:
 *
 * ```ts
 * const prep = new LambdaStep(pipeline, 'Prep', {
 *   function: fn,
 *   inputs: { source: inputData.valueAsString },
 *   outputs: [{ outputName: 'train_path' }, { outputName: 'rows', outputType: LambdaOutputType.INTEGER }],
 * });
 * TrainingInput.s3('train', prep.properties.Outputs.train_path); // a string token
 * prep.output('rows');                                         // a number token
 * ```
 */
export class LambdaStep<const T extends readonly LambdaOutput[] = readonly LambdaOutput[]> extends Step {
  /** @inheritdoc */
  public readonly stepType = 'Lambda';
  /** The step's properties: its declared outputs. */
  public readonly properties: OutputStepProperties<T>;
  /** The function the step invokes. */
  public readonly function: lambda.IFunction;

  private readonly inputs: Record<string, string | number | boolean>;
  private readonly outputs: readonly LambdaOutput[];

  constructor(scope: Construct, id: string, props: LambdaStepProps<T>) {
    super(scope, id, props, { retry: 'none', cache: true });
    if (props.function === undefined || props.function === null || typeof props.function.functionArn !== 'string') {
      throw new Error(`LambdaStep ${this.node.path}: function must be a lambda.IFunction; received ${String(props.function)}. Pass a function of the app or lambda.Function.fromFunctionArn(this, 'Fn', arn).`);
    }
    this.function = props.function;
    this.inputs = _checkInputs(this, props.inputs ?? {});
    this.outputs = _checkOutputs(this, props.outputs ?? []);
    this.properties = { Outputs: _createOutputTree(this, this.outputs) as OutputsOf<T> };

    // Exactly the ARN the step invokes: the unqualified ARN of a function of the app, or the ARN
    // (possibly with a version or alias) of an imported one. No `:*`, since the step never invokes
    // another version.
    this.pipeline._grantPipelineRole(['lambda:InvokeFunction'], [this.function.functionArn]);
    this.warnOnLongTimeout();
  }

  /**
   * The declared output `name`, typed by its `outputType`: the same value as `properties.Outputs[name]`.
   * Throws if the step declares no output of that name.
   */
  public output<K extends keyof OutputsOf<T> & string>(name: K): OutputsOf<T>[K] {
    return _declaredOutput(this, this.outputs, this.properties.Outputs as Record<string, unknown>, name) as OutputsOf<T>[K];
  }

  protected renderArguments(): Record<string, unknown> {
    return { ...this.inputs };
  }

  protected renderExtraKeys(): Record<string, unknown> {
    return {
      FunctionArn: this.function.functionArn,
      OutputParameters: _renderOutputs(this.outputs),
    };
  }

  private warnOnLongTimeout(): void {
    const timeout = _functionTimeout(this.function);
    if (timeout !== undefined && timeout > LAMBDA_STEP_LIMIT.toSeconds()) {
      Annotations.of(this).addWarningV2('cdk-sagemaker-pipelines:lambdaStepTimeout',
        `function ${this.function.node.path} has a timeout of ${timeout} seconds, but SageMaker fails a Lambda step after ${LAMBDA_STEP_LIMIT.toSeconds()} seconds (10 minutes) even if the function is still running. Lower the function's timeout to at most 10 minutes, or run longer work in a ProcessingStep or behind a CallbackStep.`);
    }
  }
}

/** @internal The timeout of a function defined in this app, in seconds, if it is known at synth. */
export function _functionTimeout(fn: lambda.IFunction): number | undefined {
  if (fn instanceof lambda.Function && fn.timeout !== undefined && !Token.isUnresolved(fn.timeout.toSeconds())) {
    return fn.timeout.toSeconds();
  }
  const cfn = fn.node.defaultChild;
  if (cfn instanceof lambda.CfnFunction && typeof cfn.timeout === 'number' && !Token.isUnresolved(cfn.timeout)) {
    return cfn.timeout;
  }
  return undefined;
}

/** @internal checks the `inputs` of a Lambda or Callback step */
export function _checkInputs(step: Step, inputs: Record<string, string | number | boolean>): Record<string, string | number | boolean> {
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
    throw new Error(`${step.constructor.name} ${step.node.path}: inputs must be an object of names to values; received ${Array.isArray(inputs) ? 'an array' : String(inputs)}. Pass e.g. { source: 's3://bucket/raw.csv' }.`);
  }
  for (const [name, value] of Object.entries(inputs)) {
    if (Token.isUnresolved(name)) {
      throw new Error(`${step.constructor.name} ${step.node.path}: input names must be literal strings; received a token (${name}). Use a fixed name and put the value in the input's value.`);
    }
    const type = typeof value;
    if (type !== 'string' && type !== 'number' && type !== 'boolean') {
      throw new Error(`${step.constructor.name} ${step.node.path}: input '${name}' must be a string, number or boolean (or an expression token); received ${value === null ? 'null' : type}. Pass a JSON string (JSON.stringify) for structured values.`);
    }
  }
  return { ...inputs };
}

/** @internal checks the `outputs` of a Lambda or Callback step */
export function _checkOutputs(step: Step, outputs: readonly LambdaOutput[]): readonly LambdaOutput[] {
  const kind = step.constructor.name;
  if (!Array.isArray(outputs)) {
    throw new Error(`${kind} ${step.node.path}: outputs must be a list of { outputName, outputType }; received ${String(outputs)}.`);
  }
  if (outputs.length > MAX_OUTPUTS) {
    throw new Error(`${kind} ${step.node.path}: a step has at most ${MAX_OUTPUTS} outputs; received ${outputs.length}. Return fewer values, or combine them into one JSON string output.`);
  }
  const seen = new Set<string>();
  const types = Object.values(LambdaOutputType) as string[];
  for (const output of outputs) {
    const name = output?.outputName;
    if (typeof name !== 'string' || Token.isUnresolved(name) || name.length === 0) {
      throw new Error(`${kind} ${step.node.path}: every output needs a literal, non-empty outputName; received ${JSON.stringify(name) ?? String(name)}.`);
    }
    if (name.includes("'")) {
      throw new Error(`${kind} ${step.node.path}: output name '${name}' contains a single quote, which the service's property paths (OutputParameters['<name>']) cannot express; choose another name.`);
    }
    if (seen.has(name)) {
      throw new Error(`${kind} ${step.node.path}: outputName '${name}' is declared twice; output names must be unique within the step (declared: ${outputs.map((o) => o.outputName).join(', ')}). Remove the duplicate, or rename one to match another key of the function's result.`);
    }
    seen.add(name);
    if (output.outputType !== undefined && !types.includes(output.outputType)) {
      throw new Error(`${kind} ${step.node.path}: output '${name}' has outputType '${String(output.outputType)}'; use LambdaOutputType.STRING, INTEGER, FLOAT or BOOLEAN.`);
    }
  }
  return outputs.map((o) => ({ outputName: o.outputName, outputType: o.outputType ?? LambdaOutputType.STRING }));
}

/** @internal the `OutputParameters` of a Lambda or Callback step */
export function _renderOutputs(outputs: readonly LambdaOutput[]): Array<Record<string, string>> {
  return outputs.map((o) => ({ OutputName: o.outputName, OutputType: o.outputType ?? LambdaOutputType.STRING }));
}

/**
 * @internal
 * The `Outputs` tree of a Lambda or Callback step: one typed token per declared output; any other
 * name gives a token that reports the mistake at synth.
 */
export function _createOutputTree(step: IStepLike, outputs: readonly LambdaOutput[]): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  for (const output of outputs) {
    tree[output.outputName] = outputToken(step, output.outputName, (output.outputType ?? LambdaOutputType.STRING) as ExpressionKind);
  }
  const declared = outputs.map((o) => o.outputName);
  return new Proxy(tree, {
    get(target, prop) {
      if (typeof prop !== 'string' || prop in target || PROBED.has(prop)) {
        return Reflect.get(target, prop);
      }
      return Token.asString(new StepPropertyReference(step, `OutputParameters['${prop}']`, 'Unknown', undeclaredMessage(step, prop, declared)));
    },
  });
}

/** @internal the declared output `name`, or an error naming the declared ones */
export function _declaredOutput(step: IStepLike, outputs: readonly LambdaOutput[], tree: Record<string, unknown>, name: string): unknown {
  if (!outputs.some((o) => o.outputName === name)) {
    throw new Error(undeclaredMessage(step, name, outputs.map((o) => o.outputName)));
  }
  return tree[name];
}

/** Names that JavaScript tooling probes on objects (promises, jest, inspect, JSON) are not outputs. */
const PROBED = new Set(['then', 'toJSON', 'constructor', 'asymmetricMatch', 'nodeType', 'tagName', '$$typeof', 'toString', 'valueOf', 'inspect', '@@__IMMUTABLE_ITERABLE__@@', '@@__IMMUTABLE_RECORD__@@']);

function outputToken(step: IStepLike, name: string, kind: ExpressionKind): unknown {
  const reference = new StepPropertyReference(step, `OutputParameters['${name}']`, kind);
  switch (kind) {
    case 'Integer':
    case 'Float':
      return Token.asNumber(reference);
    case 'Boolean':
      return reference;
    default:
      return Token.asString(reference);
  }
}

function undeclaredMessage(step: IStepLike, name: string, declared: string[]): string {
  return `'${name}' is not an output of step ${step.stepName} (${step.node.path}); declared outputs: ${declared.length > 0 ? declared.join(', ') : 'none'}. Add { outputName: '${name}' } to the step's outputs or read a declared one.`;
}
