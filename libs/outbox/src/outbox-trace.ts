import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import type { EventEnvelope } from '@platform/contracts';

const tracer = trace.getTracer('@platform/outbox');

/**
 * The W3C `traceparent` of the active context (the request that writes the outbox rows), or null
 * outside a trace. Stored with the rows, it lets the relay continue that trace when it publishes,
 * so a request and every consumer of its events share one trace id.
 */
export function currentTraceParent(): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier['traceparent'] ?? null;
}

/** A relay's publish of one stored row: a PRODUCER span under the writer's trace. */
export interface RowPublishSpan {
  /** The `traceparent` to send with the record: the publish span, child of the writer's. */
  traceParent: string | null;
  end(error?: unknown): void;
}

/** Starts the publish span of a row written under `storedTraceParent` (none without one). */
export function startRowPublishSpan(
  envelope: EventEnvelope,
  storedTraceParent: string | null,
): RowPublishSpan {
  if (!storedTraceParent) return { traceParent: null, end: () => undefined };
  const parent = propagation.extract(ROOT_CONTEXT, { traceparent: storedTraceParent });
  const span: Span = tracer.startSpan(
    'outbox relay publish',
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'publish',
        'messaging.message.id': envelope.id,
        'messaging.kafka.message.key': envelope.aggregateId,
        'platform.event.type': envelope.type,
      },
    },
    parent,
  );
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
  return {
    traceParent: carrier['traceparent'] ?? storedTraceParent,
    end: (error) => {
      if (error !== undefined) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
      }
      span.end();
    },
  };
}
