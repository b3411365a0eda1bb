import { z } from 'zod';
import { ROLES } from '@platform/identity';

/** The upstream services the gateway knows, each resolved from its `*_SERVICE_URL` variable. */
export const UPSTREAM_NAMES = ['auth', 'orders', 'notifications', 'analytics', 'dlq'] as const;
export type UpstreamName = (typeof UPSTREAM_NAMES)[number];

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * One row of the route table. Everything the gateway does for a request comes from here: which
 * upstream, whether a token is needed and which roles, how long to wait, how often to retry,
 * which rate-limit class, how large a body may be. Adding a route is adding a row.
 */
export const routeSchema = z
  .object({
    /** Path prefix, matched on segment boundaries (`/orders` matches `/orders/1`, not `/ordersx`). */
    prefix: z.string().regex(/^\/[^?#\s]*$/, 'must start with / and hold no query'),
    upstream: z.enum(UPSTREAM_NAMES),
    /** `false` for public routes (login, JWKS): no token is read and no identity is forwarded. */
    auth: z.boolean().default(true),
    /** Roles of which the caller needs at least one; empty = any authenticated caller. */
    roles: z.array(z.enum(ROLES)).default([]),
    methods: z.array(z.enum(METHODS)).min(1).default(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    /** Until the upstream's response headers arrive, per attempt. */
    timeoutMs: z.number().int().positive().default(5_000),
    /** Extra attempts for idempotent, body-less requests on connect errors, 502 and 503. */
    retries: z.number().int().min(0).max(5).default(1),
    rateLimit: z.string().min(1).default('standard'),
    maxBodyBytes: z.number().int().min(0).default(1_048_576),
    /** One line for the OpenAPI document. */
    summary: z.string().optional(),
  })
  .refine(
    (r) => !r.prefix.startsWith('/admin') || (r.auth && r.roles.length > 0 && !r.roles.includes('customer')),
    {
      message: 'routes under /admin must require the admin role',
    },
  );

export type RouteDefinition = z.infer<typeof routeSchema>;

export const routeTableSchema = z.array(routeSchema).min(1);

/** The public API of the platform; GATEWAY_ROUTES replaces it as a whole. */
export const DEFAULT_ROUTES: readonly RouteDefinition[] = routeTableSchema.parse([
  {
    prefix: '/.well-known/jwks.json',
    upstream: 'auth',
    auth: false,
    methods: ['GET'],
    summary: 'Public keys that sign access tokens',
  },
  {
    prefix: '/auth/register',
    upstream: 'auth',
    auth: false,
    methods: ['POST'],
    rateLimit: 'auth',
    retries: 0,
    summary: 'Create an account (202, the same answer for a new and a known email)',
  },
  {
    prefix: '/auth/login',
    upstream: 'auth',
    auth: false,
    methods: ['POST'],
    rateLimit: 'auth',
    retries: 0,
    summary: 'Exchange credentials for tokens',
  },
  {
    prefix: '/auth/refresh',
    upstream: 'auth',
    auth: false,
    methods: ['POST'],
    rateLimit: 'auth',
    retries: 0,
    summary: 'Rotate a refresh token',
  },
  {
    // OAuth 2.1 authorization server metadata (RFC 8414) of auth-service's OAuth server, whose
    // issuer is this gateway's public origin (PUBLIC_URL).
    prefix: '/.well-known/oauth-authorization-server',
    upstream: 'auth',
    auth: false,
    methods: ['GET'],
    rateLimit: 'auth',
    retries: 0,
    maxBodyBytes: 0,
    summary: 'OAuth authorization server metadata (RFC 8414)',
  },
  {
    // Public: clients sign users in here (authorize, sign-in page, token, dynamic registration,
    // revocation). Registration is open, so it shares the 'auth' class's tight rate limit.
    // Registrations and forms are small; 16 KiB leaves room for a client's metadata.
    prefix: '/oauth',
    upstream: 'auth',
    auth: false,
    methods: ['GET', 'POST'],
    rateLimit: 'auth',
    retries: 0,
    maxBodyBytes: 16_384,
    summary: 'OAuth 2.1 for public clients: authorize, sign in, token, register, revoke',
  },
  { prefix: '/auth/logout', upstream: 'auth', methods: ['POST'], retries: 0, summary: 'Revoke the session' },
  { prefix: '/auth/me', upstream: 'auth', methods: ['GET'], summary: 'The caller' },
  {
    prefix: '/users',
    upstream: 'auth',
    roles: ['admin'],
    methods: ['GET', 'PUT'],
    retries: 0,
    summary: 'Users and their roles (admins)',
  },
  { prefix: '/orders', upstream: 'orders', summary: 'Orders of the caller' },
  {
    prefix: '/catalog',
    upstream: 'orders',
    methods: ['GET', 'PUT'],
    retries: 0,
    maxBodyBytes: 4_096,
    summary: 'Products and prices (admins edit; order-service checks the role)',
  },
  {
    // Public: the payment provider has no access token; its HMAC signature, checked by
    // order-service over the raw body, is the authentication. A callback is a few hundred bytes.
    prefix: '/payments/callbacks',
    upstream: 'orders',
    auth: false,
    methods: ['POST'],
    retries: 0,
    maxBodyBytes: 8_192,
    summary: 'Payment provider callbacks (signed, no token)',
  },
  {
    prefix: '/notifications',
    upstream: 'notifications',
    methods: ['GET', 'POST', 'PATCH'],
    summary: 'Notifications of the caller',
  },
  {
    prefix: '/analytics',
    upstream: 'analytics',
    roles: ['admin'],
    methods: ['GET'],
    timeoutMs: 15_000,
    summary: 'Analytics queries',
  },
  {
    prefix: '/admin/dlq',
    upstream: 'dlq',
    roles: ['admin'],
    methods: ['GET', 'POST', 'DELETE'],
    retries: 0,
    summary: 'Dead-letter quarantine: inspect, replay, discard',
  },
]);

/** A route with its prefix's length kept for matching. */
export interface CompiledRoute extends RouteDefinition {
  readonly methodSet: ReadonlySet<string>;
}

/**
 * Matches request paths against the table: longest prefix first, on segment boundaries. Built
 * once; `match` allocates nothing.
 */
export class RouteTable {
  private readonly routes: readonly CompiledRoute[];

  constructor(definitions: readonly RouteDefinition[]) {
    this.routes = [...definitions]
      .sort((a, b) => b.prefix.length - a.prefix.length)
      // HEAD is GET without a body: wherever GET is allowed, so is HEAD.
      .map((r) => ({
        ...r,
        methodSet: new Set<string>(r.methods.includes('GET') ? [...r.methods, 'HEAD'] : r.methods),
      }));
  }

  /** Every route, longest prefix first. */
  all(): readonly CompiledRoute[] {
    return this.routes;
  }

  /** The route serving `url` (path with or without a query), or undefined. */
  match(url: string): CompiledRoute | undefined {
    for (const route of this.routes) {
      if (!url.startsWith(route.prefix)) continue;
      const next = url.charCodeAt(route.prefix.length);
      // NaN = the path ends here; then '/', '?' or a prefix that itself ends in '/'.
      if (Number.isNaN(next) || next === 47 || next === 63 || route.prefix.endsWith('/')) return route;
    }
    return undefined;
  }
}

const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|\?|$)/i;

/** `..` and `.` segments (also percent-encoded) could address another route's path upstream. */
export function hasDotSegment(url: string): boolean {
  const query = url.indexOf('?');
  return DOT_SEGMENT.test(query === -1 ? url : url.slice(0, query));
}
