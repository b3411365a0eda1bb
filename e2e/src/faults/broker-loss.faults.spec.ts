// One broker of three killed with SIGKILL while the project's producer publishes with acks=all to
// a topic of replication factor 3 and min.insync.replicas 2: every event the producer acknowledged
// is read back afterwards. Once per Kafka client the producer can run on (KAFKA_CLIENT), on the
// same cluster. (tools/faults/kafka-cluster.sh runs the three brokers on loopback.)
import { createEvent, type DomainEvent } from '@platform/contracts';
import {
  createKafkaClient,
  ensureTopics,
  EventProducer,
  kafkaClientNames,
  topicSpecsOf,
} from '@platform/messaging';
import { eventually, uniqueName } from '@platform/testing';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { requireOwnServers } from './servers.spec-helper';

const run = promisify(execFile);
const cluster = (...args: string[]) =>
  run('bash', [join(__dirname, '../../../tools/faults/kafka-cluster.sh'), ...args], { timeout: 180_000 });

describe('a three-broker cluster losing one broker', () => {
  let brokers: string[];

  beforeAll(async () => {
    requireOwnServers();
    await cluster('up');
    brokers = (await cluster('brokers')).stdout.trim().split(',');
  }, 180_000);

  afterAll(async () => {
    await cluster('down');
  }, 120_000);

  it.each(kafkaClientNames)(
    'loses no acknowledged event when a broker is killed mid-stream (acks=all, min.insync.replicas=2) on %s',
    async (clientName) => {
      // The producer under test runs on the client; the topic is set up and read back with kafkajs.
      const kafka = new Kafka({ clientId: 'faults-broker-loss', brokers, logLevel: logLevel.NOTHING });
      const topic = uniqueName('faults.broker-loss');
      const admin = kafka.admin();
      await admin.connect();
      await ensureTopics(admin, topicSpecsOf([{ name: topic, partitions: 12, retentionMs: 86_400_000 }], 3));
      const producer = new EventProducer(
        createKafkaClient(clientName, { clientId: 'faults-broker-loss', brokers, quiet: true }),
      );
      await producer.connect();

      const acknowledged = new Set<string>();
      const acknowledgedKeys = new Map<string, string>();
      let rejected = 0;
      let stop = false;
      const publishing = (async () => {
        for (let batch = 0; !stop; batch++) {
          const events = Array.from({ length: 50 }, (_, i) => event(batch * 50 + i));
          try {
            await producer.publish(topic, events);
            for (const e of events) {
              acknowledged.add(e.id);
              acknowledgedKeys.set(e.id, e.aggregateId);
            }
          } catch {
            rejected += events.length; // not acknowledged: may or may not be in the log
          }
        }
      })();
      await eventually(() => acknowledged.size >= 2_000, { timeoutMs: 60_000 });
      await cluster('kill', '2');
      const killedAt = acknowledged.size;
      await delay(10_000);
      await cluster('start', '2');
      await eventually(() => acknowledged.size >= killedAt + 4_000, { timeoutMs: 120_000 });
      stop = true;
      await publishing;
      await producer.disconnect();

      // Where each acknowledged event must be: its partition, by the producer's own partitioner.
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitionMetadata = topics[0]?.partitions ?? [];
      const partitionOf = Partitioners.DefaultPartitioner();
      const expectedIn = new Map<number, number>();
      for (const id of acknowledged.keys()) {
        const key = acknowledgedKeys.get(id) as string;
        const p = partitionOf({ topic, partitionMetadata, message: { key, value: null } });
        expectedIn.set(p, (expectedIn.get(p) ?? 0) + 1);
      }

      const read = new Map<string, { partition: number; offset: string }>();
      const consumer = kafka.consumer({ groupId: uniqueName('faults-read'), maxWaitTimeInMs: 200 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          const { id } = JSON.parse(String(message.value)) as { id: string };
          read.set(id, { partition, offset: message.offset });
        },
      });
      const ends = await admin.fetchTopicOffsets(topic);
      const logRecords = ends.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
      // Everything in the log is read, whatever is or is not there.
      await eventually(() => read.size >= logRecords, { timeoutMs: 120_000, intervalMs: 500 });
      await consumer.disconnect();
      const lost = [...acknowledged.keys()].filter((id) => !read.has(id));
      const perPartition = ends
        .map((p) => ({
          partition: p.partition,
          inLog: Number(p.high) - Number(p.low),
          acknowledged: expectedIn.get(p.partition) ?? 0,
        }))
        .filter((p) => p.inLog < p.acknowledged);
      if (lost.length === 0) await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();

      printLine(
        `broker loss (${clientName}): ${acknowledged.size} acknowledged (${killedAt} before the kill), ${rejected} rejected, ` +
          `${logRecords} records in the log, ${read.size} read back, ${lost.length} acknowledged but lost` +
          (perPartition.length
            ? `; partitions with fewer records than acknowledged: ${JSON.stringify(perPartition)}`
            : '') +
          (lost.length ? `; topic ${topic} kept for inspection` : ''),
      );
      expect(lost).toEqual([]);
    },
  );
});

function event(n: number): DomainEvent {
  const orderId = `broker-loss-${n % 500}`;
  return createEvent({
    type: 'OrderConfirmed',
    aggregateId: orderId,
    aggregateVersion: 2 + Math.floor(n / 500),
    correlationId: randomUUID(),
    causationId: null,
    payload: { orderId },
  });
}

/** One figure line in the run's output (the suite's results are read from it and report.json). */
function printLine(line: string): void {
  process.stdout.write(`${line}\n`);
}
