import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { type HttpRequest, onResponseDone } from './http-exchange';
import { HttpMetrics } from './metrics';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from './observability.options';
import { routeTemplate } from './route-template';

/** Feeds {@link HttpMetrics} with every finished request except the unmetered routes. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  private readonly unmetered: ReadonlySet<string>;

  constructor(
    private readonly metrics: HttpMetrics,
    @Inject(OBSERVABILITY_OPTIONS) options: ObservabilityOptions,
  ) {
    this.unmetered = new Set(options.unmeteredRoutes ?? []);
  }

  use(req: HttpRequest, res: ServerResponse, next: () => void): void {
    const started = performance.now();
    onResponseDone(res, () => {
      // Read at the end: Express sets req.route only once a route has matched.
      const route = routeTemplate(req);
      if (this.unmetered.has(route)) return;
      this.metrics.observe({
        method: req.method ?? 'UNKNOWN',
        route,
        statusCode: res.statusCode,
        durationSeconds: (performance.now() - started) / 1000,
      });
    });
    next();
  }
}
