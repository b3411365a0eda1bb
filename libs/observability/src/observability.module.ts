import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { CorrelationIdMiddleware } from './correlation-id.middleware';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { createLogger, PINO_LOGGER } from './logger';
import { createMetricsRegistry, HttpMetrics, METRICS_REGISTRY } from './metrics';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from './observability.options';
import { PinoNestLogger } from './pino-nest-logger';
import { ProblemDetailsFilter } from './problem-details.filter';
import { ReadinessRegistry } from './readiness.registry';
import { RequestLoggingMiddleware } from './request-logging.middleware';

/**
 * Everything an HTTP app observes itself with: the pino logger (and Nest's logger on top of it),
 * correlation ids and one log line per request, HTTP RED metrics in the app's registry (served
 * on an internal port by bootstrapHttpApp's metrics server, never here), and
 * `GET /health/live` + `GET /health/ready`. Global, so any module can inject
 * {@link ReadinessRegistry}, {@link METRICS_REGISTRY} and {@link PINO_LOGGER}.
 */
@Module({})
export class ObservabilityModule implements NestModule {
  /** Wires the module for one app; import it once, in the root module (bootstrapHttpApp does). */
  static forRoot(options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      // Nest accepts a promised module. Loading it lazily keeps @nestjs/terminus, and with it
      // @nestjs/core, out of what `import '@platform/observability'` loads: instrument.ts imports
      // this library before startTracing() has hooked @nestjs/core.
      imports: [import('./health.module').then(({ HealthModule }) => ({ module: HealthModule }))],
      providers: [
        { provide: OBSERVABILITY_OPTIONS, useValue: options },
        {
          provide: PINO_LOGGER,
          useFactory: () =>
            options.logger ?? createLogger({ serviceName: options.serviceName, level: options.logLevel }),
        },
        {
          provide: METRICS_REGISTRY,
          useFactory: () =>
            createMetricsRegistry({
              serviceName: options.serviceName,
              defaultMetrics: options.defaultMetrics,
            }),
        },
        HttpMetrics,
        // 'APP_FILTER' is @nestjs/core's token, spelled out so that importing this file does not
        // load @nestjs/core (see index.ts).
        { provide: 'APP_FILTER', useClass: ProblemDetailsFilter },
        ReadinessRegistry,
        PinoNestLogger,
      ],
      exports: [PINO_LOGGER, METRICS_REGISTRY, ReadinessRegistry, PinoNestLogger],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // Order matters: the request log line reads the correlation id the first one sets.
    consumer.apply(CorrelationIdMiddleware, RequestLoggingMiddleware, HttpMetricsMiddleware).forRoutes('*');
  }
}
