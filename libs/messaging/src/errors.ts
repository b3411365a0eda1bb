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

/**
 * True unless the error says `retriable: false`. Unknown errors are retried: a bounded number of
 * attempts costs little, while dead-lettering a message because a pool was briefly exhausted
 * would make an operator replay it by hand.
 */
export function isRetriable(error: unknown): boolean {
  return !(
    typeof error === 'object' &&
    error !== null &&
    (error as { retriable?: unknown }).retriable === false
  );
}

/** The class name of an error, for metrics labels and DLQ provenance. */
export function errorClassOf(error: unknown): string {
  if (error instanceof Error)
    return error.name && error.name !== 'Error' ? error.name : error.constructor.name;
  return typeof error;
}
