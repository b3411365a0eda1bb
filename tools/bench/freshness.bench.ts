/**
 * End-to-end freshness at a steady load: from an order placed through the gateway until its
 * OrderPlaced row is visible in ClickHouse:
 *   npm run bench:freshness -- [--low 50] [--high 200] [--seconds 20] [--poll-ms 50] [--batch-wait-ms N]
 *
 * The built api-gateway, auth-service, order-service and analytics-ingest run as child processes
 * with stores of their own (order-pipeline.ts). One registered customer places orders through the
 * gateway (POST /orders, an Idempotency-Key each) at `low`, then `high` orders/s for `seconds`
 * each, after a short warm-up. Open model: every request leaves on its schedule whether or not
 * the earlier ones were answered (more than 500 in flight would be counted as dropped).
 *
 * Visibility is observed, not inferred (visibility-tracker.ts): ClickHouse is polled every
 * `poll-ms` for the accepted orders still awaited, so a row's `seenMs` is late by at most one
 * pause and one query. The row's own `ingested_at_ms` is not its visibility: analytics-ingest
 * stamps it when it turns the record into a row, before the micro-batch waits (up to
 * ANALYTICS_BATCH_MAX_WAIT_MS, 500 ms by default; `--batch-wait-ms` sets it) and is inserted. So
 * send -> seen is the figure (an upper bound) and send -> ingested_at_ms a lower bound. The split
 * per order, every timestamp from this machine's one clock: send -> 201 (gateway, auth,
 * order-service's transaction); occurredAt -> outbox `sent_at` (the relay: wake-up, read, broker
 * ack); `sent_at` -> `ingested_at_ms` (Kafka fetch, decode, handler); `ingested_at_ms` -> seen
 * (batch wait, insert, poll). 201 and the relay overlap, so the parts do not add up exactly.
 *
 * Reports, never asserts; figures go to tmp/bench/freshness.json.
 */
import { percentile } from '@platform/service-edge';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { Client } from 'pg';
import { startBenchKafka } from './bench-kafka';
import { withGoal, type Goal } from './bench-goal';
import { clickhouseClient, postgresUrlOf } from './bench-stores';
import { machine as describeMachine, parseArgs, runBench, writeReport, type BenchRun } from './harness';
import { PLACE_ORDER_BODY } from './order-placed';
import { startOrderPipeline, type OrderPipeline } from './order-pipeline';
import { grouped } from './stats';
import { VisibilityTracker } from './visibility-tracker';

const args = parseArgs(
  process.argv.slice(2),
  '--low N --high N --seconds N --poll-ms N --batch-wait-ms N (a rate of 0 skips it)',
);
const RATES = [args['low'] ?? 50, args['high'] ?? 200].filter((rate) => rate > 0);
const SECONDS = args['seconds'] ?? 20;
const POLL_MS = args['poll-ms'] ?? 50;
const BATCH_WAIT_MS = args['batch-wait-ms'];
const MAX_IN_FLIGHT = 500;
/** The goals of docs/benchmarks.md: send -> row seen in ClickHouse, p99, by rate (orders/s). */
const P99_GOALS_MS: Record<number, Goal> = { 50: { atMost: 1_000 }, 200: { atMost: 2_000 } };
const WARM_UP = { rate: 5, seconds: 3 };
/** How long the rows of one phase may take to appear after its last request was answered. */
const DRAIN_TIMEOUT_MS = 60_000;
if (RATES.some((rate) => rate > 200) || SECONDS > 60)
  throw new Error('bounded: at most 200 orders/s and 60 s per rate (loopback, a shared machine)');
const body = PLACE_ORDER_BODY;

/** An order the gateway accepted: when its request left and when its 201 came back (epoch ms). */
interface Accepted {
  id: string;
  sentMs: number;
  acceptedMs: number;
}

interface Phase {
  rate: number;
  seconds: number;
  accepted: Accepted[];
  /** Answers other than 201 by status, and `error` for requests that got none. */
  failed: Record<string, number>;
  dropped: number;
  /** The most a request left after its scheduled time: the load generator's own lateness. */
  maxScheduleLagMs: number;
}

async function main(run: BenchRun): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const kafka = await startBenchKafka(run);
  const pipeline = await startOrderPipeline(
    run,
    kafka,
    BATCH_WAIT_MS === undefined
      ? {}
      : { 'analytics-ingest': { ANALYTICS_BATCH_MAX_WAIT_MS: String(BATCH_WAIT_MS) } },
  );
  const clickhouse = clickhouseClient(run.teardown);
  const tracker = new VisibilityTracker(clickhouse, pipeline.stores.analytics, POLL_MS);
  // A poll that failed has already failed the run; here the loop only has to end.
  run.teardown.add('stop polling ClickHouse', () => tracker.stop().catch(() => undefined));
  const token = await pipeline.register();
  tracker.start();
  console.log(`warming up: ${WARM_UP.rate} orders/s for ${WARM_UP.seconds} s, until all are in ClickHouse`);
  await steadyLoad(pipeline.gatewayUrl, token, WARM_UP.rate, WARM_UP.seconds, tracker);
  if (!(await tracker.drained(DRAIN_TIMEOUT_MS)))
    throw new Error(`the warm-up's orders did not reach ClickHouse within ${DRAIN_TIMEOUT_MS / 1000} s`);
  const phases: Phase[] = [];
  for (const rate of RATES) {
    console.log(`${rate} orders/s for ${SECONDS} s`);
    phases.push(await steadyLoad(pipeline.gatewayUrl, token, rate, SECONDS, tracker));
    await tracker.drained(DRAIN_TIMEOUT_MS);
  }
  await tracker.stop();
  const sentAt = await outboxSentAt(pipeline);
  report(
    phases.map((phase) => summarise(phase, tracker, sentAt)),
    tracker,
    loadBefore,
  );
}

/** POST /orders at `rate` for `seconds`, open model; resolves when every request was answered. */
async function steadyLoad(
  gatewayUrl: string,
  token: string,
  rate: number,
  seconds: number,
  tracker: VisibilityTracker,
): Promise<Phase> {
  const phase: Phase = { rate, seconds, accepted: [], failed: {}, dropped: 0, maxScheduleLagMs: 0 };
  const requests: Promise<void>[] = [];
  let inFlight = 0;
  const place = async () => {
    const sentMs = Date.now();
    try {
      const res = await fetch(`${gatewayUrl}/orders`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': randomUUID(),
        },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      if (res.status !== 201) {
        phase.failed[res.status] = (phase.failed[res.status] ?? 0) + 1;
        return;
      }
      const { id } = JSON.parse(text) as { id: string };
      phase.accepted.push({ id, sentMs, acceptedMs: Date.now() });
      tracker.watch(id);
    } catch {
      phase.failed['error'] = (phase.failed['error'] ?? 0) + 1;
    }
  };
  const total = Math.round(rate * seconds);
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await delay(wait);
    else phase.maxScheduleLagMs = Math.max(phase.maxScheduleLagMs, -wait);
    if (inFlight >= MAX_IN_FLIGHT) {
      phase.dropped += 1;
      continue;
    }
    inFlight += 1;
    requests.push(place().finally(() => (inFlight -= 1)));
  }
  await Promise.all(requests);
  return phase;
}

/** When the relay had the broker's ack for each event (outbox `sent_at`, epoch ms), by event id. */
async function outboxSentAt(pipeline: OrderPipeline): Promise<Map<string, number>> {
  const db = new Client({
    connectionString: postgresUrlOf(pipeline.stores.orders),
  });
  await db.connect();
  try {
    const { rows } = await db.query<{ event_id: string; sent_ms: number }>(
      `SELECT event_id::text, extract(epoch FROM sent_at)::float8 * 1000 AS sent_ms
       FROM outbox WHERE event_type = 'OrderPlaced' AND sent_at IS NOT NULL`,
    );
    return new Map(rows.map((row) => [row.event_id, row.sent_ms]));
  } finally {
    await db.end();
  }
}

interface Spread {
  p50: number;
  p99: number;
  max: number;
  count: number;
}

const spread = (values: number[]): Spread => ({
  p50: Math.round(percentile(values, 50)),
  p99: Math.round(percentile(values, 99)),
  max: Math.round(percentile(values, 100)),
  count: values.length,
});

function summarise(phase: Phase, tracker: VisibilityTracker, sentAt: Map<string, number>) {
  const parts = { visible: [], ingested: [], http: [], publish: [], consume: [], write: [] } as Record<
    'visible' | 'ingested' | 'http' | 'publish' | 'consume' | 'write',
    number[]
  >;
  let notSeen = 0;
  for (const order of phase.accepted) {
    parts.http.push(order.acceptedMs - order.sentMs);
    const row = tracker.seen.get(order.id);
    if (!row) {
      notSeen += 1;
      continue;
    }
    parts.visible.push(row.seenMs - order.sentMs);
    parts.ingested.push(row.ingestedMs - order.sentMs);
    parts.write.push(row.seenMs - row.ingestedMs);
    const sent = sentAt.get(row.eventId);
    if (sent === undefined) continue;
    parts.publish.push(sent - row.occurredMs);
    parts.consume.push(row.ingestedMs - sent);
  }
  const failed = Object.values(phase.failed).reduce((a, b) => a + b, 0);
  return {
    rate: phase.rate,
    seconds: phase.seconds,
    accepted: phase.accepted.length,
    failed,
    failedByStatus: phase.failed,
    dropped: phase.dropped,
    notSeen,
    maxScheduleLagMs: Math.round(phase.maxScheduleLagMs),
    visible: spread(parts.visible),
    ingested: spread(parts.ingested),
    http: spread(parts.http),
    publish: spread(parts.publish),
    consume: spread(parts.consume),
    write: spread(parts.write),
  };
}

type Summary = ReturnType<typeof summarise>;

function report(summaries: Summary[], tracker: VisibilityTracker, loadBefore: number): void {
  const machine = describeMachine();
  const load = `${loadBefore.toFixed(1)} -> ${(loadavg()[0] ?? 0).toFixed(1)}`;
  const row = (label: string, cells: string[]) =>
    `| ${label.padEnd(54)} | ${cells.map((c) => c.padStart(18)).join(' | ')} |`;
  const byRate = (label: string, pick: (s: Summary) => Spread) =>
    row(
      label,
      summaries.map((s) => `${pick(s).p50} / ${pick(s).p99} / ${pick(s).max}`),
    );
  const query = spread(tracker.queryMs);
  const batchWait = BATCH_WAIT_MS === undefined ? "the app's default" : `${BATCH_WAIT_MS} ms`;
  const lines = [
    '',
    'end-to-end freshness: POST /orders through the gateway -> OrderPlaced row visible in ClickHouse',
    `machine: ${machine}, load average (1 min) ${load}`,
    `analytics batch wait: ${batchWait}; poll every ${POLL_MS} ms (query p50 ${query.p50} ms, p99 ${query.p99} ms)`,
    '',
    row(
      'rate, orders/s',
      summaries.map((s) => String(s.rate)),
    ),
    row(
      '-'.repeat(54),
      summaries.map(() => '-'.repeat(18)),
    ),
    row(
      'accepted / failed / dropped / never seen',
      summaries.map((s) => `${grouped(s.accepted)} / ${s.failed} / ${s.dropped} / ${s.notSeen}`),
    ),
    byRate('send -> row seen in ClickHouse, p50 / p99 / max ms', (s) => s.visible),
    byRate('send -> ingested_at_ms (lower bound), ms', (s) => s.ingested),
    byRate('  send -> 201 (gateway, auth, order-service), ms', (s) => s.http),
    byRate('  occurredAt -> outbox sent_at (relay, broker ack), ms', (s) => s.publish),
    byRate('  sent_at -> ingested_at_ms (fetch, decode), ms', (s) => s.consume),
    byRate('  ingested_at_ms -> seen (batch, insert, poll), ms', (s) => s.write),
    `most a request left late (load generator): ${summaries.map((s) => `${s.maxScheduleLagMs} ms`).join(', ')}`,
    '',
    ...summaries.map((s) => {
      const goal = P99_GOALS_MS[s.rate];
      const p99 = `${grouped(s.visible.p99)} ms`;
      const figure = goal
        ? withGoal(s.visible.p99, goal, (ms) => `${grouped(ms)} ms`)
        : `${p99} (no goal at this rate)`;
      // Orders that failed or were dropped never get a row: a p99 over the accepted ones says so.
      const scheduled = Math.round(s.rate * s.seconds);
      const over =
        s.accepted < scheduled ? `, over the ${grouped(s.accepted)} of ${grouped(scheduled)} accepted` : '';
      return `send -> row seen in ClickHouse, p99 at ${s.rate} orders/s: ${figure}${over}`;
    }),
  ];
  console.log(lines.join('\n'));
  writeReport('freshness', {
    machine,
    loadAverage: load,
    pollMs: POLL_MS,
    batchWaitMs: BATCH_WAIT_MS ?? null,
    query,
    p99GoalsMs: P99_GOALS_MS,
    rates: summaries,
  });
}

runBench('freshness', main);
