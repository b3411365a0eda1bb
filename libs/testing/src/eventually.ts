import { setTimeout as delay } from 'node:timers/promises';

/** Bounds for {@link eventually}; times in milliseconds. */
export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Polls `probe` until it returns without throwing (and, when it returns a boolean, returns true),
 * then resolves with its value. After `timeoutMs` it rejects with the last failure, so a test
 * waits for a condition, never for a fixed time.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 100 }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== false) return value;
      lastError = new Error('condition returned false');
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`eventually: not met within ${timeoutMs} ms: ${reason}`, { cause: lastError });
    }
    await delay(intervalMs);
  }
}
