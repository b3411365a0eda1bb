import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Options } from 'pino-http';
import type { HttpRequest } from './http-exchange';
import { routeTemplate } from './route-template';

/** Probes come every few seconds: at `info` they would drown the request log. */
export const DEFAULT_QUIET_ROUTES: readonly string[] = ['/health/live', '/health/ready'];

const REQUEST_COMPLETED = 'request completed';

/**
 * The `pino-http` options every app's request log is made with: one `request completed` line per
 * finished request, written through `logger` (so with its `service`, ids and redaction), with
 * `method`, `route` (template), `path` (no query: it may hold tokens), `status_code`,
 * `duration_ms`, `aborted` when the client went away, and `req.headers` (authorization and cookies
 * redacted by the logger; never a body). Server errors log at `error`, `quietRoutes` at `debug`,
 * the rest at `info`.
 */
export function requestLogOptions(
  logger: Logger,
  quietRoutes: readonly string[] = DEFAULT_QUIET_ROUTES,
): Options<HttpRequest, ServerResponse> {
  const quiet = new Set(quietRoutes);
  return {
    logger,
    // No per-request binding: pino-http would put `req` (or with quietReqLogger, a `reqId`
    // counter) on every line of the request, where the logger's mixin already writes
    // correlation_id, trace_id and span_id. pino leaves out a binding whose value is undefined.
    quietReqLogger: true,
    quietResLogger: true,
    genReqId: () => undefined as unknown as string,
    // A 503 from /health/ready is an answer, not a failure: quiet routes stay quiet.
    customLogLevel: (req, res, error) =>
      quiet.has(routeTemplate(req)) ? 'debug' : error || res.statusCode >= 500 ? 'error' : 'info',
    customSuccessMessage: () => REQUEST_COMPLETED,
    customErrorMessage: () => REQUEST_COMPLETED,
    customSuccessObject: (req, res, value) => requestFields(req, res, value),
    // The cause of a 500 is logged once, with its stack, by ProblemDetailsFilter.
    customErrorObject: (req, res, _error, value) => requestFields(req, res, value),
    serializers: { req: (req: { headers: unknown }) => ({ headers: req.headers }) },
  };
}

function requestFields(req: HttpRequest, res: ServerResponse, value: object): Record<string, unknown> {
  const responseTime = (value as { responseTime?: number }).responseTime;
  return {
    method: req.method,
    route: routeTemplate(req),
    path: (req.originalUrl ?? req.url ?? '').split('?', 1)[0],
    status_code: res.statusCode,
    duration_ms: responseTime,
    ...(res.writableFinished ? {} : { aborted: true }),
    req,
  };
}

/**
 * Writes the `request completed` line of a finished request exactly as {@link requestLogOptions}
 * makes pino-http write it (same level rule, same fields), for a handler that runs before Nest's
 * middleware (the gateway's proxy path). Costs nothing when the level is not enabled.
 */
export function logRequestCompleted(
  logger: Logger,
  req: HttpRequest,
  res: ServerResponse,
  durationMs: number,
  quietRoutes: ReadonlySet<string>,
): void {
  const level = quietRoutes.has(routeTemplate(req)) ? 'debug' : res.statusCode >= 500 ? 'error' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const fields = requestFields(req, res, { responseTime: Math.round(durationMs) });
  logger[level]({ ...fields, req: { headers: req.headers } }, REQUEST_COMPLETED);
}
