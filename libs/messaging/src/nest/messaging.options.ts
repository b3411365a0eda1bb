import type { ModuleMetadata } from '@nestjs/common';
import type { TopicOwner } from '@platform/contracts';
import type { KafkaClientName } from '../client/kafka-client';
import type { Registry } from 'prom-client';
import type { ConsumerRuntimeOptions } from '../consumer/consumer-runtime';
import type { BatchOptions, MessageDecoder } from '../consumer/handler';
import type { EventProducerOptions } from '../producer/event-producer';
import type { StartBackoff } from '../startup/start-policy';

/** Settings of one consumer group that the runtime may take from the app. */
type GroupSettings = Partial<
  Omit<
    ConsumerRuntimeOptions,
    'groupId' | 'topics' | 'handlers' | 'batchHandlers' | 'decode' | 'dlqProducer' | 'metrics' | 'logger'
  >
> & {
  /**
   * Bounds of the group's batch handlers (`@EventPattern(type, { batch: true })`), e.g. from
   * config; a handler's own `batch: { ... }` wins. Default: defaultBatchOptions.
   */
  batch?: Partial<BatchOptions>;
};

/**
 * One consumer group of the app: its own topics, offsets, retry policy and concurrency. E.g.
 * notification-service reacts to domain events in one group and delivers jobs in another, so a
 * slow email provider never slows the group that reacts to domain events. Each group runs as one
 * Nest microservice (see startConsumerGroups) with the `@EventPattern` handlers that name it.
 */
export interface ConsumerGroupOptions {
  /**
   * The group's name in code, stable whatever its Kafka group id: `@EventPattern('OrderPlaced',
   * { group: 'events' })` ties a handler to it. A handler may leave it out when the app runs one group.
   */
  name: string;
  /** The Kafka consumer group id (usually from config: it differs per deployment and test). */
  groupId: string;
  /** Topics the group consumes; their retry topics are consumed too (unless consumer.consumeRetryTopics is false). */
  topics: readonly string[];
  /**
   * Bytes to what the handlers get; defaults to the contracts' decodeEvent (typed events at
   * their latest version). An app that reads records that are not catalog events (every event as
   * stored bytes, dead letters) decodes them itself to `{ type, ... }` and handles that type.
   */
  decode?: MessageDecoder;
  consumer?: GroupSettings;
}

/** What an app tells the messaging module; usually built from its validated config. */
export interface MessagingModuleOptions {
  clientId: string;
  brokers: string[];
  /** The client library (the app's `KAFKA_CLIENT`); kafkajs when unset. */
  client?: KafkaClientName;
  /**
   * Creates this owner's topics (with retry and DLQ) at start, idempotently, with the registry's
   * spec. Only the owner creates a topic: a consumer waits until the topics it reads exist.
   */
  ownsTopicsOf?: TopicOwner;
  /** How start steps that can pass by waiting (broker down, topics not created yet) are retried. */
  startBackoff?: Partial<StartBackoff>;
  /** 1 for a single development broker, 3 in production. */
  replicationFactor?: number;
  /**
   * The consumer groups the app runs; none for an app that only produces. Each is connected as a
   * microservice by startConsumerGroups(app) and runs the handlers that name it.
   */
  consumerGroups?: readonly ConsumerGroupOptions[];
  producer?: Omit<EventProducerOptions, 'metrics'>;
  /** The app's Prometheus registry; defaults to the one observability provides, else a private one. */
  registry?: Registry;
}

/** Options from a factory, e.g. one that reads the app's config service. */
export interface MessagingModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: (string | symbol | (abstract new (...args: never[]) => unknown))[];
  useFactory: (...args: never[]) => MessagingModuleOptions | Promise<MessagingModuleOptions>;
}

export const MESSAGING_OPTIONS = Symbol('platform.messaging.options');

/** The app's KafkaClient (the port), for whoever needs a producer or admin of its own. */
export const KAFKA_CLIENT = Symbol('platform.messaging.kafka-client');
