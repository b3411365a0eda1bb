import {
  Catch,
  HttpException,
  HttpStatus,
  Inject,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { currentCorrelationId } from './correlation';
import type { HttpRequest } from './http-exchange';
import { PINO_LOGGER } from './logger';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from './observability.options';
import type { Problem, ProblemMapper } from './problem';
import { currentTraceId } from './trace-context';

/**
 * The one exception filter of every app: every error becomes `application/problem+json` with
 * `type`, `title`, `status`, `detail`, `instance`, `traceId` and `correlationId`. The app's
 * `mapError` (ObservabilityOptions) maps its domain errors first; Nest's HttpExceptions and
 * body-parser errors (malformed JSON 400, too large 413) keep their status; anything else is a
 * 500 whose detail says nothing of the cause (it is logged, with the stack, once, here). A 429 or
 * 503 problem with `retryAfterSeconds` also gets the `Retry-After` header.
 *
 * Outside HTTP (a hybrid app's Kafka consumer groups inherit the app's global filters) the error
 * is rethrown as it is: the messaging runtime decides retry or DLQ by the error's own class.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(
    @Inject(PINO_LOGGER) private readonly logger: Logger,
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    writeProblem(error, http.getRequest<HttpRequest>(), http.getResponse<ServerResponse>(), {
      logger: this.logger,
      mapError: this.options.mapError,
    });
  }
}

/**
 * Answers `error` as ProblemDetailsFilter does (problem+json, `Retry-After`, a 5xx logged with its
 * cause once), for a handler outside Nest's exception zone (the gateway's proxy path). Nothing
 * is written once the response has started: the client then sees the connection end.
 */
export function writeProblem(
  error: unknown,
  request: HttpRequest,
  response: ServerResponse,
  { logger, mapError }: { logger: Logger; mapError?: ProblemMapper },
): void {
  const instance = request.originalUrl ?? request.url;
  const problem = mapError?.(error) ?? defaultProblem(error);
  if (problem.status >= 500) {
    logger.error({ err: error, method: request.method, url: instance }, 'request failed');
  }
  if (response.headersSent) return;
  const { status, title, detail, code, type, ...extensions } = problem;
  const body = {
    type: type ?? (code ? `urn:problem:${code}` : 'about:blank'),
    title,
    status,
    ...(detail === undefined ? {} : { detail }),
    ...(code === undefined ? {} : { code }),
    instance,
    traceId: currentTraceId(),
    correlationId: currentCorrelationId(),
    ...extensions,
  };
  // Written with Node's own API: the filter serves any Nest HTTP platform.
  response.statusCode = status;
  if (typeof problem['retryAfterSeconds'] === 'number' && (status === 429 || status === 503))
    response.setHeader('retry-after', String(problem['retryAfterSeconds']));
  response.setHeader('content-type', 'application/problem+json; charset=utf-8');
  response.end(JSON.stringify(body));
}

/** Problems for errors no app mapping claimed. */
export function defaultProblem(error: unknown): Problem {
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const title = reasonOf(status);
    if (typeof body === 'string') return { status, title, detail: body };
    const { message, error: _name, statusCode: _status, ...rest } = body as Record<string, unknown>;
    const detail = Array.isArray(message)
      ? message.join('; ')
      : typeof message === 'string'
        ? message
        : undefined;
    // Extensions first: a body's own `status` or `title` never overrides the problem's.
    return { ...rest, status, title, ...(detail === undefined ? {} : { detail }) };
  }
  // body-parser and other http-errors: a client mistake they chose to expose (bad JSON, too large).
  const httpError = error as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown };
  const status = Number(httpError?.status ?? httpError?.statusCode);
  if (httpError?.expose === true && status >= 400 && status < 500) {
    return { status, title: reasonOf(status), detail: String(httpError.message) };
  }
  return {
    status: 500,
    title: reasonOf(500),
    detail: 'The server failed to handle the request; it has been logged.',
  };
}

function reasonOf(status: number): string {
  const name = HttpStatus[status];
  if (!name) return status >= 500 ? 'Server Error' : 'Client Error';
  return name
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}
