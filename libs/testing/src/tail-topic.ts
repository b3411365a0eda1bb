import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import { uniqueName } from './unique-name';

/**
 * Reads what is published to `topic` from now on: a fresh group that starts at the current end of
 * every partition, however long the topic's history is. Disconnect the returned consumer after.
 */
export async function tailTopic(
  kafka: Kafka,
  topic: string,
  onMessage: (payload: EachMessagePayload) => Promise<void> | void,
): Promise<Consumer> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const { partition, high } of await admin.fetchTopicOffsets(topic)) ends.set(partition, BigInt(high));
  } finally {
    await admin.disconnect();
  }
  const consumer = kafka.consumer({ groupId: uniqueName('tail'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async (payload) => {
      // Until the seeks below apply, the first fetches may still return older records.
      if (BigInt(payload.message.offset) < (ends.get(payload.partition) ?? 0n)) return;
      await onMessage(payload);
    },
  });
  for (const [partition, end] of ends) consumer.seek({ topic, partition, offset: end.toString() });
  return consumer;
}
