/** The ConsumerRuntime as the benchmarks run it: the contracts' decoder, one handler, fresh metrics. */
import { decodeEvent, type DomainEvent } from '@platform/contracts';
import {
  ConsumerRuntime,
  defaultBatchOptions,
  EventProducer,
  MessagingMetrics,
  type KafkaClient,
} from '@platform/messaging';
import { Registry } from 'prom-client';

/**
 * A runtime in group `groupId` on `topic` (and its retry topic) with the runtime's defaults,
 * `handler` for OrderPlaced. The DLQ producer is never connected: a dead letter would fail loudly.
 */
export function benchRuntime(
  client: KafkaClient,
  groupId: string,
  topic: string,
  handler: (event: DomainEvent) => Promise<void>,
): ConsumerRuntime {
  return runtimeWith(client, groupId, topic, {
    handlers: new Map([['OrderPlaced', (event: unknown) => handler(event as DomainEvent)]]),
  });
}

/** The same with a batch handler for OrderPlaced (the runtime's default batch bounds). */
export function benchBatchRuntime(
  client: KafkaClient,
  groupId: string,
  topic: string,
  handler: (events: DomainEvent[]) => Promise<void>,
): ConsumerRuntime {
  const handle = (events: unknown[]) => handler(events as DomainEvent[]);
  return runtimeWith(client, groupId, topic, {
    handlers: new Map(),
    batchHandlers: new Map([['OrderPlaced', { handle, options: defaultBatchOptions }]]),
  });
}

function runtimeWith(
  client: KafkaClient,
  groupId: string,
  topic: string,
  handlers: Pick<ConstructorParameters<typeof ConsumerRuntime>[1], 'handlers' | 'batchHandlers'>,
): ConsumerRuntime {
  const metrics = MessagingMetrics.for(new Registry());
  return new ConsumerRuntime(client, {
    groupId,
    topics: [topic],
    ...handlers,
    decode: decodeEvent,
    dlqProducer: new EventProducer(client, { metrics }),
    metrics,
    logger: {
      warn: (fields, msg) => console.warn(msg, fields),
      error: (fields, msg) => console.error(msg, fields),
    },
  });
}
