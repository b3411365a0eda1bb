import { z } from 'zod';

/** `iss` of every access token auth-service signs, and the `aud` the gateway requires. */
export const ACCESS_TOKEN_ISSUER = 'auth-service';
export const ACCESS_TOKEN_AUDIENCE = 'platform';

/** Algorithms an access token may be signed with; anything else (`none`, HS256) is refused. */
export const ACCESS_TOKEN_ALGORITHMS = ['RS256'] as const;

/**
 * The roles a user can hold, and what each may do (decided in the service that owns the data):
 * customer: place, view and cancel (before shipping) own orders, read own inbox;
 * staff: confirm, record payment of and ship any order;
 * admin: grant and revoke roles, edit the catalog, triage the quarantine, read analytics.
 */
export const ROLES = ['customer', 'staff', 'admin'] as const;

/**
 * The claims of an access JWT. `sid` is the refresh-token family the token was issued from, so
 * revoking a family (logout, reuse detected) also revokes its live access tokens.
 */
export const accessTokenClaimsSchema = z.object({
  sub: z.string().min(1).max(128),
  roles: z.array(z.enum(ROLES)),
  sid: z.string().min(1).max(128),
  jti: z.string().min(1).max(128),
  iss: z.literal(ACCESS_TOKEN_ISSUER),
  aud: z.union([
    z.literal(ACCESS_TOKEN_AUDIENCE),
    z.array(z.string()).refine((a) => a.includes(ACCESS_TOKEN_AUDIENCE)),
  ]),
  iat: z.number().int(),
  exp: z.number().int(),
  /**
   * The OAuth client the user signed in (RFC 9068), on tokens from the authorization-code flow
   * (an MCP client, say); absent on tokens from /auth/login. Audit records name it.
   */
  client_id: z.string().min(1).max(128).optional(),
});

export type AccessTokenClaims = z.infer<typeof accessTokenClaimsSchema>;

/** A role a user can hold. */
export type Role = (typeof ROLES)[number];
