// The fault-injection suite (npm run test:faults): one running system under steady customer load,
// one fault per scenario, and after each an accounting over everything accepted so far: every
// event the services published is in effect exactly once in ClickHouse and MongoDB or quarantined
// for the group that failed it, every acknowledged order is in the event store and its read model,
// and no request that was retried with its key failed in the end. docs/reliability.md has the results.
import { createEvent, encodeEnvelope, Headers, Topics, type DomainEvent } from '@platform/contracts';
import { eventually, infraEnv } from '@platform/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import {
  account,
  balanced,
  describe as describeAccount,
  type Accounting,
  type SourceEvent,
} from './accounting';
import { startServers, stopServers, requireOwnServers, killServer } from './servers.spec-helper';
import { SteadyLoad, type LoadSummary, type StoryOutcome } from './steady-load.spec-helper';
import { acceptedEvents, clickhouse, committedPast, orderRecords, readEffects } from './stores.spec-helper';
import { APPS, startSystem, type RunningSystem, type User } from '../whole-system.spec-helper';

const RATE = Number(process.env['FAULTS_RATE'] ?? 8);
/** How long a store or the broker stays down. */
const OUTAGE_MS = Number(process.env['FAULTS_OUTAGE_SECONDS'] ?? 30) * 1_000;
/** Steady load before and after each fault. */
const STEADY_MS = 8_000;

interface ScenarioReport {
  scenario: string;
  load: LoadSummary;
  accounting: string;
  extra?: Record<string, unknown>;
}

describe('under steady load and injected faults', () => {
  let system: RunningSystem;
  let customers: User[];
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const stories: StoryOutcome[] = [];
  const injected: SourceEvent[] = [];
  const undecodableKeys: string[] = [];
  const reports: ScenarioReport[] = [];

  beforeAll(async () => {
    requireOwnServers();
    system = await startSystem({
      // Four customers at 8 stories/s would pass the per-user limit: this measures faults, not limits.
      GATEWAY_RATE_LIMITS: 'standard=1000000/60,auth=100000/60',
    });
    customers = [];
    // Each also works in the shop (staff), so a story confirms its own order: one actor per story.
    for (let i = 0; i < 4; i++) customers.push(await system.register({ roles: ['customer', 'staff'] }));
    kafka = new Kafka({ clientId: 'faults', brokers: infraEnv.kafkaBrokers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  }, 180_000);

  afterAll(async () => {
    writeFileSync(
      join(__dirname, '../../../tmp/faults/report.json'),
      `${JSON.stringify(reports, null, 2)}\n`,
    );
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await system?.stop();
  }, 120_000);

  /** Runs `fault` between two stretches of steady load, then settles and balances the books. */
  async function underLoad(
    scenario: string,
    fault: () => Promise<Record<string, unknown> | void>,
  ): Promise<{ load: LoadSummary; accounting: Accounting }> {
    const load = new SteadyLoad(system.call, customers, { ratePerSecond: RATE });
    load.start();
    let extra: Record<string, unknown> | undefined;
    try {
      await delay(STEADY_MS);
      extra = (await fault()) ?? undefined;
      await delay(STEADY_MS);
    } finally {
      // Even when the fault step fails: its orders belong to the books of the next scenario.
      await load.stop();
      stories.push(...load.outcomes());
    }
    const summary = load.summary();
    const accounting = await settle();
    const report = { scenario, load: summary, accounting: describeAccount(accounting), extra };
    reports.push(report);
    printLine(
      `${scenario}\n${JSON.stringify(summary)}\n${report.accounting}${extra ? `\n${JSON.stringify(extra)}` : ''}`,
    );
    expect(summary.stories).toBeGreaterThan(0);
    expect(summary.failedRequests).toBe(0);
    expect(summary.statuses['500'] ?? 0).toBe(0);
    return { load: summary, accounting };
  }

  /** Waits (bounded) until the books balance and the read model agrees; fails with the account. */
  async function settle(): Promise<Accounting> {
    let last: Accounting | undefined;
    try {
      return await eventually(
        async () => {
          const accepted = await acceptedEvents(system.stores);
          last = account({
            accepted,
            injected,
            undecodableKeys,
            groups: system.groups,
            effects: await readEffects(system.stores),
          });
          if (!balanced(last)) throw new Error(describeAccount(last));
          await readModelAgrees();
          return last;
        },
        { timeoutMs: 180_000, intervalMs: 2_000 },
      );
    } catch (error) {
      throw new Error(`the books did not balance: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Every acknowledged order is in the event store once, and its read-model row is up to date. */
  async function readModelAgrees(): Promise<void> {
    const records = new Map((await orderRecords(system.stores)).map((r) => [r.orderId, r]));
    const acknowledged = stories.filter((s) => s.orderId).map((s) => s.orderId as string);
    const lost = acknowledged.filter((id) => !records.has(id));
    const stale = [...records.values()].filter((r) => r.summaryVersion !== r.eventsVersion);
    const unasked = [...records.keys()].filter((id) => !acknowledged.includes(id));
    if (lost.length || stale.length || unasked.length)
      throw new Error(
        `read model: ${lost.length} acknowledged orders lost, ${stale.length} stale rows, ` +
          `${unasked.length} orders no acknowledged request made (a retry that placed twice)`,
      );
  }

  it('loses nothing when consumers are killed with SIGKILL mid-batch and restarted', async () => {
    await underLoad('consumer SIGKILL', async () => {
      for (const app of ['analytics-ingest', 'notification-service', 'dlq-consumer'] as const) {
        await system.restart(app, 'SIGKILL');
        // Killed again while it works through the backlog its first death left: mid-batch for sure.
        await delay(500);
        await system.restart(app, 'SIGKILL');
      }
    });
  });

  it('keeps accepting orders while the Kafka broker is stopped, and publishes them after', async () => {
    await underLoad('Kafka broker stopped and restarted', async () => {
      await stopServers('kafka');
      await delay(OUTAGE_MS / 2);
      await startServers('kafka');
    });
  });

  it('loses nothing when the Kafka broker is killed with SIGKILL and restarted', async () => {
    await underLoad('Kafka broker SIGKILL', async () => {
      await killServer('kafka');
      await delay(5_000);
      await startServers('kafka');
    });
  });

  it('holds analytics back while ClickHouse is down and catches up after', async () => {
    await underLoad('ClickHouse down', async () => {
      await stopServers('clickhouse');
      await delay(OUTAGE_MS);
      await startServers('clickhouse');
    });
  });

  it('holds notifications and quarantine back while the MongoDB-compatible store is down', async () => {
    await underLoad('MongoDB-compatible store down', async () => {
      await stopServers('mongo');
      await delay(OUTAGE_MS);
      await startServers('mongo');
    });
  });

  it('fails closed for revocation and degrades rate limiting while Redis is down', async () => {
    await underLoad('Redis down', async () => {
      await stopServers('redis');
      const customer = customers[0] as User;
      const during = await system.call('/orders', { token: customer.token });
      const problem = (await during.json()) as { code?: string };
      const publicRoute = await system.call('/health/live');
      await delay(OUTAGE_MS / 2);
      await startServers('redis');
      expect(during.status).toBe(503);
      expect(problem.code).toBe('GATEWAY.AUTH_UNAVAILABLE');
      expect(publicRoute.status).toBe(200);
      return { authenticatedDuringOutage: during.status, code: problem.code };
    });
  });

  it('answers orders again after PostgreSQL restarts, each retried order placed once', async () => {
    await underLoad('PostgreSQL restart', async () => {
      await stopServers('mongo', 'postgres'); // FerretDB keeps its documents in this PostgreSQL
      await startServers('postgres', 'mongo');
    });
  });

  it('keeps healthy throughput through a poison flood and quarantines every poison message', async () => {
    const landed = async (fromMs: number, toMs: number) => {
      const [row] = await clickhouse<{ n: string }>(
        `SELECT count() AS n FROM ${system.stores.analytics}.events FINAL
          WHERE ingested_at_ms >= ${fromMs} AND ingested_at_ms < ${toMs} AND aggregate_id NOT LIKE 'poison-%'`,
      );
      return Number(row?.n ?? 0) / ((toMs - fromMs) / 1_000);
    };
    const { load } = await underLoad('poison flood (1% undecodable, 1% failing handlers)', async () => {
      const baselineFrom = Date.now();
      await delay(STEADY_MS);
      const baselineTo = Date.now();
      // Two events per story: 1% of each kind is RATE * 2 / 100 per second.
      const poisonPerSecond = Math.max(1, (RATE * 2) / 100);
      const floodFrom = Date.now();
      for (let i = 0; i < (poisonPerSecond * OUTAGE_MS) / 1_000; i++) {
        await injectPoison();
        await delay(1_000 / poisonPerSecond);
      }
      const floodTo = Date.now();
      return { baselineFrom, baselineTo, floodFrom, floodTo };
    });
    const report = reports.at(-1) as ScenarioReport;
    const w = report.extra as {
      baselineFrom: number;
      baselineTo: number;
      floodFrom: number;
      floodTo: number;
    };
    const baseline = await landed(w.baselineFrom, w.baselineTo);
    const flood = await landed(w.floodFrom, w.floodTo);
    report.extra = {
      ...w,
      healthyEventsPerSecond: { baseline, flood, ratio: flood / baseline },
      poison: injected.length,
    };
    printLine(
      `healthy analytics events/s: baseline ${baseline.toFixed(1)}, during the flood ${flood.toFixed(1)}`,
    );
    expect(load.failedRequests).toBe(0);
    expect(flood / baseline).toBeGreaterThan(0.8);
  });

  it('changes nothing when the same batch of records is delivered twice', async () => {
    const before = await readEffects(system.stores);
    await underLoad('duplicate delivery', async () => {
      const copied = await redeliverRecentRecords(200);
      // Both groups have committed past the copies (the load goes on adding records behind them).
      const ends = await admin.fetchTopicOffsets(Topics.orderEvents.name);
      await eventually(
        async () => {
          for (const group of [system.groups.analytics, system.groups.notifications])
            if (!(await committedPast(admin, group, Topics.orderEvents.name, ends)))
              throw new Error(`${group} has not consumed the copies yet`);
        },
        { timeoutMs: 120_000, intervalMs: 500 },
      );
      return { redelivered: copied };
    });
    const after = await readEffects(system.stores);
    expect(after.analyticsRows).toBeGreaterThanOrEqual(before.analyticsRows);
  });

  it('fails no idempotent request through a rolling restart of every app', async () => {
    await underLoad('rolling restart of every app', async () => {
      // APPS ends with the gateway: the edge goes last, as in a rollout of the services first.
      for (const app of APPS) await system.restart(app, 'SIGTERM');
    });
  });

  /** One undecodable record and one valid event whose handler fails (an order never placed). */
  async function injectPoison(): Promise<void> {
    const key = `poison-${randomUUID()}`;
    undecodableKeys.push(key);
    const orphanId = `poison-${randomUUID()}`;
    const orphan = createEvent({
      type: 'OrderConfirmed',
      aggregateId: orphanId,
      aggregateVersion: 2,
      correlationId: randomUUID(),
      causationId: null,
      payload: { orderId: orphanId },
    });
    injected.push({ id: orphan.id, type: orphan.type });
    await producer.send({
      topic: Topics.orderEvents.name,
      messages: [
        { key, value: randomBytes(64) },
        {
          key: orphanId,
          value: encodeEnvelope(orphan as DomainEvent),
          headers: { [Headers.eventType]: orphan.type, [Headers.eventVersion]: String(orphan.version) },
        },
      ],
    });
  }

  /** Produces the last `perPartition` records of every partition of order.events again, byte for byte. */
  async function redeliverRecentRecords(perPartition: number): Promise<number> {
    const topic = Topics.orderEvents.name;
    const offsets = await admin.fetchTopicOffsets(topic);
    const consumer = kafka.consumer({ groupId: `faults-copy-${randomUUID()}`, maxWaitTimeInMs: 200 });
    const wanted = offsets.reduce((n, p) => n + Math.min(perPartition, Number(p.high) - Number(p.low)), 0);
    const copies: {
      key: Buffer | null;
      value: Buffer | null;
      headers: Record<string, Buffer>;
      partition: number;
    }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const high = Number(offsets.find((p) => p.partition === partition)?.high ?? 0);
        if (Number(message.offset) < high - perPartition || Number(message.offset) >= high) return;
        copies.push({
          partition,
          key: message.key,
          value: message.value,
          headers: message.headers as Record<string, Buffer>,
        });
      },
    });
    for (const p of offsets)
      consumer.seek({
        topic,
        partition: p.partition,
        offset: String(Math.max(Number(p.low), Number(p.high) - perPartition)),
      });
    await eventually(() => copies.length >= wanted, { timeoutMs: 60_000, intervalMs: 200 });
    await consumer.disconnect();
    // Only this run's records: the fault servers' topics also hold earlier runs', which this
    // system's stores have never seen (the accounting would count them as invented).
    const ours = new Set([...(await acceptedEvents(system.stores)), ...injected].map((e) => e.id));
    const poison = new Set(undecodableKeys);
    const mine = copies.filter((copy) => {
      if (copy.key && poison.has(copy.key.toString())) return true;
      try {
        return ours.has((JSON.parse(String(copy.value)) as { id?: string }).id ?? '');
      } catch {
        return false;
      }
    });
    await producer.send({ topic, messages: mine });
    return mine.length;
  }
});

/** One figure line in the run's output (the suite's results are read from it and report.json). */
function printLine(line: string): void {
  process.stdout.write(`${line}\n`);
}
