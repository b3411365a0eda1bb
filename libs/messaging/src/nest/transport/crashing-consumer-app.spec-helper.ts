// A consumer app process for the transport's crash test: boots the things app on argv's topic and
// group, prints `handled <event id>` per record and never stops by itself. The test kills it.
import { kafkaClientFromEnv } from '../../client/create-kafka-client';
import { bootThingsApp } from './things-app.spec-helper';

async function main(): Promise<void> {
  const [brokers, topic, groupId] = process.argv.slice(2) as [string, string, string];
  await bootThingsApp({
    brokers: brokers.split(','),
    client: kafkaClientFromEnv(),
    groupId,
    topic,
    consumer: { consumeRetryTopics: false, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500 },
    onHandled: ({ id }) => process.stdout.write(`handled ${id}\n`),
  });
  process.stdout.write('started\n');
}

void main();
