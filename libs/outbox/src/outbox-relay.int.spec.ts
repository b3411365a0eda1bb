import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { createEvent, decodeEnvelope, type EventEnvelope } from '@platform/contracts';
import { createKafkaClient, EventProducer } from '@platform/messaging';
import { eventually, infraEnv, reach, uniqueName } from '@platform/testing';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  appendToOutbox,
  OutboxRelay,
  type OutboxPublish,
  type OutboxRecord,
  outboxAnnouncedByWriterSql,
  outboxRetrySql,
  outboxSchemaSql,
  outboxTraceSql,
} from './index';

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

function relay(
  topic: string,
  publish?: OutboxPublish,
  overrides: { backoffInitialMs?: number } = {},
): OutboxRelay {
  const created = new OutboxRelay({
    table,
    connectionString: databaseUrl,
    publish: publish ?? ((records) => producer.publishTraced(records, { topic })),
    batchSize: 7,
    shards: 4,
    pollIntervalMs: 200,
    backoffInitialMs: 50,
    ...overrides,
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
  for (const sql of [
    ...outboxSchemaSql({ table }).up,
    ...outboxRetrySql({ table }).up,
    ...outboxTraceSql({ table }).up,
  ])
    await db.query(sql);
  producer = new EventProducer(
    createKafkaClient('kafkajs', {
      clientId: 'outbox-relay-int',
      brokers: infraEnv.kafkaBrokers,
      quiet: true,
    }),
  );
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
  it('publishes each row under the trace of the request that wrote it, in a span of its own', async () => {
    const spans = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
    trace.setGlobalTracerProvider(provider);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    try {
      const topic = await newTopic();
      const headers: Record<string, string> = {};
      const consumer = kafka.consumer({ groupId: uniqueName('outbox_trace_reader') });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          headers['traceparent'] = String(message.headers?.['traceparent'] ?? '');
        },
      });
      // The "request": a span active while the row is written, as an HTTP handler's would be.
      const request = provider.getTracer('test').startSpan('POST /orders');
      await context.with(trace.setSpan(context.active(), request), () =>
        appendToOutbox(db, table, [registered(randomUUID(), 1)]),
      );
      request.end();
      await relay(topic).start();
      await eventually(() => Boolean(headers['traceparent']), { timeoutMs: 20_000 });

      const [, traceId, parentSpanId] = headers['traceparent']!.split('-');
      const publish = spans.getFinishedSpans().find((s) => s.name === 'outbox relay publish');
      expect(traceId).toBe(request.spanContext().traceId);
      expect(publish?.spanContext().traceId).toBe(request.spanContext().traceId);
      expect(publish?.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
      // The consumer's parent is the publish span, itself a child of the request.
      expect(parentSpanId).toBe(publish?.spanContext().spanId);
    } finally {
      trace.disable();
      propagation.disable();
      context.disable();
      await provider.shutdown();
    }
  });

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
    const crashing = relay(topic, async (records) => {
      const batch = records.map((r) => r.event);
      await producer.publish(topic, batch);
      if (!dying) return;
      // The broker has the records; the process "dies" before the UPDATE and COMMIT. (Retriable:
      // a failure of the whole batch, not of its records, which the relay would hold back.)
      publishedBeforeDying.push(...batch.map((e) => e.id));
      throw Object.assign(new Error('relay process killed after publishing'), { retriable: true });
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

  it('survives PostgreSQL dropping its connection while a batch is being published, and sends the rows after', async () => {
    const topic = await newTopic();
    const events = [1, 2].map((n) => registered(randomUUID(), n));
    await appendToOutbox(db, table, events);
    const { rows } = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    let restarting = true;
    const interrupted = relay(topic, async (records) => {
      const batch = records.map((r) => r.event);
      if (restarting) {
        // A restart of the server terminates every session while the batch's client is checked out.
        await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2',
          [database, rows[0]?.pid],
        );
        await delay(200); // the terminated session's socket closes while nothing queries on it
      }
      return producer.publish(topic, batch);
    });
    const received = await readAll(topic);
    await expect(interrupted.relayOnce()).rejects.toThrow();
    restarting = false;

    await interrupted.start();
    await eventually(async () => (await interrupted.backlog()).count === 0, { timeoutMs: 15_000 });
    await eventually(() => events.every((e) => received.some((r) => r.id === e.id)), { timeoutMs: 15_000 });
  });

  it('wakes on the announce of a writer when the table has no notify trigger, without waiting for the poll', async () => {
    const topic = await newTopic();
    const quiet = { table: 'outbox_announced', channel: 'outbox_announced_inserted' };
    for (const sql of [
      ...outboxSchemaSql(quiet).up,
      ...outboxRetrySql(quiet).up,
      ...outboxTraceSql(quiet).up,
      ...outboxAnnouncedByWriterSql(quiet).up,
    ])
      await db.query(sql);
    const options = {
      ...quiet,
      connectionString: databaseUrl,
      publish: (records: OutboxRecord[]) => producer.publishTraced(records, { topic }),
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

  it('holds back a key whose row the broker refuses, in order, while every other key flows', async () => {
    const topic = await newTopic();
    const [poisoned, healthy] = [randomUUID(), randomUUID()];
    const events = [
      registered(healthy, 1),
      registered(poisoned, 1),
      registered(poisoned, 2),
      registered(healthy, 2),
    ];
    await appendToOutbox(db, table, events);
    let refusing = true;
    const refused = Object.assign(
      new Error('The request included a message larger than the max message size'),
      {
        name: 'KafkaJSProtocolError',
        retriable: false,
      },
    );
    const flaky = relay(
      topic,
      async (records) => {
        const batch = records.map((r) => r.event);
        if (refusing && batch.some((e) => e.aggregateId === poisoned && e.aggregateVersion === 1))
          throw refused;
        await producer.publish(topic, batch);
      },
      // A held row waits seconds, not 50 ms: reading the topic below must not outlast its backoff.
      { backoffInitialMs: 5_000 },
    );
    const received = await readAll(topic);

    expect(await flaky.relayOnce()).toBe(2); // both healthy rows; the poisoned key stops at its first row
    await eventually(() => received.length >= 2, { timeoutMs: 15_000 });
    expect(received.map((e) => [e.aggregateId, e.aggregateVersion])).toEqual([
      [healthy, 1],
      [healthy, 2],
    ]);
    const held = (await db.query(
      `SELECT (envelope->>'aggregateVersion')::int AS version, attempts, last_error, next_attempt_at > now() AS waiting
         FROM ${table} WHERE sent_at IS NULL ORDER BY id`,
    )) as {
      rows: { version: number; attempts: number; last_error: string | null; waiting: boolean | null }[];
    };
    expect(held.rows).toEqual([
      { version: 1, attempts: 1, last_error: `KafkaJSProtocolError: ${refused.message}`, waiting: true },
      { version: 2, attempts: 0, last_error: null, waiting: null },
    ]);
    expect(await flaky.backlog()).toMatchObject({ count: 2, held: 1 });
    expect(await flaky.relayOnce()).toBe(0); // still waiting: nothing of the key moves

    refusing = false;
    await db.query(`UPDATE ${table} SET next_attempt_at = now() WHERE next_attempt_at IS NOT NULL`);
    expect(await flaky.relayOnce()).toBe(2);
    await eventually(() => received.length >= 4, { timeoutMs: 15_000 });
    expect(received.filter((e) => e.aggregateId === poisoned).map((e) => e.aggregateVersion)).toEqual([1, 2]);
  });

  it('backs off as a whole, holding no row back, when the broker itself is unreachable', async () => {
    await appendToOutbox(db, table, [registered(randomUUID(), 1)]);
    const down = relay('unused', async () => {
      throw Object.assign(new Error('Connection error: connect ECONNREFUSED'), {
        name: 'KafkaJSNumberOfRetriesExceeded',
        retriable: false,
        cause: Object.assign(new Error('ECONNREFUSED'), { name: 'KafkaJSConnectionError', retriable: true }),
      });
    });
    await expect(down.relayOnce()).rejects.toThrow('ECONNREFUSED');
    expect(await down.backlog()).toMatchObject({ count: 1, held: 0 });
  });

  it('reports the backlog and the age of the oldest unsent row', async () => {
    const idle = relay('unused');
    expect(await idle.backlog()).toEqual({ count: 0, oldestAgeSeconds: 0, held: 0 });
    await appendToOutbox(db, table, [registered(randomUUID(), 1)]);
    const backlog = await idle.backlog();
    expect(backlog.count).toBe(1);
    expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
  });
});
