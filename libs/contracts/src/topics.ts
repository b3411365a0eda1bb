/**
 * Names derived from a topic: retries and dead letters live beside the topic they serve, so
 * that dashboards and the DLQ app can find them by pattern (`*.retry`, `*.dlq`).
 */
export const retryTopicOf = <T extends string>(topic: T): `${T}.retry` => `${topic}.retry`;

/** The dead-letter topic of `topic`. */
export const dlqTopicOf = <T extends string>(topic: T): `${T}.dlq` => `${topic}.dlq`;
