/**
 * The four built apps an order passes through on its way to ClickHouse (api-gateway, auth-service,
 * order-service, analytics-ingest), on free ports and the run's own broker, with stores of the run:
 * two Postgres databases, a ClickHouse database, a consumer group and Redis prefixes (bench-names.ts),
 * all removed by the run's teardown. The other servers are the running ones (npm run infra:up).
 */
import type { BenchKafka } from './bench-kafka';
import { clickhouseDatabase, postgresDatabase, redisPrefix, servers } from './bench-stores';
import { startBuiltApp, type AppName, type BuiltApp } from './built-app';
import { freePort, type BenchRun } from './harness';

export interface OrderPipeline {
  gatewayUrl: string;
  /** This run's Postgres database of order-service and ClickHouse database of analytics-ingest. */
  stores: { orders: string; analytics: string };
  servers: typeof servers;
  /** Registers a customer through the gateway and signs in: its access token. */
  register: () => Promise<string>;
}

/** Options of the apps that a benchmark may set, e.g. ANALYTICS_BATCH_MAX_WAIT_MS. */
export type AppEnv = Partial<Record<'analytics-ingest' | 'order-service', Record<string, string>>>;

/** Starts the four apps; `appEnv` is added to an app's environment. */
export async function startOrderPipeline(
  run: BenchRun,
  kafka: BenchKafka,
  appEnv: AppEnv = {},
): Promise<OrderPipeline> {
  const { names, teardown } = run;
  const stores = {
    auth: names.database('auth'),
    orders: names.database('orders'),
    analytics: clickhouseDatabase(teardown, names.database('analytics')),
  };
  const [authUrl, ordersUrl] = [
    await postgresDatabase(teardown, stores.auth, { create: false }),
    await postgresDatabase(teardown, stores.orders, { create: false }),
  ];
  const start = async (name: AppName, portVariable: string, env: Record<string, string>) => {
    const port = await freePort();
    const usesKafka = name !== 'api-gateway';
    return startBuiltApp(
      name,
      port,
      { REDIS_URL: servers.redisUrl, [portVariable]: String(port), ...env },
      { teardown, ...(usesKafka ? { kafka } : {}) },
    );
  };
  const [auth, orders] = await Promise.all([
    start('auth-service', 'AUTH_HTTP_PORT', {
      AUTH_DATABASE_URL: authUrl,
      AUTH_THROTTLE_KEY_PREFIX: redisPrefix(teardown, names.redisPrefix('throttle')),
    }),
    start('order-service', 'ORDER_HTTP_PORT', {
      ORDER_DATABASE_URL: ordersUrl,
      ...appEnv['order-service'],
    }),
  ]);
  const analytics: BuiltApp = await start('analytics-ingest', 'ANALYTICS_HTTP_PORT', {
    ANALYTICS_CLICKHOUSE_DATABASE: stores.analytics,
    ANALYTICS_CONSUMER_GROUP: names.group('analytics'),
    // The broker is the run's own: everything on it is this run's.
    ANALYTICS_FROM_BEGINNING: 'true',
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
    GATEWAY_RATE_LIMIT_PREFIX: redisPrefix(teardown, names.redisPrefix('rl')),
    // One customer places every order: the per-caller limit (600/min) would answer 429.
    GATEWAY_RATE_LIMITS: 'standard=1000000/60,auth=1000/60',
  });
  return {
    gatewayUrl: gateway.url,
    stores,
    servers,
    register: () => register(gateway.url, names.run),
  };
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
