import { context, propagation } from '@opentelemetry/api';
import {
  encodeEnvelope,
  Headers,
  topicOfEvent,
  type DomainEvent,
  type EventEnvelope,
} from '@platform/contracts';
import type {
  Compression,
  KafkaClient,
  OutgoingRecord,
  ProducerClient,
  RecordAck,
  RecordHeaders,
} from '../client/kafka-client';
import type { MessagingMetrics } from '../metrics';
import { RetriableError } from '../errors';
import { takeRequest, type RequestLimits } from './request-batch';

/** Producer tunables; times in ms. */
export interface EventProducerOptions {
  metrics?: MessagingMetrics;
  /** Most records in one produce request; more wait for the next one. */
  maxBatchMessages?: number;
  /**
   * Most bytes (keys, values, headers) in one produce request; a larger publish goes alone. Well
   * under the broker's default `max.message.bytes` (1 MiB), which bounds each partition's batch.
   */
  maxBatchBytes?: number;
  compression?: Compression;
}

/** What a publish adds to every record it sends. */
export interface PublishOptions {
  /** Extra headers, e.g. the target group of a replay. */
  headers?: RecordHeaders;
}

/** An event and the W3C `traceparent` it continues (null: the publisher's active trace). */
export interface TracedEvent {
  event: EventEnvelope;
  traceParent: string | null;
}

interface Pending {
  topic: string;
  messages: OutgoingRecord[];
  resolve: (acks: RecordAck[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Publishes events: idempotent producer, acks=all, each record keyed by its aggregate id so one
 * entity's events stay in one partition, in order. Carries W3C trace context, the correlation id
 * and the event's type and version in headers.
 *
 * Sends are pipelined: while one request is in flight, publish calls accumulate and leave
 * together in the next one (one request at a time keeps per-key order under retries, which an
 * idempotent producer needs), so many small concurrent publishes cost few round trips.
 */
export class EventProducer {
  private readonly producer: ProducerClient;
  private readonly queue: Pending[] = [];
  // `sending` flips synchronously inside flush(), so a send() racing with the end of a flush
  // either lands in its loop or starts the next one; never neither.
  private sending = false;
  private flushing: Promise<void> = Promise.resolve();
  private readonly limits: RequestLimits;
  private readonly compression: Compression;

  constructor(
    client: KafkaClient,
    private readonly options: EventProducerOptions = {},
  ) {
    // Idempotent, acks=all, one request in flight, routed by murmur2 of the key (the port's promise).
    this.producer = client.producer();
    this.limits = {
      maxMessages: options.maxBatchMessages ?? 10_000,
      maxBytes: options.maxBatchBytes ?? 512 * 1024,
    };
    this.compression = options.compression ?? 'none';
  }

  /** Connects to the cluster; call once before publishing. */
  async connect(): Promise<void> {
    await this.producer.connect();
  }

  /** Waits for queued sends, then disconnects. */
  async disconnect(): Promise<void> {
    while (this.sending) await this.flushing;
    await this.producer.disconnect();
  }

  /**
   * Publishes `events` to `topic` in order and resolves once every broker in the ISR has them.
   * The active trace context (if any) and `correlationId` of each event go into its headers.
   */
  publish(
    topic: string,
    events: readonly EventEnvelope[],
    options: PublishOptions = {},
  ): Promise<RecordAck[]> {
    const trace = activeTraceHeaders();
    const messages = events.map((event) => recordOf(event, trace, options.headers));
    return this.send(topic, messages);
  }

  /**
   * Publishes domain events, each to the topic the contracts' registry assigns to its type
   * (`OrderPlaced` -> `order.events`), in order per topic.
   */
  async publishEvents(events: readonly DomainEvent[]): Promise<RecordAck[]> {
    const trace = activeTraceHeaders();
    return this.sendByTopic(
      events,
      (event) => topicOfEvent(event.type).name,
      (event) => recordOf(event, trace),
    );
  }

  /**
   * Publishes events that each continue their own trace (an outbox row continues the request that
   * wrote it; null: the active one), to `options.topic` or else to the topic the contracts'
   * registry assigns to each event's type, in order per topic.
   */
  async publishTraced(
    records: readonly TracedEvent[],
    options: { topic?: string } = {},
  ): Promise<RecordAck[]> {
    const trace = activeTraceHeaders();
    const { topic } = options;
    return this.sendByTopic(
      records,
      (record) => topic ?? topicOfEvent(record.event.type as DomainEvent['type']).name,
      (record) => recordOf(record.event, record.traceParent ? { traceparent: record.traceParent } : trace),
    );
  }

  private async sendByTopic<T>(
    items: readonly T[],
    topicOf: (item: T) => string,
    toRecord: (item: T) => OutgoingRecord,
  ): Promise<RecordAck[]> {
    const byTopic = new Map<string, OutgoingRecord[]>();
    for (const item of items) {
      const topic = topicOf(item);
      const list = byTopic.get(topic);
      if (list) list.push(toRecord(item));
      else byTopic.set(topic, [toRecord(item)]);
    }
    const results = await Promise.all([...byTopic].map(([topic, messages]) => this.send(topic, messages)));
    return results.flat();
  }

  /** Sends raw records (a DLQ write, a replay) through the same pipeline and guarantees. */
  send(topic: string, messages: OutgoingRecord[]): Promise<RecordAck[]> {
    if (messages.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ topic, messages, resolve, reject });
      if (!this.sending) {
        this.sending = true;
        this.flushing = this.flush();
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = takeRequest(this.queue, this.limits);
        const started = process.hrtime.bigint();
        const topicMessages = mergeByTopic(batch);
        try {
          const acks = await this.producer.send(
            topicMessages.map(({ topic, messages }) => ({ topic, records: messages })),
            this.compression,
          );
          let complete = true;
          // Each publish takes its records' acks, in order, from its topic's answer.
          const taken = new Map<string, number>();
          for (const pending of batch) {
            const index = topicMessages.findIndex((t) => t.topic === pending.topic);
            const from = taken.get(pending.topic) ?? 0;
            taken.set(pending.topic, from + pending.messages.length);
            const mine = (acks[index] ?? []).slice(from, from + pending.messages.length);
            if (mine.length < pending.messages.length || mine.includes(undefined)) {
              complete = false;
              pending.reject(new ProduceIncompleteError(pending.topic));
            } else pending.resolve(mine as RecordAck[]);
          }
          this.observe(topicMessages, started, complete);
        } catch (error) {
          this.observe(topicMessages, started, false);
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private observe(
    topicMessages: { topic: string; messages: OutgoingRecord[] }[],
    started: bigint,
    ok: boolean,
  ): void {
    const metrics = this.options.metrics;
    if (!metrics) return;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const { topic, messages } of topicMessages) {
      if (ok) metrics.produced.inc({ topic }, messages.length);
      else metrics.produceFailures.inc({ topic }, messages.length);
      metrics.produceDuration.observe({ topic }, seconds);
    }
  }
}

/** The active trace context as headers; read once per publish, shared by its records. */
function activeTraceHeaders(): Record<string, string> {
  const trace: Record<string, string> = {};
  propagation.inject(context.active(), trace);
  return trace;
}

/** The Kafka record of an event: keyed by its aggregate, with trace, correlation and type headers. */
function recordOf(event: EventEnvelope, trace: RecordHeaders, extraHeaders?: RecordHeaders): OutgoingRecord {
  return {
    key: event.aggregateId,
    value: encodeEnvelope(event),
    headers: {
      ...extraHeaders,
      ...trace,
      [Headers.correlationId]: event.correlationId,
      [Headers.eventType]: event.type,
      [Headers.eventVersion]: String(event.version),
    },
  };
}

/** One entry per topic, keeping the order in which records were published. */
function mergeByTopic(batch: Pending[]): { topic: string; messages: OutgoingRecord[] }[] {
  const byTopic = new Map<string, OutgoingRecord[]>();
  for (const { topic, messages } of batch) {
    const list = byTopic.get(topic);
    if (list) list.push(...messages);
    else byTopic.set(topic, [...messages]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * The broker's answer to a send left out a partition some of its records were routed to: they
 * were not written although the client resolved (see write-check.ts). Retriable, and an outage to a
 * consumer's retry policy: the partition's leader is moving.
 */
export class ProduceIncompleteError extends RetriableError {
  override readonly name: string = 'ProduceIncompleteError';
  readonly unavailable = true;

  constructor(readonly topic: string) {
    super(`the broker's answer for ${topic} left out partitions this send was routed to; not written`);
  }
}
