/** Stable codes of every contract violation; dashboards and DLQ tooling group by them. */
export type ContractErrorCode =
  'CONTRACTS.INVALID_ENVELOPE' | 'CONTRACTS.UNKNOWN_EVENT' | 'CONTRACTS.INVALID_PAYLOAD';

/**
 * Root of every error this library throws, so that a consumer can route them with one
 * `instanceof ContractError`. A contract violation is permanent: the same bytes fail the same
 * way on every attempt, so they go straight to the DLQ instead of the retry topic.
 */
export abstract class ContractError extends Error {
  abstract readonly code: ContractErrorCode;
  readonly retriable = false;

  protected constructor(
    /** What is wrong, without the prefix of `message`; one `path: problem` per field. */
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The envelope names an event type, or a version of it, that this build does not know. An
 * unknown version usually means the consumer is deployed behind its producer: replay the
 * dead letter once the consumer is upgraded.
 */
export class UnknownEventError extends ContractError {
  override readonly name = 'UnknownEventError';
  override readonly code = 'CONTRACTS.UNKNOWN_EVENT';

  constructor(
    readonly eventType: string,
    /** Null when the type itself is unknown, so no version was asked for. */
    readonly version: number | null,
    reason: string,
  ) {
    super(reason, `unknown event ${eventType}${version === null ? '' : ` v${version}`}: ${reason}`);
  }
}

/** The payload (or the envelope fields tied to it) does not match the schema of its type and version. */
export class EventPayloadError extends ContractError {
  override readonly name = 'EventPayloadError';
  override readonly code = 'CONTRACTS.INVALID_PAYLOAD';

  constructor(
    readonly eventType: string,
    readonly version: number,
    reason: string,
  ) {
    super(reason, `invalid ${eventType} v${version}: ${reason}`);
  }
}
