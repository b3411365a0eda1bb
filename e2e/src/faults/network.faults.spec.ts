// Network faults between the apps and their servers: every app reaches Kafka, and order-service
// reaches PostgreSQL, through Toxiproxy (tools/faults/toxiproxy.sh). Under steady load both proxies
// first add latency, then cut every connection and refuse new ones, then heal; the apps must come
// back on their own and the books must balance as in every other scenario. Kafka needs care here:
// a client asks the broker where it lives and then connects there, so the fault broker has a
// second listener that advertises the proxy's port (tools/infra/infra.sh, KAFKA_PROXIED_PORT), and
// the scenario checks with the kernel's socket table that no app went around a proxy.
import { eventually, infraEnv } from '@platform/testing';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { appConnections, type AppConnections } from './app-connections.spec-helper';
import { FaultRun, printLine } from './fault-run.spec-helper';
import { requireOwnServers } from './servers.spec-helper';
import { acceptedEvents, clickhouse } from './stores.spec-helper';
import { Toxiproxy, type ProxyBytes } from './toxiproxy.spec-helper';
import { APPS, type AppName, type User } from '../whole-system.spec-helper';

const run = promisify(execFile);
const toxiproxyScript = (command: 'up' | 'down') =>
  run('bash', [join(__dirname, '../../../tools/faults/toxiproxy.sh'), command], { timeout: 300_000 });

/** Added to every chunk, in each direction, while the network is slow. */
const LATENCY_MS = 200;
/** How long the network stays slow, then how long it stays cut. */
const SLOW_PHASE_MS = 20_000;
const CUT_PHASE_MS = 20_000;
/** Bound of each wait for the system to come back after the heal. */
const RECOVERY_TIMEOUT_MS = 120_000;

/** Milliseconds from `since` until `check` passes (bounded by RECOVERY_TIMEOUT_MS). */
async function msUntil(since: number, check: () => Promise<void>): Promise<number> {
  await eventually(check, { timeoutMs: RECOVERY_TIMEOUT_MS, intervalMs: 250 });
  return Date.now() - since;
}

/** The broker's proxied listener (run.sh: KAFKA_PROXIED_PORT) and the proxy's port it advertises. */
const KAFKA_PROXIED_PORT = Number(process.env['KAFKA_PROXIED_PORT'] ?? 29094);
const KAFKA_PROXY_PORT = Number(process.env['KAFKA_PROXIED_ADVERTISED_PORT'] ?? 29095);
const POSTGRES_PROXY_PORT = Number(process.env['FAULTS_POSTGRES_PROXY_PORT'] ?? 25433);
const KAFKA_PORT = Number(infraEnv.kafkaBrokers[0]?.split(':')[1]);
const POSTGRES_PORT = Number(new URL(infraEnv.postgresUrl).port);
/** The apps that hold Kafka connections (the gateway has none). */
const KAFKA_APPS = APPS.filter((app) => app !== 'api-gateway');

describe('under steady load, through a slow, then cut, then healed network', () => {
  const toxiproxy = new Toxiproxy(process.env['FAULTS_TOXIPROXY_URL'] ?? 'http://127.0.0.1:28474');
  let faults: FaultRun;

  beforeAll(async () => {
    requireOwnServers();
    await toxiproxyScript('up');
    await toxiproxy.create({
      name: 'kafka',
      listen: `127.0.0.1:${KAFKA_PROXY_PORT}`,
      upstream: `127.0.0.1:${KAFKA_PROXIED_PORT}`,
    });
    await toxiproxy.create({
      name: 'postgres',
      listen: `127.0.0.1:${POSTGRES_PROXY_PORT}`,
      upstream: `127.0.0.1:${POSTGRES_PORT}`,
    });
    await requireBrokerBehindProxy();
    faults = await FaultRun.start(
      { KAFKA_BROKERS: `127.0.0.1:${KAFKA_PROXY_PORT}` },
      { 'order-service': (env) => ({ ORDER_DATABASE_URL: throughProxy(env['ORDER_DATABASE_URL'] ?? '') }) },
    );
  }, 300_000);

  afterAll(async () => {
    faults?.saveReports();
    await faults?.system.stop();
    await toxiproxy.remove('kafka').catch(() => undefined);
    await toxiproxy.remove('postgres').catch(() => undefined);
    await toxiproxyScript('down');
  }, 120_000);

  it('recovers unattended from 200 ms of latency, then 20 s without Kafka and PostgreSQL', async () => {
    const { system, customers } = faults;
    const customer = customers[0] as User;
    const proxies = ['kafka', 'postgres'] as const;
    let healedAt = 0;
    let whileSlow: AppConnections = {};

    const { report } = await faults.underLoad(
      'network: 200 ms latency, 20 s cut, heal (Kafka and PostgreSQL)',
      async () => {
        for (const proxy of proxies) await toxiproxy.addLatency(proxy, LATENCY_MS);
        await delay(SLOW_PHASE_MS);
        whileSlow = await appConnections();

        for (const proxy of proxies) await toxiproxy.cut(proxy);
        const cutAt = Date.now();
        // The cut reaches the apps: order-service's readiness checks its store, through the proxy.
        await eventually(
          async () => {
            if ((await fetch(`${system.apps['order-service'].url}/health/ready`)).ok)
              throw new Error('order-service still ready');
          },
          { timeoutMs: CUT_PHASE_MS, intervalMs: 250 },
        );
        const orderServiceUnreadyAfterMs = Date.now() - cutAt;
        await delay(Math.max(0, CUT_PHASE_MS - (Date.now() - cutAt)));
        // Toxiproxy counts a connection's bytes when it closes: the cut closed every one so far.
        const bytesUntilCut = await toxiproxy.bytes();

        for (const proxy of proxies) await toxiproxy.heal(proxy);
        healedAt = Date.now();
        const backlog = (await acceptedEvents(system.stores)).map((e) => e.id);
        const allReadyAfterHealMs = await msUntil(healedAt, async () => {
          for (const app of APPS) {
            const res = await fetch(`${system.apps[app].url}/health/ready`);
            if (!res.ok) throw new Error(`${app} not ready: ${res.status} ${await res.text()}`);
          }
        });
        const ordersAnswerAfterHealMs = await msUntil(healedAt, async () => {
          const res = await system.call('/orders', { token: customer.token });
          if (!res.ok) throw new Error(`GET /orders: ${res.status}`);
        });
        // Everything accepted until the heal (the outboxes' backlog) went through Kafka to ClickHouse.
        const backlogInAnalyticsAfterHealMs = await msUntil(healedAt, async () => {
          const rows = await clickhouse<{ event_id: string }>(
            `SELECT DISTINCT event_id FROM ${system.stores.analytics}.events`,
          );
          const landed = new Set(rows.map((r) => r.event_id));
          const missing = backlog.filter((id) => !landed.has(id)).length;
          if (missing) throw new Error(`${missing} of the ${backlog.length} events accepted before the heal`);
        });
        return {
          orderServiceUnreadyAfterMs,
          allReadyAfterHealMs,
          ordersAnswerAfterHealMs,
          backlogInAnalyticsAfterHealMs,
          backlogAtHeal: backlog.length,
          bytesUntilCut,
        };
      },
    );
    const balancedAfterHealMs = Date.now() - healedAt;
    const afterHeal = await appConnections();
    const byApp = (connections: AppConnections) =>
      Object.fromEntries(
        APPS.map((app) => [
          app,
          {
            kafkaDirect: connections[app]?.[KAFKA_PORT] ?? null,
            kafkaViaProxy: connections[app]?.[KAFKA_PROXY_PORT] ?? null,
            postgresDirect: connections[app]?.[POSTGRES_PORT] ?? null,
            postgresViaProxy: connections[app]?.[POSTGRES_PROXY_PORT] ?? null,
          },
        ]),
      );
    report.extra = {
      ...report.extra,
      balancedAfterHealMs,
      connectionsWhileSlow: byApp(whileSlow),
      connectionsAfterHeal: byApp(afterHeal),
    };
    printLine(JSON.stringify(report.extra));

    const bytesUntilCut = report.extra['bytesUntilCut'] as Record<string, ProxyBytes>;
    for (const proxy of proxies) {
      expect({ proxy, upstream: (bytesUntilCut[proxy]?.upstream ?? 0) > 0 }).toEqual({
        proxy,
        upstream: true,
      });
      expect({ proxy, downstream: (bytesUntilCut[proxy]?.downstream ?? 0) > 0 }).toEqual({
        proxy,
        downstream: true,
      });
    }
    // Before the cut and on the connections made again after it: no app went around a proxy, and
    // every app that uses Kafka (order-service PostgreSQL) talked through it.
    for (const [when, connections] of Object.entries({ whileSlow, afterHeal })) {
      const through = (app: AppName, port: number) => (connections[app]?.[port]?.bytesReceived ?? 0) > 0;
      for (const app of APPS)
        expect({ when, app, kafkaDirect: connections[app]?.[KAFKA_PORT] }).toEqual({
          when,
          app,
          kafkaDirect: undefined,
        });
      expect({ when, postgresDirect: connections['order-service']?.[POSTGRES_PORT] }).toEqual({
        when,
        postgresDirect: undefined,
      });
      for (const app of KAFKA_APPS)
        expect({ when, app, kafkaViaProxy: through(app, KAFKA_PROXY_PORT) }).toEqual({
          when,
          app,
          kafkaViaProxy: true,
        });
      expect({ when, postgresViaProxy: through('order-service', POSTGRES_PROXY_PORT) }).toEqual({
        when,
        postgresViaProxy: true,
      });
    }
  });

  /** The same database URL with the Postgres proxy's port. */
  function throughProxy(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    if (Number(url.port) !== POSTGRES_PORT)
      throw new Error(`${databaseUrl} is not the fault servers' PostgreSQL`);
    url.port = String(POSTGRES_PROXY_PORT);
    return url.toString();
  }

  /** Fails unless the broker, asked through the proxy, names the proxy as its address. */
  async function requireBrokerBehindProxy(): Promise<void> {
    const kafka = new Kafka({
      clientId: 'faults-network',
      brokers: [`127.0.0.1:${KAFKA_PROXY_PORT}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 2 },
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      const { brokers } = await admin.describeCluster();
      const elsewhere = brokers.filter((b) => b.port !== KAFKA_PROXY_PORT);
      if (elsewhere.length)
        throw new Error(`advertised ${elsewhere.map((b) => `${b.host}:${b.port}`).join(', ')}`);
    } catch (error) {
      throw new Error(
        `the fault broker is not reachable through its proxy listener (${(error as Error).message}): ` +
          `it needs KAFKA_PROXIED_PORT=${KAFKA_PROXIED_PORT}; a broker left running by an older run lacks it, ` +
          `so stop it (INFRA_HOME=.infra/faults bash tools/infra/infra.sh down kafka) and run npm run test:faults again`,
        { cause: error },
      );
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
});
