import { isUnavailable } from '../errors';

/** How a retryable failure is retried before the message goes to the DLQ. Times in ms. */
export interface RetryPolicy {
  /** Total attempts including the first one; 1 means no retry. */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Growth factor between attempts. */
  multiplier: number;
  /**
   * Failures that mean a dependency is down, not that the record is bad: retried for as long as
   * they last (backoff capped at maxBackoffMs) without spending maxAttempts. A group whose
   * handlers use a store passes a test for that store's outages too (e.g. isMongoUnavailable).
   */
  isOutage: (error: unknown) => boolean;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  initialBackoffMs: 200,
  maxBackoffMs: 10_000,
  multiplier: 2,
  isOutage: isUnavailable,
};

/**
 * The wait before attempt `attempt + 1`, after `attempt` failures: exponential, capped, with
 * "full jitter" in [50%, 100%] of the step so that many keys failing together (a store going
 * down) do not retry in lockstep: the retry storm is spread, and bounded by maxAttempts.
 */
export function backoffMs(
  policy: Pick<RetryPolicy, 'initialBackoffMs' | 'maxBackoffMs' | 'multiplier'>,
  attempt: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.multiplier ** (attempt - 1));
  return Math.round(step * (0.5 + random() / 2));
}
