import { setTimeout as sleep } from 'node:timers/promises';
import { decideAfterStartFailure, defaultStartBackoff, type StartBackoff } from './start-policy';

/** One failed attempt that will be tried again. */
export interface StartRetry {
  /** What is starting, e.g. `consumer group notification-events`. */
  part: string;
  attempt: number;
  reason: string;
  delayMs: number;
  error: unknown;
}

export interface RetryUntilStartedOptions {
  backoff?: StartBackoff;
  /** Aborted at shutdown: the wait ends at once and the call rejects with an AbortError. */
  signal: AbortSignal;
  /** Called after each failed attempt that will be tried again, before the wait. */
  onRetry: (retry: StartRetry) => void;
  random?: () => number;
}

/**
 * Runs `step` until it resolves, waiting out retriable failures with capped, jittered backoff
 * (see decideAfterStartFailure), and resolves with its value. Rejects with the error of a
 * non-retriable failure, or with an AbortError once `signal` is aborted.
 */
export async function retryUntilStarted<T>(
  part: string,
  step: () => Promise<T>,
  { backoff = defaultStartBackoff, signal, onRetry, random }: RetryUntilStartedOptions,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted();
    try {
      return await step();
    } catch (error) {
      signal.throwIfAborted();
      const decision = decideAfterStartFailure(error, attempt, backoff, random);
      if (decision.action === 'fail') throw error;
      onRetry({ part, attempt, reason: decision.reason, delayMs: decision.delayMs, error });
      await sleep(decision.delayMs, undefined, { signal });
    }
  }
}
