/** A built app (`dist/apps/<name>/main.js`) as a child process of a benchmark, as production runs it. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { waitForReady } from './harness';

const ROOT = join(__dirname, '../..');
const FREE_METRICS_PORTS = Object.fromEntries(
  ['GATEWAY', 'AUTH', 'ORDER', 'NOTIFICATION', 'ANALYTICS', 'DLQ'].map((app) => [`${app}_METRICS_PORT`, '0']),
);
/** An app that ignores SIGTERM this long is killed. */
const stopTimeoutMs = 15_000;

export interface BuiltApp {
  name: string;
  url: string;
  /** SIGTERM (SIGKILL after 15 s); resolves with the exit code once the process is gone. */
  stop: () => Promise<number | null>;
}

/**
 * Starts `dist/apps/<name>/main.js` listening on `port`, with `env` added to this process's
 * environment (LOG_LEVEL=warn unless `env` says otherwise), and waits for its /health/ready.
 * A start that fails says why with the tail of the app's output.
 */
export async function startBuiltApp(
  name: string,
  port: number,
  env: Record<string, string>,
): Promise<BuiltApp> {
  const main = join(ROOT, 'dist/apps', name, 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npx nx build ${name} first`);
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      // The development values of the secrets, as a bench runs on this host's servers.
      NODE_ENV: 'development',
      ...process.env,
      LOG_LEVEL: 'warn',
      // Any free metrics port: a bench may run several instances of one app side by side.
      ...FREE_METRICS_PORTS,
      ...env,
    },
  });
  // Both pipes are read (a full pipe would block the app); only the tail is kept, for errors.
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
    const code = await exited;
    clearTimeout(killer);
    return code;
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForReady(url, child, name);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}; its last output:\n${tail}`, { cause: error });
  }
  return { name, url, stop };
}
