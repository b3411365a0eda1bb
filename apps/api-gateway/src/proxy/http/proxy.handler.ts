import { Inject, Injectable } from '@nestjs/common';
import {
  type AccessTokenClaims,
  GATEWAY_IDENTITY_HEADER,
  GatewayIdentitySigner,
  stripIdentityHeaders,
} from '@platform/identity';
import {
  CORRELATION_ID_HEADER,
  currentCorrelationId,
  ExchangeObserver,
  injectTraceHeaders,
  type RoutedRequest,
} from '@platform/observability';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { AuthFailure, AuthUnavailable } from '../../auth/domain/auth-failure';
import { API_GATEWAY_CONFIG, type ApiGatewayConfig } from '../../config/api-gateway.config';
import { GatewayMetrics } from '../../metrics/gateway.metrics';
import { withoutHopByHop } from '../domain/hop-by-hop';
import { type CompiledRoute, hasDotSegment, RouteTable } from '../../routing/route-table';
import { UpstreamForwarder } from '../infrastructure/upstream-forwarder';
import { type Upstream, Upstreams } from '../infrastructure/upstreams';
import { clientAddressOf, type TrustedProxies } from '../domain/client-address';
import { INTERNAL_CLIENT_HEADER, InternalCallKey } from '../domain/internal-call';
import { GatewayError } from '../../http/gateway.error';
import { CallerAdmission } from './caller-admission';

type GatewayRequest = IncomingMessage & { originalUrl?: string };

/**
 * Retry-After of a shed request: a slot frees as soon as any request to that upstream ends, so the
 * shortest wait the header can say.
 */
const SHED_RETRY_AFTER_SECONDS = '1';

/**
 * The gateway's hot path, for every request a route claims: strip forged identity, check the
 * path and size, take a slot of the upstream's bulkhead (or shed), check token, roles, revocation
 * and rate limit, then forward with signed identity and trace headers.
 *
 * Mounted as a plain Express middleware before Nest's router (setUpGatewayHttp), not as a Nest
 * middleware: a proxied request needs none of Nest's middleware chain, router or exception zone,
 * whose wrappers were a measurable share of its CPU. What they gave it comes from
 * ExchangeObserver instead (correlation id, request log, HTTP metrics, problem+json for the
 * GatewayError a refusal throws). Paths no route claims go on to Nest (/health, /docs, /console).
 */
@Injectable()
export class ProxyHandler {
  private readonly identity: GatewayIdentitySigner;
  private readonly trustedProxies: TrustedProxies;

  constructor(
    private readonly routes: RouteTable,
    private readonly admission: CallerAdmission,
    private readonly forwarder: UpstreamForwarder,
    private readonly upstreams: Upstreams,
    private readonly metrics: GatewayMetrics,
    private readonly observer: ExchangeObserver,
    private readonly internalCalls: InternalCallKey,
    @Inject(API_GATEWAY_CONFIG) config: ApiGatewayConfig,
  ) {
    this.identity = new GatewayIdentitySigner(config.GATEWAY_IDENTITY_SIGNING_KEY);
    this.trustedProxies = config.GATEWAY_TRUSTED_PROXIES;
  }

  /** The Express middleware: proxies what a route claims, hands anything else to `next`. */
  readonly middleware = (req: GatewayRequest, res: ServerResponse, next: () => void): void => {
    // Every request, routed or not: only the gateway may assert who is calling.
    stripIdentityHeaders(req.headers);
    // An MCP tool call made by this process names its client (InternalCallKey); from anyone else
    // the header is dropped unread.
    const internal = req.headers[INTERNAL_CLIENT_HEADER];
    let internalClient: string | undefined;
    if (internal !== undefined) {
      delete req.headers[INTERNAL_CLIENT_HEADER];
      internalClient = this.internalCalls.clientOf(internal);
    }
    const url = req.originalUrl ?? (req.url as string);
    const route = this.routes.match(url);
    if (!route) return next();
    // A proxied request never reaches an Express route: label its HTTP metrics and logs with the
    // gateway route it matched (`/orders`), not `unmatched`, so per-route rates and SLOs work.
    (req as RoutedRequest).routeLabel = route.prefix;
    this.observer.run(req, res, () => this.proxy(req, res, url, route, internalClient));
  };

  private async proxy(
    req: GatewayRequest,
    res: ServerResponse,
    url: string,
    route: CompiledRoute,
    internalClient: string | undefined,
  ): Promise<void> {
    // A proxied response collects 'close' listeners from the body stream, the HTTP
    // instrumentation, the exchange observer and this handler: under load once more than Node's
    // default of 10, which printed a MaxListenersExceededWarning per response. They all go with
    // the response, so this is a per-response ceiling, not a leak being hidden.
    res.setMaxListeners(32);
    // One listener for both: 'close' follows 'finish', and a close without finish means the client left.
    const abort = new AbortController();
    res.once('close', () => {
      this.metrics.proxied.inc({
        upstream: route.upstream,
        route: route.prefix,
        status_code: res.statusCode,
      });
      if (!res.writableFinished) abort.abort();
    });
    this.checkRequest(req, res, url, route);
    // Before any other work on the request (signature check, Redis, the body): a shed request must
    // cost next to nothing, or shedding would not relieve an overloaded gateway.
    const upstream = this.upstreams.get(route.upstream);
    const release = upstream.bulkhead.tryAcquire();
    if (!release) {
      this.metrics.shed.inc({ upstream: upstream.name });
      throw shed(upstream, res);
    }
    // Every way a request ends (answered, refused, timed out, failed, abandoned by the client)
    // closes the response. One closed before this line (the client left early) needs the call here.
    res.once('close', release);
    if (res.closed) release();
    const clientIp =
      internalClient ??
      clientAddressOf(req.socket.remoteAddress, req.headers['x-forwarded-for'], this.trustedProxies);
    let claims: AccessTokenClaims | undefined;
    try {
      claims = await this.admission.admit(
        res,
        req.headers.authorization,
        route.rateLimit,
        clientIp,
        route.auth,
      );
    } catch (error) {
      this.refuse(error, res);
    }
    if (claims) this.authorize(route, claims);
    await this.forwarder.forward(
      req,
      res,
      url,
      route,
      this.upstreamHeaders(req, url, route, clientIp, claims, internalClient),
      abort,
    );
  }

  private checkRequest(req: GatewayRequest, res: ServerResponse, url: string, route: CompiledRoute): void {
    if (!route.methodSet.has(req.method as string)) {
      res.setHeader('allow', [...route.methodSet].join(', '));
      throw new GatewayError(
        405,
        'GATEWAY.METHOD_NOT_ALLOWED',
        'Method Not Allowed',
        `${req.method} is not served on ${route.prefix}`,
      );
    }
    if (hasDotSegment(url)) {
      throw new GatewayError(
        400,
        'GATEWAY.BAD_PATH',
        'Bad Request',
        'paths may not contain . or .. segments',
      );
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > route.maxBodyBytes) {
      res.setHeader('connection', 'close');
      throw new GatewayError(
        413,
        'GATEWAY.BODY_TOO_LARGE',
        'Payload Too Large',
        `request bodies on ${route.prefix} are limited to ${route.maxBodyBytes} bytes`,
      );
    }
  }

  /** 403 when the route needs a role the caller does not hold. */
  private authorize(route: CompiledRoute, claims: AccessTokenClaims): void {
    if (route.roles.length > 0 && !route.roles.some((role) => claims.roles.includes(role))) {
      this.metrics.authFailures.inc({ reason: 'forbidden' });
      throw new GatewayError(
        403,
        'GATEWAY.FORBIDDEN',
        'Forbidden',
        `${route.prefix} requires the role ${route.roles.join(' or ')}`,
      );
    }
  }

  /** Turns an authentication error into the gateway's answer: 401 (caller's fault) or 503 (fail closed). */
  private refuse(error: unknown, res: ServerResponse): never {
    if (error instanceof AuthFailure) {
      this.metrics.authFailures.inc({ reason: error.reason });
      res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
      throw new GatewayError(401, 'GATEWAY.UNAUTHENTICATED', 'Unauthorized', error.message);
    }
    if (error instanceof AuthUnavailable) {
      this.metrics.authFailures.inc({ reason: 'unavailable' });
      res.setHeader('retry-after', '1');
      throw new GatewayError(503, 'GATEWAY.AUTH_UNAVAILABLE', 'Service Unavailable', error.message, true);
    }
    throw error;
  }

  private upstreamHeaders(
    req: GatewayRequest,
    url: string,
    route: CompiledRoute,
    clientIp: string,
    claims: AccessTokenClaims | undefined,
    internalClient: string | undefined,
  ) {
    const headers = withoutHopByHop(req.headers);
    const remote = internalClient ?? req.socket.remoteAddress ?? '';
    const forwardedFor = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = forwardedFor ? `${forwardedFor}, ${remote}` : remote;
    headers['x-forwarded-proto'] = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
    if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
    const correlationId = currentCorrelationId();
    if (correlationId) headers[CORRELATION_ID_HEADER] = correlationId;
    injectTraceHeaders(headers as Record<string, string>);
    // Every forwarded request, anonymous ones too: an upstream serves only what the gateway sent,
    // and learns the client's address from here, never from a header a client could set.
    const queryAt = url.indexOf('?');
    headers[GATEWAY_IDENTITY_HEADER] = this.identity.mint({
      sub: claims?.sub,
      roles: claims?.roles,
      cid: claims?.client_id,
      ip: clientIp,
      aud: route.upstream,
      htm: req.method as string,
      htu: queryAt === -1 ? url : url.slice(0, queryAt),
    });
    return headers;
  }
}

/**
 * 503 for a request beyond its upstream's bulkhead. Not a failure of the upstream, so the circuit
 * breaker never hears of it.
 */
function shed(upstream: Upstream, res: ServerResponse): GatewayError {
  res.setHeader('retry-after', SHED_RETRY_AFTER_SECONDS);
  return new GatewayError(
    503,
    'GATEWAY.OVERLOADED',
    'Service Unavailable',
    `the ${upstream.name} service has ${upstream.bulkhead.maxInFlight} requests in flight, the most the gateway sends it; retry shortly`,
    true,
  );
}
