import {
  context as otelContext,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type TextMapGetter,
} from '@opentelemetry/api';
import type { ConsumedRecord, RecordHeaders } from '../client/kafka-client';
import { Headers } from '@platform/contracts';
import { errorClassOf, isRetriable } from '../errors';
import { MessagingMetrics } from '../metrics';
import type { EventProducer } from '../producer/event-producer';
import { deadLetterRecord, reducedDeadLetterRecord, type Failure } from './dead-letter';
import type { EventHandlerFn, MessageContext, MessageDecoder } from './handler';
import { backoffMs, type RetryPolicy } from './retry-policy';
import { silentRuntimeLogger, type RuntimeLogger } from './runtime-logger';
import type { Semaphore } from './semaphore';

/** How one record ended. `given-back` is not done: it will be redelivered. */
export type Outcome = 'handled' | 'ignored' | 'dead-lettered' | 'given-back';

/** What the processor needs; one per consumer group. */
export interface ProcessorDeps {
  groupId: string;
  decode: MessageDecoder;
  handlers: ReadonlyMap<string, EventHandlerFn>;
  retry: RetryPolicy;
  dlqProducer: EventProducer;
  /** Default: metrics nobody scrapes (MessagingMetrics.detached). */
  metrics?: MessagingMetrics;
  /** Default: a logger that says nothing. */
  logger?: RuntimeLogger;
  /**
   * Bounds handlers running at once; held during an attempt (the first one decodes the record
   * too), not during its backoff or a DLQ write.
   */
  handlerSlots: Semaphore;
}

const tracer = trace.getTracer('@platform/messaging');

/** Reads trace context straight from the record's headers, without copying them all. */
export const kafkaHeaders: TextMapGetter<RecordHeaders> = {
  get: (carrier, key) => headerValue(carrier, key),
  keys: (carrier) => Object.keys(carrier),
};

/** A record the processor gives up on: where it was, what failed, why, after how many attempts. */
export type GivenUp = Omit<Failure, 'groupId' | 'lastFailureAt' | 'traceId'>;

/** Label-bound metric children per (topic, type): the hot path skips prom-client's label hashing. */
interface TypeMetrics {
  handled: { inc(): void };
  duration: { observe(seconds: number): void };
}

/** What a decoded record is handled with, kept across its retries. */
interface Dispatch {
  event: { type: string };
  handler: EventHandlerFn;
  parent: Context;
  metrics: TypeMetrics;
}

/** How one run in a handler slot ended; `error` is undefined when the handler succeeded. */
type Tried =
  | { kind: 'tried'; dispatch: Dispatch; error: unknown }
  | { kind: 'undecodable'; error: unknown }
  | { kind: 'no-handler' };

const NO_HANDLER: Tried = { kind: 'no-handler' };

/**
 * Decodes, dispatches, retries and dead-letters one record. Retries wait in place, so the
 * caller (one key's queue) holds later records of the same key behind this one.
 */
export class MessageProcessor {
  /** topic -> event type -> bound metrics; two lookups instead of a key string built per record. */
  private readonly typeMetrics = new Map<string, Map<string, TypeMetrics>>();
  private readonly deps: Required<ProcessorDeps>;

  constructor(deps: ProcessorDeps) {
    this.deps = {
      ...deps,
      metrics: deps.metrics ?? MessagingMetrics.detached(),
      logger: deps.logger ?? silentRuntimeLogger,
    };
  }

  /** Processes a record to one of its outcomes; never throws. */
  async process(
    topic: string,
    partition: number,
    message: ConsumedRecord,
    signal: AbortSignal,
  ): Promise<Outcome> {
    const { deps } = this;
    const carrier = message.headers ?? {};
    // A replay on a retry topic is meant for one group. Elsewhere the header is history (a
    // dead letter of a failed replay still carries it) and every reader of the topic handles it.
    if (topic.endsWith('.retry')) {
      const target = headerValue(carrier, Headers.targetGroup);
      if (target !== undefined && target !== deps.groupId) return this.ignore(topic, 'other-group');
    }

    let dispatch: Dispatch | undefined;
    let firstFailureAt: Date | undefined;
    for (let attempt = 1; ; attempt += 1) {
      if (signal.aborted) return 'given-back';
      const ctx = new RecordContext(topic, partition, message, deps.groupId, attempt, signal);
      // The first attempt decodes inside its handler slot: a record waiting for a slot stays bytes,
      // so the decoded events alive at once are bounded by the slots, not by the keys of a fetched
      // batch (fewer survivors for the garbage collector to copy; bench:runtime-overhead).
      const tried = await deps.handlerSlots.run(() =>
        dispatch ? this.attempt(dispatch, ctx) : this.decodeAndAttempt(topic, message, ctx),
      );
      if (tried.kind === 'undecodable') {
        const { error } = tried;
        firstFailureAt = new Date();
        return this.deadLetter(
          { topic, partition, message, error, reason: 'decode', attempts: 1, firstFailureAt },
          signal,
        );
      }
      if (tried.kind === 'no-handler') return this.ignore(topic, 'no-handler');
      dispatch = tried.dispatch;
      const { error } = tried;
      const { event, metrics } = dispatch;
      if (error === undefined) {
        metrics.handled.inc();
        return 'handled';
      }
      firstFailureAt ??= new Date();
      deps.metrics.failures.inc({
        topic,
        group: deps.groupId,
        type: event.type,
        error_class: errorClassOf(error),
      });
      const permanent = !isRetriable(error);
      if (permanent || (attempt >= deps.retry.maxAttempts && !deps.retry.isOutage(error))) {
        const reason = permanent ? 'permanent' : 'exhausted';
        return this.deadLetter(
          { topic, partition, message, error, reason, attempts: attempt, firstFailureAt },
          signal,
        );
      }
      deps.metrics.retries.inc({ topic, group: deps.groupId });
      if (!(await sleep(backoffMs(deps.retry, attempt), signal))) return 'given-back';
    }
  }

  /** The first attempt: decode the record, find its handler, then run it as any attempt does. */
  private decodeAndAttempt(topic: string, message: ConsumedRecord, ctx: RecordContext): Promise<Tried> {
    const { deps } = this;
    let event: { type: string };
    try {
      event = deps.decode(message.value, { key: message.key ?? null, headers: message.headers ?? {} });
    } catch (error) {
      return Promise.resolve({ kind: 'undecodable', error });
    }
    const handler = deps.handlers.get(event.type);
    if (!handler) return Promise.resolve(NO_HANDLER);
    const parent = propagation.extract(otelContext.active(), message.headers ?? {}, kafkaHeaders);
    return this.attempt({ event, handler, parent, metrics: this.metricsOf(topic, event.type) }, ctx);
  }

  /** One run of the handler; `error` is undefined when it succeeded. */
  private async attempt(dispatch: Dispatch, ctx: MessageContext): Promise<Tried> {
    const { event, handler, parent, metrics } = dispatch;
    const span = tracer.startSpan(`${ctx.topic} process`, { kind: SpanKind.CONSUMER }, parent);
    // Attributes cost an object per record: only build them when someone records the span.
    if (span.isRecording()) {
      span.setAttributes({
        'messaging.system': 'kafka',
        'messaging.destination.name': ctx.topic,
        'messaging.consumer.group.name': ctx.groupId,
        'messaging.kafka.offset': Number(ctx.offset),
        'messaging.destination.partition.id': String(ctx.partition),
        'messaging.operation.type': 'process',
        'event.type': event.type,
        'retry.attempt': ctx.attempt,
      });
    }
    // performance.now() and a bound observe: prom-client's startTimer costs two closures, two
    // hrtime arrays and a label object copy per record.
    const started = performance.now();
    try {
      // Nothing to propagate when the span is not recorded and no trace came in: skip the
      // context copy that trace.setSpan makes (measured: one of the larger per-record costs).
      if (span.isRecording() || trace.getSpanContext(parent)) {
        await otelContext.with(trace.setSpan(parent, span), () => handler(event, ctx));
      } else {
        await handler(event, ctx);
      }
      return { kind: 'tried', dispatch, error: undefined };
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      return { kind: 'tried', dispatch, error: error ?? new Error('handler threw a nullish value') };
    } finally {
      metrics.duration.observe((performance.now() - started) / 1_000);
      span.end();
    }
  }

  private metricsOf(topic: string, type: string): TypeMetrics {
    let ofTopic = this.typeMetrics.get(topic);
    if (!ofTopic) {
      ofTopic = new Map();
      this.typeMetrics.set(topic, ofTopic);
    }
    let metrics = ofTopic.get(type);
    if (!metrics) {
      const labels = { topic, group: this.deps.groupId, type };
      metrics = {
        handled: this.deps.metrics.handled.labels(labels),
        duration: this.deps.metrics.handlerDuration.labels(labels),
      };
      ofTopic.set(type, metrics);
    }
    return metrics;
  }

  /** Writes the record to its DLQ (waiting out a DLQ that is down); `given-back` if aborted first. */
  async deadLetter(given: GivenUp, signal: AbortSignal): Promise<Outcome> {
    const { deps } = this;
    const { topic, partition, message, error, reason, attempts } = given;
    const traceId = traceIdOf(headerValue(message.headers ?? {}, Headers.traceparent));
    const failure: Failure = { ...given, groupId: deps.groupId, lastFailureAt: new Date(), traceId };
    let record = deadLetterRecord(failure);
    // The record is committed only once the DLQ has it: a DLQ that is down holds the key, it
    // never loses the message. Waits back off like handler retries and end on give-back.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await deps.dlqProducer.send(record.topic, [record]);
        break;
      } catch (sendError) {
        if (isTooLarge(sendError) && record.value !== null) {
          // A record near the broker's limit plus its provenance headers: no retry makes it fit.
          deps.logger.error(
            { topic, partition, offset: message.offset, dlq: record.topic, bytes: message.value?.length },
            'dead letter too large for the DLQ; writing it without its value',
          );
          record = reducedDeadLetterRecord(failure);
          continue;
        }
        deps.logger.error(
          { topic, partition, offset: message.offset, dlq: record.topic, err: sendError },
          'cannot write to the DLQ yet; holding the record',
        );
        if (!(await sleep(backoffMs(deps.retry, attempt), signal))) return 'given-back';
      }
    }
    deps.metrics.deadLettered.inc({ topic, group: deps.groupId, reason });
    deps.logger.warn(
      {
        topic,
        partition,
        offset: message.offset,
        group: deps.groupId,
        reason,
        attempts,
        error_class: errorClassOf(error),
        error: error instanceof Error ? error.message : String(error),
        trace_id: traceId,
      },
      'message dead-lettered',
    );
    return 'dead-lettered';
  }

  ignore(topic: string, reason: 'other-group' | 'no-handler'): Outcome {
    this.deps.metrics.ignored.inc({ topic, group: this.deps.groupId, reason });
    return 'ignored';
  }
}

/** The handler's view of a record; headers are decoded to strings only if the handler reads them. */
export class RecordContext implements MessageContext {
  private decodedHeaders: Record<string, string> | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly message: ConsumedRecord,
    readonly groupId: string,
    readonly attempt: number,
    readonly signal: AbortSignal,
  ) {}

  get offset(): string {
    return this.message.offset;
  }

  get key(): string | null {
    return this.message.key?.toString() ?? null;
  }

  get headers(): Readonly<Record<string, string>> {
    if (!this.decodedHeaders) {
      const out: Record<string, string> = {};
      for (const name of Object.keys(this.message.headers ?? {})) {
        const value = headerValue(this.message.headers ?? {}, name);
        if (value !== undefined) out[name] = value;
      }
      this.decodedHeaders = out;
    }
    return this.decodedHeaders;
  }
}

/** The broker refused a record or batch for its size (both clients keep the protocol error's type). */
function isTooLarge(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE';
}

/** A header as a string (the first one, if repeated). */
export function headerValue(headers: RecordHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

function traceIdOf(traceparent: string | undefined): string | undefined {
  const parts = traceparent?.split('-');
  return parts && parts.length >= 3 ? parts[1] : undefined;
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
