import { Duration, Token } from 'aws-cdk-lib';

/**
 * Failures of the pipeline service itself that a step retry policy can retry.
 */
export enum StepExceptionType {
  /** An internal error of the pipeline service (`Step.SERVICE_FAULT`). */
  SERVICE_FAULT = 'Step.SERVICE_FAULT',
  /** The pipeline service was throttled (`Step.THROTTLING`). */
  THROTTLING = 'Step.THROTTLING',
}

/**
 * Failures of the SageMaker job a step launched that a job retry policy can retry.
 */
export enum SageMakerJobExceptionType {
  /** The job failed with an internal error (`SageMaker.JOB_INTERNAL_ERROR`). */
  JOB_INTERNAL_ERROR = 'SageMaker.JOB_INTERNAL_ERROR',
  /** Not enough capacity for the job's instances (`SageMaker.CAPACITY_ERROR`). */
  CAPACITY_ERROR = 'SageMaker.CAPACITY_ERROR',
  /** An account resource limit was reached (`SageMaker.RESOURCE_LIMIT`). */
  RESOURCE_LIMIT = 'SageMaker.RESOURCE_LIMIT',
}

/**
 * How often and how long a retry policy retries.
 *
 * The service takes either a number of attempts or a time limit; giving both is an error (the
 * developer guide says to use one or the other), giving neither leaves the service default.
 */
export interface RetryOptions {
  /**
   * Wait before the first retry (`IntervalSeconds`), 1 second to 12 hours.
   * @default Duration.seconds(1)
   */
  readonly interval?: Duration;
  /**
   * Multiplier of the wait between attempts (`BackoffRate`).
   * @default 2
   */
  readonly backoffRate?: number;
  /**
   * Maximum number of attempts (`MaxAttempts`), 1-20. Exclusive with `expireAfter`.
   * @default - the service default (5 attempts), unless `expireAfter` is set
   */
  readonly maxAttempts?: number;
  /**
   * Stop retrying after this long (`ExpireAfterMin`), in whole minutes, at most 14,400 minutes.
   * Exclusive with `maxAttempts`.
   * @default - no time limit
   */
  readonly expireAfter?: Duration;
}

/**
 * Props of a step retry policy.
 */
export interface StepRetryPolicyProps extends RetryOptions {
  /** Which service failures to retry (at least one). */
  readonly exceptionTypes: StepExceptionType[];
}

/**
 * Props of a SageMaker job retry policy.
 */
export interface SageMakerJobRetryPolicyProps extends RetryOptions {
  /** Which job failures to retry (at least one). */
  readonly exceptionTypes: SageMakerJobExceptionType[];
}

/**
 * A retry policy of a step (`RetryPolicies`).
 *
 * `RetryPolicy.step` retries failures of the pipeline service; `RetryPolicy.sageMakerJob` retries
 * failures of the job the step launched, and is accepted only by steps that launch SageMaker jobs.
 * Options out of range are refused by the step the policy is given to, with the step's construct
 * path and the policy's place in `retryPolicies`.
 */
export abstract class RetryPolicy {
  /** Retry failures of the pipeline service (`Step.SERVICE_FAULT`, `Step.THROTTLING`). */
  public static step(props: StepRetryPolicyProps): RetryPolicy {
    return new ConcreteRetryPolicy('step', props.exceptionTypes, props, Object.values(StepExceptionType));
  }

  /** Retry failures of the SageMaker job the step launched. */
  public static sageMakerJob(props: SageMakerJobRetryPolicyProps): RetryPolicy {
    return new ConcreteRetryPolicy('sageMakerJob', props.exceptionTypes, props, Object.values(SageMakerJobExceptionType));
  }

  /** `step` or `sageMakerJob`. */
  public abstract readonly policyKind: 'step' | 'sageMakerJob';

  /**
   * @internal
   * What is wrong with the options, reported by the step the policy is given to (with its construct
   * path) rather than thrown where the policy is created, inside the step's props.
   */
  public abstract readonly _problems: string[];

  /** @internal the `RetryPolicies` entry */
  public abstract _render(): Record<string, unknown>;
}

class ConcreteRetryPolicy extends RetryPolicy {
  /** @internal */
  public readonly _problems: string[] = [];
  private readonly rendered: Record<string, unknown>;

  constructor(public readonly policyKind: 'step' | 'sageMakerJob', exceptionTypes: readonly string[], options: RetryOptions, allowed: readonly string[]) {
    super();
    const factory = `RetryPolicy.${policyKind}`;
    const problem = (message: string): void => {
      this._problems.push(message);
    };
    if (!Array.isArray(exceptionTypes) || exceptionTypes.length === 0) {
      problem(`${factory} needs at least one exception type; choose from ${allowed.join(', ')}.`);
    }
    for (const type of Array.isArray(exceptionTypes) ? exceptionTypes : []) {
      if (!allowed.includes(type)) {
        problem(`${factory} does not retry '${type}'; it accepts ${allowed.join(', ')}.`);
      }
    }
    const intervalSeconds = options.interval?.toSeconds() ?? 1;
    if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1 || intervalSeconds > 43200) {
      problem(`${factory} interval must be whole seconds between 1 second and 12 hours; received ${intervalSeconds} seconds.`);
    }
    const backoffRate = options.backoffRate ?? 2;
    if (Token.isUnresolved(backoffRate) || !Number.isFinite(backoffRate) || backoffRate < 0) {
      problem(`${factory} backoffRate must be a number of at least 0; received ${backoffRate}. Use e.g. backoffRate: 2 (each wait twice the previous), or omit it for the default.`);
    }
    if (options.maxAttempts !== undefined && options.expireAfter !== undefined) {
      problem(`${factory} takes maxAttempts or expireAfter, not both (the service stops at whichever it is given); remove one.`);
    }
    if (options.maxAttempts !== undefined && (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1 || options.maxAttempts > 20)) {
      problem(`${factory} maxAttempts must be an integer from 1 to 20; received ${options.maxAttempts}. Use an integer in that range, e.g. maxAttempts: ${Math.min(20, Math.max(1, Math.round(Number(options.maxAttempts)) || 1))}, or use expireAfter to retry for a length of time instead.`);
    }
    let expireAfterMin: number | undefined;
    if (options.expireAfter !== undefined) {
      expireAfterMin = options.expireAfter.toMinutes();
      if (expireAfterMin < 0 || expireAfterMin > 14400) {
        problem(`${factory} expireAfter must be at most 14,400 minutes (10 days); received ${expireAfterMin} minutes.`);
      }
    }
    this.rendered = {
      ExceptionType: Array.isArray(exceptionTypes) ? [...exceptionTypes] : [],
      IntervalSeconds: intervalSeconds,
      BackoffRate: backoffRate,
      ...(options.maxAttempts !== undefined ? { MaxAttempts: options.maxAttempts } : {}),
      ...(expireAfterMin !== undefined ? { ExpireAfterMin: expireAfterMin } : {}),
    };
  }

  /** @internal */
  public _render(): Record<string, unknown> {
    return this.rendered;
  }
}
