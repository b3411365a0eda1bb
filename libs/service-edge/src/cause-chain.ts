/** Causes followed at most: a cause chain is never a cycle we follow far. */
const MAX_CHAIN_LENGTH = 5;

/**
 * `error` and its causes (`error.cause`, its cause, ...), outermost first, at most five: what a
 * test for "is this an outage?" looks through, since drivers and clients wrap the socket error
 * that says so (kafkajs's retries-exceeded error, TypeORM's QueryFailedError, fetch's TypeError).
 */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e && chain.length < MAX_CHAIN_LENGTH; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
  }
  return chain;
}
