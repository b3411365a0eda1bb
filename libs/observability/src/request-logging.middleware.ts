import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { currentCorrelationId } from './correlation';
import { type HttpRequest, onResponseDone } from './http-exchange';
import { PINO_LOGGER } from './logger';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from './observability.options';
import { routeTemplate } from './route-template';
import { traceLogFields } from './trace-context';

const DEFAULT_QUIET_ROUTES = ['/health/live', '/health/ready'];

/**
 * Writes one line per finished request: method, route template, path, status, duration, and the
 * correlation and trace ids. Must run after {@link CorrelationIdMiddleware}.
 */
@Injectable()
export class RequestLoggingMiddleware implements NestMiddleware {
  private readonly quietRoutes: ReadonlySet<string>;

  constructor(
    @Inject(PINO_LOGGER) private readonly logger: Logger,
    @Inject(OBSERVABILITY_OPTIONS) options: ObservabilityOptions,
  ) {
    this.quietRoutes = new Set(options.quietRoutes ?? DEFAULT_QUIET_ROUTES);
  }

  use(req: HttpRequest, res: ServerResponse, next: () => void): void {
    const started = performance.now();
    // Taken now, inside the request's context: the response may finish in another one.
    const ids = { correlation_id: currentCorrelationId(), ...traceLogFields() };
    onResponseDone(res, (aborted) => {
      const route = routeTemplate(req);
      const status = res.statusCode;
      // A 503 from /health/ready is an answer, not a failure: quiet routes stay quiet.
      const level = this.quietRoutes.has(route) ? 'debug' : status >= 500 ? 'error' : 'info';
      this.logger[level](
        {
          method: req.method,
          route,
          path: (req.originalUrl ?? req.url ?? '').split('?', 1)[0], // the query may hold tokens
          status_code: status,
          duration_ms: Math.round((performance.now() - started) * 10) / 10,
          ...(aborted ? { aborted } : {}),
          ...ids,
        },
        'request completed',
      );
    });
    next();
  }
}
