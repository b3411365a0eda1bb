/**
 * @platform/messaging: the Kafka runtime every service uses (kafkajs). Today: declaring and
 * creating topics idempotently; the producer, the consumer runtime with retries and the DLQ,
 * and the NestJS integration build on it.
 */
export {
  ensureTopics,
  TopicSpecMismatch,
  type EnsureTopicsResult,
  type TopicSpec,
} from './topic-admin';
