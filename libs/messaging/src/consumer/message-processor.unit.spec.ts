import type { KafkaClient, ProducerClient, TopicRecords } from '../client/kafka-client';
import { EventProducer } from '../producer/event-producer';
import { ConsumerRuntime } from './consumer-runtime';
import type { EventHandlerFn } from './handler';
import { MessageProcessor } from './message-processor';
import { defaultRetryPolicy } from './retry-policy';
import { Semaphore } from './semaphore';

/** A client whose producer takes every send; nothing else of it is used by these tests. */
function recordingClient(): { client: KafkaClient; sent: TopicRecords[] } {
  const sent: TopicRecords[] = [];
  const producer: ProducerClient = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: async (batches) => {
      sent.push(...batches);
      return batches.map((b) =>
        b.records.map((_, i) => ({ topic: b.topic, partition: 0, offset: String(i) })),
      );
    },
  };
  const client = {
    name: 'kafkajs',
    producer: () => producer,
    consumer: () => ({}),
    admin: () => ({}),
  } as unknown as KafkaClient;
  return { client, sent };
}

const record = (value: string) => ({ offset: '7', key: Buffer.from('k'), value: Buffer.from(value) });

function processorWithoutMetricsOrLogger(handlers: Map<string, EventHandlerFn>) {
  const { client, sent } = recordingClient();
  const processor = new MessageProcessor({
    groupId: 'g',
    decode: (value) => JSON.parse(String(value)) as { type: string },
    handlers,
    retry: { ...defaultRetryPolicy, maxAttempts: 1 },
    dlqProducer: new EventProducer(client),
    handlerSlots: new Semaphore(1),
  });
  return { processor, sent };
}

describe('the messaging runtime without a metrics registry or a logger', () => {
  it('handles a record, counting and logging into no-op defaults', async () => {
    const seen: unknown[] = [];
    const { processor } = processorWithoutMetricsOrLogger(
      new Map<string, EventHandlerFn>([['Thing', async (event) => void seen.push(event)]]),
    );
    const outcome = await processor.process(
      'things',
      0,
      record('{"type":"Thing"}'),
      new AbortController().signal,
    );
    expect(outcome).toBe('handled');
    expect(seen).toEqual([{ type: 'Thing' }]);
  });

  it('dead-letters an unreadable record to the DLQ of its topic', async () => {
    const { processor, sent } = processorWithoutMetricsOrLogger(new Map());
    const outcome = await processor.process('things', 0, record('not json'), new AbortController().signal);
    expect(outcome).toBe('dead-lettered');
    expect(sent.map((batch) => batch.topic)).toEqual(['things.dlq']);
  });

  it('decodes a record only once a handler slot is free, so records waiting for one stay bytes', async () => {
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const { client } = recordingClient();
    const decoded: string[] = [];
    const processor = new MessageProcessor({
      groupId: 'g',
      decode: (value) => {
        decoded.push(String(value));
        return JSON.parse(String(value)) as { type: string };
      },
      handlers: new Map<string, EventHandlerFn>([['Thing', () => blocked]]),
      retry: { ...defaultRetryPolicy, maxAttempts: 1 },
      dlqProducer: new EventProducer(client),
      handlerSlots: new Semaphore(1),
    });
    const signal = new AbortController().signal;

    const first = processor.process('things', 0, record('{"type":"Thing","n":1}'), signal);
    const second = processor.process('things', 0, record('{"type":"Thing","n":2}'), signal);
    await new Promise((resolve) => setImmediate(resolve));
    expect(decoded).toEqual(['{"type":"Thing","n":1}']);

    release();
    expect(await Promise.all([first, second])).toEqual(['handled', 'handled']);
    expect(decoded).toHaveLength(2);
  });

  it('builds a consumer runtime and a producer from a client and the group settings alone', () => {
    const { client } = recordingClient();
    const producer = new EventProducer(client);
    const runtime = new ConsumerRuntime(client, {
      groupId: 'g',
      topics: ['things'],
      handlers: new Map(),
      decode: (value) => JSON.parse(String(value)) as { type: string },
      dlqProducer: producer,
    });
    expect(runtime.subscribedTopics).toEqual(['things', 'things.retry']);
  });
});
