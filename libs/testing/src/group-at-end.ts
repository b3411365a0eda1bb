import { retryTopicOf } from '@platform/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { infraEnv } from './infra';

/**
 * Commits offsets for the new consumer group `groupId` at the current end of each of `topics` and
 * their `.retry` topics, before the app of that group starts: a test's fresh group then reads only
 * what is written from now on, as a long-running deployment's group would, instead of every
 * earlier run's records on a long-lived dev broker (a DLQ group quarantined thousands of old dead
 * letters first; a new notification workers group dead-lettered every earlier run's bad jobs
 * again). A topic that does not exist yet is left alone: the group starts at its empty beginning.
 */
export async function startGroupAtEnd(groupId: string, topics: readonly string[]): Promise<void> {
  const kafka = new Kafka({
    clientId: 'test-group-at-end',
    brokers: infraEnv.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const positioned = topics.flatMap((topic) => [topic, retryTopicOf(topic)]).filter((t) => existing.has(t));
    for (const topic of positioned) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId,
        topic,
        partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}
