import { retryTopicOf } from '@platform/contracts';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { setTimeout as delay } from 'node:timers/promises';
import { infraEnv } from './infra';

/**
 * Commits offsets for the new consumer group `groupId` at the current end of each of `topics` and
 * their `.retry` topics, before the app of that group starts: a test's fresh group then reads only
 * what is written from now on, as a long-running deployment's group would, instead of every
 * earlier run's records on a long-lived dev broker (a DLQ group quarantined thousands of old dead
 * letters first; a new notification workers group dead-lettered every earlier run's bad jobs
 * again). A topic that does not exist yet is left alone: the group starts at its empty beginning.
 *
 * One member joins the group once for all topics, seeks every partition to its end (a seek with
 * auto-commit commits that offset) and leaves after its first fetch, as kafkajs's
 * `admin.setOffsets` does for one topic; the short fetch wait keeps that to about a second.
 */
export async function startGroupAtEnd(groupId: string, topics: readonly string[]): Promise<void> {
  const kafka = new Kafka({
    clientId: 'test-group-at-end',
    brokers: infraEnv.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  let ends: { topic: string; partition: number; offset: string }[];
  try {
    const existing = new Set(await admin.listTopics());
    const positioned = topics.flatMap((topic) => [topic, retryTopicOf(topic)]).filter((t) => existing.has(t));
    ends = (
      await Promise.all(
        positioned.map(async (topic) =>
          (await endOffsetsOf(admin, topic)).map(({ partition, high }) => ({
            topic,
            partition,
            offset: high,
          })),
        ),
      )
    ).flat();
  } finally {
    await admin.disconnect();
  }
  const names = [...new Set(ends.map((end) => end.topic))];
  if (names.length === 0) return;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: names, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.FETCH, () => resolve());
      consumer.run({ eachBatchAutoResolve: false, eachBatch: async () => undefined }).catch(reject);
      // Nothing is to be read: only the seeks below, which the first fetch round commits.
      consumer.pause(names.map((topic) => ({ topic })));
      for (const end of ends) consumer.seek(end);
    });
  } finally {
    await consumer.disconnect();
  }
}

/**
 * The end offsets of `topic`. A topic created a moment ago (by another test, on a broker that just
 * started) may not have its leader known yet: "not the leader" and other retriable answers are
 * retried with the topic's metadata refreshed, for up to about 10 s. So is kafkajs' TypeError
 * when no partition had a known leader to ask (it then destructures an empty answer).
 */
export async function endOffsetsOf(
  admin: Pick<Admin, 'fetchTopicOffsets' | 'fetchTopicMetadata'>,
  topic: string,
) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (error) {
      const leaderless = error instanceof TypeError && /'partitions'/.test(error.message);
      if (!((error as { retriable?: boolean }).retriable || leaderless) || attempt >= 40) throw error;
      await delay(250);
      await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
    }
  }
}
