/**
 * The quarantine's admin reads at size, in one run:
 *   npm run bench:quarantine -- [--entries 2500] [--large-every 100] [--calls 30]
 *
 * 1. Fill: the built dlq-consumer (`dist/apps/dlq-consumer/main.js`, a fresh database, a fresh
 *    group starting at the end of the DLQ topics) quarantines `entries` dead letters written to
 *    order.events.dlq: 20 kinds of failure, small values, and one in `large-every` of 900 KB (a
 *    poison value near the broker's 1 MiB limit, as the bad-message tests write). The clock runs
 *    from the first write until the store counts them all.
 * 2. Reads through the app's HTTP API, `calls` each, two at a time (as `npm run fuzz:http` calls):
 *    GET /admin/dlq/groups, GET /admin/dlq/messages (a page of 50), GET /admin/dlq/messages/:id of
 *    a 900 KB entry; p50 and p99. The gateway gives an upstream 5 s.
 * 3. Side by side on the same store: the groups' `$group` and the first page, as direct queries,
 *    over the app's `quarantine` collection (bytes in `quarantine_bytes`) and over a copy with each
 *    entry's bytes inline (how entries were stored before); medians and the ratio.
 *
 * Reports, never asserts; figures go to tmp/bench/quarantine.json. The dead letters go to
 * order.events.dlq of the run's own broker (bench-kafka.ts), the quarantine to a FerretDB database
 * of the run (bench-names.ts); both are removed at the end, also when the run fails or is stopped.
 */
import { median, percentile } from '@platform/service-edge';
import { allTopics, Headers, Topics } from '@platform/contracts';
import {
  DEVELOPMENT_GATEWAY_IDENTITY_KEYS,
  GATEWAY_IDENTITY_HEADER,
  GatewayIdentitySigner,
} from '@platform/identity';
import type { Message } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { startBenchKafka } from './bench-kafka';
import { mongoDatabase, servers } from './bench-stores';
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

const args = parseArgs(process.argv.slice(2), '--entries N --large-every N --calls N');
const ENTRIES = args['entries'] ?? 2_500;
const LARGE_EVERY = args['large-every'] ?? 100;
const CALLS = args['calls'] ?? 30;
const KINDS = 20;
const LARGE_BYTES = 900 * 1024;
const TOPIC = Topics.orderEvents.dlq;
// The development key pair: the app runs under NODE_ENV=development (startBuiltApp).
const gateway = new GatewayIdentitySigner(DEVELOPMENT_GATEWAY_IDENTITY_KEYS.signingKey);

/** A dead letter as the consumer runtime writes one, with complete provenance; `group` as its failed group. */
function deadLetter(i: number, now: string, group: string): Message {
  const large = i % LARGE_EVERY === 0;
  const key = `order-${i}`;
  const value = large
    ? Buffer.alloc(LARGE_BYTES, 0x61)
    : Buffer.from(JSON.stringify({ type: 'OrderPlaced', id: randomUUID(), pad: 'x'.repeat(1_500) }));
  return {
    key,
    value,
    headers: {
      [Headers.originalTopic]: Topics.orderEvents.name,
      [Headers.originalPartition]: String(i % 12),
      [Headers.originalOffset]: String(i),
      [Headers.originalKey]: key,
      [Headers.consumerGroup]: group,
      [Headers.eventType]: 'OrderPlaced',
      [Headers.errorClass]: `BenchFailure${i % KINDS}`,
      [Headers.errorMessage]: `kind ${i % KINDS} of failure, written by bench:quarantine`,
      [Headers.attempts]: '3',
      [Headers.firstFailureAt]: now,
      [Headers.lastFailureAt]: now,
      [Headers.deadLetterReason]: 'permanent',
    },
  };
}

/** `calls` calls of `call`, two at a time; their durations in ms. */
async function timed(call: () => Promise<void>): Promise<number[]> {
  const durations: number[] = [];
  const worker = async () => {
    while (durations.length < CALLS) {
      const started = performance.now();
      await call();
      durations.push(performance.now() - started);
    }
  };
  await Promise.all([worker(), worker()]);
  return durations;
}

async function medianOf(query: () => Promise<unknown>, rounds = 7): Promise<number> {
  const durations: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await query();
    durations.push(performance.now() - started);
  }
  return median(durations);
}

async function main({ names, teardown }: BenchRun): Promise<void> {
  console.log(`bench:quarantine on ${describeMachine()}`);
  console.log(
    `${grouped(ENTRIES)} dead letters, 1 in ${LARGE_EVERY} of ${LARGE_BYTES / 1024} KB, ${KINDS} kinds`,
  );
  const kafka = await startBenchKafka({ names, teardown });
  const group = names.group('dlq');
  // The DLQ topics dlq-consumer reads, as their owners create them on a new cluster.
  await kafka.createSystemTopics(['auth-service', 'order-service', 'notification-service']);
  await kafka.withAdmin(async (admin) => {
    // The group's offsets exist before the app joins: a group that starts at the end once it
    // has joined would miss what is written before that.
    for (const topic of allTopics().map((t) => t.dlq)) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId: group,
        topic,
        partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
      });
    }
  });
  const connection = await mongoDatabase(teardown, names.database('dlq'));
  const db = connection.db;
  if (!db) throw new Error('no database handle after connecting');
  const port = await freePort();
  const app = await startBuiltApp(
    'dlq-consumer',
    port,
    {
      DLQ_HTTP_PORT: String(port),
      MONGO_URL: servers.mongoUrl,
      DLQ_MONGO_DATABASE: db.databaseName,
      DLQ_CONSUMER_GROUP: group,
    },
    { teardown, kafka },
  );
  // 1. Fill.
  const producer = kafka.kafka('bench-quarantine').producer();
  await producer.connect();
  const now = new Date().toISOString();
  const started = performance.now();
  for (let from = 0; from < ENTRIES; from += 50) {
    const letters = Array.from({ length: Math.min(50, ENTRIES - from) }, (_, j) =>
      deadLetter(from + j, now, group),
    );
    // A large value goes alone: the broker refuses a record batch over 1 MiB.
    const large = letters.filter((m) => (m.value as Buffer).length >= LARGE_BYTES);
    const small = letters.filter((m) => (m.value as Buffer).length < LARGE_BYTES);
    await producer.send({ topic: TOPIC, messages: small });
    for (const message of large) await producer.send({ topic: TOPIC, messages: [message] });
  }
  await producer.disconnect();
  const written = performance.now();
  const quarantine = db.collection('quarantine');
  while ((await quarantine.countDocuments({ consumerGroup: group })) < ENTRIES) await delay(250);
  const filled = performance.now();
  const fillSeconds = (filled - started) / 1000;
  console.log(
    `fill: written in ${((written - started) / 1000).toFixed(1)} s, all quarantined after ${fillSeconds.toFixed(1)} s` +
      ` (${grouped(ENTRIES / fillSeconds)} dead letters/s)`,
  );

  // 2. Reads through the app.
  const get = async (path: string) => {
    const res = await fetch(`${app.url}${path}`, {
      headers: {
        [GATEWAY_IDENTITY_HEADER]: gateway.mint({
          sub: 'bench-admin',
          roles: ['admin'],
          ip: '127.0.0.1',
          aud: 'dlq',
          htm: 'GET',
          htu: new URL(path, app.url).pathname,
        }),
      },
    });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  const largeId = `${Topics.orderEvents.name}:0:0@${group}`;
  const reads = {
    'GET /admin/dlq/groups': await timed(() => get('/admin/dlq/groups')),
    'GET /admin/dlq/messages?limit=50': await timed(() => get('/admin/dlq/messages?limit=50')),
    [`GET /admin/dlq/messages/:id (${LARGE_BYTES / 1024} KB)`]: await timed(() =>
      get(`/admin/dlq/messages/${encodeURIComponent(largeId)}`),
    ),
  };
  const readRows = Object.entries(reads).map(([route, durations]) => ({
    route,
    p50Ms: Math.round(percentile(durations, 50)),
    p99Ms: Math.round(percentile(durations, 99)),
  }));
  console.log('\nreads through the app, two at a time');
  console.table(readRows);

  // 3. Side by side: the same queries over the split layout and over the bytes inline.
  const inline = db.collection('quarantine_inline');
  const bytes = db.collection('quarantine_bytes');
  const entries = await quarantine.find({}).toArray();
  for (let from = 0; from < entries.length; from += 20) {
    const chunk = entries.slice(from, from + 20);
    // One lookup by _id each: FerretDB v1 pushes an _id equality down to PostgreSQL, not an $in.
    const found = await Promise.all(chunk.map((entry) => bytes.findOne({ _id: entry._id })));
    await inline.insertMany(
      chunk.map((entry, i) => ({
        ...entry,
        value: found[i]?.['value'] ?? null,
        headers: found[i]?.['headers'] ?? [],
      })),
    );
  }
  await inline.createIndex({ status: 1, quarantinedAt: -1, _id: -1 });
  await inline.createIndex({ fingerprint: 1, status: 1 });
  const queries = {
    'groups ($match, $group by fingerprint)': (collection: typeof inline) =>
      collection
        .aggregate([
          { $match: { status: 'quarantined' } },
          { $group: { _id: '$fingerprint', count: { $sum: 1 } } },
          { $sort: { count: -1, _id: 1 } },
        ])
        .toArray(),
    'first page (50, newest first)': (collection: typeof inline) =>
      collection
        .find({ status: 'quarantined' }, { projection: { value: 0, headers: 0, history: 0 } })
        .sort({ quarantinedAt: -1, _id: -1 })
        .limit(51)
        .toArray(),
    'count of the quarantined': (collection: typeof inline) =>
      collection.countDocuments({ status: 'quarantined' }),
  };
  const sideBySide = [];
  for (const [query, runQuery] of Object.entries(queries)) {
    const split = await medianOf(() => runQuery(quarantine));
    const together = await medianOf(() => runQuery(inline));
    sideBySide.push({
      query,
      bytesApartMs: Math.round(split),
      bytesInlineMs: Math.round(together),
      ratio: Number((together / split).toFixed(1)),
    });
  }
  console.log('\nthe same query, bytes apart (the app) vs bytes inline (before): medians of 7');
  console.table(sideBySide);

  const report = {
    machine: describeMachine(),
    entries: ENTRIES,
    largeEvery: LARGE_EVERY,
    largeBytes: LARGE_BYTES,
    fill: { seconds: fillSeconds, perSecond: ENTRIES / fillSeconds },
    reads: readRows,
    sideBySide,
  };
  console.log(`\nreport: ${writeReport('quarantine', report)}`);
  await app.stop();
}

runBench('quarantine', main);
