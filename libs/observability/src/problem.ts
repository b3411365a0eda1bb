/**
 * An RFC 9457 problem. `code` is the stable error code clients and dashboards rely on
 * (`ORDER.NOT_FOUND`); any other member is an extension (e.g. `errors` for field details).
 */
export interface Problem {
  status: number;
  title: string;
  detail?: string;
  code?: string;
  type?: string;
  [extension: string]: unknown;
}

/**
 * The problem for a request that failed because a store it needs is unreachable (a restart, a
 * failover): 503 with `Retry-After`, so clients and the gateway's breaker treat it as the
 * transient outage it is rather than as a server bug (500). `store` names it for the reader.
 */
export function dependencyUnavailable(store: string, retryAfterSeconds = 1): Problem {
  return {
    status: 503,
    title: 'Service Unavailable',
    code: 'SERVICE.DEPENDENCY_UNAVAILABLE',
    detail: `${store} is unreachable right now; retry shortly`,
    retryAfterSeconds,
  };
}

/** Turns an app's own errors into problems; `undefined` leaves the error to the defaults. */
export type ProblemMapper = (error: unknown) => Problem | undefined;
