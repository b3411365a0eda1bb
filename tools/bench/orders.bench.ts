/**
 * What an event-sourced command costs, and how fast the outbox relay drains, on this host:
 *   bash tools/bench/run.sh orders [--seconds 10] [--connections 32] [--rounds 3] [--rate 300] [--relay-events 50000]
 *
 * 1. Commands: order-service (apps/order-service/bench/bench-server.ts: the app plus one baseline
 *    route) in its own process on a fresh database. autocannon drives `POST /orders` (HTTP ->
 *    guard -> validation -> event store + outbox + read model in one transaction; the relay runs)
 *    and `POST /bench/plain-orders` (same stack, one plain INSERT) flat out, alternating, `rounds`
 *    times, and `POST /orders` with a fresh Idempotency-Key on every request, as the clients of
 *    this repo send it (the key's row commits in the same transaction); medians of commands/s and p99. Goal: orders >= 0.6x the plain insert. Beside each
 *    load, what one command wrote in PostgreSQL: WAL bytes and rows (write-amplification.ts).
 * 2. Publish lag: `POST /orders` at a steady `rate` while a consumer reads order.events; the lag
 *    is receipt - occurredAt of each event (the transaction, the NOTIFY wake-up, the relay batch
 *    and the broker round trip). p50/p99.
 * 3. Relay drain: `relay-events` rows in an outbox table, drained by an OutboxRelay to a 12
 *    partition topic, side by side with kafkajs sending the same envelopes in the same batches
 *    without a database. Goal: relay >= 5,000 events/s.
 *
 * The broker is the run's own (bench-kafka.ts: the relay publishes to its order.events), the
 * database the run's (bench-names.ts); both are removed at the end, also when the run fails or is
 * interrupted. Reports, never asserts; figures go to tmp/bench/orders.json.
 */
import { median, percentile } from '@platform/service-edge';
import { createEvent, decodeEnvelope, Topics, type EventEnvelope } from '@platform/contracts';
import {
  DEVELOPMENT_GATEWAY_IDENTITY_KEYS,
  GATEWAY_IDENTITY_HEADER,
  GatewayIdentitySigner,
} from '@platform/identity';
import {
  appendToOutbox,
  OutboxRelay,
  outboxRetrySql,
  outboxSchemaSql,
  outboxTraceSql,
} from '@platform/outbox';
import autocannon from 'autocannon';
import { CompressionTypes } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Client } from 'pg';
import { startBenchKafka, type BenchKafka } from './bench-kafka';
import { postgresDatabase } from './bench-stores';
import { startBuiltApp } from './built-app';
import {
  freePort,
  machine as describeMachine,
  parseArgs,
  runBench,
  writeReport,
  type BenchRun,
} from './harness';
import { PLACE_ORDER_BODY } from './order-placed';
import { grouped } from './stats';
import { WriteMeter, type WritesPerCommand } from './write-amplification';

const args = parseArgs(
  process.argv.slice(2),
  '--seconds N --connections N --rounds N --rate N --relay-events N',
);
const SECONDS = args['seconds'] ?? 10;
const CONNECTIONS = args['connections'] ?? 32;
const ROUNDS = args['rounds'] ?? 3;
const RATE = args['rate'] ?? 300;
const RELAY_EVENTS = args['relay-events'] ?? 20_000;
if (SECONDS > 25) throw new Error('--seconds must be at most 25 (a gateway identity lives 30 s)');
// The development key pair: the server runs under NODE_ENV=development.
const gateway = new GatewayIdentitySigner(DEVELOPMENT_GATEWAY_IDENTITY_KEYS.signingKey);
const body = PLACE_ORDER_BODY;

interface Load {
  perSecond: number;
  /** Answered 2xx: the commands that wrote. */
  commands: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function main(run: BenchRun): Promise<void> {
  const { names, teardown } = run;
  const databaseUrl = await postgresDatabase(teardown, names.database('orders'), { create: true });
  const kafka = await startBenchKafka(run);
  const port = await freePort();
  const server = await startBuiltApp(
    'order-service',
    port,
    { ORDER_HTTP_PORT: String(port), ORDER_DATABASE_URL: databaseUrl },
    { teardown, kafka, tsEntry: 'apps/order-service/bench/bench-server.ts', inheritStderr: true },
  );
  const { url } = server;
  // A gateway identity is bound to its route and lives 30 s: minted afresh for every load.
  const headers = (path: string) => ({
    'content-type': 'application/json',
    [GATEWAY_IDENTITY_HEADER]: gateway.mint({
      sub: names.run,
      roles: ['customer'],
      ip: '127.0.0.1',
      aud: 'orders',
      htm: 'POST',
      htu: path,
    }),
  });
  console.log(
    `warming up (3 s each), then ${ROUNDS} rounds of ${SECONDS} s per route, ${CONNECTIONS} connections`,
  );
  await load(`${url}/bench/plain-orders`, headers, 3);
  await load(`${url}/orders`, headers, 3);
  const plain: Load[] = [];
  const orders: Load[] = [];
  const keyed: Load[] = [];
  const plainWrites: WritesPerCommand[] = [];
  const orderWrites: WritesPerCommand[] = [];
  const keyedWrites: WritesPerCommand[] = [];
  const meter = await WriteMeter.open(databaseUrl);
  const measured = (path: string, idempotencyKeys = false) =>
    meter.measure(
      () => load(`${url}${path}`, headers, SECONDS, undefined, idempotencyKeys),
      (l) => l.commands,
    );
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const [p, pw] = await measured('/bench/plain-orders');
      const [o, ow] = await measured('/orders');
      const [k, kw] = await measured('/orders', true);
      plain.push(p);
      orders.push(o);
      keyed.push(k);
      plainWrites.push(pw);
      orderWrites.push(ow);
      keyedWrites.push(kw);
      const figures = (l: Load, w: WritesPerCommand) =>
        `${grouped(l.perSecond)}/s, ${grouped(w.walBytes)} WAL B/cmd`;
      console.log(
        `round ${round + 1}: plain ${figures(p, pw)}; orders ${figures(o, ow)}; keyed ${figures(k, kw)}`,
      );
    }
  } finally {
    await meter.close();
  }
  console.log(`publish lag: ${RATE} orders/s for ${SECONDS} s while a consumer reads order.events`);
  const lag = await publishLag(run, kafka, `${url}/orders`, headers, databaseUrl);
  await server.stop();
  console.log(`relay drain: ${grouped(RELAY_EVENTS)} events, relay vs kafkajs alone`);
  const relay = await relayDrain(run, kafka, databaseUrl);
  report(plain, orders, keyed, { plain: plainWrites, orders: orderWrites, keyed: keyedWrites }, lag, relay);
}

async function load(
  url: string,
  headers: (path: string) => Record<string, string>,
  duration: number,
  rate?: number,
  idempotencyKeys = false,
): Promise<Load> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: headers(new URL(url).pathname),
    body,
    duration,
    connections: CONNECTIONS,
    ...(rate ? { overallRate: rate } : {}),
    ...(idempotencyKeys
      ? {
          requests: [
            {
              setupRequest: (request) => ({
                ...request,
                headers: { ...request.headers, 'idempotency-key': randomUUID() },
              }),
            },
          ],
        }
      : {}),
  });
  return {
    perSecond: result.requests.total / result.duration,
    commands: result.requests.total - result.non2xx,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function publishLag(
  { names }: BenchRun,
  kafka: BenchKafka,
  url: string,
  headers: (path: string) => Record<string, string>,
  databaseUrl: string,
) {
  const lags: number[] = [];
  const consumer = kafka
    .kafka('bench-orders')
    .consumer({ groupId: names.group('lag'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: Topics.orderEvents.name, fromBeginning: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = decodeEnvelope(message.value);
      lags.push(Date.now() - Date.parse(event.occurredAt));
    },
  });
  await joined;
  await delay(2_000); // the first fetches after the join set the group's start offsets
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const [{ from }] = (await db.query<{ from: string }>('SELECT coalesce(max(id), 0) AS from FROM outbox'))
    .rows as [{ from: string }];
  const steady = await load(url, headers, SECONDS, RATE);
  const deadline = Date.now() + 30_000;
  while (lags.length < steady.perSecond * SECONDS * 0.99 && Date.now() < deadline) await delay(200);
  await consumer.disconnect();
  // The relay's part: from the appending transaction's start to the broker's acknowledgement.
  const { rows } = await db.query<{ ms: number }>(
    `SELECT extract(epoch FROM sent_at - created_at)::float8 * 1000 AS ms FROM outbox WHERE id > $1 AND sent_at IS NOT NULL`,
    [from],
  );
  await db.end();
  const relayLags = rows.map((row) => row.ms);
  return {
    rate: steady.perSecond,
    http: steady,
    events: lags.length,
    p50: percentile(lags, 50),
    p99: percentile(lags, 99),
    max: percentile(lags, 100),
    relayP50: Math.round(percentile(relayLags, 50)),
    relayP99: Math.round(percentile(relayLags, 99)),
  };
}

async function relayDrain({ names }: BenchRun, kafka: BenchKafka, databaseUrl: string) {
  const table = 'bench_relay_outbox';
  const topic = names.topic('relay');
  await kafka.withAdmin((admin) =>
    admin.createTopics({ topics: [{ topic, numPartitions: 12 }], waitForLeaders: true }),
  );
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const producer = kafka.kafka('bench-orders').producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    for (const sql of [
      ...outboxSchemaSql({ table }).up,
      ...outboxRetrySql({ table }).up,
      ...outboxTraceSql({ table }).up,
    ])
      await db.query(sql);
    const envelopes = Array.from({ length: RELAY_EVENTS }, (_, i) => placed(i));
    const batch = 200;
    const send = (events: EventEnvelope[]) =>
      producer.send({
        topic,
        compression: CompressionTypes.None,
        messages: events.map((e) => ({ key: e.aggregateId, value: JSON.stringify(e) })),
      });

    const kafkaRuns: number[] = [];
    const relayRuns: number[] = [];
    const relay = new OutboxRelay({
      table,
      connectionString: databaseUrl,
      publish: (records) => send(records.map((r) => r.event)),
      batchSize: batch,
    });
    for (let round = 0; round < ROUNDS; round++) {
      // Baseline: the same envelopes, the same batches, straight from memory to the broker.
      let started = performance.now();
      for (let i = 0; i < envelopes.length; i += batch) await send(envelopes.slice(i, i + batch));
      kafkaRuns.push(RELAY_EVENTS / ((performance.now() - started) / 1000));

      await db.query(`TRUNCATE ${table}`);
      for (let i = 0; i < envelopes.length; i += 1_000) {
        await appendToOutbox(db, table, envelopes.slice(i, i + 1_000));
      }
      started = performance.now();
      let drained = 0;
      for (;;) {
        const published = await relay.relayOnce();
        if (published === 0) break;
        drained += published;
      }
      relayRuns.push(drained / ((performance.now() - started) / 1000));
    }
    await relay.stop();
    const kafkaOnly = median(kafkaRuns);
    const relayRate = median(relayRuns);
    return { events: RELAY_EVENTS, batch, kafkaOnly, relay: relayRate, kafkaRuns, relayRuns };
  } finally {
    await producer.disconnect();
    await db.end();
  }
}

function placed(i: number): EventEnvelope {
  const orderId = randomUUID();
  return createEvent({
    type: 'OrderPlaced',
    aggregateId: orderId,
    aggregateVersion: 1,
    correlationId: randomUUID(),
    causationId: null,
    payload: {
      orderId,
      customerId: `bench-${i % 1000}`,
      lines: [{ sku: 'BOOK-1', quantity: 2, unitPriceMinor: 1250 }],
      currency: 'EUR',
      totalMinor: 2500,
    },
  });
}

function report(
  plain: Load[],
  orders: Load[],
  keyed: Load[],
  writes: { plain: WritesPerCommand[]; orders: WritesPerCommand[]; keyed: WritesPerCommand[] },
  lag: Awaited<ReturnType<typeof publishLag>>,
  relay: Awaited<ReturnType<typeof relayDrain>>,
): void {
  const machine = describeMachine();
  const m = (loads: Load[], pick: (l: Load) => number) => median(loads.map(pick));
  const failed = (loads: Load[]) => loads.reduce((n, l) => n + l.non2xx + l.errors, 0);
  const ratio = m(orders, (l) => l.perSecond) / m(plain, (l) => l.perSecond);
  const keyedRatio = m(keyed, (l) => l.perSecond) / m(plain, (l) => l.perSecond);
  const w = (all: WritesPerCommand[], pick: (w: WritesPerCommand) => number) => median(all.map(pick));
  const writeRow = (name: string, all: WritesPerCommand[]) =>
    `| ${name.padEnd(38)} | ${grouped(w(all, (x) => x.walBytes)).padStart(9)} | ${grouped(w(all, (x) => x.clusterWalBytes)).padStart(11)} | ${String(w(all, (x) => x.inserted)).padStart(8)} | ${String(w(all, (x) => x.updated)).padStart(7)} | ${String(w(all, (x) => x.deleted)).padStart(7)} |`;
  const row = (name: string, loads: Load[]) =>
    `| ${name.padEnd(38)} | ${grouped(m(loads, (l) => l.perSecond)).padStart(10)} | ${String(m(loads, (l) => l.p50)).padStart(6)} | ${String(m(loads, (l) => l.p99)).padStart(6)} | ${String(failed(loads)).padStart(6)} |`;
  console.log(`
order commands, ${CONNECTIONS} connections, medians of ${ROUNDS} rounds of ${SECONDS} s
machine: ${machine}

| route                                  | commands/s | p50 ms | p99 ms | failed |
| -------------------------------------- | ---------- | ------ | ------ | ------ |
${row('POST /bench/plain-orders (one INSERT)', plain)}
${row('POST /orders (events+outbox+read model)', orders)}
${row('POST /orders, Idempotency-Key each', keyed)}

ratio orders / plain insert: ${ratio.toFixed(2)}x (goal >= 0.6x); with an Idempotency-Key: ${keyedRatio.toFixed(2)}x

writes per command, medians of ${ROUNDS} rounds (WAL of the run's database by pg_walinspect; cluster: pg_stat_wal minus its idle rate)

| route                                  | WAL bytes | cluster WAL | inserted | updated | deleted |
| -------------------------------------- | --------- | ----------- | -------- | ------- | ------- |
${writeRow('POST /bench/plain-orders (one INSERT)', writes.plain)}
${writeRow('POST /orders (events+outbox+read model)', writes.orders)}
${writeRow('POST /orders, Idempotency-Key each', writes.keyed)}

publish lag at ${grouped(lag.rate)} orders/s, occurredAt -> consumer: p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms over ${grouped(lag.events)} events (HTTP p99 ${lag.http.p99} ms)
  of which append -> broker ack (outbox created_at -> sent_at): p50 ${lag.relayP50} ms, p99 ${lag.relayP99} ms
relay drain of ${grouped(relay.events)} events in batches of ${relay.batch}, medians of ${ROUNDS}: relay ${grouped(relay.relay)} events/s, kafkajs alone ${grouped(relay.kafkaOnly)} events/s (${(relay.relay / relay.kafkaOnly).toFixed(2)}x; goal >= 5 000 events/s)`);
  writeReport('orders', {
    machine,
    seconds: SECONDS,
    connections: CONNECTIONS,
    rounds: { plain, orders, keyed },
    ratio,
    keyedRatio,
    writes,
    lag,
    relay,
  });
}

runBench('orders', main);
