import { Inject, Injectable } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { CORRELATION_ID_HEADER, correlationIdFrom, withCorrelationId } from './correlation';
import { type HttpRequest, onResponseDone } from './http-exchange';
import { PINO_LOGGER } from './logger';
import { HttpMetrics } from './metrics';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from './observability.options';
import { writeProblem } from './problem-details.filter';
import { DEFAULT_QUIET_ROUTES, logRequestCompleted } from './request-log.options';
import { routeTemplate } from './route-template';

/**
 * What ObservabilityModule's middlewares and exception filter do to a request, as one plain
 * function call, for a handler mounted on Express before Nest's router (the gateway's proxy path,
 * which skips Nest's middleware chain and exception zone for their cost per request): correlation
 * id (header, span attribute, async context), HTTP RED metrics and the `request completed` log line
 * (both once the response is over, off its critical path), and problem+json for a thrown error.
 */
@Injectable()
export class ExchangeObserver {
  private readonly unmetered: ReadonlySet<string>;
  private readonly quiet: ReadonlySet<string>;

  constructor(
    private readonly metrics: HttpMetrics,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
  ) {
    this.unmetered = new Set(options.unmeteredRoutes ?? []);
    this.quiet = new Set(options.quietRoutes ?? DEFAULT_QUIET_ROUTES);
  }

  /** Runs `handle` for the request, observed; its rejection is answered as problem+json. */
  run(req: HttpRequest, res: ServerResponse, handle: () => Promise<void>): void {
    const id = correlationIdFrom(req.headers[CORRELATION_ID_HEADER]);
    res.setHeader(CORRELATION_ID_HEADER, id);
    trace.getActiveSpan()?.setAttribute('correlation.id', id);
    const started = performance.now();
    onResponseDone(res, () => {
      const durationMs = performance.now() - started;
      const route = routeTemplate(req);
      if (!this.unmetered.has(route)) {
        this.metrics.observe({
          method: req.method ?? 'UNKNOWN',
          route,
          statusCode: res.statusCode,
          durationSeconds: durationMs / 1000,
        });
      }
      withCorrelationId(id, () => logRequestCompleted(this.logger, req, res, durationMs, this.quiet));
    });
    withCorrelationId(id, () => {
      handle().catch((error: unknown) =>
        writeProblem(error, req, res, { logger: this.logger, mapError: this.options.mapError }),
      );
    });
  }
}
