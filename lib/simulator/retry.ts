import type { InjectedFailure } from './options';
import { isObject } from '../validator/context';

/** The service's number of attempts when a retry policy sets neither MaxAttempts nor ExpireAfterMin. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/** One attempt of a step in a simulated execution. */
export interface SimulatedAttempt {
  /** 1-based attempt number. */
  readonly attempt: number;
  /** Seconds after the step's first attempt started at which this attempt started. */
  readonly startSeconds: number;
  /** How the attempt ended. */
  readonly status: 'Succeeded' | 'Failed';
  /**
   * Exception type of a failed attempt.
   * @default - the attempt succeeded
   */
  readonly exceptionType?: string;
  /**
   * Failure message of a failed attempt.
   * @default - the attempt succeeded
   */
  readonly failureReason?: string;
  /**
   * Seconds the service waits before the next attempt (IntervalSeconds x BackoffRate^(n-1)).
   * @default - no further attempt
   */
  readonly retryAfterSeconds?: number;
}

/** Whether attempt `n` (1-based) fails under `failure`. */
function failsOn(failure: InjectedFailure, n: number): boolean {
  if (failure.attempts === undefined) {
    return true;
  }
  if (typeof failure.attempts === 'number') {
    return n <= failure.attempts;
  }
  return failure.attempts.includes(n);
}

/**
 * Runs a step's attempts against its injected failures and its `RetryPolicies` (developer guide,
 * "Retry Policy"): a failed attempt is retried only by the first policy whose `ExceptionType` names
 * the failure's type; the wait before retry n is `IntervalSeconds * BackoffRate^(n-1)`; the policy
 * stops after `MaxAttempts` attempts (5 when neither limit is set) or when the next attempt would
 * start more than `ExpireAfterMin` after the first.
 */
export function runAttempts(policies: unknown, failures: readonly InjectedFailure[], durationSeconds: number): SimulatedAttempt[] {
  const list = Array.isArray(policies) ? policies.filter(isObject) : [];
  const attempts: SimulatedAttempt[] = [];
  const retriesByPolicy = new Map<number, number>();
  let clock = 0;
  for (let n = 1; ; n++) {
    const failure = failures.find((f) => failsOn(f, n));
    if (failure === undefined) {
      attempts.push({ attempt: n, startSeconds: clock, status: 'Succeeded' });
      return attempts;
    }
    const reason = failure.message ?? `${failure.exceptionType} (injected by the simulation)`;
    const index = list.findIndex((p) => Array.isArray(p.ExceptionType) && p.ExceptionType.includes(failure.exceptionType));
    const failed = { attempt: n, startSeconds: clock, status: 'Failed' as const, exceptionType: failure.exceptionType, failureReason: reason };
    if (index < 0) {
      attempts.push(failed);
      return attempts;
    }
    const policy = list[index];
    const retries = (retriesByPolicy.get(index) ?? 0) + 1;
    const interval = typeof policy.IntervalSeconds === 'number' ? policy.IntervalSeconds : 1;
    const backoff = typeof policy.BackoffRate === 'number' ? policy.BackoffRate : 2;
    const wait = interval * Math.pow(backoff, retries - 1);
    const maxAttempts = typeof policy.MaxAttempts === 'number' ? policy.MaxAttempts
      : typeof policy.ExpireAfterMin === 'number' ? Infinity : DEFAULT_MAX_ATTEMPTS;
    const next = clock + durationSeconds + wait;
    const expired = typeof policy.ExpireAfterMin === 'number' && next > policy.ExpireAfterMin * 60;
    // Attempts under this policy: the first one plus its retries so far.
    if (retries + 1 > maxAttempts || expired || n >= 1000) {
      attempts.push(failed);
      return attempts;
    }
    retriesByPolicy.set(index, retries);
    attempts.push({ ...failed, retryAfterSeconds: wait });
    clock = next;
  }
}
