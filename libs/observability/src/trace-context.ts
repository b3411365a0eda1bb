import {
  type Context,
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  trace,
} from '@opentelemetry/api';
import type { TextMapGetter } from '@opentelemetry/api';

/** Kafka header values arrive as Buffers (or strings when a producer set them so). */
export type MessageHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

const headerGetter: TextMapGetter<MessageHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    // Kafka allows a header to repeat; W3C trace-context wants exactly one traceparent, the first.
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  },
};

/**
 * Writes the active trace context (`traceparent`, and `tracestate`/`baggage` when present) into
 * `headers`, so the consumer of a message continues this trace. Returns the same object. Writes
 * nothing when there is no active span or tracing is not started.
 */
export function injectTraceHeaders(
  headers: Record<string, string>,
  from: Context = context.active(),
): Record<string, string> {
  propagation.inject(from, headers);
  return headers;
}

/**
 * Reads `traceparent`/`tracestate` from message headers into a Context to run the handler in
 * (`context.with(extractTraceContext(headers), handle)`), or to use as the parent of a consumer
 * span. Headers without a valid traceparent give a context with no parent.
 */
export function extractTraceContext(headers: MessageHeaders): Context {
  return propagation.extract(ROOT_CONTEXT, headers, headerGetter);
}

/** The trace id of the active span, for logs and problem details; `undefined` outside a trace. */
export function currentTraceId(): string | undefined {
  const spanContext = trace.getSpanContext(context.active());
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** `trace_id` and `span_id` of the active span as log fields; empty outside a trace. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getSpanContext(context.active());
  return spanContext && isSpanContextValid(spanContext)
    ? { trace_id: spanContext.traceId, span_id: spanContext.spanId }
    : {};
}
