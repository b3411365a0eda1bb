// Shared by the runtime's integration tests: real broker, fresh topics and groups per test.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Registry } from 'prom-client';
import { decodeEnvelope, dlqTopicOf, retryTopicOf, type EventEnvelope } from '@platform/contracts';
import { infraEnv, reach, uniqueName } from '@platform/testing';
import { createKafkaClient, kafkaClientFromEnv } from '../client/create-kafka-client';
import { ConsumerRuntime, type ConsumerRuntimeOptions } from './consumer-runtime';
import { defaultBatchOptions, type BatchHandlerFn, type BatchOptions, type EventHandlerFn } from './handler';
import type { RuntimeLogger } from './runtime-logger';
import { MessagingMetrics } from '../metrics';
import { EventProducer } from '../producer/event-producer';
import { ensureTopics } from '../topic-admin';

export const quietLogger: RuntimeLogger & { warnings: string[] } = {
  warnings: [],
  warn(_fields, message) {
    this.warnings.push(message);
  },
  error(_fields, message) {
    this.warnings.push(message);
  },
};

/** The client the runtime runs on in these tests: `KAFKA_CLIENT` (kafkajs when unset). */
export const clientUnderTest = kafkaClientFromEnv();

/**
 * A broker connection, topics that belong to one test, and runtimes that are stopped after it. The
 * runtime runs on {@link clientUnderTest}; topics are set up and inspected with kafkajs.
 */
export class RuntimeHarness {
  readonly client = createKafkaClient(clientUnderTest, {
    clientId: 'messaging-int',
    brokers: infraEnv.kafkaBrokers,
    quiet: true,
  });
  readonly kafka = new Kafka({
    clientId: 'messaging-int',
    brokers: [...infraEnv.kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  readonly registry = new Registry();
  readonly metrics = MessagingMetrics.for(this.registry);
  readonly producer = new EventProducer(this.client, { metrics: this.metrics });
  admin!: Admin;
  private readonly topics: string[] = [];
  private readonly runtimes: ConsumerRuntime[] = [];

  async connect(): Promise<void> {
    this.admin = this.kafka.admin();
    await reach('Kafka', infraEnv.kafkaBrokers.join(','), () => this.admin.connect());
    await this.producer.connect();
  }

  /** Creates `<prefix>_<random>`, its `.retry` and its `.dlq` and returns the main topic's name. */
  async topic(prefix: string, partitions: number): Promise<string> {
    return this.createTopic(uniqueName(prefix), partitions);
  }

  /** Creates `name`, its `.retry` and its `.dlq` (deleted on close) and returns `name`. */
  async createTopic(name: string, partitions: number): Promise<string> {
    const names = [name, retryTopicOf(name), dlqTopicOf(name)];
    await ensureTopics(
      this.admin,
      names.map((n) => ({ name: n, partitions })),
    );
    this.topics.push(...names);
    return name;
  }

  runtime(
    topic: string,
    handlers: Record<string, EventHandlerFn>,
    options: Partial<ConsumerRuntimeOptions> = {},
  ): ConsumerRuntime {
    const runtime = new ConsumerRuntime(this.client, {
      groupId: uniqueName('group'),
      topics: [topic],
      handlers: new Map(Object.entries(handlers)),
      decode: decodeEnvelope,
      dlqProducer: this.producer,
      metrics: this.metrics,
      logger: quietLogger,
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1_000,
      commitIntervalMs: 100,
      retry: { maxAttempts: 3, initialBackoffMs: 50, maxBackoffMs: 200 },
      ...options,
    });
    this.runtimes.push(runtime);
    return runtime;
  }

  /** A runtime of batch handlers, all with the same bounds. */
  batchRuntime(
    topic: string,
    handlers: Record<string, BatchHandlerFn>,
    batch: Partial<BatchOptions> = {},
    options: Partial<ConsumerRuntimeOptions> = {},
  ): ConsumerRuntime {
    const batchHandlers = new Map(
      Object.entries(handlers).map(([type, handle]) => [
        type,
        { handle, options: { ...defaultBatchOptions, ...batch } },
      ]),
    );
    return this.runtime(topic, {}, { batchHandlers, ...options });
  }

  /** Offsets committed by `groupId` on `topic`, by partition. */
  async committed(groupId: string, topic: string): Promise<Map<number, number>> {
    const [result] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((result?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  }

  /** Reads every record of a topic from the beginning (a throwaway group). */
  async readAll(topic: string, expected: number, timeoutMs = 20_000) {
    const consumer = this.kafka.consumer({ groupId: uniqueName('reader') });
    const records: { key: string | null; value: Buffer | null; headers: Record<string, string> }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v)]),
        );
        records.push({ key: message.key?.toString() ?? null, value: message.value, headers });
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (records.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await consumer.disconnect();
    return records;
  }

  async close(): Promise<void> {
    await Promise.all(this.runtimes.map((r) => r.stop()));
    await this.producer.disconnect();
    if (this.topics.length > 0) await this.admin.deleteTopics({ topics: this.topics }).catch(() => undefined);
    await this.admin.disconnect();
  }
}

let sequence = 0;

/** A valid envelope for tests: `type` and `aggregateId` vary, the rest is filled in. */
export function testEvent(type: string, aggregateId: string, payload: unknown = {}): EventEnvelope {
  sequence += 1;
  return {
    id: `evt-${process.pid}-${sequence}`,
    type,
    version: 1,
    occurredAt: new Date().toISOString(),
    aggregateId,
    aggregateVersion: sequence,
    correlationId: 'test',
    causationId: null,
    payload,
  };
}

const root = join(__dirname, '../../../..');

/**
 * Runs a consumer script (TypeScript, as the crash tests' `*.spec-helper.ts`) in its own process,
 * so that a test can kill it, and collects the ids it reports with `handled <id>` lines.
 */
export function spawnConsumer(script: string, args: string[]): { child: ChildProcess; handled: string[] } {
  const handled: string[] = [];
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', './tools/dev/register-paths.js', script, ...args],
    {
      cwd: root,
      env: { ...process.env, TS_NODE_PROJECT: join(root, 'libs/messaging/tsconfig.spec.json') },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('handled ')) handled.push(line.slice('handled '.length));
  });
  return { child, handled };
}
