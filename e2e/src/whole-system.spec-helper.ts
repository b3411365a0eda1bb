// The six built apps as one running system on the real servers, each with stores of its own
// (databases, consumer groups and prefixes unique to the run), dropped again on stop.
import { allTopics, Topics } from '@platform/contracts';
import type { Role } from '@platform/identity';
import { infraEnv, startGroupAtEnd, uniqueName, type InfraEnv } from '@platform/testing';
import mongoose from 'mongoose';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  freePort,
  METRICS_PORT_VARIABLES,
  runAppCommand,
  startApp,
  type RunningApp,
} from './system.spec-helper';

export const APPS = [
  'auth-service',
  'order-service',
  'notification-service',
  'analytics-ingest',
  'dlq-consumer',
  'api-gateway',
] as const;
export type AppName = (typeof APPS)[number];

/** A caller of the gateway: its access token and user id (and password, to sign in a browser). */
export interface User {
  email: string;
  password: string;
  token: string;
  userId: string;
}

export interface RunningSystem {
  gateway: RunningApp;
  apps: Record<AppName, RunningApp>;
  /** The apps' public ports. */
  ports: Record<AppName, number>;
  /** The apps' internal metrics ports, for a scraper (kept across restarts). */
  metricsPorts: Record<AppName, number>;
  /** The consumer groups of this run, by app. */
  groups: { notifications: string; notificationWorkers: string; analytics: string; dlq: string };
  /** The databases of this run, by store. */
  stores: Stores;
  /**
   * Stops one app with `signal` (SIGTERM: a rollout, SIGKILL: a crash) and starts it again on the
   * same port with the same environment; resolves when it is ready again.
   */
  restart: (app: AppName, signal?: NodeJS.Signals) => Promise<RunningApp>;
  call: (path: string, init?: CallInit) => Promise<Response>;
  /**
   * A new account, signed in. With `roles`, the run's admin (made at start by the bootstrap
   * command) grants them through PUT /users/:id/roles, and the user signs in again so that the
   * token carries them.
   */
  register: (options?: { roles?: Role[] }) => Promise<User>;
  /** The run's first admin, from `bootstrap-admin`, signed in now. */
  signInAdmin: () => Promise<User>;
  stop: () => Promise<(number | null)[]>;
}

/** A request to a gateway, as the tests and the load generators send it. */
export type Call = (path: string, init?: CallInit) => Promise<Response>;

/** Sends one request to the gateway at `gatewayUrl`: JSON body, bearer token, extra headers. */
export function callGateway(gatewayUrl: string, path: string, init: CallInit = {}): Promise<Response> {
  return fetch(`${gatewayUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  });
}

/**
 * Registers `adminEmail` through the gateway and makes it the first admin, as an operator does:
 * an ordinary registration, then auth-service's one-time `bootstrap-admin` command with the
 * environment the app got (`authEnv`). Returns how to sign it in and how to make more accounts.
 */
export async function firstAdmin(
  call: Call,
  adminEmail: string,
  authEnv: Record<string, string>,
): Promise<Pick<RunningSystem, 'register' | 'signInAdmin'>> {
  const password = 'correct horse battery staple';
  const signUp = async (email: string) => {
    const registered = await call('/auth/register', { method: 'POST', body: { email, password } });
    if (registered.status !== 202)
      throw new Error(`register: ${registered.status} ${await registered.text()}`);
  };
  const signIn = async (email: string): Promise<User> => {
    const login = await call('/auth/login', { method: 'POST', body: { email, password } });
    if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const me = (await (await call('/auth/me', { token: accessToken })).json()) as { id: string };
    return { email, password, token: accessToken, userId: me.id };
  };

  await signUp(adminEmail);
  const bootstrap = await runAppCommand('auth-service', ['bootstrap-admin', adminEmail], authEnv);
  if (bootstrap.code !== 0)
    throw new Error(`bootstrap-admin exited with ${bootstrap.code}: ${bootstrap.output}`);
  const signInAdmin = () => signIn(adminEmail);

  const register = async (options: { roles?: Role[] } = {}): Promise<User> => {
    const email = `${uniqueName('buyer')}@example.com`;
    await signUp(email);
    const user = await signIn(email);
    const roles = options.roles;
    if (!roles || (roles.length === 1 && roles[0] === 'customer')) return user;
    const admin = await signInAdmin();
    const granted = await call(`/users/${user.userId}/roles`, {
      method: 'PUT',
      token: admin.token,
      body: { roles },
    });
    if (granted.status !== 200) throw new Error(`grant ${roles}: ${granted.status} ${await granted.text()}`);
    return signIn(email);
  };
  return { register, signInAdmin };
}

/** Where each app keeps its data in one run (Postgres and Mongo databases, the ClickHouse database). */
export interface Stores {
  auth: string;
  orders: string;
  notifications: string;
  dlq: string;
  analytics: string;
}

export interface CallInit {
  method?: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * Starts every app (the servers must be up: npm run infra:up). `env` is added to every app's
 * environment, e.g. OTEL_EXPORTER_OTLP_ENDPOINT to trace into a backend. `rewriteEnv` changes one
 * app's environment once the run has made it, e.g. order-service's database URL through a proxy.
 */
export async function startSystem(
  env: Record<string, string> = {},
  rewriteEnv: Partial<Record<AppName, (env: Record<string, string>) => Record<string, string>>> = {},
): Promise<RunningSystem> {
  const run = uniqueName('sys');
  const { stores, groups, mailDir } = systemRun(run);
  // This run's dead letters and jobs only, not every earlier run's (see startGroupAtEnd).
  await Promise.all([
    startGroupAtEnd(
      groups.dlq,
      allTopics().map((topic) => topic.dlq),
    ),
    startGroupAtEnd(groups.notificationWorkers, [Topics.notificationJobs.name]),
  ]);
  const adminEmail = `${run}-admin@example.com`;
  const ports = await freePorts();
  const metricsPorts = await freePorts();
  const envs = systemEnvironments({ run, ports, metricsPorts, stores, groups, mailDir, common: env });
  for (const app of APPS) Object.assign(envs[app], rewriteEnv[app]?.(envs[app]));
  const started: RunningApp[] = [];
  const start = async (app: AppName) => {
    const running = await startApp(app, ports[app], envs[app]);
    started.push(running);
    return running;
  };
  try {
    // The gateway last, so that its first callers find its upstreams ready.
    const [auth, orders, notifications, analytics, dlq] = await Promise.all([
      start('auth-service'),
      start('order-service'),
      start('notification-service'),
      start('analytics-ingest'),
      start('dlq-consumer'),
    ]);
    let gateway = await start('api-gateway');
    const apps: Record<AppName, RunningApp> = {
      'auth-service': auth,
      'order-service': orders,
      'notification-service': notifications,
      'analytics-ingest': analytics,
      'dlq-consumer': dlq,
      'api-gateway': gateway,
    };

    const call: Call = (path, init) => callGateway(gateway.url, path, init);
    const { register, signInAdmin } = await firstAdmin(call, adminEmail, envs['auth-service']);

    const restart = async (app: AppName, signal: NodeJS.Signals = 'SIGTERM') => {
      const before = apps[app];
      await before.kill(signal);
      started.splice(started.indexOf(before), 1);
      const again = await startApp(app, ports[app], envs[app]);
      started.push(again);
      apps[app] = again;
      if (app === 'api-gateway') gateway = again;
      return again;
    };

    return {
      get gateway() {
        return gateway;
      },
      apps,
      ports,
      metricsPorts,
      groups,
      stores,
      restart,
      call,
      register,
      signInAdmin,
      stop: async () => {
        // The gateway first, as an orchestrator would drain the edge; then the rest together.
        const gatewayCode = await gateway.stop();
        const codes = await Promise.all(started.filter((app) => app !== gateway).map((app) => app.stop()));
        await dropStores(stores, mailDir);
        return [gatewayCode, ...codes];
      },
    };
  } catch (error) {
    await Promise.all(started.map((app) => app.stop()));
    await dropStores(stores, mailDir);
    throw error;
  }
}

/** The names one run of the system uses: its databases, consumer groups and mail directory. */
export function systemRun(run: string): { stores: Stores; groups: RunningSystem['groups']; mailDir: string } {
  return {
    stores: {
      auth: `${run}_auth`,
      orders: `${run}_orders`,
      notifications: `${run}_notifications`,
      dlq: `${run}_dlq`,
      analytics: `${run}_analytics`,
    },
    groups: {
      notifications: `${run}_notification_events`,
      notificationWorkers: `${run}_notification_workers`,
      analytics: `${run}_analytics`,
      dlq: `${run}_dlq`,
    },
    mailDir: join(tmpdir(), `${run}_mail`),
  };
}

/** A free port for each app. */
export async function freePorts(): Promise<Record<AppName, number>> {
  return Object.fromEntries(await Promise.all(APPS.map(async (app) => [app, await freePort()]))) as Record<
    AppName,
    number
  >;
}

/**
 * Each app's environment in one run: its ports, its stores and groups, and, for the gateway, where
 * the others listen (known before any of them starts, so that all six may start at once). `common`
 * goes to every app, e.g. KAFKA_BROKERS of another broker. `servers` are the ones the apps use
 * (default: the test suite's, from the environment).
 */
export function systemEnvironments(options: {
  run: string;
  ports: Record<AppName, number>;
  metricsPorts: Record<AppName, number>;
  stores: Stores;
  groups: RunningSystem['groups'];
  mailDir: string;
  common?: Record<string, string>;
  servers?: InfraEnv;
}): Record<AppName, Record<string, string>> {
  const { run, ports, metricsPorts, stores, groups, mailDir, common = {}, servers = infraEnv } = options;
  const pgUrl = (database: string) => servers.postgresUrl.replace(/\/[^/]*$/, `/${database}`);
  const url = (app: AppName) => `http://127.0.0.1:${ports[app]}`;
  const own: Record<AppName, Record<string, string>> = {
    'auth-service': {
      AUTH_HTTP_PORT: String(ports['auth-service']),
      AUTH_DATABASE_URL: pgUrl(stores.auth),
      AUTH_THROTTLE_KEY_PREFIX: `${run}_throttle`,
    },
    'order-service': {
      ORDER_HTTP_PORT: String(ports['order-service']),
      ORDER_DATABASE_URL: pgUrl(stores.orders),
    },
    'notification-service': {
      NOTIFICATION_HTTP_PORT: String(ports['notification-service']),
      MONGO_URL: servers.mongoUrl,
      NOTIFICATION_MONGO_DATABASE: stores.notifications,
      NOTIFICATION_EVENTS_GROUP: groups.notifications,
      NOTIFICATION_WORKER_GROUP: groups.notificationWorkers,
      EMAIL_FILE_DIR: mailDir,
    },
    'analytics-ingest': {
      ANALYTICS_HTTP_PORT: String(ports['analytics-ingest']),
      CLICKHOUSE_URL: servers.clickhouseUrl,
      ANALYTICS_CLICKHOUSE_DATABASE: stores.analytics,
      ANALYTICS_CONSUMER_GROUP: groups.analytics,
      // Only this run's events: the topics hold every earlier run's too.
      ANALYTICS_FROM_BEGINNING: 'false',
      ANALYTICS_BATCH_MAX_WAIT_MS: '200',
    },
    'dlq-consumer': {
      DLQ_HTTP_PORT: String(ports['dlq-consumer']),
      MONGO_URL: servers.mongoUrl,
      DLQ_MONGO_DATABASE: stores.dlq,
      DLQ_CONSUMER_GROUP: groups.dlq,
    },
    'api-gateway': {
      GATEWAY_HTTP_PORT: String(ports['api-gateway']),
      AUTH_SERVICE_URL: url('auth-service'),
      ORDER_SERVICE_URL: url('order-service'),
      NOTIFICATION_SERVICE_URL: url('notification-service'),
      ANALYTICS_SERVICE_URL: url('analytics-ingest'),
      DLQ_SERVICE_URL: url('dlq-consumer'),
      GATEWAY_RATE_LIMIT_PREFIX: `${run}_rl:`,
    },
  };
  return Object.fromEntries(
    APPS.map((app): [AppName, Record<string, string>] => [
      app,
      {
        // The apps refuse the repository's development secrets unless told they run in
        // development or tests: jest sets NODE_ENV=test, a plain `node` script (fuzz:http) sets none.
        NODE_ENV: process.env.NODE_ENV ?? 'development',
        // The run's gateway is its public origin: the OAuth issuer and the MCP resource name it.
        PUBLIC_URL: url('api-gateway'),
        KAFKA_BROKERS: servers.kafkaBrokers.join(','),
        REDIS_URL: servers.redisUrl,
        ...common,
        [METRICS_PORT_VARIABLES[app] as string]: String(metricsPorts[app]),
        ...own[app],
      },
    ]),
  ) as Record<AppName, Record<string, string>>;
}

/** Drops a run's databases (Postgres, MongoDB, ClickHouse) and its mail directory. */
export async function dropStores(stores: Stores, mailDir: string): Promise<void> {
  const pg = new Client({ connectionString: infraEnv.postgresUrl });
  await pg.connect();
  for (const name of [stores.auth, stores.orders])
    await pg.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await pg.end();
  for (const name of [stores.notifications, stores.dlq]) {
    const mongo = await mongoose.createConnection(infraEnv.mongoUrl, { dbName: name }).asPromise();
    await mongo.dropDatabase();
    await mongo.close();
  }
  await fetch(
    `${infraEnv.clickhouseUrl}/?query=${encodeURIComponent(`DROP DATABASE IF EXISTS ${stores.analytics}`)}`,
    {
      method: 'POST',
    },
  );
  await rm(mailDir, { recursive: true, force: true });
}
