// A Kafka broker of the test's own, started empty: no topic of the system exists on it yet, as on
// a new cluster. The development broker cannot be that: it keeps every earlier run's topics.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { uniqueName } from '@platform/testing';
import { freePort } from './system.spec-helper';

const run = promisify(execFile);
const root = join(__dirname, '../..');

/** A running empty broker: its bootstrap address and how to stop it (its data goes too). */
export interface FreshKafka {
  brokers: string;
  stop: () => Promise<void>;
}

/**
 * Starts a single-node KRaft broker with tools/infra/infra.sh (native, whatever INFRA_MODE says),
 * on free loopback ports, with a home of its own under the system's temporary directory, so that
 * runs in parallel never share one. The broker's jars are the development stack's
 * (`.infra/kafka/libs`, linked, not copied) when it has them; otherwise infra.sh resolves them.
 */
export async function startFreshKafka(): Promise<FreshKafka> {
  const home = join(tmpdir(), uniqueName('fresh_kafka'));
  const shared = join(process.env['INFRA_HOME'] ?? join(root, '.infra'), 'kafka');
  await mkdir(join(home, 'kafka'), { recursive: true });
  if (existsSync(join(shared, 'libs.stamp'))) {
    await symlink(join(shared, 'libs'), join(home, 'kafka/libs'));
    await copyFile(join(shared, 'libs.stamp'), join(home, 'kafka/libs.stamp'));
  }
  const [port, controllerPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    INFRA_MODE: 'native',
    INFRA_HOME: home,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_HEAP_MB: '384',
  };
  const infra = (command: 'up' | 'down') =>
    run('bash', [join(root, 'tools/infra/infra.sh'), command, 'kafka'], { cwd: root, env, timeout: 180_000 });
  try {
    await infra('up');
  } catch (error) {
    await infra('down').catch(() => undefined);
    const log = await readFile(join(home, 'kafka/kafka.log'), 'utf8').catch(() => '');
    await rm(home, { recursive: true, force: true });
    throw new Error(
      `an empty Kafka broker did not start: ${(error as Error).message}\n${log.slice(-2_000)}`,
      {
        cause: error,
      },
    );
  }
  return {
    brokers: `127.0.0.1:${port}`,
    stop: async () => {
      await infra('down');
      await rm(home, { recursive: true, force: true });
    },
  };
}
