import { infraEnv, reach, uniqueName, withKafkaAdmin } from '@platform/testing';
import { createKafkaClient } from './create-kafka-client';
import { kafkaClientNames, type AdminClient } from './kafka-client';

// What the DLQ app's consumer lag reads, on both client libraries, from the same broker state.
describe.each(kafkaClientNames)('group offsets through the %s admin (real Kafka)', (name) => {
  const topic = uniqueName(`offsets_${name}`);
  const groupId = uniqueName(`offsets_${name}_group`);
  let admin: AdminClient;

  beforeAll(async () => {
    await withKafkaAdmin(async (kafka) => {
      await kafka.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
      const producer = createKafkaClient('kafkajs', {
        clientId: 'offsets-int',
        brokers: infraEnv.kafkaBrokers,
        quiet: true,
      }).producer();
      await producer.connect();
      // Five records to partition 0 and two to partition 1 (keys hash to a fixed partition).
      const records = (key: string, n: number) => Array.from({ length: n }, () => ({ key, value: 'x' }));
      await producer.send([{ topic, records: [...records('a', 5), ...records('b', 2)] }], 'none');
      await producer.disconnect();
      await kafka.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }] });
    });
    admin = createKafkaClient(name, {
      clientId: 'offsets-int',
      brokers: infraEnv.kafkaBrokers,
      quiet: true,
    }).admin();
    await reach('Kafka', infraEnv.kafkaBrokers.join(','), () => admin.connect());
  });

  afterAll(async () => {
    await admin?.disconnect();
    await withKafkaAdmin(async (kafka) => {
      await kafka.deleteGroups([groupId]).catch(() => undefined);
      await kafka.deleteTopics({ topics: [topic] });
    });
  });

  it('lists the group, what it committed (only where it did), and where every partition ends', async () => {
    expect(await admin.listGroups()).toContain(groupId);
    expect(await admin.committedOffsets(groupId)).toEqual([{ topic, partition: 0, offset: '1' }]);
    const ends = await admin.endOffsets([topic]);
    expect(ends.sort((a, b) => a.partition - b.partition).map((e) => e.partition)).toEqual([0, 1]);
    expect(ends.reduce((sum, e) => sum + Number(e.offset), 0)).toBe(7);
    expect(await admin.committedOffsets(uniqueName('no_group'))).toEqual([]);
  });
});
