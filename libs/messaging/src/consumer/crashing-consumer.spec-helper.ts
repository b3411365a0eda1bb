// A consumer process for the crash test: runs the runtime on argv's topic and group, prints
// `handled <event id>` per record and never stops by itself. The test kills it with SIGKILL.
import { setTimeout as delay } from 'node:timers/promises';
import { decodeEnvelope, type EventEnvelope } from '@platform/contracts';
import { Registry } from 'prom-client';
import { createKafkaClient, kafkaClientFromEnv } from '../client/create-kafka-client';
import { MessagingMetrics } from '../metrics';
import { EventProducer } from '../producer/event-producer';
import { ConsumerRuntime } from './consumer-runtime';

async function main(): Promise<void> {
  const [brokers, topic, groupId] = process.argv.slice(2) as [string, string, string];
  const kafka = createKafkaClient(kafkaClientFromEnv(), {
    clientId: 'crashing-consumer',
    brokers: brokers.split(','),
    quiet: true,
  });
  const metrics = MessagingMetrics.for(new Registry());
  const producer = new EventProducer(kafka, { metrics });
  await producer.connect();
  const runtime = new ConsumerRuntime(kafka, {
    groupId,
    topics: [topic],
    consumeRetryTopics: false,
    decode: decodeEnvelope,
    dlqProducer: producer,
    metrics,
    logger: { warn: () => undefined, error: () => undefined },
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 500,
    commitIntervalMs: 100,
    handlers: new Map([
      [
        'Thing',
        async (event: unknown) => {
          await delay(15);
          process.stdout.write(`handled ${(event as EventEnvelope).id}\n`);
        },
      ],
    ]),
  });
  await runtime.start();
  process.stdout.write('started\n');
}

void main();
