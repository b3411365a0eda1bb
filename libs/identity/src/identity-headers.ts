import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Headers the gateway sets on every authenticated request it forwards. Upstreams trust them only
 * with a valid signature: the gateway strips any a client sent, and an HMAC over the values and
 * a timestamp (secret shared by the gateway and the services) makes them unforgeable elsewhere.
 */
export const IdentityHeaders = {
  userId: 'x-user-id',
  roles: 'x-user-roles',
  issuedAt: 'x-identity-issued-at',
  signature: 'x-identity-signature',
} as const;

/** Who is calling, as the gateway established it. */
export interface CallerIdentity {
  userId: string;
  roles: string[];
  /**
   * The client's address as the gateway derived it from its trusted-proxy chain (never from a
   * header a client could set); undefined when the gateway did not say.
   */
  clientIp?: string;
}

/** Identity headers missing, stale or not signed by the gateway: a 401 for the caller. */
export class IdentityHeaderError extends Error {
  override readonly name = 'IdentityHeaderError';
  readonly code = 'IDENTITY.UNTRUSTED_HEADERS';
}

const payloadOf = (userId: string, roles: string, issuedAt: string) => `${userId}\n${roles}\n${issuedAt}`;

/** The headers the gateway adds for `identity` (roles comma-separated, issuedAt in ms). */
export function signIdentity(
  identity: CallerIdentity,
  secret: string,
  now = Date.now(),
): Record<string, string> {
  const roles = identity.roles.join(',');
  const issuedAt = String(now);
  const signature = createHmac('sha256', secret)
    .update(payloadOf(identity.userId, roles, issuedAt))
    .digest('base64url');
  return {
    [IdentityHeaders.userId]: identity.userId,
    [IdentityHeaders.roles]: roles,
    [IdentityHeaders.issuedAt]: issuedAt,
    [IdentityHeaders.signature]: signature,
  };
}

/**
 * Reads and checks the identity headers of a request; throws IdentityHeaderError when they are
 * missing, signed with another secret, or older than `maxAgeMs` (a replayed capture).
 */
export function verifyIdentity(
  headers: Record<string, string | string[] | undefined>,
  secret: string,
  { maxAgeMs = 60_000, now = Date.now() }: { maxAgeMs?: number; now?: number } = {},
): CallerIdentity {
  const read = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? undefined : value;
  };
  const userId = read(IdentityHeaders.userId);
  const roles = read(IdentityHeaders.roles);
  const issuedAt = read(IdentityHeaders.issuedAt);
  const signature = read(IdentityHeaders.signature);
  if (!userId || roles === undefined || !issuedAt || !signature) {
    throw new IdentityHeaderError('identity headers are missing');
  }
  const expected = createHmac('sha256', secret)
    .update(payloadOf(userId, roles, issuedAt))
    .digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new IdentityHeaderError('identity headers are not signed by the gateway');
  }
  const age = now - Number(issuedAt);
  if (!Number.isFinite(age) || age < -5_000 || age > maxAgeMs) {
    throw new IdentityHeaderError('identity headers are stale');
  }
  return { userId, roles: roles ? roles.split(',') : [] };
}

/** Removes identity headers a client sent: only the gateway sets them. */
export function stripIdentityHeaders(headers: Record<string, unknown>): void {
  for (const name of Object.values(IdentityHeaders)) delete headers[name];
}
