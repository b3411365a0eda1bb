import { Inject, Injectable } from '@nestjs/common';
import { PINO_LOGGER, type Logger } from '@platform/observability';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { API_GATEWAY_CONFIG, type ApiGatewayConfig } from '../../config/api-gateway.config';
import { GatewayError } from '../../http/gateway.error';
import { GatewayMetrics } from '../../metrics/gateway.metrics';
import { backoffMs, isConnectError, mayRetry, RETRIABLE_STATUSES } from '../../resilience/retry-policy';
import { type OutgoingHeaders, withoutHopByHop } from '../domain/hop-by-hop';
import type { CompiledRoute } from '../../routing/route-table';
import { type Upstream, Upstreams } from './upstreams';
import { BodyTooLarge, limitBody } from './body-limit';

const PROBLEM_JSON = /^application\/problem\+json/i;
/** Abort reason of a request whose upstream did not answer within the route's timeout. */
const TIMED_OUT = Symbol('upstream timeout');

/**
 * Sends one request upstream and streams the answer back: breaker first, per-attempt timeout,
 * bounded retries with backoff for idempotent body-less requests on connect errors, 502 and 503.
 * Bodies are never buffered in either direction.
 */
@Injectable()
export class UpstreamForwarder {
  private readonly retryBaseMs: number;

  constructor(
    private readonly upstreams: Upstreams,
    private readonly metrics: GatewayMetrics,
    @Inject(API_GATEWAY_CONFIG) config: ApiGatewayConfig,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {
    this.retryBaseMs = config.GATEWAY_RETRY_BASE_DELAY_MS;
  }

  async forward(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    route: CompiledRoute,
    headers: OutgoingHeaders,
    /** Aborted by the caller when the client goes away. */
    abort: AbortController,
  ): Promise<void> {
    const upstream = this.upstreams.get(route.upstream);
    const method = req.method as Dispatcher.HttpMethod;
    const declared = req.headers['content-length'];
    const hasBody =
      (declared !== undefined && declared !== '0') || req.headers['transfer-encoding'] !== undefined;
    // A declared length is enforced by Node's parser; only chunked bodies need counting.
    const body: Readable | null = !hasBody
      ? null
      : declared === undefined
        ? limitBody(req, route.maxBodyBytes)
        : req;
    const attempts = mayRetry(method, hasBody) ? route.retries + 1 : 1;

    for (let attempt = 1; ; attempt += 1) {
      if (!upstream.breaker.tryAcquire()) throw circuitOpen(upstream, res);
      const started = performance.now();
      // Our own timer, not undici's headersTimeout: undici coarsens its timers to ~1 s.
      const timer = setTimeout(() => abort.abort(TIMED_OUT), route.timeoutMs);
      let response: Dispatcher.ResponseData;
      try {
        response = await upstream.pool.request({
          path,
          method,
          headers,
          body,
          signal: abort.signal,
          bodyTimeout: route.timeoutMs,
        });
      } catch (error) {
        if (error instanceof BodyTooLarge || (error as Error).cause instanceof BodyTooLarge)
          throw bodyTooLarge(route, res);
        const timedOut = abort.signal.reason === TIMED_OUT;
        if (abort.signal.aborted && !timedOut) return; // the client left; nothing to answer
        upstream.breaker.failure();
        if (attempt < attempts && isConnectError(error)) {
          await this.backoff(upstream, attempt);
          continue;
        }
        throw timedOut ? upstreamTimeout(upstream, route) : upstreamUnreachable(upstream);
      } finally {
        clearTimeout(timer);
      }
      this.metrics.upstreamSeconds.observe(
        { upstream: upstream.name, route: route.prefix },
        (performance.now() - started) / 1000,
      );
      const status = response.statusCode;
      if (status >= 500) upstream.breaker.failure();
      else upstream.breaker.success();
      if (attempt < attempts && RETRIABLE_STATUSES.has(status)) {
        await response.body.dump();
        await this.backoff(upstream, attempt);
        continue;
      }
      return this.respond(res, response, upstream);
    }
  }

  private respond(res: ServerResponse, response: Dispatcher.ResponseData, upstream: Upstream): void {
    const status = response.statusCode;
    const contentType = response.headers['content-type'];
    // An upstream's own problem+json is passed on (our services write them without stacks);
    // any other 5xx body could be a framework's stack trace, so it is replaced.
    if (status >= 500 && !(typeof contentType === 'string' && PROBLEM_JSON.test(contentType))) {
      void response.body.dump();
      throw new GatewayError(
        status,
        'GATEWAY.UPSTREAM_FAILED',
        'Upstream Failed',
        `the ${upstream.name} service failed to handle the request`,
        status === 503,
      );
    }
    res.writeHead(status, withoutHopByHop(response.headers));
    streamBody(response.body, res, (error) =>
      this.logger.warn({ err: error, upstream: upstream.name }, 'response stream from upstream failed'),
    );
  }

  private async backoff(upstream: Upstream, attempt: number): Promise<void> {
    this.metrics.retries.inc({ upstream: upstream.name });
    await delay(backoffMs(attempt, this.retryBaseMs));
  }
}

/**
 * `body.pipe(res)` with what stream.pipeline adds that a proxy needs: an upstream body failing
 * mid-way cuts the client's response (`onError`, unless the client is already gone), and a client
 * going away destroys the upstream body, which frees the upstream connection. Not pipeline itself:
 * it ends every stream pair by aborting an AbortController, whose DOMException (stack captured)
 * was 4% of the gateway's CPU per proxied request.
 */
function streamBody(body: Readable, res: ServerResponse, onError: (error: Error) => void): void {
  body.once('error', (error) => {
    if (res.destroyed) return;
    onError(error);
    res.destroy(error);
  });
  res.once('close', () => {
    if (!body.readableEnded) body.destroy();
  });
  body.pipe(res);
}

function circuitOpen(upstream: Upstream, res: ServerResponse): GatewayError {
  res.setHeader('retry-after', String(Math.max(1, Math.ceil(upstream.breaker.retryAfterMs() / 1000))));
  return new GatewayError(
    503,
    'GATEWAY.CIRCUIT_OPEN',
    'Service Unavailable',
    `the ${upstream.name} service is failing; calls are paused`,
    true,
  );
}

function bodyTooLarge(route: CompiledRoute, res: ServerResponse): GatewayError {
  // The client may still be sending: close the connection rather than read the rest.
  res.setHeader('connection', 'close');
  return new GatewayError(
    413,
    'GATEWAY.BODY_TOO_LARGE',
    'Payload Too Large',
    `request bodies on ${route.prefix} are limited to ${route.maxBodyBytes} bytes`,
  );
}

function upstreamTimeout(upstream: Upstream, route: CompiledRoute): GatewayError {
  return new GatewayError(
    504,
    'GATEWAY.UPSTREAM_TIMEOUT',
    'Gateway Timeout',
    `the ${upstream.name} service did not answer within ${route.timeoutMs} ms`,
    true,
  );
}

function upstreamUnreachable(upstream: Upstream): GatewayError {
  return new GatewayError(
    502,
    'GATEWAY.UPSTREAM_UNREACHABLE',
    'Bad Gateway',
    `the ${upstream.name} service is unreachable`,
    true,
  );
}
