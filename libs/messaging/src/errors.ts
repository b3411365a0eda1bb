import { causeChain } from '@platform/service-edge';
import { KafkaJSError } from 'kafkajs';
import { KafkaClientError } from './client/kafka-client';

/**
 * Errors a handler throws tell the runtime what to do through `retriable`, never through their
 * message text: false goes to the DLQ at once, anything else is retried with backoff.
 */
export class RetriableError extends Error {
  override readonly name: string = 'RetriableError';
  readonly retriable = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A failure no retry can fix (a rule broken by the message itself): straight to the DLQ. */
export class PermanentError extends Error {
  override readonly name: string = 'PermanentError';
  readonly retriable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const flag = (e: unknown, name: 'retriable' | 'unavailable'): unknown =>
  typeof e === 'object' && e !== null ? (e as Record<string, unknown>)[name] : undefined;

/**
 * True unless the error says `retriable: false`. Unknown errors are retried: a bounded number of
 * attempts costs little, while dead-lettering a message because a pool was briefly exhausted
 * would make an operator replay it by hand. A `retriable: false` wrapper of a retriable cause is
 * retriable too: kafkajs ends its own retries of a lost connection with a non-retriable error
 * whose cause is the connection error, and a broker that is down says nothing about the message.
 */
export function isRetriable(error: unknown): boolean {
  if (flag(error, 'retriable') !== false) return true;
  return causeChain(error).some((e) => flag(e, 'retriable') === true);
}

/**
 * A dependency the handler needs is down (its store, the broker it produces to), so the message
 * itself is not at fault. The runtime retries such failures for as long as the outage lasts,
 * without spending the record's attempts: an outage holds records back, it does not quarantine
 * healthy ones.
 */
export class DependencyUnavailableError extends RetriableError {
  override readonly name: string = 'DependencyUnavailableError';
  readonly unavailable = true;

  constructor(
    readonly dependency: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${dependency} is unavailable`, options);
  }
}

/**
 * Whether `error` means a dependency is down rather than that the record is bad: an error marked
 * `unavailable: true` (DependencyUnavailableError), or the Kafka client's retriable failures
 * (kafkajs's, also as the cause of its retries-exceeded error, and the port's KafkaClientError)
 * met when a handler produces. The default of RetryPolicy.isOutage.
 */
export function isUnavailable(error: unknown): boolean {
  for (const e of causeChain(error)) {
    if (flag(e, 'unavailable') === true) return true;
    if ((e instanceof KafkaJSError || e instanceof KafkaClientError) && e.retriable) return true;
  }
  return false;
}

/** The class name of an error, for metrics labels and DLQ provenance. */
export function errorClassOf(error: unknown): string {
  if (error instanceof Error)
    return error.name && error.name !== 'Error' ? error.name : error.constructor.name;
  return typeof error;
}
