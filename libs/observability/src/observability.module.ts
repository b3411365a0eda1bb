import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { CorrelationIdMiddleware } from './correlation-id.middleware';
import { ExchangeObserver } from './exchange-observer';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { createLogger, PINO_LOGGER } from './logger';
import { createMetricsRegistry, HttpMetrics, METRICS_REGISTRY } from './metrics';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from './observability.options';
import { ProblemDetailsFilter } from './problem-details.filter';
import { ReadinessRegistry } from './readiness.registry';

/**
 * Everything an HTTP app observes itself with: the pino logger (and nestjs-pino's `LoggerModule`
 * on top of it: Nest's `Logger` and one `pino-http` line per request), correlation ids, HTTP RED
 * metrics in the app's registry (served on an internal port by bootstrapHttpApp's metrics server,
 * never here), and `GET /health/live` + `GET /health/ready`. Global, so any module can inject
 * {@link ReadinessRegistry}, {@link METRICS_REGISTRY} and {@link PINO_LOGGER}.
 */
@Module({})
export class ObservabilityModule implements NestModule {
  /** Wires the module for one app; import it once, in the root module (bootstrapHttpApp does). */
  static forRoot(options: ObservabilityOptions): DynamicModule {
    const logger =
      options.logger ?? createLogger({ serviceName: options.serviceName, level: options.logLevel });
    return {
      module: ObservabilityModule,
      global: true,
      // Nest accepts a promised module. Loading them lazily keeps @nestjs/terminus and nestjs-pino,
      // and with them @nestjs/core, out of what `import '@platform/observability'` loads:
      // instrument.ts imports this library before startTracing() has hooked @nestjs/core.
      imports: [
        import('./health.module').then(({ HealthModule }) => ({ module: HealthModule })),
        import('./logging.module').then(({ loggingModule }) => loggingModule(logger, options.quietRoutes)),
      ],
      providers: [
        { provide: OBSERVABILITY_OPTIONS, useValue: options },
        { provide: PINO_LOGGER, useValue: logger },
        {
          provide: METRICS_REGISTRY,
          useFactory: () =>
            createMetricsRegistry({
              serviceName: options.serviceName,
              defaultMetrics: options.defaultMetrics,
            }),
        },
        HttpMetrics,
        ExchangeObserver,
        // 'APP_FILTER' is @nestjs/core's token, spelled out so that importing this file does not
        // load @nestjs/core (see index.ts).
        { provide: 'APP_FILTER', useClass: ProblemDetailsFilter },
        ReadinessRegistry,
      ],
      exports: [PINO_LOGGER, METRICS_REGISTRY, ReadinessRegistry, ExchangeObserver],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // The request log line is LoggerModule's own middleware (pino-http).
    consumer.apply(CorrelationIdMiddleware, HttpMetricsMiddleware).forRoutes('*');
  }
}
