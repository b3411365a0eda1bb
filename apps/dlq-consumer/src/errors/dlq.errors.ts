/** An error of the DLQ app's API, with a stable code; mapped to a problem in dlq-problem.mapper. */
export abstract class DlqError extends Error {
  abstract readonly code: string;
}

export class EntryNotFound extends DlqError {
  override readonly name = 'EntryNotFound';
  readonly code = 'DLQ.NOT_FOUND';
  constructor(id: string) {
    super(`no quarantined message ${id}`);
  }
}

/** No entry, of any status, has this fingerprint. */
export class FingerprintNotFound extends DlqError {
  override readonly name = 'FingerprintNotFound';
  readonly code = 'DLQ.NOT_FOUND';
  constructor(fingerprint: string) {
    super(`no message in quarantine has fingerprint ${fingerprint}`);
  }
}

/** Kafka did not tell the consumer lag in time (or refused): retriable, it is the cluster's state. */
export class LagUnavailable extends DlqError {
  override readonly name = 'LagUnavailable';
  readonly code = 'DLQ.LAG_UNAVAILABLE';
  readonly retriable = true;
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`consumer lag unavailable: ${detail}`, options);
  }
}

/** Replay and discard apply to quarantined messages only (not to replayed or discarded ones). */
export class NotQuarantined extends DlqError {
  override readonly name = 'NotQuarantined';
  readonly code = 'DLQ.NOT_QUARANTINED';
  constructor(id: string, status: string) {
    super(`message ${id} is ${status}, not quarantined`);
  }
}

/** The replay could not be written to Kafka; the message stays quarantined. */
export class ReplayFailed extends DlqError {
  override readonly name = 'ReplayFailed';
  readonly code = 'DLQ.REPLAY_FAILED';
  constructor(id: string, cause: unknown) {
    super(
      `replay of ${id} could not be published: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

/** A message without a consumer group cannot be replayed: nobody to address it to. */
export class NotReplayable extends DlqError {
  override readonly name = 'NotReplayable';
  readonly code = 'DLQ.NOT_REPLAYABLE';
  constructor(id: string) {
    super(
      `message ${id} has no consumer group in its provenance, so a replay could reach every group; discard it or republish by hand`,
    );
  }
}

export class AdminOnly extends DlqError {
  override readonly name = 'AdminOnly';
  readonly code = 'DLQ.ADMIN_ONLY';
  constructor() {
    super('the DLQ API is for the admin role');
  }
}

/** Bad query parameters or body, with the path and message of each problem. */
export class InvalidRequest extends DlqError {
  override readonly name = 'InvalidRequest';
  readonly code = 'DLQ.INVALID_REQUEST';
  constructor(readonly errors: { path: string; message: string }[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  }
}
