/** A built app (`dist/apps/<name>/main.js`) as a child process of a benchmark, as production runs it. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchKafka } from './bench-kafka';
import { isBenchName } from './bench-names';
import { waitForReady, type Teardown } from './harness';

const ROOT = join(__dirname, '../..');
const FREE_METRICS_PORTS = Object.fromEntries(
  ['GATEWAY', 'AUTH', 'ORDER', 'NOTIFICATION', 'ANALYTICS', 'DLQ'].map((app) => [`${app}_METRICS_PORT`, '0']),
);
/** An app that ignores SIGTERM this long is killed. */
const stopTimeoutMs = 15_000;

export type AppName =
  | 'api-gateway'
  | 'auth-service'
  | 'order-service'
  | 'notification-service'
  | 'analytics-ingest'
  | 'dlq-consumer';

/**
 * The variables by which each app chooses the stores it writes: left unset, an app falls back to
 * the development system's (its database, its consumer group, the broker on 9092). A benchmark
 * must set every one, to a name of its run (bench-names.ts) or to its own broker.
 * `bench-isolation.unit.spec.ts` keeps this list equal to what the apps' configs read.
 */
export const STORE_VARIABLES: Record<AppName, readonly string[]> = {
  'api-gateway': ['GATEWAY_RATE_LIMIT_PREFIX'],
  'auth-service': ['AUTH_DATABASE_URL', 'AUTH_THROTTLE_KEY_PREFIX', 'KAFKA_BROKERS'],
  'order-service': ['ORDER_DATABASE_URL', 'KAFKA_BROKERS'],
  'notification-service': [
    'NOTIFICATION_MONGO_DATABASE',
    'NOTIFICATION_EVENTS_GROUP',
    'NOTIFICATION_WORKER_GROUP',
    'KAFKA_BROKERS',
  ],
  'analytics-ingest': ['ANALYTICS_CLICKHOUSE_DATABASE', 'ANALYTICS_CONSUMER_GROUP', 'KAFKA_BROKERS'],
  'dlq-consumer': ['DLQ_MONGO_DATABASE', 'DLQ_CONSUMER_GROUP', 'KAFKA_BROKERS'],
};

/**
 * What is wrong with starting `app` with `env` (the variables a benchmark gives it, before
 * KAFKA_BROKERS is added from `kafka`): a store variable missing or not naming a store of the run,
 * or a broker address given by hand. Empty when the app can only touch the run's stores.
 */
export function isolationProblems(app: AppName, env: Record<string, string>, kafka?: BenchKafka): string[] {
  const problems: string[] = [];
  if (env['KAFKA_BROKERS'] !== undefined)
    problems.push("KAFKA_BROKERS is set by hand: an app gets the run's own broker (startBenchKafka)");
  for (const variable of STORE_VARIABLES[app]) {
    if (variable === 'KAFKA_BROKERS') {
      if (!kafka) problems.push(`${app} uses Kafka: it needs the run's own broker (startBenchKafka)`);
      continue;
    }
    const value = env[variable];
    if (value === undefined) {
      problems.push(`${variable} is unset: ${app} would use the development system's`);
      continue;
    }
    const name = variable.endsWith('_URL') ? databaseOfUrl(value) : value;
    if (!isBenchName(name)) problems.push(`${variable}=${value} does not name a store of the run`);
  }
  return problems;
}

const databaseOfUrl = (url: string) => new URL(url).pathname.replace(/^\//, '');

export interface BuiltApp {
  name: string;
  url: string;
  /** Its process id (processCpuMs reads its CPU time). */
  pid: number;
  /** SIGTERM (SIGKILL after 15 s); resolves with the exit code once the process is gone. Idempotent. */
  stop: () => Promise<number | null>;
}

export interface AppOptions {
  /** The run's teardown: it stops the app if the run ends before the bench does. */
  teardown: Teardown;
  /** The run's broker; required for every app that uses Kafka. */
  kafka?: BenchKafka;
  /** A TypeScript entry run with ts-node instead of the built main.js (a bench's own server). */
  tsEntry?: string;
  /** Let the app's stderr through (its warnings while it is measured); else only its tail on failure. */
  inheritStderr?: boolean;
}

/**
 * Starts `dist/apps/<name>/main.js` listening on `port`, with `env` added to this process's
 * environment (LOG_LEVEL=warn unless `env` says otherwise), and waits for its /health/ready.
 * Refuses to start an app that could reach a store of the development system (isolationProblems).
 * A start that fails says why with the tail of the app's output. BENCH_CPU_PROFILE_DIR=<dir>
 * writes the app's CPU profile there when it exits.
 */
export async function startBuiltApp(
  name: AppName,
  port: number,
  env: Record<string, string>,
  { teardown, kafka, tsEntry, inheritStderr = false }: AppOptions,
): Promise<BuiltApp> {
  const problems = isolationProblems(name, env, kafka);
  if (problems.length > 0) throw new Error(`not starting ${name}: ${problems.join('; ')}`);
  const main = tsEntry ? join(ROOT, tsEntry) : join(ROOT, 'dist/apps', name, 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npx nx build ${name} first`);
  const profileDir = process.env['BENCH_CPU_PROFILE_DIR'];
  const args = [
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ...(tsEntry ? ['-r', 'ts-node/register', '-r', './tools/dev/register-paths.js'] : []),
    main,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', inheritStderr ? 'inherit' : 'pipe'],
    env: {
      // The development values of the secrets, as a bench runs on this host's servers.
      NODE_ENV: 'development',
      ...process.env,
      LOG_LEVEL: 'warn',
      // Any free metrics port: a bench may run several instances of one app side by side.
      ...FREE_METRICS_PORTS,
      ...env,
      ...(kafka ? { KAFKA_BROKERS: kafka.brokers.join(',') } : {}),
    },
  });
  // Both pipes are read (a full pipe would block the app); only the tail is kept, for errors.
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      await exited;
      clearTimeout(killer);
    }
    return child.exitCode;
  };
  teardown.add(`stop ${name} (pid ${child.pid})`, stop);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForReady(url, child, name);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}; its last output:\n${tail}`, { cause: error });
  }
  return { name, url, pid: child.pid as number, stop };
}
