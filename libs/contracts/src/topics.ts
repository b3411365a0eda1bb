/**
 * Names derived from a topic: retries and dead letters live beside the topic they serve, so
 * that dashboards and the DLQ app can find them by pattern (`*.retry`, `*.dlq`).
 */
export const retryTopicOf = (topic: string): string => `${topic}.retry`;

/** The dead-letter topic of `topic`. */
export const dlqTopicOf = (topic: string): string => `${topic}.dlq`;

/** Kafka header names the system sets on every record it produces. */
export const Headers = {
  /** W3C trace context, so that a trace crosses the broker. */
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  correlationId: 'x-correlation-id',
  eventType: 'x-event-type',
  eventVersion: 'x-event-version',
} as const;
