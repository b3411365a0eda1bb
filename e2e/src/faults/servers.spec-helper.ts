// Stops, kills and restarts the fault suite's own native servers (tools/faults/run.sh starts them
// under .infra/faults on ports of their own): never the development stack's.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(__dirname, '../../..');

export type Server = 'postgres' | 'redis' | 'kafka' | 'clickhouse' | 'mongo';

/** Where each server's pid file is, under INFRA_HOME (tools/infra/infra.sh). */
const PID_FILES: Record<Server, string> = {
  postgres: 'postgres/data/postmaster.pid',
  redis: 'redis/redis.pid',
  kafka: 'kafka/kafka.pid',
  clickhouse: 'clickhouse/clickhouse.pid',
  mongo: 'ferretdb/ferretdb.pid',
};

/** Fails unless the servers are the fault suite's own, so a stray run never stops anyone else's. */
export function requireOwnServers(): string {
  const home = process.env['INFRA_HOME'] ?? '';
  if (process.env['FAULTS_OWN_SERVERS'] !== '1' || !home.endsWith(join('.infra', 'faults')))
    throw new Error(
      'the fault scenarios stop and kill servers: run them with `npm run test:faults`, which starts servers of their own',
    );
  return home;
}

async function infra(command: 'up' | 'down', servers: Server[]): Promise<void> {
  requireOwnServers();
  await run('bash', [join(root, 'tools/infra/infra.sh'), command, ...servers], {
    cwd: root,
    timeout: 180_000,
  });
}

/** A clean stop (SIGTERM, as infra.sh down does). */
export const stopServers = (...servers: Server[]) => infra('down', servers);

/** Starts the servers again and waits until each one answers. */
export const startServers = (...servers: Server[]) => infra('up', servers);

/** SIGKILL: the process dies mid-write, as a crashed host's would. */
export async function killServer(server: Server): Promise<void> {
  const home = requireOwnServers();
  const pid = Number((await readFile(join(home, PID_FILES[server]), 'utf8')).split('\n')[0]);
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${server} (pid ${pid}) did not die from SIGKILL`);
}
