/**
 * Kafka header names, all lowercase (`x-...` where no standard exists), in one place so that
 * the producer, the retry runtime and the DLQ app agree. Values are UTF-8 strings; numbers and
 * instants are written in decimal and ISO-8601.
 */
export const Headers = {
  /** W3C trace context, so that a trace crosses the broker. */
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  correlationId: 'x-correlation-id',
  eventType: 'x-event-type',
  eventVersion: 'x-event-version',

  /** On a retry record: which delivery this is, 1 being the first retry after the original failure. */
  attempt: 'x-attempt',
  /**
   * On retry and replayed records: the one consumer group meant to process it. Other groups
   * subscribed to the same retry topic skip it, so a replay never reaches a group that succeeded.
   */
  targetGroup: 'x-target-group',

  /**
   * On a record replayed from quarantine: the quarantine entry it came from, so that a replay
   * that fails again returns to that entry (with its history) instead of starting a new one.
   */
  replayOf: 'x-replay-of',

  /** Provenance of a dead letter, so it can be inspected and replayed without the original topic. */
  originalTopic: 'x-original-topic',
  originalPartition: 'x-original-partition',
  originalOffset: 'x-original-offset',
  /** Also kept in a header because a replay must reuse it to land in the right partition. */
  originalKey: 'x-original-key',
  consumerGroup: 'x-consumer-group',
  /** Error class name, e.g. `EventPayloadError`. */
  errorClass: 'x-error-class',
  /** Stable error code when the error has one, e.g. `CONTRACTS.INVALID_PAYLOAD`. */
  errorCode: 'x-error-code',
  errorMessage: 'x-error-message',
  /**
   * The error's causes (`error.cause`, its cause...), outermost first, as a JSON array of
   * `{ "class", "code"?, "message" }`; absent when the error had no cause. The DLQ app shows them
   * as the error chain.
   */
  errorCauses: 'x-error-causes',
  /** Total deliveries tried before giving up, the original one included. */
  attempts: 'x-attempts',
  firstFailureAt: 'x-first-failure-at',
  lastFailureAt: 'x-last-failure-at',
  /** Trace id of the failed processing, to jump from a dead letter to its trace. */
  traceId: 'x-trace-id',
  /** Why a record was dead-lettered: `decode`, `permanent` or `exhausted` (retries used up). */
  deadLetterReason: 'x-dead-letter-reason',
  /**
   * On a dead letter too large for its DLQ topic: the size in bytes of the value it was written
   * without. The value (and the original headers) stay in the original topic at the original
   * offset until its retention ends.
   */
  valueOmittedBytes: 'x-value-omitted-bytes',
} as const;

/** Any header name this system sets. */
export type HeaderName = (typeof Headers)[keyof typeof Headers];
