/**
 * How the messaging runtime's consume throughput scales:
 *   npm run bench:scaling -- [--messages 100000] [--rounds 3]
 *
 * - partitions: one instance draining a backlog spread over 1, 3, 6 and 12 partitions;
 * - instances: 1, 2 and 3 instances (separate Node processes, scaling-consumer.ts) in one group
 *   draining a backlog on 12 partitions.
 * Each run gets a fresh topic and group. The backlog of `messages` OrderPlaced records (with the
 * headers EventProducer sends) is written inside one Kafka transaction that is committed only once
 * the group is stable with every instance in it: consumers read committed records only, so nobody
 * fetches before the last member has joined, no rebalance hands records over, and nothing is
 * counted twice. Rate: `messages` over the span from the first record handled by any instance to
 * the last. Rounds alternate between the configurations; medians. Prints ratios against one
 * partition and against one instance, and writes tmp/bench/scaling.json. Runs on a broker of its
 * own (bench-kafka.ts), removed at the end, also when the run fails or is interrupted.
 */
import { median } from '@platform/service-edge';
import { encodeEnvelope, Headers } from '@platform/contracts';
import { ensureTopics } from '@platform/messaging';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Partitioners, type Admin, type Kafka, type Message } from 'kafkajs';
import { startBenchKafka, type BenchKafka } from './bench-kafka';
import type { BenchNames } from './bench-names';
import { machine as describeMachine, parseArgs, runBench, writeReport, type BenchRun } from './harness';
import { orderPlaced } from './order-placed';
import type { InstanceCommand, InstanceReport, Tally } from './scaling-consumer';
import { grouped } from './stats';

const args = parseArgs(process.argv.slice(2), '--messages N --rounds N');
const N = args['messages'] ?? 100_000;
const ROUNDS = args['rounds'] ?? 3;
const PARTITION_COUNTS = [1, 3, 6, 12];
const INSTANCE_COUNTS = [1, 2, 3];
const MAX_PARTITIONS = 12;
// ~1 KB records: 500 keep a one-partition batch under the broker's 1 MB message.max.bytes.
const CHUNK = 500;

interface Config {
  partitions: number;
  instances: number;
}
interface Run {
  perSecond: number;
  seconds: number;
  /** Records handled more than once (a rebalance during the run); 0 when the run was clean. */
  duplicates: number;
}

const configs: Config[] = [
  ...PARTITION_COUNTS.map((partitions) => ({ partitions, instances: 1 })),
  ...INSTANCE_COUNTS.filter((n) => n > 1).map((instances) => ({ partitions: MAX_PARTITIONS, instances })),
];
const keyOf = ({ partitions, instances }: Config) => `${partitions}p-${instances}i`;

/** The run's names and its broker, with a kafkajs client and an admin connected to it. */
interface Bench {
  names: BenchNames;
  broker: BenchKafka;
  kafka: Kafka;
  admin: Admin;
}

async function main({ names, teardown }: BenchRun): Promise<void> {
  const broker = await startBenchKafka({ names, teardown });
  const kafka = broker.kafka(names.group('scaling'));
  const admin = kafka.admin();
  teardown.add('disconnect the admin client', () => admin.disconnect());
  await admin.connect();
  const bench: Bench = { names, broker, kafka, admin };
  const instances = await Promise.all(range(Math.max(...INSTANCE_COUNTS)).map(() => Instance.fork()));
  teardown.add('let the consumer instances exit', async () => {
    for (const instance of instances) instance.exit();
  });
  const messages = backlog(names);
  const runs = new Map<string, Run[]>(configs.map((c) => [keyOf(c), []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const config of configs) {
      const run = await measure(bench, instances.slice(0, config.instances), config, messages, round);
      runs.get(keyOf(config))?.push(run);
      console.log(
        `round ${round}, ${config.partitions} partitions, ${config.instances} instance(s): ${grouped(run.perSecond)} msg/s` +
          (run.duplicates > 0 ? ` (${grouped(run.duplicates)} handled twice)` : ''),
      );
    }
  }
  report(runs);
}

/** The records of every run, encoded once: key, envelope and the headers EventProducer sends. */
function backlog(names: BenchNames): Message[] {
  return range(N).map((i) => {
    const event = orderPlaced(i, names.id);
    return {
      key: event.aggregateId,
      value: encodeEnvelope(event),
      headers: {
        [Headers.correlationId]: event.correlationId,
        [Headers.eventType]: event.type,
        [Headers.eventVersion]: String(event.version),
      },
    };
  });
}

async function measure(
  bench: Bench,
  members: Instance[],
  config: Config,
  messages: Message[],
  round: number,
): Promise<Run> {
  const { names, broker, admin } = bench;
  const topic = names.topic(`${keyOf(config)}-${round}`);
  const groupId = names.group(`${keyOf(config)}-${round}`);
  await ensureTopics(
    admin,
    [topic, `${topic}.retry`].map((name) => ({ name, partitions: config.partitions })),
  );
  const pending = await writeUncommitted(bench, topic, messages);
  try {
    await Promise.all(members.map((m) => m.start(broker.brokers, groupId, topic)));
    await until(() => groupIsStable(admin, groupId, members.length), 60_000, `group ${groupId} to be stable`);
    await pending.commit();
    await until(async () => sum(members.map((m) => m.latest.count)) >= N, 300_000, `${N} records handled`);
    const tallies = await Promise.all(members.map((m) => m.stop()));
    const active = tallies.filter((t) => t.count > 0);
    const seconds = (Math.max(...active.map((t) => t.last)) - Math.min(...active.map((t) => t.first))) / 1000;
    return { perSecond: N / seconds, seconds, duplicates: sum(tallies.map((t) => t.count)) - N };
  } finally {
    await pending.close();
    // The broker goes at the end; deleting each run's backlog keeps its disk small until then.
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic, `${topic}.retry`] }).catch(() => undefined);
  }
}

/**
 * Writes `messages` to `topic` inside a transaction left open: read-committed consumers (kafkajs's
 * default) see none of them until `commit`.
 */
async function writeUncommitted(
  { names, kafka }: Bench,
  topic: string,
  messages: Message[],
): Promise<{ commit: () => Promise<void>; close: () => Promise<void> }> {
  // A producer per run: kafkajs refreshes the metadata of every topic a producer ever wrote to,
  // and fails on the previous run's topic once it is deleted.
  const producer = kafka.producer({
    transactionalId: names.group('backlog'),
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const transaction = await producer.transaction();
  let open = true;
  const close = async () => {
    if (open) await transaction.abort().catch(() => undefined);
    open = false;
    await producer.disconnect();
  };
  try {
    for (let i = 0; i < messages.length; i += CHUNK)
      await transaction.sendBatch({
        topicMessages: [{ topic, messages: messages.slice(i, i + CHUNK) }],
        acks: -1,
      });
  } catch (error) {
    await close();
    throw error;
  }
  const commit = async () => {
    await transaction.commit();
    open = false;
  };
  return { commit, close };
}

async function groupIsStable(admin: Admin, groupId: string, members: number): Promise<boolean> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  return group?.state === 'Stable' && group.members.length === members;
}

/** A bounded poll: resolves once `condition` holds, throws after `timeoutMs`. */
async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await delay(20);
  }
}

/** A consumer instance in its own Node process (scaling-consumer.ts), driven over IPC. */
class Instance {
  latest: Tally = { count: 0, first: 0, last: 0 };
  private readonly waiting = new Map<InstanceReport['type'], (report: InstanceReport) => void>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (report: InstanceReport) => {
      if (report.type === 'progress' || report.type === 'stopped') {
        const { count, first, last } = report;
        this.latest = { count, first, last };
      }
      this.waiting.get(report.type)?.(report);
    });
  }

  /** Forks an instance (same Node flags as this process: ts-node, path aliases) and waits until it is ready. */
  static async fork(): Promise<Instance> {
    const child = fork(join(__dirname, 'scaling-consumer.ts'), [], { execArgv: process.execArgv });
    const instance = new Instance(child);
    await instance.next('ready');
    return instance;
  }

  /** Joins `groupId` on `topic` of `brokers`; resolves once its runtime runs. */
  async start(brokers: string[], groupId: string, topic: string): Promise<void> {
    this.latest = { count: 0, first: 0, last: 0 };
    const started = this.next('started');
    this.send({ type: 'start', brokers, groupId, topic });
    await started;
  }

  /** Stops its runtime; resolves with what it handled. */
  async stop(): Promise<Tally> {
    const stopped = this.next('stopped');
    this.send({ type: 'stop' });
    await stopped;
    return this.latest;
  }

  exit(): void {
    if (this.child.connected) this.child.disconnect();
  }

  private send(command: InstanceCommand): void {
    this.child.send(command);
  }

  private next(type: InstanceReport['type'], timeoutMs = 120_000): Promise<InstanceReport> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => fail(new Error(`a scaling instance exited with ${code}`));
      const timer = setTimeout(
        () => fail(new Error(`no ${type} from a scaling instance in ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      const done = () => {
        clearTimeout(timer);
        this.child.off('exit', onExit);
        this.waiting.delete(type);
      };
      const fail = (error: Error) => {
        done();
        reject(error);
      };
      this.waiting.set(type, (report) => {
        done();
        resolve(report);
      });
      this.child.once('exit', onExit);
    });
  }
}

function report(runs: Map<string, Run[]>): void {
  const rate = (config: Config) => median((runs.get(keyOf(config)) ?? []).map((r) => r.perSecond));
  const onePartition = rate({ partitions: 1, instances: 1 });
  const oneInstance = rate({ partitions: MAX_PARTITIONS, instances: 1 });
  const rows = (list: Config[], base: number, label: (c: Config) => string) =>
    list
      .map((c) => {
        const all = (runs.get(keyOf(c)) ?? []).map((r) => grouped(r.perSecond)).join(' / ');
        return `| ${label(c).padEnd(22)} | ${(rate(c) / base).toFixed(2).padStart(5)}x | ${grouped(rate(c)).padStart(7)} | ${all} |`;
      })
      .join('\n');
  const byPartitions = configs.filter((c) => c.instances === 1);
  const byInstances = configs.filter((c) => c.partitions === MAX_PARTITIONS);
  const duplicates = sum([...runs.values()].flat().map((r) => r.duplicates));
  const machine = describeMachine();
  console.log(`
messaging runtime scaling, ${grouped(N)} records of ~830 bytes per run, ${ROUNDS} rounds, medians
machine: ${machine}

| one instance           | vs 1 p | msg/s   | rounds |
| ---------------------- | ------ | ------- | ------ |
${rows(byPartitions, onePartition, (c) => `${c.partitions} partition(s)`)}

| ${MAX_PARTITIONS} partitions          | vs 1 i | msg/s   | rounds |
| ---------------------- | ------ | ------- | ------ |
${rows(byInstances, oneInstance, (c) => `${c.instances} instance(s)`)}
${duplicates > 0 ? `\n${grouped(duplicates)} records were handled twice (a rebalance during a run): those runs are not clean.` : ''}`);
  writeReport('scaling', {
    machine,
    messages: N,
    rounds: ROUNDS,
    configs: configs.map((c) => ({ ...c, median: rate(c), runs: runs.get(keyOf(c)) })),
    vsOnePartition: Object.fromEntries(byPartitions.map((c) => [c.partitions, rate(c) / onePartition])),
    vsOneInstance: Object.fromEntries(byInstances.map((c) => [c.instances, rate(c) / oneInstance])),
  });
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

runBench('scaling', main);
