import {
  context as otelContext,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Link,
} from '@opentelemetry/api';
import { Headers } from '@platform/contracts';
import type { ConsumedRecord } from '../client/kafka-client';
import { errorClassOf, isRetriable } from '../errors';
import type { MessagingMetrics } from '../metrics';
import { BatchCoalescer } from './batch-coalescer';
import type { BatchHandler, MessageContext, MessageDecoder } from './handler';
import {
  headerValue,
  kafkaHeaders,
  RecordContext,
  sleep,
  type MessageProcessor,
  type Outcome,
} from './message-processor';
import { backoffMs, type RetryPolicy } from './retry-policy';
import type { Semaphore } from './semaphore';

/** What the batch processor needs; one per consumer group. */
export interface BatchProcessorDeps {
  groupId: string;
  decode: MessageDecoder;
  handlers: ReadonlyMap<string, BatchHandler>;
  retry: RetryPolicy;
  metrics: MessagingMetrics;
  /** Bounds handler calls running at once (each holds one slot, however many records it has). */
  handlerSlots: Semaphore;
  /** Writes dead letters and counts ignored records, as for per-event handlers. */
  records: MessageProcessor;
}

/** One decoded record on its way to a batch handler. */
interface Item {
  topic: string;
  partition: number;
  message: ConsumedRecord;
  event: { type: string };
  signal: AbortSignal;
}

/** Told the records that are done (handled, ignored or dead-lettered), in any order. */
export type DoneListener = (records: readonly ConsumedRecord[]) => void;

/** A batch span links at most this many records' traces (OpenTelemetry's default link limit). */
const MAX_LINKS = 128;

const tracer = trace.getTracer('@platform/messaging');

/**
 * Runs the batch handlers of a consumer group over one partition's fetched records: decodes each
 * record (a record that does not decode goes to the DLQ alone, at once), cuts the rest into runs
 * of one type in offset order (so per-key order holds across types), and calls each run's handler
 * with at most `maxRecords` events, joined with other partitions' runs for up to `maxWaitMs`.
 *
 * A call that fails is retried like a record (backoff, `maxAttempts`, outages retried as long as
 * they last, never joined with others again). A batch that fails for good is split in halves, each
 * retried on its own, down to the one record that fails alone and goes to the DLQ with its
 * provenance; its neighbours are handled once their half succeeds. So a handler's effect must be
 * all or nothing per call, or idempotent.
 */
export class BatchProcessor {
  private readonly coalescers = new Map<string, BatchCoalescer<Item>>();

  constructor(private readonly deps: BatchProcessorDeps) {
    for (const [type, handler] of deps.handlers) {
      const { maxRecords, maxWaitMs } = handler.options;
      this.coalescers.set(
        type,
        new BatchCoalescer<Item>(maxRecords, maxWaitMs, (items) => this.call(handler, items, 1)),
      );
    }
  }

  /** The most records one call of any handler takes: what a partition hands over at a time. */
  get maxRecords(): number {
    return Math.max(...[...this.deps.handlers.values()].map((h) => h.options.maxRecords));
  }

  /**
   * Processes records of one partition in offset order, telling `done` as records finish;
   * `given-back` when the signal aborted first (what is not done yet is redelivered).
   */
  async process(
    topic: string,
    partition: number,
    records: readonly ConsumedRecord[],
    signal: AbortSignal,
    done: DoneListener,
  ): Promise<'done' | 'given-back'> {
    let run: Item[] = [];
    for (const message of records) {
      const item = await this.decode(topic, partition, message, signal);
      if (item === 'given-back') return 'given-back';
      if (item === 'settled') {
        done([message]);
        continue;
      }
      if (run.length > 0 && (run[0] as Item).event.type !== item.event.type) {
        if ((await this.handleRun(run, signal, done)) === 'given-back') return 'given-back';
        run = [];
      }
      run.push(item);
    }
    return run.length > 0 ? this.handleRun(run, signal, done) : 'done';
  }

  /** Decodes one record, or settles it: ignored (another group's replay, no handler) or dead-lettered. */
  private async decode(
    topic: string,
    partition: number,
    message: ConsumedRecord,
    signal: AbortSignal,
  ): Promise<Item | 'settled' | 'given-back'> {
    const { deps } = this;
    const headers = message.headers ?? {};
    if (topic.endsWith('.retry')) {
      const target = headerValue(headers, Headers.targetGroup);
      if (target !== undefined && target !== deps.groupId)
        return settled(deps.records.ignore(topic, 'other-group'));
    }
    let event: { type: string };
    try {
      event = deps.decode(message.value, { key: message.key ?? null, headers });
    } catch (error) {
      const firstFailureAt = new Date();
      return settled(
        await deps.records.deadLetter(
          { topic, partition, message, error, reason: 'decode', attempts: 1, firstFailureAt },
          signal,
        ),
      );
    }
    if (!deps.handlers.has(event.type)) return settled(deps.records.ignore(topic, 'no-handler'));
    return { topic, partition, message, event, signal };
  }

  /** Hands a run of one type to its handler, at most maxRecords at a time. */
  private async handleRun(
    run: Item[],
    signal: AbortSignal,
    done: DoneListener,
  ): Promise<'done' | 'given-back'> {
    const type = (run[0] as Item).event.type;
    const { maxRecords } = (this.deps.handlers.get(type) as BatchHandler).options;
    for (let start = 0; start < run.length; start += maxRecords) {
      const chunk = run.slice(start, start + maxRecords);
      if ((await this.handleChunk(chunk, signal, done, true)) === 'given-back') return 'given-back';
    }
    return 'done';
  }

  /** One chunk to its end: handled, or split until the records that fail alone are dead-lettered. */
  private async handleChunk(
    chunk: Item[],
    signal: AbortSignal,
    done: DoneListener,
    join: boolean,
  ): Promise<'done' | 'given-back'> {
    const { deps } = this;
    const first = chunk[0] as Item;
    const { type } = first.event;
    const handler = deps.handlers.get(type) as BatchHandler;
    let firstFailureAt: Date | undefined;
    for (let attempt = 1; ; attempt += 1) {
      if (signal.aborted) return 'given-back';
      const error =
        attempt === 1 && join
          ? await (this.coalescers.get(type) as BatchCoalescer<Item>).submit(chunk)
          : await this.call(handler, chunk, attempt);
      if (error === undefined) {
        deps.metrics.handled.inc({ topic: first.topic, group: deps.groupId, type }, chunk.length);
        done(chunk.map((item) => item.message));
        return 'done';
      }
      firstFailureAt ??= new Date();
      deps.metrics.failures.inc({
        topic: first.topic,
        group: deps.groupId,
        type,
        error_class: errorClassOf(error),
      });
      const permanent = !isRetriable(error);
      if (permanent || (attempt >= deps.retry.maxAttempts && !deps.retry.isOutage(error))) {
        if (chunk.length > 1) {
          const half = Math.ceil(chunk.length / 2);
          for (const part of [chunk.slice(0, half), chunk.slice(half)]) {
            if ((await this.handleChunk(part, signal, done, false)) === 'given-back') return 'given-back';
          }
          return 'done';
        }
        const { topic, partition, message } = first;
        const reason = permanent ? 'permanent' : 'exhausted';
        const outcome: Outcome = await deps.records.deadLetter(
          { topic, partition, message, error, reason, attempts: attempt, firstFailureAt },
          signal,
        );
        if (outcome === 'given-back') return 'given-back';
        done([message]);
        return 'done';
      }
      deps.metrics.retries.inc({ topic: first.topic, group: deps.groupId }, chunk.length);
      if (!(await sleep(backoffMs(deps.retry, attempt), signal))) return 'given-back';
    }
  }

  /** One handler call in its own span, linked to every record's trace; resolves to its error. */
  private call(handler: BatchHandler, items: Item[], attempt: number): Promise<unknown> {
    return this.deps.handlerSlots.run(async () => {
      const { deps } = this;
      const first = items[0] as Item;
      const span = tracer.startSpan(`${first.topic} process`, { kind: SpanKind.CONSUMER }, ROOT_CONTEXT);
      if (span.isRecording()) {
        span.setAttributes({
          'messaging.system': 'kafka',
          'messaging.destination.name': first.topic,
          'messaging.consumer.group.name': deps.groupId,
          'messaging.operation.type': 'process',
          'messaging.batch.message_count': items.length,
          'event.type': first.event.type,
          'retry.attempt': attempt,
        });
        span.addLinks(linksOf(items));
      }
      const labels = { topic: first.topic, group: deps.groupId, type: first.event.type };
      deps.metrics.batchRecords.observe(labels, items.length);
      const stop = deps.metrics.handlerDuration.startTimer(labels);
      try {
        const events = items.map((item) => item.event);
        const records: MessageContext[] = items.map(
          (item) =>
            new RecordContext(item.topic, item.partition, item.message, deps.groupId, attempt, item.signal),
        );
        await otelContext.with(trace.setSpan(ROOT_CONTEXT, span), () => handler.handle(events, records));
        return undefined;
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
        return error ?? new Error('batch handler threw a nullish value');
      } finally {
        stop();
        span.end();
      }
    });
  }
}

function settled(outcome: Outcome): 'settled' | 'given-back' {
  return outcome === 'given-back' ? 'given-back' : 'settled';
}

/** A link to the trace of every record that carries one, up to MAX_LINKS. */
function linksOf(items: readonly Item[]): Link[] {
  const links: Link[] = [];
  for (const item of items) {
    if (links.length >= MAX_LINKS) break;
    const headers = item.message.headers ?? {};
    if (headers[Headers.traceparent] === undefined) continue;
    const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, headers, kafkaHeaders));
    if (spanContext) links.push({ context: spanContext });
  }
  return links;
}
