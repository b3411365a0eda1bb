import { DEVELOPMENT_GATEWAY_IDENTITY_KEYS } from '@platform/identity';
import { env, isDevelopmentMode, parseEnv } from '@platform/observability';
import { metricsPort, redisEnv, serviceEnv } from '@platform/service-edge';
import { z } from 'zod';
import { routeTableSchema } from '../routing/route-table';
import { trustedProxiesSchema } from '../proxy/domain/client-address';
import { rateLimitClassesSchema } from '../rate-limit/domain/rate-limit-classes';

const positive = () => env.positiveInt();

/** The gateway's public origin when PUBLIC_URL is unset under NODE_ENV=development|test. */
export const DEVELOPMENT_PUBLIC_URL = 'http://127.0.0.1:3000';

/**
 * Rate-limit classes the gateway itself draws from, whether or not GATEWAY_RATE_LIMITS names them
 * (it may change them): `mcp` admits requests to /mcp, `mcp-destructive` an agent's irreversible
 * tool calls (replay, discard). A tool call also draws from its route's class, as REST does.
 */
export const BUILT_IN_RATE_LIMITS = {
  mcp: { limit: 600, windowSeconds: 60 },
  'mcp-destructive': { limit: 5, windowSeconds: 60 },
} as const;

/** An origin (scheme, host, port) without a trailing slash, path, query or fragment. */
const origin = env.url('http:', 'https:').refine(
  (v) => {
    const url = new URL(v);
    return url.pathname === '/' && !url.search && !url.hash && !url.username;
  },
  { message: 'must be an origin such as https://api.example.com (no path, query or credentials)' },
);

/** Every variable api-gateway reads, with local defaults (see .env.example). */
export const apiGatewayConfigSchema = z.object({
  GATEWAY_HTTP_PORT: env.port().default(3000),
  /**
   * The origin clients reach the gateway at (https outside development): the OAuth protected
   * resource `${PUBLIC_URL}/mcp` and its metadata are named after it, and auth-service's OAuth
   * issuer is the same origin. Unset under NODE_ENV=development|test: http://127.0.0.1:3000.
   */
  PUBLIC_URL: env.optional(origin.transform((v) => new URL(v).origin)),
  GATEWAY_METRICS_PORT: metricsPort(9400),
  ...serviceEnv,
  ...redisEnv,
  AUTH_SERVICE_URL: env.url('http:', 'https:').default('http://127.0.0.1:3001'),
  ORDER_SERVICE_URL: env.url('http:', 'https:').default('http://127.0.0.1:3002'),
  NOTIFICATION_SERVICE_URL: env.url('http:', 'https:').default('http://127.0.0.1:3003'),
  ANALYTICS_SERVICE_URL: env.url('http:', 'https:').default('http://127.0.0.1:3004'),
  DLQ_SERVICE_URL: env.url('http:', 'https:').default('http://127.0.0.1:3005'),
  /**
   * The route table as JSON (an array of routes, see routing/route-table.ts); unset = the
   * default table. Upstreams are named (`auth`, `orders`, ...) and resolved from the URLs above.
   */
  GATEWAY_ROUTES: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return undefined;
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON array of routes' });
        return z.NEVER;
      }
    })
    .pipe(routeTableSchema.optional()),
  /**
   * The Ed25519 private key (base64 PKCS#8 DER, or PEM) the gateway signs each forwarded request's
   * identity with; the upstreams hold its public key (docs/security.md, `npm run keys:gateway-identity`).
   */
  GATEWAY_IDENTITY_SIGNING_KEY: env.secret({
    developmentValue: DEVELOPMENT_GATEWAY_IDENTITY_KEYS.signingKey,
    minLength: 40,
  }),
  /** Origins allowed by CORS, comma-separated; unset = no CORS headers (same-origin only). */
  GATEWAY_CORS_ORIGINS: env.optional(env.list()),
  /** Rate-limit classes as `name=limit/windowSeconds`, comma-separated; routes name a class. */
  GATEWAY_RATE_LIMITS: rateLimitClassesSchema.default({
    standard: { limit: 600, windowSeconds: 60 },
    auth: { limit: 20, windowSeconds: 60 },
  }),
  /**
   * Who may tell the gateway the client's address through X-Forwarded-For: `0` (nobody: the
   * socket's peer is the client), a hop count (`1` behind one load balancer), or the proxies'
   * IPs/CIDRs, comma-separated. The address feeds rate limits and auth-service's login throttle.
   */
  GATEWAY_TRUSTED_PROXIES: trustedProxiesSchema.default({ hops: 0 }),
  /**
   * Signed-in users are limited per user; all requests from one address together are limited to
   * this many times a class's limit too, so many accounts cannot multiply one client's budget
   * (and many users behind one NAT are not throttled as one).
   */
  GATEWAY_RATE_LIMIT_IP_MULTIPLIER: positive().default(4),
  /** Prefix of every rate-limit key in Redis (instances sharing it share the counts). */
  GATEWAY_RATE_LIMIT_PREFIX: z.string().min(1).default('gateway:rl:'),
  /**
   * Redis commands slower than this fail (revocation: 503, rate limit: allowed). Only Redis's time
   * counts: a reply that arrived while the gateway's event loop was busy is read, not failed.
   */
  GATEWAY_REDIS_COMMAND_TIMEOUT_MS: positive().default(500),
  /**
   * Revocation is looked up on every request (in the rate limit's Redis round trip). While Redis
   * cannot answer, a token found not revoked less than this long before (from when it was asked)
   * is still served; any other is refused with 503. 0 = refuse them all. At most 1 000: a
   * revocation is promised in force within a second.
   */
  GATEWAY_REVOCATION_CACHE_MS: z.coerce.number().int().min(0).max(1_000).default(500),
  /**
   * Access tokens whose signature was verified, remembered (by their SHA-256) until they expire so
   * that the RS256 check runs once per token, not per request; at most this many, least recently
   * used forgotten first. 0 = verify on every request.
   */
  GATEWAY_TOKEN_CACHE_SIZE: z.coerce.number().int().min(0).default(10_000),
  /** A JWKS younger than this is never refetched, even for an unknown `kid` (anti-hammering). */
  GATEWAY_JWKS_MIN_REFETCH_MS: positive().default(30_000),
  /** A JWKS older than this is refetched before the next verification. */
  GATEWAY_JWKS_MAX_AGE_MS: positive().default(600_000),
  /** Bound of one JWKS fetch from auth-service. */
  GATEWAY_JWKS_TIMEOUT_MS: positive().default(2_000),
  /** Keep-alive connections per upstream. */
  GATEWAY_UPSTREAM_CONNECTIONS: positive().default(128),
  /**
   * Requests in flight to one upstream at most (its bulkhead); beyond it a request is answered 503
   * `GATEWAY.OVERLOADED` with Retry-After at once, before its token or rate limit is checked. Keep it
   * at or below GATEWAY_UPSTREAM_CONNECTIONS, so that no request waits in the pool's queue either.
   */
  GATEWAY_UPSTREAM_MAX_IN_FLIGHT: positive().default(64),
  /** Consecutive failures (connect error, timeout, 5xx) that open an upstream's circuit. */
  GATEWAY_BREAKER_FAILURE_THRESHOLD: positive().default(5),
  /** Failure ratio (0..1) over the last GATEWAY_BREAKER_WINDOW calls that opens the circuit. */
  GATEWAY_BREAKER_FAILURE_RATIO: z.coerce.number().gt(0).max(1).default(0.5),
  /** Calls the failure ratio is computed over (and the minimum volume before it applies). */
  GATEWAY_BREAKER_WINDOW: positive().default(20),
  /** How long an open circuit refuses calls before one half-open probe. */
  GATEWAY_BREAKER_OPEN_MS: positive().default(10_000),
  /** First retry delay; doubles per attempt, with jitter. */
  GATEWAY_RETRY_BASE_DELAY_MS: positive().default(50),
});

export type ApiGatewayConfig = Omit<z.infer<typeof apiGatewayConfigSchema>, 'PUBLIC_URL'> & {
  PUBLIC_URL: string;
};

/** Injection token of the validated config. */
export const API_GATEWAY_CONFIG = Symbol('API_GATEWAY_CONFIG');

/** Reads and validates the environment; throws ConfigError naming each bad variable. */
export function loadApiGatewayConfig(
  source: Record<string, string | undefined> = process.env,
): ApiGatewayConfig {
  const development = isDevelopmentMode(source);
  const config = parseEnv(
    apiGatewayConfigSchema.superRefine(({ PUBLIC_URL }, ctx) => {
      if (development) return;
      if (PUBLIC_URL === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['PUBLIC_URL'],
          message: "is required outside NODE_ENV=development|test: the gateway's public https origin",
        });
      } else if (!PUBLIC_URL.startsWith('https:')) {
        ctx.addIssue({
          code: 'custom',
          path: ['PUBLIC_URL'],
          message: 'must be https outside NODE_ENV=development|test (OAuth clients send tokens to it)',
        });
      }
    }),
    source,
  );
  return {
    ...config,
    PUBLIC_URL: config.PUBLIC_URL ?? DEVELOPMENT_PUBLIC_URL,
    GATEWAY_RATE_LIMITS: { ...BUILT_IN_RATE_LIMITS, ...config.GATEWAY_RATE_LIMITS },
  };
}
