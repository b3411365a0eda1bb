/**
 * A Kafka broker of the run's own: a single-node KRaft broker started by tools/infra/infra.sh
 * (native, whatever INFRA_MODE says) on free loopback ports, with its data in a temporary
 * directory, stopped and deleted by the run's teardown. The apps a benchmark starts read and write
 * the system's own topics (order.events, identity.events, their .dlq), so on the development
 * broker a run would leave its records to the next `npm start`; here they go with the broker.
 * The broker's jars are the development stack's (`.infra/kafka/libs`, linked, not copied) when it
 * has them; otherwise infra.sh resolves them with Maven first.
 */
import { allTopics, type TopicOwner } from '@platform/contracts';
import { ensureTopicsOf } from '@platform/messaging';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort, type BenchRun } from './harness';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');
/** Formatting the storage and starting the JVM take 5-15 s on a quiet 2-core machine. */
const startTimeoutMs = 180_000;
/** A new topic's partitions elect their leaders within a second or two. */
const leadersTimeoutMs = 30_000;

/** A running throwaway broker. */
export interface BenchKafka {
  /** Its bootstrap address, one entry. */
  readonly brokers: string[];
  /** How long it took from nothing to answering, ms. */
  readonly startupMs: number;
  /** A kafkajs client of it (quiet). */
  kafka(clientId: string): Kafka;
  /** Runs `work` with an admin client of it, disconnected afterwards. */
  withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T>;
  /**
   * Creates the system's topics of `owners` as those apps do on a new cluster (with their retry
   * and DLQ topics); resolves once every partition has a leader that answers for its offsets.
   */
  createSystemTopics(owners: readonly TopicOwner[]): Promise<void>;
}

/** Starts the run's broker and registers its stop (and the removal of its data) on the teardown. */
export async function startBenchKafka({ names, teardown }: BenchRun): Promise<BenchKafka> {
  const started = performance.now();
  const home = join(tmpdir(), names.database('kafka'));
  const shared = join(process.env['INFRA_HOME'] ?? join(ROOT, '.infra'), 'kafka');
  await mkdir(join(home, 'kafka'), { recursive: true });
  teardown.add(`remove ${home}`, () => rm(home, { recursive: true, force: true }));
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
  };
  const infra = (command: 'up' | 'down') =>
    run('bash', [join(ROOT, 'tools/infra/infra.sh'), command, 'kafka'], {
      cwd: ROOT,
      env,
      timeout: startTimeoutMs,
    });
  // Registered before the start: a start interrupted half-way still stops what it started.
  teardown.add(`stop the run's Kafka broker on 127.0.0.1:${port}`, () => infra('down'));
  try {
    await infra('up');
  } catch (error) {
    const log = await readFile(join(home, 'kafka/kafka.log'), 'utf8').catch(() => '');
    throw new Error(
      `the run's Kafka broker did not start (a JDK is needed, as for npm run infra:up): ` +
        `${(error as Error).message}\n${log.slice(-2_000)}`,
      { cause: error },
    );
  }
  const brokers = [`127.0.0.1:${port}`];
  const startupMs = performance.now() - started;
  console.log(`the run's own Kafka broker: ${brokers[0]}, ready in ${(startupMs / 1000).toFixed(1)} s`);
  const kafka = (clientId: string) => new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING });
  const withAdmin = async <T>(work: (admin: Admin) => Promise<T>): Promise<T> => {
    const admin = kafka(`${names.run}-admin`).admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
    }
  };
  return {
    brokers,
    startupMs,
    kafka,
    withAdmin,
    createSystemTopics: (owners) =>
      withAdmin(async (admin) => {
        await ensureTopicsOf(admin, owners);
        const topics = allTopics()
          .filter((topic) => owners.includes(topic.owner))
          .flatMap((topic) => [topic.name, topic.retry, topic.dlq]);
        await untilLeadersAnswer(admin, topics);
      }),
  };
}

/** Bounded poll: a fresh topic answers NOT_LEADER_FOR_PARTITION until its leaders are elected. */
async function untilLeadersAnswer(admin: Admin, topics: string[]): Promise<void> {
  const deadline = Date.now() + leadersTimeoutMs;
  for (;;) {
    try {
      for (const topic of topics) await admin.fetchTopicOffsets(topic);
      return;
    } catch (error) {
      if (!(error as { retriable?: boolean }).retriable || Date.now() > deadline) throw error;
      await delay(200);
    }
  }
}
