import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { ensureTopics } from '@platform/messaging';
import { eventually, infraEnv, reach, uniqueName } from '@platform/testing';

describe('Kafka (KRaft broker)', () => {
  const kafka = new Kafka({
    clientId: 'infra-smoke',
    brokers: [...infraEnv.kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  const topic = uniqueName('smoke');
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;

  beforeAll(async () => {
    admin = kafka.admin();
    await reach('Kafka', infraEnv.kafkaBrokers.join(','), () => admin.connect());
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    consumer = kafka.consumer({ groupId: uniqueName('smoke_group') });
    await Promise.all([producer.connect(), consumer.connect()]);
  });

  afterAll(async () => {
    await Promise.all([consumer.disconnect(), producer.disconnect()]);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('does not create topics implicitly', async () => {
    const impatient = new Kafka({
      clientId: 'infra-smoke-no-retry',
      brokers: [...infraEnv.kafkaBrokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).producer({ allowAutoTopicCreation: true });
    await impatient.connect();
    try {
      await expect(
        impatient.send({ topic: uniqueName('never_created'), messages: [{ value: 'x' }] }),
      ).rejects.toThrow(/does not host this topic-partition/);
    } finally {
      await impatient.disconnect();
    }
  });

  it('keeps the records of one key in one partition, in order, through a created topic', async () => {
    await ensureTopics(admin, [{ name: topic, partitions: 3 }]);
    const sent = ['placed', 'confirmed', 'shipped'];
    await producer.send({ topic, acks: -1, messages: sent.map((value) => ({ key: 'order-42', value })) });

    const received: { partition: number; value: string }[] = [];
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        received.push({ partition, value: message.value?.toString() ?? '' });
      },
    });

    await eventually(() => received.length === sent.length, { timeoutMs: 30_000 });
    expect(received.map((r) => r.value)).toEqual(sent);
    expect(new Set(received.map((r) => r.partition)).size).toBe(1);
  });
});
