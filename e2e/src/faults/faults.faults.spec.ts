// The fault-injection suite (npm run test:faults): one running system under steady customer load,
// one fault per scenario, and after each an accounting over everything accepted so far: every
// event the services published is in effect exactly once in ClickHouse and MongoDB or quarantined
// for the group that failed it, every acknowledged order is in the event store and its read model,
// and no request that was retried with its key failed in the end. docs/reliability.md has the results.
import { createEvent, encodeEnvelope, Headers, Topics, type DomainEvent } from '@platform/contracts';
import { eventually, infraEnv } from '@platform/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { FaultRun, printLine, RATE, STEADY_MS } from './fault-run.spec-helper';
import { startServers, stopServers, requireOwnServers, killServer } from './servers.spec-helper';
import { acceptedEvents, clickhouse, committedPast, readEffects } from './stores.spec-helper';
import { APPS, type RunningSystem, type User } from '../whole-system.spec-helper';

/** How long a store or the broker stays down. */
const OUTAGE_MS = Number(process.env['FAULTS_OUTAGE_SECONDS'] ?? 30) * 1_000;

describe('under steady load and injected faults', () => {
  let run: FaultRun;
  let system: RunningSystem;
  let customers: User[];
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    requireOwnServers();
    run = await FaultRun.start();
    ({ system, customers } = run);
    kafka = new Kafka({ clientId: 'faults', brokers: infraEnv.kafkaBrokers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  }, 180_000);

  afterAll(async () => {
    run?.saveReports();
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await system?.stop();
  }, 120_000);

  it('loses nothing when consumers are killed with SIGKILL mid-batch and restarted', async () => {
    await run.underLoad('consumer SIGKILL', async () => {
      for (const app of ['analytics-ingest', 'notification-service', 'dlq-consumer'] as const) {
        await system.restart(app, 'SIGKILL');
        // Killed again while it works through the backlog its first death left: mid-batch for sure.
        await delay(500);
        await system.restart(app, 'SIGKILL');
      }
    });
  });

  it('keeps accepting orders while the Kafka broker is stopped, and publishes them after', async () => {
    await run.underLoad('Kafka broker stopped and restarted', async () => {
      await stopServers('kafka');
      await delay(OUTAGE_MS / 2);
      await startServers('kafka');
    });
  });

  it('loses nothing when the Kafka broker is killed with SIGKILL and restarted', async () => {
    await run.underLoad('Kafka broker SIGKILL', async () => {
      await killServer('kafka');
      await delay(5_000);
      await startServers('kafka');
    });
  });

  it('holds analytics back while ClickHouse is down and catches up after', async () => {
    await run.underLoad('ClickHouse down', async () => {
      await stopServers('clickhouse');
      await delay(OUTAGE_MS);
      await startServers('clickhouse');
    });
  });

  it('holds notifications and quarantine back while the MongoDB-compatible store is down', async () => {
    await run.underLoad('MongoDB-compatible store down', async () => {
      await stopServers('mongo');
      await delay(OUTAGE_MS);
      await startServers('mongo');
    });
  });

  it('fails closed for revocation and degrades rate limiting while Redis is down', async () => {
    await run.underLoad('Redis down', async () => {
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
    await run.underLoad('PostgreSQL restart', async () => {
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
    const { load, report } = await run.underLoad(
      'poison flood (1% undecodable, 1% failing handlers)',
      async () => {
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
      },
    );
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
      poison: run.injected.length,
    };
    printLine(
      `healthy analytics events/s: baseline ${baseline.toFixed(1)}, during the flood ${flood.toFixed(1)}`,
    );
    expect(load.failedRequests).toBe(0);
    expect(flood / baseline).toBeGreaterThan(0.8);
  });

  it('changes nothing when the same batch of records is delivered twice', async () => {
    const before = await readEffects(system.stores);
    await run.underLoad('duplicate delivery', async () => {
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
    await run.underLoad('rolling restart of every app', async () => {
      // APPS ends with the gateway: the edge goes last, as in a rollout of the services first.
      for (const app of APPS) await system.restart(app, 'SIGTERM');
    });
  });

  /** One undecodable record and one valid event whose handler fails (an order never placed). */
  async function injectPoison(): Promise<void> {
    const key = `poison-${randomUUID()}`;
    run.undecodableKeys.push(key);
    const orphanId = `poison-${randomUUID()}`;
    const orphan = createEvent({
      type: 'OrderConfirmed',
      aggregateId: orphanId,
      aggregateVersion: 2,
      correlationId: randomUUID(),
      causationId: null,
      payload: { orderId: orphanId },
    });
    run.injected.push({ id: orphan.id, type: orphan.type });
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
    const ours = new Set([...(await acceptedEvents(system.stores)), ...run.injected].map((e) => e.id));
    const poison = new Set(run.undecodableKeys);
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
