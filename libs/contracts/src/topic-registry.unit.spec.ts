import { eventTypes } from './catalog';
import { allTopicNames, allTopics, topicConfigsOwnedBy, topicOfEvent, Topics } from './topic-registry';

describe('topic registry', () => {
  it('puts every event type on exactly one topic', () => {
    const carried = allTopics().flatMap((topic) => topic.events);

    expect([...carried].sort()).toEqual([...eventTypes].sort());
    expect(new Set(carried).size).toBe(carried.length);
  });

  it('names retry and dead-letter topics after the topic they serve', () => {
    for (const topic of allTopics()) {
      expect(topic.retry).toBe(`${topic.name}.retry`);
      expect(topic.dlq).toBe(`${topic.name}.dlq`);
    }
  });

  it('lists every topic name once, retry and DLQ topics included', () => {
    const names = allTopicNames();

    expect(names).toEqual([
      'identity.events',
      'identity.events.retry',
      'identity.events.dlq',
      'order.events',
      'order.events.retry',
      'order.events.dlq',
      'notification.jobs',
      'notification.jobs.retry',
      'notification.jobs.dlq',
    ]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('keys each stream by its entity', () => {
    expect(topicOfEvent('OrderPaid')).toBe(Topics.orderEvents);
    expect(Topics.orderEvents.key).toEqual({ envelopeField: 'aggregateId', payloadField: 'orderId' });
    expect(topicOfEvent('RefreshTokenFamilyRevoked').key.payloadField).toBe('userId');
    expect(topicOfEvent('NotificationRequested').key.payloadField).toBe('userId');
  });

  it('sizes the busy streams at 12 partitions and notification jobs at 6', () => {
    expect(Topics.orderEvents.partitions).toBe(12);
    expect(Topics.identityEvents.partitions).toBe(12);
    expect(Topics.notificationJobs.partitions).toBe(6);
  });

  it('keeps dead letters longer than the live topic they come from', () => {
    for (const topic of allTopics()) expect(topic.dlqRetentionMs).toBeGreaterThan(topic.retentionMs);
  });

  it('has each owner create its topics with retry and DLQ topics of the same partition count', () => {
    expect(topicConfigsOwnedBy('order-service')).toEqual([
      { name: 'order.events', partitions: 12, retentionMs: Topics.orderEvents.retentionMs },
      { name: 'order.events.retry', partitions: 12, retentionMs: Topics.orderEvents.retentionMs },
      { name: 'order.events.dlq', partitions: 12, retentionMs: Topics.orderEvents.dlqRetentionMs },
    ]);
    const owned = (['auth-service', 'order-service', 'notification-service'] as const).flatMap((owner) =>
      topicConfigsOwnedBy(owner).map((config) => config.name),
    );
    expect([...owned].sort()).toEqual([...allTopicNames()].sort());
  });
});
