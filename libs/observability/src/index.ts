/**
 * @platform/observability: what every app boots with. Validated configuration from the
 * environment, OpenTelemetry tracing (and trace context for Kafka headers), pino JSON logs with
 * trace and correlation ids (request logs and Nest's own through nestjs-pino), Prometheus metrics,
 * health checks, and a one-call HTTP bootstrap.
 *
 * Importing this file must load neither @nestjs/core nor express, pg, ioredis or mongoose, so that
 * an app's instrument.ts can import startTracing from here and still run before they load
 * (index.unit.spec.ts checks it).
 */
export {
  ConfigError,
  DEVELOPMENT_MODES,
  env,
  isDevelopmentMode,
  isPublishedSecret,
  parseEnv,
  publishedSecret,
} from './config';
export {
  PRODUCTION_SAMPLE_RATIO,
  startTracing,
  tracingOptionsFromEnv,
  type TracingHandle,
  type TracingOptions,
} from './tracing';
export {
  currentTraceId,
  extractTraceContext,
  injectTraceHeaders,
  type MessageHeaders,
} from './trace-context';
export { CORRELATION_ID_HEADER, currentCorrelationId, withCorrelationId } from './correlation';
export { createLogger, PINO_LOGGER, SECRET_FIELDS, type Logger, type LoggerOptions } from './logger';
export { createMetricsRegistry, METRICS_REGISTRY, type MetricsRegistryOptions } from './metrics';
export { startMetricsServer, type MetricsServer, type MetricsServerOptions } from './metrics-server';
export {
  DuplicateReadinessCheck,
  ReadinessRegistry,
  type ReadinessCheck,
  type ReadinessResult,
} from './readiness.registry';
export { type ObservabilityOptions } from './observability.options';
export { ObservabilityModule } from './observability.module';
export { bootstrapHttpApp, type HttpAppOptions } from './bootstrap-http-app';
export { defaultProblem, ProblemDetailsFilter, writeProblem } from './problem-details.filter';
export { ExchangeObserver } from './exchange-observer';
export { dependencyUnavailable, type Problem, type ProblemMapper } from './problem';
export { routeTemplate, type RoutedRequest, UNMATCHED_ROUTE } from './route-template';
