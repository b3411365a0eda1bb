import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * Nest provider token of the app's prom-client `Registry`. Libs register their metrics in it
 * (`new Counter({ ..., registers: [registry] })`) so that one `/metrics` serves them all.
 */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

export interface MetricsRegistryOptions {
  /** Becomes the `service` label of every series. */
  serviceName: string;
  /** Node process metrics (CPU, memory, event loop lag, GC, handles). Default `true`. */
  defaultMetrics?: boolean;
}

/**
 * A fresh registry for one app, labelled with its service, with Node's default metrics. Not the
 * global default registry: a metric name can be registered once per registry, and tests start
 * several apps in one process.
 */
export function createMetricsRegistry(options: MetricsRegistryOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.serviceName });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}

/** One finished HTTP request, as the RED metrics see it. */
export interface HttpRequestSample {
  method: string;
  /** The route template (`/orders/:id`), never the raw URL. */
  route: string;
  statusCode: number;
  durationSeconds: number;
}

const LABELS = ['method', 'route', 'status_code'] as const;

/**
 * HTTP rate, errors and duration of one app: `http_requests_total` and
 * `http_request_duration_seconds`, both by method, route template and status code.
 */
@Injectable()
export class HttpMetrics {
  private readonly requests: Counter<(typeof LABELS)[number]>;
  private readonly duration: Histogram<(typeof LABELS)[number]>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests handled, by method, route template and status code.',
      labelNames: LABELS,
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to finishing its response, in seconds.',
      labelNames: LABELS,
      // prom-client's default buckets (5 ms .. 10 s) fit request latencies; kept explicit so a
      // dashboard's histogram_quantile() does not change meaning if the library's default does.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** Counts a finished request and records its duration. */
  observe(sample: HttpRequestSample): void {
    const labels = { method: sample.method, route: sample.route, status_code: String(sample.statusCode) };
    this.requests.inc(labels);
    this.duration.observe(labels, sample.durationSeconds);
  }
}
