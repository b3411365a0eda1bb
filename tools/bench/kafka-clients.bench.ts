/**
 * The Kafka clients side by side under the project's runtime, on the same broker in the same run:
 *   npm run bench:kafka-clients -- [--messages 100000] [--rounds 3] [--rate 2000] [--seconds 10]
 *
 * Per round, clients interleaved (kafkajs first, the baseline):
 * 1. produce: N ~1 KB OrderPlaced events through EventProducer.publish in chunks of 1000.
 * 2. consume: those N records, 12 partitions, through ConsumerRuntime (decode + validate + upcast +
 *    dispatch + per-key order + commit) in a fresh group; rate from first to last record.
 * 3. latency: EventProducer -> ConsumerRuntime handler on a live topic at a steady rate, both on
 *    the client; end-to-end p50/p99 (the event's occurredAt, set right before publishing).
 * Medians of the rounds and ratios against kafkajs. Writes tmp/bench/kafka-clients.json. Runs on
 * a broker of its own (bench-kafka.ts), removed at the end. The acknowledged writes lost on a broker kill are the fault suite's
 * (e2e/src/faults/broker-loss.faults.spec.ts), not this script's.
 */
import { median, percentile } from '@platform/service-edge';
import { setTimeout as delay } from 'node:timers/promises';
import { type EventOf } from '@platform/contracts';
import {
  createKafkaClient,
  EventProducer,
  ensureTopics,
  kafkaClientNames,
  MessagingMetrics,
  type KafkaClient,
  type KafkaClientName,
} from '@platform/messaging';
import { Registry } from 'prom-client';
import { startBenchKafka } from './bench-kafka';
import type { BenchNames } from './bench-names';
import { benchRuntime } from './bench-runtime';
import { machine as describeMachine, parseArgs, runBench, writeReport, type BenchRun } from './harness';
import { orderPlaced } from './order-placed';
import { RateClock } from './rate-clock';
import { grouped } from './stats';

const args = parseArgs(process.argv.slice(2), '--messages N --rounds N --rate N --seconds N');
const N = args['messages'] ?? 100_000;
const ROUNDS = args['rounds'] ?? 3;
const RATE = args['rate'] ?? 2_000;
const LATENCY_SECONDS = args['seconds'] ?? 10;
const PARTITIONS = 12;
const CHUNK = 1_000;
const BASELINE: KafkaClientName = 'kafkajs';

interface Round {
  producePerSecond: number;
  consumePerSecond: number;
  p50Ms: number;
  p99Ms: number;
  latencySamples: number;
}

async function main(run: BenchRun): Promise<void> {
  const { names } = run;
  const kafka = await startBenchKafka(run);
  const rounds = new Map<KafkaClientName, Round[]>(kafkaClientNames.map((name) => [name, []]));
  console.log(`building ${grouped(N)} events`);
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const name of kafkaClientNames) {
      const client = createKafkaClient(name, {
        clientId: `bench-${name}`,
        brokers: kafka.brokers,
        quiet: true,
      });
      const topic = names.topic(`${name}-${round}`);
      const live = `${topic}.live`;
      // Topics are set up with kafkajs; only the runtime runs on the client measured.
      await kafka.withAdmin((admin) =>
        ensureTopics(
          admin,
          [topic, `${topic}.retry`, live, `${live}.retry`].map((n) => ({ name: n, partitions: PARTITIONS })),
        ),
      );
      const events = Array.from({ length: N }, (_, i) => orderPlaced(i, `${names.id}-${round}`));
      const producePerSecond = await produce(client, topic, events);
      const consumePerSecond = await consume(names, client, topic, round);
      const latency = await endToEnd(names, client, live, round);
      rounds.get(name)?.push({ producePerSecond, consumePerSecond, ...latency });
      console.log(
        `round ${round} ${name}: produce ${grouped(producePerSecond)} msg/s, consume ${grouped(consumePerSecond)} msg/s, ` +
          `p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms (${latency.latencySamples} samples)`,
      );
    }
  }
  report(rounds);
}

async function produce(
  client: KafkaClient,
  topic: string,
  events: EventOf<'OrderPlaced'>[],
): Promise<number> {
  const producer = new EventProducer(client, { metrics: MessagingMetrics.for(new Registry()) });
  await producer.connect();
  const started = performance.now();
  for (let i = 0; i < events.length; i += CHUNK) await producer.publish(topic, events.slice(i, i + CHUNK));
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return events.length / seconds;
}

async function consume(
  names: BenchNames,
  client: KafkaClient,
  topic: string,
  round: number,
): Promise<number> {
  const clock = new RateClock(N);
  const runtime = benchRuntime(client, names.group(`${client.name}-${round}`), topic, async () =>
    clock.tick(1),
  );
  await runtime.start();
  await clock.reached();
  await runtime.stop();
  return clock.perSecond();
}

async function endToEnd(names: BenchNames, client: KafkaClient, topic: string, round: number) {
  const latencies: number[] = [];
  const runtime = benchRuntime(client, names.group(`live-${client.name}-${round}`), topic, async (event) => {
    latencies.push(Date.now() - Date.parse(event.occurredAt));
  });
  await runtime.start();
  await delay(3_000); // joined and idle before the clock starts
  const producer = new EventProducer(client);
  await producer.connect();
  const total = RATE * LATENCY_SECONDS;
  const perTick = Math.max(1, Math.round(RATE / 50));
  const started = performance.now();
  for (let sent = 0; sent < total; sent += perTick) {
    const wait = started + (sent / RATE) * 1000 - performance.now();
    if (wait > 0) await delay(wait);
    void producer.publish(
      topic,
      Array.from({ length: perTick }, (_, i) => orderPlaced(sent + i, names.id)),
    );
  }
  const deadline = Date.now() + 60_000;
  while (latencies.length < total && Date.now() < deadline) await delay(100);
  await Promise.all([runtime.stop(), producer.disconnect()]);
  return {
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    latencySamples: latencies.length,
  };
}

function report(rounds: Map<KafkaClientName, Round[]>): void {
  const medians = new Map(
    [...rounds].map(([name, rs]) => [
      name,
      {
        producePerSecond: median(rs.map((r) => r.producePerSecond)),
        consumePerSecond: median(rs.map((r) => r.consumePerSecond)),
        p50Ms: median(rs.map((r) => r.p50Ms)),
        p99Ms: median(rs.map((r) => r.p99Ms)),
      },
    ]),
  );
  const base = medians.get(BASELINE);
  if (!base) throw new Error('no baseline measured');
  const machine = describeMachine();
  const ratio = (value: number, of: number) => `${(value / of).toFixed(2)}x`;
  const rows = [...medians].map(
    ([name, m]) =>
      `| ${name.padEnd(12)} | ${grouped(m.producePerSecond).padStart(9)} (${ratio(m.producePerSecond, base.producePerSecond)}) | ` +
      `${grouped(m.consumePerSecond).padStart(9)} (${ratio(m.consumePerSecond, base.consumePerSecond)}) | ` +
      `${String(m.p50Ms).padStart(5)} | ${String(m.p99Ms).padStart(5)} (${ratio(m.p99Ms, base.p99Ms)}) |`,
  );
  console.log(`
Kafka clients under the runtime, ${grouped(N)} records of ~1 KB, ${PARTITIONS} partitions, ${ROUNDS} rounds interleaved,
end-to-end at ${grouped(RATE)}/s for ${LATENCY_SECONDS} s; medians, ratio vs ${BASELINE} (higher is better for rates,
lower for p99). Node ${process.version}; machine: ${machine}

| client       | produce msg/s          | consume msg/s          | p50 ms | p99 ms          |
| ------------ | ---------------------- | ---------------------- | ----- | --------------- |
${rows.join('\n')}

rounds: ${[...rounds]
    .map(
      ([name, rs]) =>
        `${name} produce ${rs.map((r) => grouped(r.producePerSecond)).join(' / ')}, consume ${rs
          .map((r) => grouped(r.consumePerSecond))
          .join(' / ')}, p99 ${rs.map((r) => r.p99Ms).join(' / ')}`,
    )
    .join('; ')}`);
  writeReport('kafka-clients', {
    machine,
    node: process.version,
    messages: N,
    rate: RATE,
    rounds: Object.fromEntries(rounds),
    medians: Object.fromEntries(medians),
  });
}

runBench('kafka-clients', main);
