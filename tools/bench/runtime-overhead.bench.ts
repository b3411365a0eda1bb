/**
 * What the consumer runtime costs per record beyond decoding it, with no broker:
 *   npm run bench:runtime-overhead -- [--messages 100000] [--rounds 5] [--batch 1200]
 *
 * The bench:messaging records (OrderPlaced v2, ~830 bytes, 5 000 keys over 12 partitions) are
 * handed to the ConsumerRuntime by an in-memory client in per-partition batches, as a fetch would,
 * honouring its pause/resume; the handler does nothing. The baseline runs decodeEvent over the
 * same records in a loop: what raw kafkajs + decode does per record, minus the fetch both share.
 * Figures are main-thread CPU time per record (the machine's other load stays out), median of
 * rounds alternating baseline and runtime; kafkajs's own fetch and record decoding are not in
 * either (bench:messaging has them). Run it under `node --cpu-prof` to see the runtime's frames.
 */
import { median } from '@platform/service-edge';
import { decodeEvent } from '@platform/contracts';
import type { ConsumedRecord, KafkaClient } from '@platform/messaging';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { benchRuntime } from './bench-runtime';
import { machine, parseArgs, writeReport } from './harness';
import { orderPlaced } from './order-placed';
import { grouped } from './stats';

const args = parseArgs(process.argv.slice(2), '--messages N --rounds N --batch N');
const N = args['messages'] ?? 100_000;
const ROUNDS = args['rounds'] ?? 5;
/** About what kafkajs fetches per partition at its default maxBytesPerPartition (1 MiB). */
const BATCH = args['batch'] ?? 1_200;
const PARTITIONS = 12;
const TOPIC = 'bench.runtime-overhead';

type ConsumerClient = ReturnType<KafkaClient['consumer']>;
type ConsumerListener = Parameters<ConsumerClient['start']>[2];
type TopicPartitions = Parameters<ConsumerClient['pause']>[0][number];

/** Records as kafkajs hands them over: one array per partition, keys hashed to partitions. */
function partitionedRecords(): ConsumedRecord[][] {
  const partitions: ConsumedRecord[][] = Array.from({ length: PARTITIONS }, () => []);
  for (let i = 0; i < N; i += 1) {
    const event = orderPlaced(i, 'overhead');
    const records = partitions[(i % 5_000) % PARTITIONS] as ConsumedRecord[];
    records.push({
      offset: String(records.length),
      key: Buffer.from(event.aggregateId),
      value: Buffer.from(JSON.stringify(event)),
      headers: {},
    });
  }
  return partitions;
}

/**
 * A consumer that fetches from memory: each turn of the event loop, one batch of the next partition
 * not paused (round robin, as the kafkajs adapter hands over one partition's batch at a time),
 * until all are handed out. Commits are accepted and dropped.
 */
class MemoryConsumer implements ConsumerClient {
  private readonly paused = new Set<number>();
  private stopped = false;

  constructor(private readonly partitions: ConsumedRecord[][]) {}

  async start(
    _topics: readonly string[],
    _fromBeginning: boolean,
    listener: ConsumerListener,
  ): Promise<void> {
    listener.onJoined();
    void this.feed(listener);
  }

  private async feed(listener: ConsumerListener): Promise<void> {
    const next = this.partitions.map(() => 0);
    let partition = 0;
    while (!this.stopped && next.some((at, p) => at < (this.partitions[p]?.length ?? 0))) {
      const records = this.partitions[partition] as ConsumedRecord[];
      const at = next[partition] as number;
      if (!this.paused.has(partition) && at < records.length) {
        next[partition] = at + BATCH;
        listener.onBatch({ topic: TOPIC, partition, records: records.slice(at, at + BATCH) });
      }
      partition = (partition + 1) % PARTITIONS;
      await yieldToLoop();
    }
  }

  pause(partitions: readonly TopicPartitions[]): void {
    for (const { partitions: ps } of partitions) for (const p of ps) this.paused.add(p);
  }

  resume(partitions: readonly TopicPartitions[]): void {
    for (const { partitions: ps } of partitions) for (const p of ps) this.paused.delete(p);
  }

  commit(): Promise<void> {
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}

function memoryClient(partitions: ConsumedRecord[][]): KafkaClient {
  const unused = (): never => {
    throw new Error('the in-memory client only consumes');
  };
  const client = {
    name: 'kafkajs',
    consumer: () => new MemoryConsumer(partitions),
    // The runtime's DLQ producer is built but never connected: a dead letter would fail loudly.
    producer: () => ({ connect: unused, send: unused, disconnect: () => Promise.resolve() }),
    admin: unused,
    withRetries: () => client,
  } as KafkaClient;
  return client;
}

function cpuMicros(): number {
  const { user, system } = process.threadCpuUsage();
  return user + system;
}

/** CPU ns per record of decodeEvent alone, over every record. */
function decodeOnly(partitions: ConsumedRecord[][]): number {
  const started = cpuMicros();
  for (const records of partitions)
    for (const record of records) decodeEvent(record.value, { key: record.key });
  return ((cpuMicros() - started) * 1_000) / N;
}

/** CPU ns per record of the runtime, from start until the handler has seen every record. */
async function runtime(partitions: ConsumedRecord[][], round: number): Promise<number> {
  let handled = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  const consumer = benchRuntime(memoryClient(partitions), `overhead-${round}`, TOPIC, async () => {
    handled += 1;
    if (handled === N) done();
  });
  const started = cpuMicros();
  await consumer.start();
  await all;
  const ns = ((cpuMicros() - started) * 1_000) / N;
  await consumer.stop();
  return ns;
}

async function main(): Promise<void> {
  const partitions = partitionedRecords();
  const decode: number[] = [];
  const runtimeNs: number[] = [];
  for (let round = 0; round <= ROUNDS; round += 1) {
    const d = decodeOnly(partitions);
    const r = await runtime(partitions, round);
    if (round === 0) continue; // warms the JIT up
    decode.push(d);
    runtimeNs.push(r);
    console.log(`round ${round}: decodeEvent ${grouped(d)} ns/record, runtime ${grouped(r)} ns/record`);
  }
  const overhead = median(runtimeNs) - median(decode);
  console.log(`
runtime vs decodeEvent alone, ${grouped(N)} records, ${PARTITIONS} partitions, batches of ${BATCH}, ${ROUNDS} rounds
machine: ${machine()}

| measure (main-thread CPU, median)     | ns/record |
| ------------------------------------- | --------- |
| decodeEvent with the record key       | ${grouped(median(decode)).padEnd(9)} |
| runtime (decode, queue, handle, commit) | ${grouped(median(runtimeNs)).padEnd(9)} |
| runtime's own work                    | ${grouped(overhead).padEnd(9)} |`);
  writeReport('runtime-overhead', {
    machine: machine(),
    messages: N,
    batch: BATCH,
    decode,
    runtime: runtimeNs,
  });
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
