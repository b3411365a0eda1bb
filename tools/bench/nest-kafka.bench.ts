/**
 * The messaging runtime, bare and as a Nest transport, against NestJS's built-in Kafka transport (@nestjs/microservices,
 * Transport.KAFKA), on the same broker in the same run:
 *   npm run bench:nest-kafka -- [--messages 200000] [--rounds 3] [--produce 20000]
 *
 * 1. consume: a backlog of `messages` OrderPlaced records on 12 partitions (published once with
 *    EventProducer), drained by each variant in a fresh consumer group, rounds alternating; rate
 *    from the first to the last record, median of rounds. Every variant but the first decodes and
 *    validates each record the same way (JSON.parse, envelope and payload schemas, upcast, key check):
 *    - raw kafkajs, eachBatch with a no-op handler (the baseline of the messaging goal),
 *    - ConsumerRuntime with `decodeEvent`, then the handler (the runtime bare),
 *    - the runtime as the apps run it: a hybrid Nest app whose consumer group is a microservice on
 *      ConsumerGroupTransport (MessagingModule + startConsumerGroups), one @EventPattern handler
 *      in a controller, called through Nest's pipeline,
 *    - a Nest microservice (NestFactory.createMicroservice, Transport.KAFKA, its defaults) with one
 *      @EventPattern handler calling `validateEvent` on the payload Nest has already JSON-parsed,
 *      once with kafkajs's default partitionsConsumedConcurrently (1), once with 12.
 * 2. produce: `produce` events per variant and round, each to a fresh topic, in chunks of 1 000,
 *    same keys and headers: EventProducer.publish (idempotent, acks=all, one request per chunk)
 *    against ClientKafka.emit once per event with the chunk in flight (Nest's default producer:
 *    acks=all, not idempotent, one request per emit). Rounds alternating, medians.
 * Prints a table (ratios first) and writes tmp/bench/nest-kafka.json. Runs on a broker of its own
 * (bench-kafka.ts), removed at the end, also when the run fails or is interrupted.
 */
import { median } from '@platform/service-edge';
import { Controller, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientKafka,
  EventPattern,
  Payload,
  Transport,
  type MicroserviceOptions,
} from '@nestjs/microservices';
import { Headers, validateEvent, type EventEnvelope, type EventOf } from '@platform/contracts';
import {
  createKafkaClient,
  EventProducer,
  ensureTopics,
  MessagingModule,
  startConsumerGroups,
  type KafkaClient,
} from '@platform/messaging';
import { Registry } from 'prom-client';
import { logLevel, type Kafka } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { startBenchKafka } from './bench-kafka';
import type { BenchNames } from './bench-names';
import { benchRuntime } from './bench-runtime';
import { machine as describeMachine, parseArgs, runBench, writeReport, type BenchRun } from './harness';
import { orderPlaced } from './order-placed';
import { RateClock } from './rate-clock';
import { grouped } from './stats';

const args = parseArgs(process.argv.slice(2), '--messages N --rounds N --produce N');
const N = args['messages'] ?? 200_000;
const ROUNDS = args['rounds'] ?? 3;
const PRODUCE = args['produce'] ?? 20_000;
const PARTITIONS = 12;
const CHUNK = 1_000;

/** The run's names and its broker: its address, a raw kafkajs client and the runtime's client. */
interface Bench {
  names: BenchNames;
  brokers: string[];
  kafka: Kafka;
  client: KafkaClient;
}

type ConsumeVariant = 'raw' | 'runtime' | 'transport' | 'nest' | 'nest12';
type ProduceVariant = 'runtime' | 'nest';

async function main(run: BenchRun): Promise<void> {
  const { names } = run;
  const benchKafka = await startBenchKafka(run);
  const bench: Bench = {
    names,
    brokers: benchKafka.brokers,
    kafka: benchKafka.kafka(names.group('nest')),
    client: createKafkaClient('kafkajs', {
      clientId: names.group('nest'),
      brokers: benchKafka.brokers,
      quiet: true,
    }),
  };
  const backlog = names.topic('backlog');
  const produceTopics = (variant: ProduceVariant, round: number) => names.topic(`${variant}-${round}`);
  const topics = [backlog, `${backlog}.retry`];
  for (let round = 1; round <= ROUNDS; round++)
    topics.push(produceTopics('runtime', round), produceTopics('nest', round));
  await benchKafka.withAdmin((admin) =>
    ensureTopics(
      admin,
      topics.map((name) => ({ name, partitions: PARTITIONS })),
    ),
  );
  const events = Array.from({ length: Math.max(N, PRODUCE) }, (_, i) => orderPlaced(i, names.id));
  console.log(`publishing a backlog of ${grouped(N)} events`);
  await publishBacklog(bench, backlog, events.slice(0, N));
  const consume = await benchConsume(bench, backlog);
  const produce = await benchProduce(bench, produceTopics, events.slice(0, PRODUCE));
  report(consume, produce);
}

async function publishBacklog(
  { client }: Bench,
  topic: string,
  events: EventOf<'OrderPlaced'>[],
): Promise<void> {
  const producer = new EventProducer(client);
  await producer.connect();
  for (let i = 0; i < events.length; i += CHUNK) await producer.publish(topic, events.slice(i, i + CHUNK));
  await producer.disconnect();
}

async function benchConsume(bench: Bench, topic: string): Promise<Record<ConsumeVariant, number[]>> {
  const rates: Record<ConsumeVariant, number[]> = {
    raw: [],
    runtime: [],
    transport: [],
    nest: [],
    nest12: [],
  };
  for (let round = 1; round <= ROUNDS; round++) {
    rates.raw.push(await consumeRaw(bench, topic, round));
    rates.runtime.push(await consumeRuntime(bench, topic, round));
    rates.transport.push(await consumeTransport(bench, topic, round));
    rates.nest.push(await consumeNest(bench, topic, round, 1));
    rates.nest12.push(await consumeNest(bench, topic, round, PARTITIONS));
    console.log(
      `consume round ${round}: raw ${grouped(rates.raw[round - 1] ?? 0)}, runtime ${grouped(rates.runtime[round - 1] ?? 0)}, ` +
        `transport ${grouped(rates.transport[round - 1] ?? 0)}, ` +
        `nest ${grouped(rates.nest[round - 1] ?? 0)}, nest (12 concurrent) ${grouped(rates.nest12[round - 1] ?? 0)} msg/s`,
    );
  }
  return rates;
}

async function consumeRaw({ kafka, names }: Bench, topic: string, round: number): Promise<number> {
  const consumer = kafka.consumer({ groupId: names.group(`raw-${round}`) });
  const clock = new RateClock(N);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: PARTITIONS,
    eachBatch: async ({ batch }) => clock.tick(batch.messages.length),
  });
  await clock.reached();
  await consumer.disconnect();
  return clock.perSecond();
}

async function consumeRuntime({ client, names }: Bench, topic: string, round: number): Promise<number> {
  const clock = new RateClock(N);
  const runtime = benchRuntime(client, names.group(`runtime-${round}`), topic, async () => clock.tick(1));
  await runtime.start();
  await clock.reached();
  await runtime.stop();
  return clock.perSecond();
}

/** The runtime as the apps run it: a hybrid Nest app, its consumer group a microservice on the transport. */
async function consumeTransport({ brokers, names }: Bench, topic: string, round: number): Promise<number> {
  const clock = new RateClock(N);
  @Controller()
  class BenchOrdersController {
    @EventPattern('OrderPlaced')
    handle(@Payload() _event: EventOf<'OrderPlaced'>): void {
      clock.tick(1);
    }
  }
  @Module({
    imports: [
      MessagingModule.forRoot({
        clientId: names.group('transport'),
        brokers,
        registry: new Registry(),
        consumerGroups: [{ name: 'bench', groupId: names.group(`transport-${round}`), topics: [topic] }],
      }),
    ],
    controllers: [BenchOrdersController],
  })
  class BenchTransportModule {}
  const app = await NestFactory.create(BenchTransportModule, { logger: false });
  await startConsumerGroups(app);
  await clock.reached();
  await app.close();
  return clock.perSecond();
}

/** A Nest microservice as an app would write it: one controller, one event handler. */
async function consumeNest(
  { brokers, names }: Bench,
  topic: string,
  round: number,
  partitionsConsumedConcurrently: number,
): Promise<number> {
  const clock = new RateClock(N);
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(
    nestConsumerModule(topic, () => clock.tick(1)),
    {
      transport: Transport.KAFKA,
      options: {
        client: { clientId: names.group('nest'), brokers, logLevel: logLevel.NOTHING },
        consumer: {
          groupId: names.group(`nest-${partitionsConsumedConcurrently}-${round}`),
          allowAutoTopicCreation: false,
        },
        // Nest appends "-server" to the group id unless told otherwise; the id must stay ours.
        postfixId: '',
        subscribe: { fromBeginning: true },
        run: { partitionsConsumedConcurrently },
      },
      logger: false,
    },
  );
  await app.listen();
  await clock.reached();
  await app.close();
  return clock.perSecond();
}

/** The pattern is the topic, known only at run time: the controller is declared per run. */
function nestConsumerModule(topic: string, onEvent: () => void): Type {
  @Controller()
  class BenchEventsController {
    @EventPattern(topic)
    handle(@Payload() envelope: unknown): void {
      validateEvent(envelope as EventEnvelope);
      onEvent();
    }
  }
  @Module({ controllers: [BenchEventsController] })
  class BenchEventsModule {}
  return BenchEventsModule;
}

async function benchProduce(
  bench: Bench,
  topicOf: (variant: ProduceVariant, round: number) => string,
  events: EventOf<'OrderPlaced'>[],
): Promise<Record<ProduceVariant, number[]>> {
  const rates: Record<ProduceVariant, number[]> = { runtime: [], nest: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    rates.runtime.push(await produceRuntime(bench, topicOf('runtime', round), events));
    rates.nest.push(await produceNest(bench, topicOf('nest', round), events));
    console.log(
      `produce round ${round}: runtime ${grouped(rates.runtime[round - 1] ?? 0)}, nest ${grouped(rates.nest[round - 1] ?? 0)} msg/s`,
    );
  }
  return rates;
}

async function produceRuntime(
  { client }: Bench,
  topic: string,
  events: EventOf<'OrderPlaced'>[],
): Promise<number> {
  const producer = new EventProducer(client);
  await producer.connect();
  const started = performance.now();
  for (let i = 0; i < events.length; i += CHUNK) await producer.publish(topic, events.slice(i, i + CHUNK));
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return events.length / seconds;
}

/** ClientKafka.emit per event, the chunk in flight, with the headers EventProducer sends. */
async function produceNest(
  { brokers, names }: Bench,
  topic: string,
  events: EventOf<'OrderPlaced'>[],
): Promise<number> {
  const client = new ClientKafka({
    client: { clientId: names.group('nest'), brokers, logLevel: logLevel.NOTHING },
    producerOnlyMode: true,
    postfixId: '',
  });
  await client.connect();
  const started = performance.now();
  for (let i = 0; i < events.length; i += CHUNK) {
    await Promise.all(
      events.slice(i, i + CHUNK).map((event) =>
        lastValueFrom(
          client.emit(topic, {
            key: event.aggregateId,
            value: event,
            headers: {
              [Headers.correlationId]: event.correlationId,
              [Headers.eventType]: event.type,
              [Headers.eventVersion]: String(event.version),
            },
          }),
        ),
      ),
    );
  }
  const seconds = (performance.now() - started) / 1000;
  await client.close();
  return events.length / seconds;
}

function report(consume: Record<ConsumeVariant, number[]>, produce: Record<ProduceVariant, number[]>): void {
  const m = (values: number[]) => median(values);
  const ratios = {
    transportVsNest: m(consume.transport) / m(consume.nest),
    transportVsNest12: m(consume.transport) / m(consume.nest12),
    transportVsRuntime: m(consume.transport) / m(consume.runtime),
    consumeVsNest: m(consume.runtime) / m(consume.nest),
    consumeVsNest12: m(consume.runtime) / m(consume.nest12),
    consumeVsRaw: m(consume.runtime) / m(consume.raw),
    nestVsRaw: m(consume.nest) / m(consume.raw),
    produceVsNest: m(produce.runtime) / m(produce.nest),
  };
  const machine = describeMachine();
  const row = (measure: string, ours: number, other: number, ratio: number) =>
    `| ${measure.padEnd(50)} | ${ratio.toFixed(2).padStart(5)}x | ${grouped(ours).padStart(7)} | ${grouped(other).padStart(7)} |`;
  console.log(`
messaging transport/runtime vs NestJS Transport.KAFKA, ${grouped(N)} records of ~830 bytes, ${PARTITIONS} partitions, ${ROUNDS} rounds
machine: ${machine}

ratios: transport/nest consume ${ratios.transportVsNest.toFixed(2)}x (nest with 12 concurrent: ${ratios.transportVsNest12.toFixed(2)}x), transport/runtime ${ratios.transportVsRuntime.toFixed(2)}x; runtime/nest ${ratios.consumeVsNest.toFixed(2)}x, produce ${ratios.produceVsNest.toFixed(2)}x; runtime/raw ${ratios.consumeVsRaw.toFixed(2)}x, nest/raw ${ratios.nestVsRaw.toFixed(2)}x

| measure, msg/s (median)                            | ratio  | ours    | other   |
| -------------------------------------------------- | ------ | ------- | ------- |
${row('consume: transport vs nest (defaults)', m(consume.transport), m(consume.nest), ratios.transportVsNest)}
${row('consume: transport vs nest, partitionsConc. 12', m(consume.transport), m(consume.nest12), ratios.transportVsNest12)}
${row('consume: transport vs runtime bare', m(consume.transport), m(consume.runtime), ratios.transportVsRuntime)}
${row('consume: runtime bare vs nest (defaults)', m(consume.runtime), m(consume.nest), ratios.consumeVsNest)}
${row('consume: runtime bare vs raw kafkajs, no-op', m(consume.runtime), m(consume.raw), ratios.consumeVsRaw)}
${row(`produce vs ClientKafka.emit (${grouped(PRODUCE)})`, m(produce.runtime), m(produce.nest), ratios.produceVsNest)}

consume rounds, msg/s: raw ${consume.raw.map(grouped).join(' / ')}; runtime ${consume.runtime.map(grouped).join(' / ')}; transport ${consume.transport.map(grouped).join(' / ')}; nest ${consume.nest.map(grouped).join(' / ')}; nest (12) ${consume.nest12.map(grouped).join(' / ')}
produce rounds, msg/s: runtime ${produce.runtime.map(grouped).join(' / ')}; nest ${produce.nest.map(grouped).join(' / ')}`);
  writeReport('nest-kafka', {
    machine,
    messages: N,
    produced: PRODUCE,
    rounds: ROUNDS,
    consume,
    produce,
    ratios,
  });
}

runBench('nest-kafka', main);
