// Starts the built apps (dist/apps/<app>/main.js) as real processes on free ports, against the
// real servers, and stops them with SIGTERM as an orchestrator would.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { eventually, infraEnv } from '@platform/testing';

const root = join(__dirname, '../..');

/** A port nobody listens on right now. */
// Ports handed out below the kernel's ephemeral range (32768-60999 on Linux): a port from that range
// can be taken by any outgoing connection between the probe and the app's listen (EADDRINUSE).
const PORT_RANGE = { from: 20_000, to: 32_000 };
const handedOut = new Set<number>();

/** A port free on 127.0.0.1 now, outside the ephemeral range, never handed out twice per process. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = PORT_RANGE.from + Math.floor(Math.random() * (PORT_RANGE.to - PORT_RANGE.from));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${PORT_RANGE.from}-${PORT_RANGE.to} after 200 tries`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The variable of each app's internal metrics port (its public port never serves /metrics). */
export const METRICS_PORT_VARIABLES: Record<string, string> = {
  'api-gateway': 'GATEWAY_METRICS_PORT',
  'auth-service': 'AUTH_METRICS_PORT',
  'order-service': 'ORDER_METRICS_PORT',
  'notification-service': 'NOTIFICATION_METRICS_PORT',
  'analytics-ingest': 'ANALYTICS_METRICS_PORT',
  'dlq-consumer': 'DLQ_METRICS_PORT',
};

/** One running app: its URL, its log so far, and how to stop it. */
export interface RunningApp {
  name: string;
  /** Its process id (for /proc/<pid>: resident memory, open file descriptors). */
  pid: number;
  url: string;
  /** Its internal metrics server: `${metricsUrl}/metrics` is what Prometheus scrapes. */
  metricsUrl: string;
  log: () => string;
  /** SIGTERM, as an orchestrator stops it; resolves with the exit code. */
  stop: () => Promise<number | null>;
  /** Sends `signal` (SIGKILL: a crash) and resolves when the process has exited. */
  kill: (signal: NodeJS.Signals) => Promise<number | null>;
}

/**
 * Starts `dist/apps/<name>/main.js` with `env` and waits (up to `readyTimeoutMs`, default 60 s)
 * for /health/ready. Its metrics port is the one `env` names (METRICS_PORT_VARIABLES), else a
 * free one; when `env` names it, the process is spawned before this function first awaits.
 */
export async function startApp(
  name: string,
  port: number,
  env: Record<string, string>,
  { readyTimeoutMs = 60_000 }: { readyTimeoutMs?: number } = {},
): Promise<RunningApp> {
  const metricsVariable = METRICS_PORT_VARIABLES[name];
  if (!metricsVariable) throw new Error(`unknown app ${name}`);
  const metricsPort = env[metricsVariable] ?? String(await freePort());
  const child: ChildProcess = spawn(process.execPath, [join(root, 'dist/apps', name, 'main.js')], {
    cwd: root,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: infraEnv.kafkaBrokers.join(','),
      REDIS_URL: infraEnv.redisUrl,
      [metricsVariable]: metricsPort,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // APP_LOG_DIR keeps every app's output on disk too (one file per app, restarts appended).
  const logDir = process.env['APP_LOG_DIR'];
  const logFile = logDir ? join(logDir, `${name}.log`) : undefined;
  if (logDir) mkdirSync(logDir, { recursive: true });
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (logFile) appendFileSync(logFile, chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  try {
    await eventually(
      async () => {
        // A process that exited will never be ready: stop polling and say so below.
        if (hasExited()) return;
        const res = await fetch(`${url}/health/ready`);
        if (!res.ok) throw new Error(`${name} not ready: ${res.status} ${await res.text()}`);
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 250 },
    );
    if (hasExited())
      throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode}:\n${output.slice(-2_000)}`);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${name} did not start (is it built? nx build ${name}): ${(error as Error).message}`, {
      cause: error,
    });
  }
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  const metricsUrl = `http://127.0.0.1:${metricsPort}`;
  return {
    name,
    pid: child.pid as number,
    url,
    metricsUrl,
    log: () => output,
    stop: () => kill('SIGTERM'),
    kill,
  };
}

/**
 * Runs a one-off command of a built app (`node dist/apps/<name>/main.js ...args`, e.g.
 * `bootstrap-admin <email>`) with the environment startApp gives it, and resolves with its exit
 * code and output once it has exited.
 */
export async function runAppCommand(
  name: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [join(root, 'dist/apps', name, 'main.js'), ...args], {
    cwd: root,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: infraEnv.kafkaBrokers.join(','),
      REDIS_URL: infraEnv.redisUrl,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    // 'close', not 'exit': the exit can be seen before the pipes have handed over the last output.
    child.once('close', (exitCode) => resolve(exitCode));
  });
  return { code, output };
}
