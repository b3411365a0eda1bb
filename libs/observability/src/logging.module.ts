import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { requestLogOptions } from './request-log.options';

/**
 * nestjs-pino's `LoggerModule` set up the one way every app logs: `logger` (from createLogger)
 * writes both the request lines of `pino-http` and, through nestjs-pino's `Logger`, Nest's own.
 * Loaded lazily by ObservabilityModule: nestjs-pino loads @nestjs/core.
 */
export function loggingModule(logger: Logger, quietRoutes?: readonly string[]): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: requestLogOptions(logger, quietRoutes),
    // Mounted like ObservabilityModule's middleware (Express `use`): nestjs-pino's default path
    // is mounted as a route, which Express then leaves as `req.route` of requests no route
    // matched, and the metrics would count them under it instead of `unmatched`.
    forRoutes: ['*'],
  });
}
