import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** The HTTP header a correlation id travels in, in and out. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';

// One store per process on purpose: the id must be visible to every logger and producer that
// runs inside a request or message handler, whichever module created them. It holds no resource.
const store = new AsyncLocalStorage<string>();

/**
 * Runs `fn` with `id` as the current correlation id: every log line written inside it, however
 * deep and however asynchronous, carries `correlation_id`. Returns what `fn` returns.
 */
export function withCorrelationId<T>(id: string, fn: () => T): T {
  return store.run(id, fn);
}

/** The correlation id of the request or message being handled, if any. */
export function currentCorrelationId(): string | undefined {
  return store.getStore();
}

// Ids come from clients: bound their size and alphabet so one cannot inject log lines or blow up
// log storage through the header.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The id to use for an incoming request or message: the caller's if it is acceptable (1-128 of
 * `A-Z a-z 0-9 . _ : -`), otherwise a new UUID.
 */
export function correlationIdFrom(received: string | string[] | undefined): string {
  const candidate = Array.isArray(received) ? received[0] : received;
  return candidate !== undefined && ACCEPTABLE_ID.test(candidate) ? candidate : randomUUID();
}
