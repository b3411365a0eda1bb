import { trace } from '@opentelemetry/api';
import { ConfigError } from './config';
import { currentTraceId, injectTraceHeaders } from './trace-context';
import { PRODUCTION_SAMPLE_RATIO, startTracing, tracingOptionsFromEnv } from './tracing';

describe('startTracing', () => {
  it('without an endpoint exports nothing but still gives spans trace ids', async () => {
    const tracing = startTracing({ serviceName: 'tracing-test' });
    try {
      expect(tracing.exporting).toBe(false);
      const traceId = trace.getTracer('test').startActiveSpan('work', (span) => {
        span.end();
        return currentTraceId();
      });
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      await tracing.shutdown();
    }
  });

  it('can start again in the same process once shut down, and shutting down twice is harmless', async () => {
    // With an endpoint, but no span is created: shutdown has nothing to send, so no network I/O.
    const first = startTracing({ serviceName: 'tracing-test', otlpEndpoint: 'http://127.0.0.1:4318' });
    expect(first.exporting).toBe(true);
    await first.shutdown();
    await first.shutdown();

    const second = startTracing({ serviceName: 'tracing-test' });
    try {
      const headers = trace.getTracer('test').startActiveSpan('work', (span) => {
        span.end();
        return injectTraceHeaders({});
      });
      expect(headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    } finally {
      await second.shutdown();
    }
  });

  it('starts nothing when disabled', async () => {
    const tracing = startTracing({ serviceName: 'tracing-test', enabled: false });
    const traceId = trace.getTracer('test').startActiveSpan('work', (span) => {
      span.end();
      return currentTraceId();
    });
    expect(traceId).toBeUndefined();
    await tracing.shutdown();
  });

  it('refuses a sample ratio outside 0..1', () => {
    expect(() => startTracing({ serviceName: 'tracing-test', sampleRatio: 1.5 })).toThrow(RangeError);
  });
});

describe('tracingOptionsFromEnv', () => {
  it('reads the standard OpenTelemetry variables', () => {
    expect(
      tracingOptionsFromEnv('order-service', {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        SERVICE_VERSION: '1.4.2',
      }),
    ).toEqual({
      serviceName: 'order-service',
      serviceVersion: '1.4.2',
      otlpEndpoint: 'http://collector:4318',
      enabled: true,
      sampleRatio: 0.25,
    });
  });

  it('turns tracing off with OTEL_SDK_DISABLED and defaults to no exporter', () => {
    expect(
      tracingOptionsFromEnv('order-service', { NODE_ENV: 'development', OTEL_SDK_DISABLED: 'true' }),
    ).toMatchObject({ enabled: false, otlpEndpoint: undefined, sampleRatio: 1 });
  });

  it('samples every trace in development and test, one in ten elsewhere unless told', () => {
    const ratio = (environment: Record<string, string>) =>
      tracingOptionsFromEnv('order-service', environment).sampleRatio;
    expect(ratio({ NODE_ENV: 'development' })).toBe(1);
    expect(ratio({ NODE_ENV: 'test' })).toBe(1);
    expect(ratio({ NODE_ENV: 'production' })).toBe(PRODUCTION_SAMPLE_RATIO);
    // Unset counts as production, as it does for secrets.
    expect(ratio({})).toBe(PRODUCTION_SAMPLE_RATIO);
    expect(ratio({ NODE_ENV: 'production', OTEL_TRACES_SAMPLER_ARG: '1' })).toBe(1);
    expect(ratio({ NODE_ENV: 'development', OTEL_TRACES_SAMPLER_ARG: '0' })).toBe(0);
    expect(() => ratio({ NODE_ENV: 'production', OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(ConfigError);
  });

  it('fails fast on a malformed endpoint', () => {
    expect(() =>
      tracingOptionsFromEnv('order-service', { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' }),
    ).toThrow(ConfigError);
  });
});
