/**
 * The analytics write path against a direct ClickHouse insert of the same rows, in one run:
 *   npm run bench:analytics -- [--events 100000] [--rounds 3] [--rate 1000] [--seconds 15]
 *
 * 1. Throughput: the built analytics-ingest (`dist/apps/analytics-ingest/main.js`, as production
 *    runs it) on a fresh ClickHouse database and consumer group, drains a backlog of `events`
 *    OrderPlaced records on order.events: the clock runs from the app's readiness until ClickHouse
 *    counts them all (Kafka -> runtime -> micro-batches -> ClickHouse ack). Side by
 *    side: @clickhouse/client inserting the same rows straight into a table of the same schema, in
 *    the app's batch size. Medians of `rounds`, alternating. Goal: app >= 0.7x direct.
 * 2. Freshness: `rate` events/s for `seconds` while `now - max(occurred_at_ms)` in ClickHouse is
 *    sampled every 100 ms (the definition of /analytics/freshness); p50/p99 of the samples.
 *
 * Reports, never asserts; figures go to tmp/bench/analytics.json.
 */
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createEvent, Topics, type EventEnvelope } from '@platform/contracts';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort, machine as describeMachine, parseArgs, waitForReady, writeReport } from './harness';
import { grouped, median, percentile } from './stats';

const args = parseArgs(process.argv.slice(2), '--events N --rounds N --rate N --seconds N');
const EVENTS = args['events'] ?? 100_000;
const ROUNDS = args['rounds'] ?? 3;
const RATE = args['rate'] ?? 1_000;
const SECONDS = args['seconds'] ?? 15;
const BATCH_ROWS = 5_000;
const ROOT = join(__dirname, '../..');
const MAIN = join(ROOT, 'dist/apps/analytics-ingest/main.js');
const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const clickhouseUrl = process.env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123';
const clickhouseUser = process.env['CLICKHOUSE_USER'] ?? 'default';
const clickhousePassword = process.env['CLICKHOUSE_PASSWORD'] ?? '';
const runId = Date.now().toString(36);
const kafka = new Kafka({ clientId: 'bench-analytics', brokers, logLevel: logLevel.NOTHING });

async function main(): Promise<void> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npx nx build analytics-ingest first`);
  const clickhouse = createClient({
    url: clickhouseUrl,
    username: clickhouseUser,
    password: clickhousePassword,
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const databases: string[] = [];
  try {
    const app: number[] = [];
    const direct: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const events = Array.from({ length: EVENTS }, () => placed());
      const database = `bench_analytics_${runId}_${round}`;
      databases.push(database);
      app.push(await throughApp(database, events, producer, clickhouse));
      direct.push(await directInsert(`${database}_direct`, events, clickhouse));
      databases.push(`${database}_direct`);
      console.log(
        `round ${round + 1}: app ${grouped(app.at(-1) ?? 0)} events/s, direct ${grouped(direct.at(-1) ?? 0)} rows/s`,
      );
    }
    const database = `bench_analytics_${runId}_fresh`;
    databases.push(database);
    const fresh = await freshness(database, producer, clickhouse);
    report(app, direct, fresh);
  } finally {
    for (const database of databases)
      await clickhouse.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await clickhouse.close();
    await producer.disconnect();
  }
}

/**
 * Times the app draining a backlog of `events`: a fresh consumer group positioned at the end of
 * its topics, the events produced, then the app started; the clock runs from its readiness until
 * ClickHouse counts them all.
 */
async function throughApp(
  database: string,
  events: EventEnvelope[],
  producer: Producer,
  clickhouse: ClickHouseClient,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of [Topics.identityEvents.name, Topics.orderEvents.name]) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId: groupOf(database),
        topic,
        partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
      });
    }
  } finally {
    await admin.disconnect();
  }
  for (let i = 0; i < events.length; i += 1_000) await send(producer, events.slice(i, i + 1_000));
  return withApp(
    database,
    clickhouse,
    producer,
    async () => {
      const started = performance.now();
      while ((await count(clickhouse, database)) < events.length) await delay(50);
      return events.length / ((performance.now() - started) / 1000);
    },
    { warmUp: false },
  );
}

const groupOf = (database: string) => `bench-${database}`;

/** The same rows straight into a table of the same schema, in the app's batch size. */
async function directInsert(
  database: string,
  events: EventEnvelope[],
  clickhouse: ClickHouseClient,
): Promise<number> {
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

async function freshness(database: string, producer: Producer, clickhouse: ClickHouseClient) {
  return withApp(database, clickhouse, producer, async () => {
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
        Array.from({ length: perTick }, () => placed()),
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

/** Runs `work` while the built app runs on `database` with a fresh group, once it is consuming. */
async function withApp<T>(
  database: string,
  clickhouse: ClickHouseClient,
  producer: Producer,
  work: (warmUpEvents: number) => Promise<T>,
  { warmUp: warm = true }: { warmUp?: boolean } = {},
): Promise<T> {
  const port = await freePort();
  // BENCH_CPU_PROFILE_DIR=<dir> writes the app's CPU profile there when it exits.
  const profileDir = process.env['BENCH_CPU_PROFILE_DIR'];
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, MAIN], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      // The development values of the secrets, as a bench runs on this host's servers.
      NODE_ENV: 'development',
      ...process.env,
      ANALYTICS_HTTP_PORT: String(port),
      ANALYTICS_CLICKHOUSE_DATABASE: database,
      ANALYTICS_CONSUMER_GROUP: groupOf(database),
      ANALYTICS_FROM_BEGINNING: 'false',
      ANALYTICS_BATCH_MAX_ROWS: String(BATCH_ROWS),
      KAFKA_BROKERS: brokers.join(','),
      CLICKHOUSE_URL: clickhouseUrl,
      CLICKHOUSE_USER: clickhouseUser,
      CLICKHOUSE_PASSWORD: clickhousePassword,
      LOG_LEVEL: 'warn',
    },
  });
  try {
    await waitForReady(`http://127.0.0.1:${port}`, child, 'analytics-ingest');
    return await work(warm ? await warmUp(database, clickhouse, producer) : 0);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)));
  }
}

/**
 * A fresh group starts at the end of the topic: sends one event a second until one reaches
 * ClickHouse, waits for any stragglers, and answers how many landed.
 */
async function warmUp(database: string, clickhouse: ClickHouseClient, producer: Producer): Promise<number> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    await send(producer, [placed()]);
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

function placed(): EventEnvelope {
  const orderId = randomUUID();
  return createEvent({
    type: 'OrderPlaced',
    aggregateId: orderId,
    aggregateVersion: 1,
    correlationId: randomUUID(),
    causationId: null,
    payload: {
      orderId,
      customerId: `bench-${runId}`,
      lines: [{ sku: 'BOOK-1', quantity: 2, unitPriceMinor: 1250 }],
      currency: 'EUR',
      totalMinor: 2500,
    },
  });
}

/** The row the app writes for an event (apps/analytics-ingest/src/ingest/event-row.ts). */
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

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
