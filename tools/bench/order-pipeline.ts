/**
 * The four built apps an order passes through on its way to ClickHouse (api-gateway, auth-service,
 * order-service, analytics-ingest), on free ports, with stores of their own: two Postgres
 * databases, a ClickHouse database, a consumer group and Redis prefixes unique to the run, all
 * dropped on stop. The servers are the running ones (npm run infra:up).
 */
import { Topics } from '@platform/contracts';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { startBuiltApp, type BuiltApp } from './built-app';
import { freePort } from './harness';

/** The servers, from the environment (`eval "$(bash tools/infra/infra.sh env)"`) or the local defaults. */
const servers = {
  postgresUrl: process.env['POSTGRES_URL'] ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres',
  kafkaBrokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','),
  redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  clickhouseUrl: process.env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123',
  clickhouseUser: process.env['CLICKHOUSE_USER'] ?? 'default',
  clickhousePassword: process.env['CLICKHOUSE_PASSWORD'] ?? '',
};

export interface OrderPipeline {
  gatewayUrl: string;
  /** This run's Postgres database of order-service and ClickHouse database of analytics-ingest. */
  stores: { orders: string; analytics: string };
  servers: typeof servers;
  /** Registers a customer through the gateway and signs in: its access token. */
  register: () => Promise<string>;
  /** Stops the apps (the gateway first) and drops the run's stores. */
  stop: () => Promise<void>;
}

/** Options of the apps that a benchmark may set, e.g. ANALYTICS_BATCH_MAX_WAIT_MS. */
export type AppEnv = Partial<Record<'analytics-ingest' | 'order-service', Record<string, string>>>;

/** Starts the four apps; `appEnv` is added to an app's environment. */
export async function startOrderPipeline(appEnv: AppEnv = {}): Promise<OrderPipeline> {
  const run = `bench_fresh_${Date.now().toString(36)}`;
  const stores = { auth: `${run}_auth`, orders: `${run}_orders`, analytics: `${run}_analytics` };
  const group = `${run}_analytics`;
  const rateLimitPrefix = `${run}_rl:`;
  const pgUrl = (database: string) => servers.postgresUrl.replace(/\/[^/]*$/, `/${database}`);
  const common = {
    KAFKA_BROKERS: servers.kafkaBrokers.join(','),
    REDIS_URL: servers.redisUrl,
  };
  const started: BuiltApp[] = [];
  const start = async (name: string, portVariable: string, env: Record<string, string>) => {
    const port = await freePort();
    const app = await startBuiltApp(name, port, { ...common, [portVariable]: String(port), ...env });
    started.push(app);
    return app;
  };
  const stop = async () => {
    // The gateway (started last) first, as an orchestrator drains the edge.
    for (const app of [...started].reverse()) await app.stop();
    await dropStores(stores, group, rateLimitPrefix);
  };
  try {
    await reachServers();
    const [auth, orders] = await Promise.all([
      start('auth-service', 'AUTH_HTTP_PORT', {
        AUTH_DATABASE_URL: pgUrl(stores.auth),
        AUTH_THROTTLE_KEY_PREFIX: `${run}_throttle`,
      }),
      start('order-service', 'ORDER_HTTP_PORT', {
        ORDER_DATABASE_URL: pgUrl(stores.orders),
        ...appEnv['order-service'],
      }),
    ]);
    // A fresh group that starts "at the end" would miss what is produced before it joins.
    await positionAtEnd(group);
    const analytics = await start('analytics-ingest', 'ANALYTICS_HTTP_PORT', {
      ANALYTICS_CLICKHOUSE_DATABASE: stores.analytics,
      ANALYTICS_CONSUMER_GROUP: group,
      ANALYTICS_FROM_BEGINNING: 'false',
      CLICKHOUSE_URL: servers.clickhouseUrl,
      CLICKHOUSE_USER: servers.clickhouseUser,
      CLICKHOUSE_PASSWORD: servers.clickhousePassword,
      ...appEnv['analytics-ingest'],
    });
    const gateway = await start('api-gateway', 'GATEWAY_HTTP_PORT', {
      AUTH_SERVICE_URL: auth.url,
      ORDER_SERVICE_URL: orders.url,
      ANALYTICS_SERVICE_URL: analytics.url,
      // Not started: nothing of this run calls them (port 1 refuses at once).
      NOTIFICATION_SERVICE_URL: 'http://127.0.0.1:1',
      DLQ_SERVICE_URL: 'http://127.0.0.1:1',
      GATEWAY_RATE_LIMIT_PREFIX: rateLimitPrefix,
      // One customer places every order: the per-caller limit (600/min) would answer 429.
      GATEWAY_RATE_LIMITS: 'standard=1000000/60,auth=1000/60',
    });
    return {
      gatewayUrl: gateway.url,
      stores,
      servers,
      register: () => register(gateway.url, run),
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

async function reachServers(): Promise<void> {
  const pg = new Client({ connectionString: servers.postgresUrl });
  await pg.connect().catch((err: Error) => {
    throw new Error(
      `PostgreSQL is not reachable at ${servers.postgresUrl} (${err.message}): run npm run infra:up`,
    );
  });
  await pg.end();
}

/** Commits the group's offsets at the current end of the topics analytics-ingest reads. */
async function positionAtEnd(group: string): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    for (const topic of [Topics.identityEvents.name, Topics.orderEvents.name]) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId: group,
        topic,
        partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

async function register(gatewayUrl: string, run: string): Promise<string> {
  const email = `${run}@example.com`;
  const password = 'correct horse battery staple';
  const call = (path: string) =>
    fetch(`${gatewayUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
  const registered = await call('/auth/register');
  if (registered.status !== 202) throw new Error(`register: ${registered.status} ${await registered.text()}`);
  const login = await call('/auth/login');
  if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
  return ((await login.json()) as { accessToken: string }).accessToken;
}

async function dropStores(
  stores: { auth: string; orders: string; analytics: string },
  group: string,
  rateLimitPrefix: string,
): Promise<void> {
  const pg = new Client({ connectionString: servers.postgresUrl });
  await pg.connect();
  for (const database of [stores.auth, stores.orders])
    await pg.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await pg.end();
  const dropped = await fetch(
    `${servers.clickhouseUrl}/?query=${encodeURIComponent(`DROP DATABASE IF EXISTS ${stores.analytics}`)}`,
    {
      method: 'POST',
      headers: {
        'X-ClickHouse-User': servers.clickhouseUser,
        'X-ClickHouse-Key': servers.clickhousePassword,
      },
    },
  );
  if (!dropped.ok) throw new Error(`ClickHouse did not drop ${stores.analytics}: ${await dropped.text()}`);
  const admin = kafka().admin();
  await admin.connect();
  await admin.deleteGroups([group]).finally(() => admin.disconnect());
  const redis = new Redis(servers.redisUrl, { lazyConnect: true });
  await redis.connect();
  for await (const keys of redis.scanStream({ match: `${rateLimitPrefix}*`, count: 500 }))
    if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
  redis.disconnect();
}

const kafka = () =>
  new Kafka({ clientId: 'bench-freshness', brokers: servers.kafkaBrokers, logLevel: logLevel.NOTHING });
