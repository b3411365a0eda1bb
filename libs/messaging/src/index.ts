/**
 * @platform/messaging: the Kafka runtime every service uses, on kafkajs or @platformatic/kafka.
 * - KafkaClient: the port to the client library, chosen by KAFKA_CLIENT (docs/messaging.md).
 * - EventProducer: idempotent, acks=all, keyed by aggregate id, pipelined batches, trace headers.
 * - ConsumerRuntime: per-key order with keys in parallel, retries in place, DLQ with provenance,
 *   commits only what is done, graceful stop and rebalance.
 * - ensureTopics: idempotent topic creation from specs (only a topic's owner creates it).
 * - Starting in any order: a step that can pass by waiting (broker down, topics not created yet)
 *   is retried with capped backoff, and /health/ready says what messaging waits for.
 * - MessagingMetrics: Prometheus metrics of both sides.
 * - MessagingModule + ConsumerGroupTransport: the NestJS integration. Each consumer group is a Nest
 *   microservice whose handlers are `@EventPattern` methods of controllers (apps never touch a
 *   client library).
 */
export { createKafkaClient, kafkaClientFromEnv, kafkaClientSetting } from './client/create-kafka-client';
export {
  KafkaClientError,
  kafkaClientNames,
  type AdminClient,
  type ConsumedRecord,
  type GroupOffsetsAdmin,
  type KafkaClient,
  type KafkaClientConfig,
  type KafkaClientName,
  type OutgoingRecord,
  type PartitionOffset,
  type RecordAck,
  type RecordHeaders,
  type TopicAdmin,
} from './client/kafka-client';
export { ConsumerRuntime, type ConsumerRuntimeOptions } from './consumer/consumer-runtime';
export { baseTopicOf, deadLetterRecord, DlqHeaders, type DeadLetterReason } from './consumer/dead-letter';
export {
  defaultBatchOptions,
  type BatchHandler,
  type BatchHandlerFn,
  type BatchOptions,
  type EventHandlerFn,
  type MessageContext,
  type MessageDecoder,
  type RawRecordParts,
} from './consumer/handler';
export type { Outcome } from './consumer/message-processor';
export type { RuntimeLogger } from './consumer/runtime-logger';
export { backoffMs, defaultRetryPolicy, type RetryPolicy } from './consumer/retry-policy';
export { Semaphore } from './consumer/semaphore';
export {
  DependencyUnavailableError,
  errorClassOf,
  isRetriable,
  isUnavailable,
  PermanentError,
  RetriableError,
} from './errors';
export { MessagingMetrics } from './metrics';
export {
  EventProducer,
  ProduceIncompleteError,
  type EventProducerOptions,
  type PublishOptions,
  type TracedEvent,
} from './producer/event-producer';
export { MessagingModule } from './nest/messaging.module';
export { ConsumerGroupTransport, type KafkaHandlerExtras } from './nest/transport/consumer-group.transport';
export { KafkaBatchContext } from './nest/transport/kafka-batch.context';
export { KafkaContext } from './nest/transport/kafka.context';
export { startConsumerGroups } from './nest/transport/start-consumer-groups';
export type {
  ConsumerGroupOptions,
  MessagingModuleAsyncOptions,
  MessagingModuleOptions,
} from './nest/messaging.options';
export { MESSAGING_METRICS } from './nest/messaging.tokens';
export { KAFKA_CLIENT } from './nest/messaging.options';
export {
  ensureTopics,
  ensureTopicsOf,
  requireTopics,
  topicSpecsOf,
  TopicSpecMismatch,
  TopicsMissing,
  type EnsureTopicsResult,
  type TopicSpec,
} from './topic-admin';
export { defaultStartBackoff, type StartBackoff } from './startup/start-policy';
