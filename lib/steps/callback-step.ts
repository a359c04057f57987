import { Token } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  _checkInputs, _checkOutputs, _createOutputTree, _declaredOutput, _renderOutputs, LambdaOutput, LambdaOutputType, OutputsOf, OutputStepProperties,
} from './lambda-step';
import { CacheableStepProps, Step } from './step';
import { queueArnOfUrl } from '../private/step-grants';

/** An output of a Callback step: a value the callback's `SendPipelineExecutionStepSuccess` reports. */
export type CallbackOutput = LambdaOutput;
/** The type of a Callback step output; the same values as {@link LambdaOutputType}. */
export const CallbackOutputType = LambdaOutputType;
/** The type of a Callback step output; the same values as {@link LambdaOutputType}. */
export type CallbackOutputType = LambdaOutputType;

/**
 * Props of a {@link CallbackStep}. Give exactly one of `queue` and `queueUrl`.
 */
export interface CallbackStepProps<T extends readonly CallbackOutput[] = readonly CallbackOutput[]> extends CacheableStepProps {
  /**
   * The queue that receives the callback message (`{"token", "pipelineExecutionArn", "arguments"}`).
   * The pipeline role is allowed `sqs:SendMessage` on it, and `kms:GenerateDataKey` and
   * `kms:Decrypt` on its key when it has a customer-managed one (`queue.encryptionMasterKey`).
   * @default - `queueUrl` must be given
   */
  readonly queue?: sqs.IQueue;
  /**
   * The URL of the queue, `https://sqs.<region>.amazonaws.com/<account>/<name>`, when you have no
   * `IQueue`. It must be a literal, so that the queue's ARN can be derived for the grant; a queue
   * encrypted with a customer-managed KMS key needs `queue` instead (with its `keyArn`, e.g. through
   * `sqs.Queue.fromQueueAttributes`), so that the key is granted too.
   * @default - `queue` must be given
   */
  readonly queueUrl?: string;
  /**
   * The `arguments` of the callback message (`Arguments`). Values may be literals, parameters, step
   * properties or concatenations (rendered as `Std:Join`).
   */
  readonly inputs: Record<string, string | number | boolean>;
  /**
   * The output parameters the callback reports (at most 50, names unique). Later steps read them as
   * `step.properties.Outputs['<name>']`.
   * @default [] (no outputs)
   */
  readonly outputs?: T;
}

/**
 * A step that sends a message with a callback token to an SQS queue and waits until something
 * reports `SendPipelineExecutionStepSuccess` or `SendPipelineExecutionStepFailure` for the token
 * (`Type: Callback`). It accepts caching but no retry policies. {@link CallbackHandler} provides a
 * queue and a Lambda function that runs your code and reports the result.
 */
export class CallbackStep<const T extends readonly CallbackOutput[] = readonly CallbackOutput[]> extends Step {
  /** @inheritdoc */
  public readonly stepType = 'Callback';
  /** The step's properties: its declared outputs. */
  public readonly properties: OutputStepProperties<T>;
  /** The URL of the queue the callback message goes to. */
  public readonly queueUrl: string;

  private readonly inputs: Record<string, string | number | boolean>;
  private readonly outputs: readonly CallbackOutput[];

  constructor(scope: Construct, id: string, props: CallbackStepProps<T>) {
    super(scope, id, props, { retry: 'none', cache: true });
    if (props.queue !== undefined && props.queueUrl !== undefined) {
      throw new Error(`CallbackStep ${this.node.path}: give either queue or queueUrl, not both; received queue ${props.queue.node.path} and queueUrl '${props.queueUrl}'. Remove queueUrl.`);
    }
    if (props.inputs === undefined) {
      throw new Error(`CallbackStep ${this.node.path}: inputs is required (the service requires Arguments on a Callback step); pass the values the callback needs, or {} for none.`);
    }
    this.inputs = _checkInputs(this, props.inputs);
    this.outputs = _checkOutputs(this, props.outputs ?? []);
    this.properties = { Outputs: _createOutputTree(this, this.outputs) as OutputsOf<T> };

    if (props.queue !== undefined) {
      this.queueUrl = props.queue.queueUrl;
      this.pipeline._grantPipelineRole(['sqs:SendMessage'], [props.queue.queueArn]);
      const key = props.queue.encryptionMasterKey;
      if (key !== undefined) {
        this.pipeline._grantPipelineRole(['kms:GenerateDataKey', 'kms:Decrypt'], [key.keyArn]);
      }
    } else if (props.queueUrl !== undefined) {
      this.queueUrl = props.queueUrl;
      this.pipeline._grantPipelineRole(['sqs:SendMessage'], [queueArnFromUrl(this, props.queueUrl)]);
    } else {
      throw new Error(`CallbackStep ${this.node.path}: give queue (an sqs.IQueue, e.g. a CallbackHandler's queue) or queueUrl; received neither.`);
    }
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
      SqsQueueUrl: this.queueUrl,
      OutputParameters: _renderOutputs(this.outputs),
    };
  }
}

/**
 * The ARN of the queue at `url`. Queue URL forms: `https://sqs.<region>.amazonaws.com[.cn]/<account>/<name>`
 * and the legacy `https://<region>.queue.amazonaws.com[.cn]/<account>/<name>`.
 */
function queueArnFromUrl(step: Step, url: string): string {
  if (Token.isUnresolved(url)) {
    throw new Error(`CallbackStep ${step.node.path}: queueUrl is a token (${url}), so the queue's ARN cannot be derived for the pipeline role's sqs:SendMessage grant. Pass queue instead (the sqs.Queue, or sqs.Queue.fromQueueArn(this, 'Queue', arn)).`);
  }
  const arn = queueArnOfUrl(url);
  if (arn === undefined) {
    throw new Error(`CallbackStep ${step.node.path}: queueUrl '${url}' is not an SQS queue URL; expected https://sqs.<region>.amazonaws.com/<account>/<queue name>. Pass the queue's URL, or queue (an sqs.IQueue).`);
  }
  return arn;
}
