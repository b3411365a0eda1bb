import type { Level, Logger } from 'pino';
import type { ProblemMapper } from './problem';

/** Nest provider token of the {@link ObservabilityOptions} an app passed to `forRoot`. */
export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');

export interface ObservabilityOptions {
  /** The `service` of every log line and metric series, e.g. `order-service`. */
  serviceName: string;
  /** Lowest log level written. Default `info`. Ignored when `logger` is given. */
  logLevel?: Level | 'silent';
  /** A logger to use instead of a new one (bootstrapHttpApp passes the one it logs startup with). */
  logger?: Logger;
  /** Bound of a readiness check that sets none. Default 2000 ms. */
  readinessTimeoutMs?: number;
  /** Node process metrics in the registry. Default `true`. */
  defaultMetrics?: boolean;
  /** Route templates not counted in the HTTP metrics. Default none. */
  unmeteredRoutes?: readonly string[];
  /**
   * Route templates whose request lines are logged at `debug` instead of `info`: probes come
   * every few seconds and would drown the log. Default `/health/live`, `/health/ready`.
   */
  quietRoutes?: readonly string[];
  /**
   * Maps the app's own errors (domain rules, conflicts) to problems; the rest get the defaults
   * of ProblemDetailsFilter.
   */
  mapError?: ProblemMapper;
}
