/**
 * The messaging runtime against raw kafkajs, on the same broker in the same run:
 *   npm run bench:messaging -- [--messages 200000] [--rounds 3] [--rate 4000]
 *
 * 1. produce: N ~1 KB OrderPlaced events in chunks of 1000, raw `producer.sendBatch` vs
 *    EventProducer.publish (headers, trace context, encode).
 * 2. consume: N records over 12 partitions, raw kafkajs `eachBatch` with a no-op handler, the
 *    same with decodeEvent per record, and ConsumerRuntime (decode + validate + upcast +
 *    dispatch + per-key order + commit), and the runtime with a batch handler (its default
 *    bounds), each in a fresh consumer group, rounds alternating; rate from first to last
 *    record, median of rounds.
 * 3. latency: both groups subscribed to a live topic while events are produced at a steady rate;
 *    end-to-end p50/p99 (produced -> handled).
 * Prints a table (ratios first) and writes tmp/bench/messaging.json. Runs on a broker of its own
 * (bench-kafka.ts), removed at the end, also when the run fails or is interrupted.
 */
import { median, percentile } from '@platform/service-edge';
import { setTimeout as delay } from 'node:timers/promises';
import { decodeEvent, type EventOf } from '@platform/contracts';
import {
  createKafkaClient,
  EventProducer,
  MessagingMetrics,
  ensureTopics,
  type KafkaClient,
} from '@platform/messaging';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { startBenchKafka } from './bench-kafka';
import type { BenchNames } from './bench-names';
import { benchBatchRuntime, benchRuntime } from './bench-runtime';
import { parseArgs, machine as describeMachine, runBench, writeReport, type BenchRun } from './harness';
import { grouped } from './stats';
import { orderPlaced } from './order-placed';
import { RateClock } from './rate-clock';

const args = parseArgs(process.argv.slice(2), '--messages N --rounds N --rate N --seconds N');
const N = args['messages'] ?? 200_000;
const ROUNDS = args['rounds'] ?? 3;
const RATE = args['rate'] ?? 4_000;
const LATENCY_SECONDS = args['seconds'] ?? 10;
const PARTITIONS = 12;
const CHUNK = 1_000;
/** The run's names and its broker, through raw kafkajs and through the runtime's client. */
interface Bench {
  names: BenchNames;
  kafka: Kafka;
  client: KafkaClient;
}

async function main(run: BenchRun): Promise<void> {
  const benchKafka = await startBenchKafka(run);
  const { names } = run;
  const bench: Bench = {
    names,
    kafka: benchKafka.kafka('bench-messaging'),
    client: createKafkaClient('kafkajs', {
      clientId: 'bench-messaging',
      brokers: benchKafka.brokers,
      quiet: true,
    }),
  };
  const topics = { raw: names.topic('raw'), runtime: names.topic('runtime'), live: names.topic('live') };
  await benchKafka.withAdmin((admin) =>
    ensureTopics(
      admin,
      [...Object.values(topics), `${topics.runtime}.retry`, `${topics.live}.retry`].map((name) => ({
        name,
        partitions: PARTITIONS,
      })),
    ),
  );
  console.log(
    `building ${grouped(N)} events of ~${Buffer.byteLength(JSON.stringify(orderPlaced(0, names.id)))} bytes`,
  );
  const events = Array.from({ length: N }, (_, i) => orderPlaced(i, names.id));

  const produce = await benchProduce(bench, topics, events);
  const consume = await benchConsume(bench, topics.runtime);
  const latency = await benchLatency(bench, topics.live);
  report({ produce, consume, latency });
}

async function benchProduce(
  { kafka, client }: Bench,
  topics: { raw: string; runtime: string },
  events: EventOf<'OrderPlaced'>[],
) {
  const raw = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await raw.connect();
  let started = performance.now();
  for (let i = 0; i < events.length; i += CHUNK) {
    const messages = events
      .slice(i, i + CHUNK)
      .map((e) => ({ key: e.aggregateId, value: JSON.stringify(e) }));
    await raw.sendBatch({ topicMessages: [{ topic: topics.raw, messages }], acks: -1 });
  }
  const rawSeconds = (performance.now() - started) / 1000;
  await raw.disconnect();

  const producer = new EventProducer(client, { metrics: MessagingMetrics.for(new Registry()) });
  await producer.connect();
  started = performance.now();
  for (let i = 0; i < events.length; i += CHUNK)
    await producer.publish(topics.runtime, events.slice(i, i + CHUNK));
  const runtimeSeconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return { rawPerSecond: events.length / rawSeconds, runtimePerSecond: events.length / runtimeSeconds };
}

async function benchConsume(bench: Bench, topic: string) {
  const raw: number[] = [];
  const rawDecode: number[] = [];
  const runtime: number[] = [];
  const batch: number[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    raw.push(await consumeRaw(bench, topic, `raw-${round}`, false));
    rawDecode.push(await consumeRaw(bench, topic, `raw-decode-${round}`, true));
    runtime.push(await consumeRuntime(bench, topic, round));
    batch.push(await consumeBatchRuntime(bench, topic, round));
    console.log(
      `round ${round}: raw ${grouped(raw.at(-1) ?? 0)}, raw+decodeEvent ${grouped(rawDecode.at(-1) ?? 0)}, runtime ${grouped(runtime.at(-1) ?? 0)}, runtime batch handler ${grouped(batch.at(-1) ?? 0)} msg/s`,
    );
  }
  return { raw, rawDecode, runtime, batch };
}

/**
 * Raw kafkajs: eachBatch, resolve and commit per batch (its defaults), with a no-op handler or
 * with decodeEvent per record (the runtime's decoding without the rest of its machinery).
 */
async function consumeRaw(
  { kafka, names }: Bench,
  topic: string,
  name: string,
  decode: boolean,
): Promise<number> {
  const consumer = kafka.consumer({ groupId: names.group(name) });
  const clock = new RateClock(N);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: PARTITIONS,
    eachBatch: async ({ batch }) => {
      if (decode) for (const message of batch.messages) decodeEvent(message.value);
      clock.tick(batch.messages.length);
    },
  });
  await clock.reached();
  await consumer.disconnect();
  return clock.perSecond();
}

/** The runtime with a batch handler: decode per record, one call per batch, commit. */
async function consumeBatchRuntime({ client, names }: Bench, topic: string, round: number): Promise<number> {
  const clock = new RateClock(N);
  const runtime = benchBatchRuntime(client, names.group(`batch-${round}`), topic, async (events) =>
    clock.tick(events.length),
  );
  await runtime.start();
  await clock.reached();
  await runtime.stop();
  return clock.perSecond();
}

/** The runtime: decode + validate + upcast + dispatch + per-key order + commit. */
async function consumeRuntime({ client, names }: Bench, topic: string, round: number): Promise<number> {
  const clock = new RateClock(N);
  const runtime = benchRuntime(client, names.group(`runtime-${round}`), topic, async () => clock.tick(1));
  await runtime.start();
  await clock.reached();
  await runtime.stop();
  return clock.perSecond();
}

async function benchLatency({ kafka, client, names }: Bench, topic: string) {
  const rawLatencies: number[] = [];
  const runtimeLatencies: number[] = [];
  const raw = kafka.consumer({ groupId: names.group('live-raw') });
  await raw.connect();
  await raw.subscribe({ topic, fromBeginning: true });
  await raw.run({
    partitionsConsumedConcurrently: PARTITIONS,
    eachBatch: async ({ batch }) => {
      // The same clock as the runtime's: the event's occurredAt, set right before publishing.
      const now = Date.now();
      for (const message of batch.messages) {
        rawLatencies.push(now - Date.parse(JSON.parse(message.value?.toString() ?? '{}').occurredAt));
      }
    },
  });
  const runtime = benchRuntime(client, names.group('live-runtime'), topic, async (event) => {
    runtimeLatencies.push(Date.now() - Date.parse(event.occurredAt));
  });
  await runtime.start();
  await delay(3_000); // both groups joined and idle before the clock starts

  const producer = new EventProducer(client);
  await producer.connect();
  const total = RATE * LATENCY_SECONDS;
  const perTick = Math.max(1, Math.round(RATE / 50));
  const started = performance.now();
  for (let sent = 0; sent < total; sent += perTick) {
    const due = started + (sent / RATE) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await delay(wait);
    const batch = Array.from({ length: perTick }, (_, i) => orderPlaced(sent + i, names.id)); // occurredAt = now
    void producer.publish(topic, batch);
  }
  const deadline = Date.now() + 60_000;
  while ((rawLatencies.length < total || runtimeLatencies.length < total) && Date.now() < deadline)
    await delay(100);
  await Promise.all([raw.disconnect(), runtime.stop(), producer.disconnect()]);
  const summary = (values: number[]) => ({
    count: values.length,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
  });
  return {
    rate: RATE,
    seconds: LATENCY_SECONDS,
    raw: summary(rawLatencies),
    runtime: summary(runtimeLatencies),
  };
}

function report(result: {
  produce: { rawPerSecond: number; runtimePerSecond: number };
  consume: { raw: number[]; rawDecode: number[]; runtime: number[]; batch: number[] };
  latency: Awaited<ReturnType<typeof benchLatency>>;
}): void {
  const consumeRatio = median(result.consume.runtime) / median(result.consume.raw);
  const decodeRatio = median(result.consume.runtime) / median(result.consume.rawDecode);
  const batchDecodeRatio = median(result.consume.batch) / median(result.consume.rawDecode);
  const produceRatio = result.produce.runtimePerSecond / result.produce.rawPerSecond;
  const { latency } = result;
  const machine = describeMachine();
  console.log(`
messaging runtime vs raw kafkajs, ${grouped(N)} records of ~1 KB, ${PARTITIONS} partitions, ${ROUNDS} rounds
machine: ${machine}

| measure                         | raw kafkajs | runtime     | ratio (goal >= 0.8) |
| ------------------------------- | ----------- | ----------- | ------------------- |
| consume, msg/s (median)         | ${pad(grouped(median(result.consume.raw)))} | ${pad(grouped(median(result.consume.runtime)))} | ${consumeRatio.toFixed(2)}x |
| consume vs raw + decodeEvent    | ${pad(grouped(median(result.consume.rawDecode)))} | ${pad(grouped(median(result.consume.runtime)))} | ${decodeRatio.toFixed(2)}x (goal >= 0.95) |
| batch handler vs raw + decode   | ${pad(grouped(median(result.consume.rawDecode)))} | ${pad(grouped(median(result.consume.batch)))} | ${batchDecodeRatio.toFixed(2)}x |
| produce, msg/s (chunks of 1000) | ${pad(grouped(result.produce.rawPerSecond))} | ${pad(grouped(result.produce.runtimePerSecond))} | ${produceRatio.toFixed(2)}x |
| end-to-end p50 at ${grouped(latency.rate)}/s, ms  | ${pad(String(latency.raw.p50))} | ${pad(String(latency.runtime.p50))} | |
| end-to-end p99 at ${grouped(latency.rate)}/s, ms  | ${pad(String(latency.raw.p99))} | ${pad(String(latency.runtime.p99))} | |

consume rounds, msg/s: raw ${result.consume.raw.map(grouped).join(' / ')}; raw+decodeEvent ${result.consume.rawDecode.map(grouped).join(' / ')}; runtime ${result.consume.runtime.map(grouped).join(' / ')}; batch handler ${result.consume.batch.map(grouped).join(' / ')}
latency samples: raw ${latency.raw.count}, runtime ${latency.runtime.count}`);
  writeReport('messaging', {
    machine,
    messages: N,
    ...result,
    consumeRatio,
    decodeRatio,
    batchDecodeRatio,
    produceRatio,
  });
}

const pad = (s: string) => s.padEnd(11);

runBench('messaging', main);
