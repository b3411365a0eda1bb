/**
 * The analytics write path against a direct ClickHouse insert of the same rows, in one run:
 *   npm run bench:analytics -- [--events 100000] [--rounds 3] [--rate 1000] [--seconds 15]
 *
 * 1. Throughput: the built analytics-ingest (`dist/apps/analytics-ingest/main.js`, as production
 *    runs it) on a fresh ClickHouse database and consumer group, drains a backlog of `events`
 *    OrderPlaced records on order.events of the run's own broker: the clock runs from the app's readiness until ClickHouse
 *    counts them all (Kafka -> runtime -> micro-batches -> ClickHouse ack). Side by
 *    side: @clickhouse/client inserting the same rows straight into a table of the same schema, in
 *    the app's batch size. Medians of `rounds`, alternating. Goal: app >= 0.7x direct.
 * 2. Freshness: `rate` events/s for `seconds` while `now - max(occurred_at_ms)` in ClickHouse is
 *    sampled every 100 ms (the definition of /analytics/freshness); p50/p99 of the samples.
 *
 * The broker is the run's own (bench-kafka.ts) and every ClickHouse database is the run's
 * (bench-names.ts); all are removed at the end, also when the run fails or is interrupted.
 * Reports, never asserts; figures go to tmp/bench/analytics.json.
 */
import { median, percentile } from '@platform/service-edge';
import type { ClickHouseClient } from '@clickhouse/client';
import { createEvent, Topics, type EventEnvelope } from '@platform/contracts';
import type { Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { startBenchKafka, type BenchKafka } from './bench-kafka';
import { clickhouseClient, clickhouseDatabase, servers } from './bench-stores';
import { startBuiltApp } from './built-app';
import {
  freePort,
  machine as describeMachine,
  parseArgs,
  runBench,
  writeReport,
  type BenchRun,
} from './harness';
import { grouped } from './stats';

const args = parseArgs(process.argv.slice(2), '--events N --rounds N --rate N --seconds N');
const EVENTS = args['events'] ?? 100_000;
const ROUNDS = args['rounds'] ?? 3;
const RATE = args['rate'] ?? 1_000;
const SECONDS = args['seconds'] ?? 15;
const BATCH_ROWS = 5_000;

/** What a measurement needs: the run, its broker and a producer on it, ClickHouse. */
interface Bench {
  run: BenchRun;
  kafka: BenchKafka;
  producer: Producer;
  clickhouse: ClickHouseClient;
}

async function main(run: BenchRun): Promise<void> {
  const kafka = await startBenchKafka(run);
  // The topics analytics-ingest reads, as their owners create them on a new cluster.
  await kafka.createSystemTopics(['auth-service', 'order-service']);
  const producer = kafka.kafka('bench-analytics').producer({ idempotent: true, maxInFlightRequests: 1 });
  run.teardown.add('disconnect the producer', () => producer.disconnect());
  await producer.connect();
  const bench: Bench = { run, kafka, producer, clickhouse: clickhouseClient(run.teardown) };
  const app: number[] = [];
  const direct: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const events = Array.from({ length: EVENTS }, () => placed(run));
    app.push(await throughApp(bench, `round_${round}`, events));
    direct.push(await directInsert(bench, `round_${round}_direct`, events));
    console.log(
      `round ${round + 1}: app ${grouped(app.at(-1) ?? 0)} events/s, direct ${grouped(direct.at(-1) ?? 0)} rows/s`,
    );
  }
  const fresh = await freshness(bench, 'fresh');
  report(app, direct, fresh);
}

/**
 * Times the app draining a backlog of `events`: a fresh consumer group positioned at the end of
 * its topics, the events produced, then the app started; the clock runs from its readiness until
 * ClickHouse counts them all.
 */
async function throughApp(bench: Bench, part: string, events: EventEnvelope[]): Promise<number> {
  const { run, kafka, producer, clickhouse } = bench;
  // Earlier rounds' records stay on the broker: this round's group starts after them.
  const group = run.names.group(part);
  await kafka.withAdmin(async (admin) => {
    for (const topic of [Topics.identityEvents.name, Topics.orderEvents.name]) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId: group,
        topic,
        partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
      });
    }
  });
  for (let i = 0; i < events.length; i += 1_000) await send(producer, events.slice(i, i + 1_000));
  const database = clickhouseDatabase(run.teardown, run.names.database(part));
  return withApp(
    bench,
    database,
    group,
    async () => {
      const started = performance.now();
      while ((await count(clickhouse, database)) < events.length) await delay(50);
      return events.length / ((performance.now() - started) / 1000);
    },
    { warmUp: false },
  );
}

/** The same rows straight into a table of the same schema, in the app's batch size. */
async function directInsert(bench: Bench, part: string, events: EventEnvelope[]): Promise<number> {
  const { run, clickhouse } = bench;
  const database = clickhouseDatabase(run.teardown, run.names.database(part));
  for (const query of schema(database)) await clickhouse.command({ query });
  const rows = events.map(rowOf);
  const started = performance.now();
  for (let i = 0; i < rows.length; i += BATCH_ROWS) {
    await clickhouse.insert({
      table: `${database}.events`,
      values: rows.slice(i, i + BATCH_ROWS),
      format: 'JSONEachRow',
    });
  }
  return rows.length / ((performance.now() - started) / 1000);
}

async function freshness(bench: Bench, part: string) {
  const { run, producer, clickhouse } = bench;
  const database = clickhouseDatabase(run.teardown, run.names.database(part));
  return withApp(bench, database, run.names.group(part), async () => {
    const samples: number[] = [];
    let sending = true;
    const sampler = (async () => {
      while (sending) {
        const result = await clickhouse.query({
          query: `SELECT max(occurred_at_ms) AS newest FROM ${database}.events`,
          format: 'JSONEachRow',
        });
        const [row] = await result.json<{ newest: string }>();
        if (row && Number(row.newest) > 0) samples.push(Date.now() - Number(row.newest));
        await delay(100);
      }
    })();
    // Ticks of 100 ms, RATE/10 events each: a steady rate, bounded in count and time.
    const perTick = Math.max(1, Math.round(RATE / 10));
    const ticks = SECONDS * 10;
    const started = performance.now();
    for (let tick = 0; tick < ticks; tick++) {
      await send(
        producer,
        Array.from({ length: perTick }, () => placed(run)),
      );
      const next = started + (tick + 1) * 100;
      await delay(Math.max(0, next - performance.now()));
    }
    sending = false;
    await sampler;
    // The first seconds hold the warm-up's age; keep the steady part.
    const steady = samples.slice(Math.floor(samples.length / 5));
    return {
      rate: RATE,
      seconds: SECONDS,
      samples: steady.length,
      p50: percentile(steady, 50),
      p99: percentile(steady, 99),
    };
  });
}

/**
 * Runs `work` while the built app runs on `database` with the group `group` (positioned or new,
 * which starts at the end of the topics), once it is consuming.
 */
async function withApp<T>(
  bench: Bench,
  database: string,
  group: string,
  work: (warmUpEvents: number) => Promise<T>,
  { warmUp: warm = true }: { warmUp?: boolean } = {},
): Promise<T> {
  const port = await freePort();
  const app = await startBuiltApp(
    'analytics-ingest',
    port,
    {
      ANALYTICS_HTTP_PORT: String(port),
      ANALYTICS_CLICKHOUSE_DATABASE: database,
      ANALYTICS_CONSUMER_GROUP: group,
      ANALYTICS_FROM_BEGINNING: 'false',
      ANALYTICS_BATCH_MAX_ROWS: String(BATCH_ROWS),
      CLICKHOUSE_URL: servers.clickhouseUrl,
      CLICKHOUSE_USER: servers.clickhouseUser,
      CLICKHOUSE_PASSWORD: servers.clickhousePassword,
    },
    { teardown: bench.run.teardown, kafka: bench.kafka, inheritStderr: true },
  );
  try {
    return await work(warm ? await warmUp(bench, database) : 0);
  } finally {
    await app.stop();
  }
}

/**
 * A fresh group starts at the end of the topic: sends one event a second until one reaches
 * ClickHouse, waits for any stragglers, and answers how many landed.
 */
async function warmUp({ run, producer, clickhouse }: Bench, database: string): Promise<number> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    await send(producer, [placed(run)]);
    await delay(1_000);
    if ((await count(clickhouse, database).catch(() => 0)) > 0) {
      await delay(1_000);
      return count(clickhouse, database);
    }
  }
  throw new Error('analytics-ingest did not consume within 60 s');
}

async function count(clickhouse: ClickHouseClient, database: string): Promise<number> {
  const result = await clickhouse.query({
    query: `SELECT count() AS n FROM ${database}.events FINAL`,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ n: string }>();
  return Number(row?.n ?? 0);
}

async function send(producer: Producer, events: EventEnvelope[]): Promise<void> {
  await producer.send({
    topic: Topics.orderEvents.name,
    messages: events.map((e) => ({ key: e.aggregateId, value: JSON.stringify(e) })),
  });
}

function placed({ names }: BenchRun): EventEnvelope {
  const orderId = randomUUID();
  return createEvent({
    type: 'OrderPlaced',
    aggregateId: orderId,
    aggregateVersion: 1,
    correlationId: randomUUID(),
    causationId: null,
    payload: {
      orderId,
      customerId: names.run,
      lines: [{ sku: 'BOOK-1', quantity: 2, unitPriceMinor: 1250 }],
      currency: 'EUR',
      totalMinor: 2500,
    },
  });
}

/** The row the app writes for an event (apps/analytics-ingest/src/clickhouse/event-row.ts). */
function rowOf(event: EventEnvelope) {
  const payload = event.payload as { currency: string; totalMinor: number };
  return {
    event_id: event.id,
    type: event.type,
    version: event.version,
    topic: Topics.orderEvents.name,
    aggregate_id: event.aggregateId,
    aggregate_version: event.aggregateVersion,
    occurred_at_ms: Date.parse(event.occurredAt),
    ingested_at_ms: Date.now(),
    currency: payload.currency,
    amount_minor: payload.totalMinor,
    payload: JSON.stringify(event.payload),
  };
}

/** The app's schema (apps/analytics-ingest/src/clickhouse/schema.ts), for the direct baseline. */
function schema(database: string): string[] {
  return [
    `CREATE DATABASE IF NOT EXISTS ${database}`,
    `CREATE TABLE IF NOT EXISTS ${database}.events (
      event_id String, type String, version UInt16, topic String, aggregate_id String,
      aggregate_version UInt32, occurred_at_ms UInt64, ingested_at_ms UInt64, currency String,
      amount_minor Int64, payload String,
      occurred_at DateTime MATERIALIZED toDateTime(intDiv(occurred_at_ms, 1000))
    ) ENGINE = ReplacingMergeTree(ingested_at_ms) PARTITION BY toYYYYMM(occurred_at) ORDER BY (type, event_id)`,
  ];
}

function report(app: number[], direct: number[], fresh: Awaited<ReturnType<typeof freshness>>): void {
  const machine = describeMachine();
  const ratio = median(app) / median(direct);
  console.log(`
analytics write path, ${grouped(EVENTS)} OrderPlaced events per round, medians of ${ROUNDS} rounds, batches of ${BATCH_ROWS}
machine: ${machine}

| path                                                         | events/s   |
| ------------------------------------------------------------ | ---------- |
| Kafka backlog -> analytics-ingest -> ClickHouse (all counted) | ${grouped(median(app)).padStart(10)} |
| @clickhouse/client bulk insert of the same rows              | ${grouped(median(direct)).padStart(10)} |

ratio app / direct insert: ${ratio.toFixed(2)}x (goal >= 0.7x)
freshness at ${grouped(fresh.rate)} events/s for ${fresh.seconds} s (now - newest occurredAt in ClickHouse, ${fresh.samples} samples): p50 ${fresh.p50} ms, p99 ${fresh.p99} ms`);
  writeReport('analytics', { machine, events: EVENTS, app, direct, ratio, freshness: fresh });
}

runBench('analytics', main);
