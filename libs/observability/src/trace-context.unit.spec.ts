import { context, trace } from '@opentelemetry/api';
import { currentTraceId, extractTraceContext, injectTraceHeaders } from './trace-context';
import { startTracing, type TracingHandle } from './tracing';

describe('trace context in message headers', () => {
  let tracing: TracingHandle;
  beforeAll(() => {
    tracing = startTracing({ serviceName: 'trace-context-test' });
  });
  afterAll(() => tracing.shutdown());

  const tracer = () => trace.getTracer('test');

  it('carries a trace from producer headers to the consumer, which continues it', () => {
    const { headers, producer } = tracer().startActiveSpan('produce', (span) => {
      const written = injectTraceHeaders({ 'content-type': 'application/json' });
      span.end();
      return { headers: written, producer: span.spanContext() };
    });
    expect(headers['traceparent']).toBe(`00-${producer.traceId}-${producer.spanId}-01`);
    expect(headers['content-type']).toBe('application/json');

    // Kafka hands headers over as Buffers.
    const received = Object.fromEntries(
      Object.entries(headers).map(([key, value]) => [key, Buffer.from(value)]),
    );
    const consumer = context.with(extractTraceContext(received), () =>
      tracer().startActiveSpan('consume', (span) => {
        span.end();
        return { traceId: currentTraceId(), parent: trace.getSpanContext(extractTraceContext(received)) };
      }),
    );

    expect(consumer.traceId).toBe(producer.traceId);
    expect(consumer.parent).toMatchObject({
      traceId: producer.traceId,
      spanId: producer.spanId,
      isRemote: true,
    });
  });

  it('writes no trace headers and reports no trace id outside a span', () => {
    expect(injectTraceHeaders({})).toEqual({});
    expect(currentTraceId()).toBeUndefined();
  });

  it('gives a context without a parent for headers that carry no valid traceparent', () => {
    expect(trace.getSpanContext(extractTraceContext({}))).toBeUndefined();
    expect(
      trace.getSpanContext(extractTraceContext({ traceparent: 'garbage', other: undefined })),
    ).toBeUndefined();
  });

  it('takes the first traceparent when a header repeats', () => {
    const first = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const second = '00-11111111111111111111111111111111-2222222222222222-01';
    const parent = trace.getSpanContext(extractTraceContext({ traceparent: [first, second] }));
    expect(parent).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' });
  });
});
