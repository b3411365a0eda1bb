import type { EventType, PayloadOf } from './catalog';
import { dlqTopicOf, retryTopicOf } from './topics';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Dead letters wait for a human, who may be on holiday: keep them longer than the live topics. */
const DLQ_RETENTION_MS = 30 * DAY_MS;

/** The services that create topics; a topic has exactly one owner. */
export type TopicOwner = 'auth-service' | 'order-service' | 'notification-service';

/** Event types whose latest payload carries `field` as a string, i.e. could be keyed by it. */
type EventKeyedBy<K extends string> = {
  [T in EventType]: PayloadOf<T> extends Record<K, string> ? T : never;
}[EventType];

/** What the system agrees about one topic: its name, key, size, retention, and what it carries. */
export interface TopicSpec {
  readonly name: string;
  readonly owner: TopicOwner;
  /**
   * The record key is the envelope's `aggregateId`, which must equal `payloadField` of the
   * payload: one entity, one partition, its events in order.
   */
  readonly key: { readonly envelopeField: 'aggregateId'; readonly payloadField: string };
  readonly partitions: number;
  readonly retentionMs: number;
  readonly retry: string;
  readonly dlq: string;
  readonly dlqRetentionMs: number;
  readonly events: readonly EventType[];
}

function defineTopic<
  const N extends string,
  const K extends string,
  const E extends readonly EventKeyedBy<K>[],
>(spec: { name: N; owner: TopicOwner; keyedBy: K; partitions: number; retentionMs: number; events: E }) {
  return Object.freeze({
    name: spec.name,
    owner: spec.owner,
    key: Object.freeze({ envelopeField: 'aggregateId', payloadField: spec.keyedBy }),
    partitions: spec.partitions,
    retentionMs: spec.retentionMs,
    retry: retryTopicOf(spec.name),
    dlq: dlqTopicOf(spec.name),
    dlqRetentionMs: DLQ_RETENTION_MS,
    events: spec.events,
  } as const) satisfies TopicSpec;
}

/**
 * Every topic the system uses. Partition counts bound consumer parallelism and cannot shrink
 * later, so the busy streams start at 12.
 */
export const Topics = {
  identityEvents: defineTopic({
    name: 'identity.events',
    owner: 'auth-service',
    keyedBy: 'userId',
    partitions: 12,
    retentionMs: 7 * DAY_MS,
    events: [
      'UserRegistered',
      'UserLoggedIn',
      'UserLoggedOut',
      'RefreshTokenFamilyRevoked',
      'RegistrationAttempted',
      'UserRolesChanged',
    ],
  }),
  orderEvents: defineTopic({
    name: 'order.events',
    owner: 'order-service',
    keyedBy: 'orderId',
    partitions: 12,
    // The event store in Postgres is the source of truth; Kafka only has to outlive a long outage.
    retentionMs: 7 * DAY_MS,
    events: ['OrderPlaced', 'OrderConfirmed', 'OrderPaid', 'OrderShipped', 'OrderCancelled'],
  }),
  notificationJobs: defineTopic({
    name: 'notification.jobs',
    owner: 'notification-service',
    keyedBy: 'userId',
    partitions: 6,
    // A notification days late is worse than none; the DLQ keeps the ones that failed.
    retentionMs: 3 * DAY_MS,
    events: ['NotificationRequested'],
  }),
} as const;

/** A live topic's name, e.g. `'order.events'` (retry and DLQ names not included). */
export type TopicName = (typeof Topics)[keyof typeof Topics]['name'];

const topicList: readonly TopicSpec[] = Object.values(Topics);

const topicByEvent: ReadonlyMap<EventType, TopicSpec> = new Map(
  topicList.flatMap((topic) => topic.events.map((type) => [type, topic] as const)),
);

/** Every topic, in registry order. */
export function allTopics(): readonly TopicSpec[] {
  return topicList;
}

/** Every topic name the system uses, each live topic followed by its retry and DLQ topics. */
export function allTopicNames(): string[] {
  return topicList.flatMap((topic) => [topic.name, topic.retry, topic.dlq]);
}

/** The topic an event type is published to. */
export function topicOfEvent(type: EventType): TopicSpec {
  const topic = topicByEvent.get(type);
  if (!topic) throw new Error(`contracts: no topic carries ${type}; add it to Topics`);
  return topic;
}

/** What to create for one topic, as an admin client needs it. */
export interface TopicConfig {
  readonly name: string;
  readonly partitions: number;
  readonly retentionMs: number;
}

/**
 * The topics `owner` creates at start: each of its live topics with its retry and DLQ topics.
 * Retry and DLQ topics get the live topic's partition count so a key keeps one partition everywhere.
 */
export function topicConfigsOwnedBy(owner: TopicOwner): TopicConfig[] {
  return topicList
    .filter((topic) => topic.owner === owner)
    .flatMap((topic) => [
      { name: topic.name, partitions: topic.partitions, retentionMs: topic.retentionMs },
      { name: topic.retry, partitions: topic.partitions, retentionMs: topic.retentionMs },
      { name: topic.dlq, partitions: topic.partitions, retentionMs: topic.dlqRetentionMs },
    ]);
}
