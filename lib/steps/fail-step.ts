import { Construct } from 'constructs';
import { Step, StepProps } from './step';
import { refusePropertyProblem } from '../private/expression';

/**
 * Props of a {@link FailStep}.
 */
export interface FailStepProps extends StepProps {
  /**
   * Why the execution failed (`ErrorMessage`): literal text, a parameter, a step property, or a
   * concatenation such as `` `MSE ${mse} is above the threshold` `` (rendered as `Std:Join`).
   * @default '' (an empty message)
   */
  readonly errorMessage?: string;
}

/**
 * A step that stops the execution with status `Failed` (`Type: Fail`). It takes no retry policies
 * or caching and has no properties.
 */
export class FailStep extends Step {
  /** @inheritdoc */
  public readonly stepType = 'Fail';
  private readonly errorMessage: string;

  constructor(scope: Construct, id: string, props: FailStepProps = {}) {
    super(scope, id, props, { retry: 'none', cache: false });
    refusePropertyProblem(() => `${this.node.path}: errorMessage`, props.errorMessage);
    if (props.errorMessage !== undefined && typeof props.errorMessage !== 'string') {
      throw new Error(`${this.node.path}: errorMessage must be a string or a string expression; received ${typeof props.errorMessage}. Pass text, e.g. String(value), or a Join.of([...]) / a parameter's valueAsString for a value known only at run time.`);
    }
    this.errorMessage = props.errorMessage ?? '';
  }

  protected renderArguments(): Record<string, unknown> {
    return { ErrorMessage: this.errorMessage };
  }
}
