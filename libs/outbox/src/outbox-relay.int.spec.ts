import { createEvent, decodeEnvelope, type EventEnvelope } from '@platform/contracts';
import { EventProducer } from '@platform/messaging';
import { eventually, infraEnv, reach, uniqueName } from '@platform/testing';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { appendToOutbox, OutboxRelay, outboxAnnouncedByWriterSql, outboxSchemaSql } from './index';

const kafka = new Kafka({
  clientId: 'outbox-int',
  brokers: infraEnv.kafkaBrokers,
  logLevel: logLevel.NOTHING,
});
const database = uniqueName('outbox_int');
const databaseUrl = infraEnv.postgresUrl.replace(/\/[^/]*$/, `/${database}`);
const table = 'outbox';
let admin: Client;
let db: Client;
let producer: EventProducer;
const consumers: Consumer[] = [];
const relays: OutboxRelay[] = [];

function registered(userId: string, n: number): EventEnvelope {
  return createEvent({
    type: 'UserRegistered',
    aggregateId: userId,
    aggregateVersion: n,
    payload: { userId, email: `u${n}@example.com`, registeredAt: new Date().toISOString() },
    correlationId: randomUUID(),
    causationId: null,
  });
}

async function newTopic(): Promise<string> {
  const topic = uniqueName('outbox_relay');
  const kafkaAdmin = kafka.admin();
  await reach('Kafka', infraEnv.kafkaBrokers.join(','), () => kafkaAdmin.connect());
  await kafkaAdmin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await kafkaAdmin.disconnect();
  return topic;
}

/** Every record of `topic`, decoded, in the order each partition holds them. */
async function readAll(topic: string): Promise<EventEnvelope[]> {
  const received: EventEnvelope[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('outbox_reader') });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => void received.push(decodeEnvelope(message.value!)),
  });
  return received;
}

function relay(topic: string, publish?: (events: EventEnvelope[]) => Promise<unknown>): OutboxRelay {
  const created = new OutboxRelay({
    table,
    connectionString: databaseUrl,
    publish: publish ?? ((events) => producer.publish(topic, events)),
    batchSize: 7,
    shards: 4,
    pollIntervalMs: 200,
    backoffInitialMs: 50,
  });
  relays.push(created);
  return created;
}

beforeAll(async () => {
  admin = new Client({ connectionString: infraEnv.postgresUrl });
  await reach('PostgreSQL', infraEnv.postgresUrl, () => admin.connect());
  await admin.query(`CREATE DATABASE ${database}`);
  db = new Client({ connectionString: databaseUrl });
  await db.connect();
  for (const sql of outboxSchemaSql({ table }).up) await db.query(sql);
  producer = new EventProducer(kafka);
  await producer.connect();
});

afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()));
  await Promise.all(consumers.splice(0).map((c) => c.disconnect()));
  await db.query(`TRUNCATE ${table}`);
});

afterAll(async () => {
  await producer?.disconnect();
  await db?.end();
  await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin?.end();
});

describe('OutboxRelay', () => {
  it('publishes every row exactly once, in order per key, with two relays running concurrently', async () => {
    const topic = await newTopic();
    const users = Array.from({ length: 6 }, () => randomUUID());
    const events = users.flatMap((user) => [1, 2, 3, 4, 5].map((n) => registered(user, n)));
    await Promise.all([relay(topic).start(), relay(topic).start()]);
    // Many small transactions while the relays run: NOTIFY wakes them, SKIP LOCKED splits the work.
    for (const event of events) await appendToOutbox(db, table, [event]);
    const received = await readAll(topic);

    await eventually(() => received.length >= events.length, { timeoutMs: 20_000 });
    await eventually(async () => (await relays[0]!.backlog()).count === 0);
    expect(received.map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
    for (const user of users) {
      const versions = received.filter((e) => e.aggregateId === user).map((e) => e.aggregateVersion);
      expect(versions).toEqual([1, 2, 3, 4, 5]);
    }
  });

  it('republishes at worst once, and loses nothing, when a relay dies between publish and mark-as-sent', async () => {
    const topic = await newTopic();
    const events = [1, 2, 3].map((n) => registered(randomUUID(), n));
    await appendToOutbox(db, table, events);
    let dying = true;
    const publishedBeforeDying: string[] = [];
    const crashing = relay(topic, async (batch) => {
      await producer.publish(topic, batch);
      if (!dying) return;
      // The broker has the records; the process "dies" before the UPDATE and COMMIT.
      publishedBeforeDying.push(...batch.map((e) => e.id));
      throw new Error('relay process killed after publishing');
    });
    const received = await readAll(topic);
    await expect(crashing.relayOnce()).rejects.toThrow(/killed/);
    dying = false;
    expect(publishedBeforeDying.length).toBeGreaterThan(0);
    expect((await crashing.backlog()).count).toBe(3);

    await relay(topic).start();
    await eventually(async () => (await relays[1]!.backlog()).count === 0);
    const expected = events.length + publishedBeforeDying.length;
    await eventually(() => received.length >= expected, { timeoutMs: 15_000 });
    for (const event of events) {
      const copies = received.filter((e) => e.id === event.id).length;
      expect(copies).toBe(publishedBeforeDying.includes(event.id) ? 2 : 1);
    }
  });

  it('wakes on the announce of a writer when the table has no notify trigger, without waiting for the poll', async () => {
    const topic = await newTopic();
    const quiet = { table: 'outbox_announced', channel: 'outbox_announced_inserted' };
    for (const sql of [...outboxSchemaSql(quiet).up, ...outboxAnnouncedByWriterSql(quiet).up])
      await db.query(sql);
    const options = {
      ...quiet,
      connectionString: databaseUrl,
      publish: (events: EventEnvelope[]) => producer.publish(topic, events),
      pollIntervalMs: 60_000,
    };
    // One relay listening (another instance), one the writer announces through.
    const listening = new OutboxRelay(options);
    const writers = new OutboxRelay(options);
    relays.push(listening, writers);
    await listening.start();
    const received = await readAll(topic);
    await delay(1_500); // both relays polled once and now sleep for a minute

    const event = registered(randomUUID(), 1);
    await appendToOutbox(db, quiet.table, [event]);
    await delay(500);
    expect(received).toEqual([]); // no trigger: nobody knows yet
    writers.announce();
    await eventually(() => received.length === 1, { timeoutMs: 5_000 });
    expect(received[0]?.id).toBe(event.id);
    await db.query(`DROP TABLE ${quiet.table}`);
  });

  it('reports the backlog and the age of the oldest unsent row', async () => {
    const idle = relay('unused');
    expect(await idle.backlog()).toEqual({ count: 0, oldestAgeSeconds: 0 });
    await appendToOutbox(db, table, [registered(randomUUID(), 1)]);
    const backlog = await idle.backlog();
    expect(backlog.count).toBe(1);
    expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
  });
});
