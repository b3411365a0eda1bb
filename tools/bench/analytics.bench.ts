/**
 * The analytics write path against a hand-written consumer and a direct ClickHouse insert of the
 * same rows, in one run on the same broker:
 *   npm run bench:analytics -- [--events 100000] [--rounds 3] [--rate 1000] [--seconds 15]
 *
 * 1. Throughput, three paths per round, in this order, medians of `rounds`:
 *    - app: the built analytics-ingest (`dist/apps/analytics-ingest/main.js`, as production runs
 *      it) on a fresh ClickHouse database and consumer group drains a backlog of `events`
 *      OrderPlaced records on order.events: the clock runs from the app's readiness (it listens
 *      once it consumes) until ClickHouse counts them all (Kafka -> runtime -> micro-batches ->
 *      ClickHouse ack).
 *    - baseline: the same backlog, a fresh database and group, drained by a hand-written kafkajs
 *      consumer in this process (the project's default client, with the runtime adapter's
 *      settings): eachBatch -> decodeEvent per record (the app's decoder) -> the app's row ->
 *      one ClickHouse insert per batch -> commit; no runtime. Clock from its join until ClickHouse
 *      counts them all. Goal: app >= 0.8x baseline.
 *    - direct: @clickhouse/client inserting the same rows straight into a table of the same
 *      schema, in the app's batch size: the limit. Goal: app >= 0.5x direct.
 *    The baseline's table and rows are checked against the app's in the first round
 *    (analytics-rows.ts): a run whose copy has drifted from the app fails.
 * 2. Freshness: `rate` events/s for `seconds` while `now - max(occurred_at_ms)` in ClickHouse is
 *    sampled every 100 ms (the definition of /analytics/freshness); p50/p99 of the samples.
 *
 * The broker is the run's own (bench-kafka.ts) and every ClickHouse database is the run's
 * (bench-names.ts); all are removed at the end, also when the run fails or is interrupted.
 * Reports, never asserts; figures go to tmp/bench/analytics.json.
 */
import { median, percentile } from '@platform/service-edge';
import type { ClickHouseClient } from '@clickhouse/client';
import { createEvent, decodeEvent, Topics, type EventEnvelope } from '@platform/contracts';
import type { Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { analyticsRow, analyticsTable, ROW_CHECKSUM, sameTable, type AnalyticsRow } from './analytics-rows';
import { startBenchKafka, type BenchKafka } from './bench-kafka';
import { withGoal } from './bench-goal';
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
/** The topics analytics-ingest reads (apps/analytics-ingest/src/app.module.ts). */
const TOPICS = [Topics.identityEvents.name, Topics.orderEvents.name];
const GOALS = { appToBaseline: { atLeast: 0.8 }, appToDirect: { atLeast: 0.5 } };

/** What a measurement needs: the run, its broker and a producer on it, ClickHouse. */
interface Bench {
  run: BenchRun;
  kafka: BenchKafka;
  producer: Producer;
  clickhouse: ClickHouseClient;
}

/** One round's figures, events (rows) per second, and the baseline's inserts. */
interface Round {
  app: number;
  baseline: number;
  direct: number;
  baselineInserts: number;
}

async function main(run: BenchRun): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const kafka = await startBenchKafka(run);
  // The topics analytics-ingest reads, as their owners create them on a new cluster.
  await kafka.createSystemTopics(['auth-service', 'order-service']);
  const producer = kafka.kafka('bench-analytics').producer({ idempotent: true, maxInFlightRequests: 1 });
  run.teardown.add('disconnect the producer', () => producer.disconnect());
  await producer.connect();
  const bench: Bench = { run, kafka, producer, clickhouse: clickhouseClient(run.teardown) };
  const rounds: Round[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const events = Array.from({ length: EVENTS }, () => placed(run));
    const app = await throughApp(bench, `round_${round}`, events);
    const baseline = await throughBaseline(bench, `round_${round}_baseline`, events);
    if (round === 0) await checkBaselineIsTheApp(bench, `round_${round}`, `round_${round}_baseline`);
    const direct = await directInsert(bench, `round_${round}_direct`, events);
    rounds.push({ app, baseline: baseline.perSecond, direct, baselineInserts: baseline.inserts });
    console.log(
      `round ${round + 1}: app ${grouped(app)} events/s, baseline ${grouped(baseline.perSecond)} events/s ` +
        `(${baseline.inserts} inserts), direct ${grouped(direct)} rows/s`,
    );
  }
  const fresh = await freshness(bench, 'fresh');
  report(rounds, fresh, `${loadBefore.toFixed(1)} -> ${(loadavg()[0] ?? 0).toFixed(1)}`);
}

/**
 * A fresh consumer group positioned at the end of the topics analytics-ingest reads (earlier
 * rounds' records stay on the broker: this group starts after them), then `events` produced to
 * order.events: a backlog that only this group has to drain.
 */
async function backlog(
  { run, kafka, producer }: Bench,
  part: string,
  events: EventEnvelope[],
): Promise<string> {
  const group = run.names.group(part);
  await kafka.withAdmin(async (admin) => {
    for (const topic of TOPICS) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId: group,
        topic,
        partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
      });
    }
  });
  for (let i = 0; i < events.length; i += 1_000) await send(producer, events.slice(i, i + 1_000));
  return group;
}

/** Times the app draining a backlog of `events`, from its readiness until ClickHouse counts them all. */
async function throughApp(bench: Bench, part: string, events: EventEnvelope[]): Promise<number> {
  const group = await backlog(bench, part, events);
  const database = clickhouseDatabase(bench.run.teardown, bench.run.names.database(part));
  return withApp(
    bench,
    database,
    group,
    async () => {
      const started = performance.now();
      await untilCounted(bench.clickhouse, database, events.length);
      return events.length / ((performance.now() - started) / 1000);
    },
    { warmUp: false },
  );
}

/**
 * Times a hand-written kafkajs consumer draining the same backlog the app drains, with what a
 * micro-batching consumer needs and nothing of the runtime: per fetched batch (one partition),
 * decodeEvent per record, the app's rows, one insert, then the batch's offset committed. The
 * consumer's settings are the runtime's kafkajs adapter's (libs/messaging/src/client/kafkajs.client.ts):
 * one partition at a time, offsets committed by hand.
 */
async function throughBaseline(
  bench: Bench,
  part: string,
  events: EventEnvelope[],
): Promise<{ perSecond: number; inserts: number }> {
  const { run, kafka, clickhouse } = bench;
  const group = await backlog(bench, part, events);
  const database = clickhouseDatabase(run.teardown, run.names.database(part));
  for (const query of analyticsTable(database)) await clickhouse.command({ query });
  const consumer = kafka.kafka('bench-analytics-baseline').consumer({ groupId: group });
  run.teardown.add('disconnect the baseline consumer', () => consumer.disconnect());
  let inserts = 0;
  await consumer.connect();
  await consumer.subscribe({ topics: TOPICS, fromBeginning: false });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 1,
    eachBatch: async ({ batch, resolveOffset, isRunning, isStale }) => {
      if (!isRunning() || isStale() || batch.messages.length === 0) return;
      const now = Date.now();
      const rows = batch.messages.map((message) =>
        analyticsRow(decodeEvent(message.value, message), batch.topic, now),
      );
      await clickhouse.insert({ table: `${database}.events`, values: rows, format: 'JSONEachRow' });
      inserts += 1;
      const last = batch.lastOffset();
      resolveOffset(last);
      await consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
      ]);
    },
  });
  // run() resolves once the group is joined, as the app is ready once it consumes.
  const started = performance.now();
  await untilCounted(clickhouse, database, events.length);
  const perSecond = events.length / ((performance.now() - started) / 1000);
  await consumer.disconnect();
  return { perSecond, inserts };
}

/**
 * The baseline must do the app's work: its table and rows equal the app's on the same events
 * (every column but `ingested_at_ms`). Throws when analytics-rows.ts has drifted from the app.
 */
async function checkBaselineIsTheApp({ run, clickhouse }: Bench, appPart: string, baselinePart: string) {
  const [app, baseline] = [run.names.database(appPart), run.names.database(baselinePart)];
  const statementOf = async (database: string) => {
    const result = await clickhouse.query({
      query: `SHOW CREATE TABLE ${database}.events`,
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ statement: string }>();
    return { statement: row?.statement ?? '', database };
  };
  if (!sameTable(await statementOf(app), await statementOf(baseline)))
    throw new Error(`the baseline's table is not analytics-ingest's: update tools/bench/analytics-rows.ts`);
  const checksumOf = async (database: string) => {
    const result = await clickhouse.query({
      query: `SELECT ${ROW_CHECKSUM} FROM ${database}.events FINAL`,
      format: 'JSONEachRow',
    });
    return JSON.stringify(await result.json());
  };
  const [appRows, baselineRows] = [await checksumOf(app), await checksumOf(baseline)];
  if (appRows !== baselineRows)
    throw new Error(
      `the baseline's rows are not analytics-ingest's (${baselineRows} against ${appRows}): ` +
        'update tools/bench/analytics-rows.ts',
    );
  console.log(`checked: the baseline's table and rows are analytics-ingest's (${appRows})`);
}

/** The same rows straight into a table of the same schema, in the app's batch size. */
async function directInsert(bench: Bench, part: string, events: EventEnvelope[]): Promise<number> {
  const { run, clickhouse } = bench;
  const database = clickhouseDatabase(run.teardown, run.names.database(part));
  for (const query of analyticsTable(database)) await clickhouse.command({ query });
  const rows: AnalyticsRow[] = events.map((event) =>
    analyticsRow(decodeEvent(JSON.stringify(event)), Topics.orderEvents.name),
  );
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

/** Bounded poll until ClickHouse counts `n` rows in `database` (with FINAL, as reads do). */
async function untilCounted(clickhouse: ClickHouseClient, database: string, n: number): Promise<void> {
  const deadline = Date.now() + 600_000;
  for (let seen = 0; seen < n; seen = await count(clickhouse, database)) {
    if (Date.now() > deadline) throw new Error(`only ${seen} of ${n} rows reached ${database} within 600 s`);
    await delay(50);
  }
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

function report(rounds: Round[], fresh: Awaited<ReturnType<typeof freshness>>, load: string): void {
  const machine = describeMachine();
  const pick = (key: keyof Round) => median(rounds.map((round) => round[key]));
  const [app, baseline, direct] = [pick('app'), pick('baseline'), pick('direct')];
  const ratios = {
    appToBaseline: app / baseline,
    appToDirect: app / direct,
    baselineToDirect: baseline / direct,
  };
  const x = (n: number) => `${n.toFixed(2)}x`;
  const width = 88;
  const row = (path: string, rate: number) => `| ${path.padEnd(width)} | ${grouped(rate).padStart(10)} |`;
  console.log(`
analytics write path, ${grouped(EVENTS)} OrderPlaced events per round, medians of ${ROUNDS} rounds, app batches of ${BATCH_ROWS}
machine: ${machine}, load average (1 min) ${load}

| ${'path'.padEnd(width)} | events/s   |
| ${'-'.repeat(width)} | ---------- |
${row('Kafka backlog -> analytics-ingest -> ClickHouse (all counted)', app)}
${row('Kafka backlog -> kafkajs eachBatch, decodeEvent, one insert per batch, commit (baseline)', baseline)}
${row('@clickhouse/client bulk insert of the same rows (the limit)', direct)}

analytics-ingest / kafkajs baseline: ${withGoal(ratios.appToBaseline, GOALS.appToBaseline, x)}
analytics-ingest / direct insert:    ${withGoal(ratios.appToDirect, GOALS.appToDirect, x)}
kafkajs baseline / direct insert:    ${x(ratios.baselineToDirect)}
app / baseline by round: ${rounds.map((round) => x(round.app / round.baseline)).join(', ')}; app / direct by round: ${rounds.map((round) => x(round.app / round.direct)).join(', ')}
baseline inserts per round: ${rounds.map((round) => round.baselineInserts).join(', ')} (rows per insert ~${grouped(EVENTS / pick('baselineInserts'))})
freshness at ${grouped(fresh.rate)} events/s for ${fresh.seconds} s (now - newest occurredAt in ClickHouse, ${fresh.samples} samples): p50 ${fresh.p50} ms, p99 ${fresh.p99} ms`);
  writeReport('analytics', {
    machine,
    loadAverage: load,
    events: EVENTS,
    batchRows: BATCH_ROWS,
    rounds,
    medians: { app, baseline, direct },
    ratios,
    goals: GOALS,
    freshness: fresh,
  });
}

runBench('analytics', main);
