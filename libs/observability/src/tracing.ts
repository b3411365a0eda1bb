import { context, propagation, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MongooseInstrumentation } from '@opentelemetry/instrumentation-mongoose';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { z } from 'zod';
import { env, isDevelopmentMode, parseEnv } from './config';

export interface TracingOptions {
  /** `service.name` on every span, e.g. `order-service`. */
  serviceName: string;
  /** `service.version`, e.g. the image tag. */
  serviceVersion?: string;
  /**
   * Base OTLP/HTTP URL, as in `OTEL_EXPORTER_OTLP_ENDPOINT` (e.g. `http://127.0.0.1:4318`);
   * `/v1/traces` is appended. Unset: spans still get ids (logs carry them, headers carry them
   * to the next service) but nothing is exported.
   */
  otlpEndpoint?: string;
  /** `false` starts nothing at all: no spans, no propagation. Default `true`. */
  enabled?: boolean;
  /** Share of new traces (0..1) that are sampled; a sampled parent is always followed. Default 1. */
  sampleRatio?: number;
  /**
   * Incoming paths that never start a trace: probes and scrapes would otherwise be most of the
   * traces. Default `/metrics`, `/health/live`, `/health/ready`.
   */
  ignoredIncomingPaths?: readonly string[];
}

export interface TracingHandle {
  /** Whether spans leave the process (an OTLP endpoint is configured). */
  readonly exporting: boolean;
  /** Flushes pending spans to the exporter and unregisters the global tracer. Idempotent. */
  shutdown(): Promise<void>;
}

type Instrumentation =
  | HttpInstrumentation
  | ExpressInstrumentation
  | NestInstrumentation
  | PgInstrumentation
  | IORedisInstrumentation
  | MongooseInstrumentation;

const DEFAULT_IGNORED_PATHS = ['/metrics', '/health/live', '/health/ready'];

/**
 * Starts OpenTelemetry for this process: W3C trace-context + baggage propagation, a tracer with
 * `service.name`, the OTLP/HTTP exporter when an endpoint is given, and auto-instrumentation of
 * http, express, @nestjs/core, pg, ioredis and mongoose.
 *
 * Instrumentation works by patching modules as they are first required, so this must run before
 * anything imports them: call it in the app's `src/instrument.ts` and import that file first in
 * `main.ts`. This library is safe to import there because importing it loads none of those modules.
 */
export function startTracing(options: TracingOptions): TracingHandle {
  if (options.enabled === false) return { exporting: false, shutdown: async () => undefined };
  const ratio = options.sampleRatio ?? 1;
  if (!(ratio >= 0 && ratio <= 1)) throw new RangeError(`sampleRatio must be within 0..1 (got ${ratio})`);

  const instrumentations = createInstrumentations(options.ignoredIncomingPaths ?? DEFAULT_IGNORED_PATHS);
  const exporter = options.otlpEndpoint
    ? new OTLPTraceExporter({ url: tracesUrl(options.otlpEndpoint) })
    : undefined;
  const sdk = new NodeSDK({
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: options.serviceName,
        ...(options.serviceVersion ? { [ATTR_SERVICE_VERSION]: options.serviceVersion } : {}),
      }),
    ),
    serviceName: options.serviceName,
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
    // Without an exporter a no-op processor still makes the SDK register a real tracer, so spans
    // get trace ids that logs and outgoing headers carry even when nothing collects them.
    spanProcessors: [exporter ? new BatchSpanProcessor({ exporter }) : new NoopSpanProcessor()],
    // Empty lists on purpose: left unset, the SDK would start OTLP metric and log exporters from
    // OTEL_* defaults. Metrics go to Prometheus (/metrics) and logs to stdout instead.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations,
  });
  sdk.start();

  let stopped: Promise<void> | undefined;
  return {
    exporting: exporter !== undefined,
    shutdown: () => {
      stopped ??= stop(sdk, instrumentations);
      return stopped;
    },
  };
}

async function stop(sdk: NodeSDK, instrumentations: Instrumentation[]): Promise<void> {
  try {
    await sdk.shutdown();
  } finally {
    // The SDK leaves its globals registered; clearing them lets a later startTracing() (a test,
    // a restart in the same process) register again instead of being silently ignored.
    instrumentations.forEach((instrumentation) => instrumentation.disable());
    trace.disable();
    propagation.disable();
    context.disable();
  }
}

function createInstrumentations(ignoredPaths: readonly string[]): Instrumentation[] {
  const ignored = new Set(ignoredPaths);
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (req) => ignored.has((req.url ?? '').split('?', 1)[0]),
    }),
    // A span per Express middleware (helmet, correlation, logging, metrics, ...) is noise on every
    // request and, measured on the gateway, a visible share of its per-request CPU.
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
    new NestInstrumentation(),
    // A query outside any request or message (a readiness probe, a polling loop) would be a
    // one-span trace every few seconds: noise that costs storage and hides real traces.
    new PgInstrumentation({ requireParentSpan: true }),
    new IORedisInstrumentation({ requireParentSpan: true }),
    new MongooseInstrumentation({ requireParentSpan: true }),
  ];
}

/** OTLP/HTTP: the traces URL is the base endpoint (OTEL_EXPORTER_OTLP_ENDPOINT) plus `/v1/traces`. */
function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

const tracingEnvSchema = z.object({
  OTEL_EXPORTER_OTLP_ENDPOINT: env.optional(z.url()),
  OTEL_SDK_DISABLED: env.bool().default(false),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  SERVICE_VERSION: z.string().min(1).optional(),
});

/**
 * The share of new traces sampled when `OTEL_TRACES_SAMPLER_ARG` is unset outside development:
 * every request traced costs each hop its spans' CPU and export (docs/benchmarks.md), and one in
 * ten still shows every path under load. Traces a caller started sampled are always followed.
 */
export const PRODUCTION_SAMPLE_RATIO = 0.1;

/**
 * Reads the standard OpenTelemetry variables (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SDK_DISABLED`,
 * `OTEL_TRACES_SAMPLER_ARG`) and `SERVICE_VERSION` into {@link TracingOptions}, failing fast with
 * a `ConfigError` on bad values. Meant for `instrument.ts`, the one place that reads them. The
 * sampling ratio defaults to 1 under NODE_ENV=development|test and to
 * {@link PRODUCTION_SAMPLE_RATIO} otherwise (unset included, as for secrets).
 */
export function tracingOptionsFromEnv(
  serviceName: string,
  environment: Record<string, string | undefined> = process.env,
): TracingOptions {
  const config = parseEnv(tracingEnvSchema, environment);
  return {
    serviceName,
    serviceVersion: config.SERVICE_VERSION,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    enabled: !config.OTEL_SDK_DISABLED,
    sampleRatio:
      config.OTEL_TRACES_SAMPLER_ARG ?? (isDevelopmentMode(environment) ? 1 : PRODUCTION_SAMPLE_RATIO),
  };
}
