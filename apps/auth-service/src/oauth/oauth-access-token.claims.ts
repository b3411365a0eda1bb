import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  type AccessTokenClaims,
  type Role,
} from '@platform/identity';
import { createHash } from 'node:crypto';

/** What oidc-provider puts in a JWT access token before we shape it (RFC 9068 names). */
export interface ProviderAccessTokenPayload {
  jti: string;
  sub: string;
  client_id: string;
  aud: string | string[];
  iat: number;
  exp: number;
  scope?: string;
  [claim: string]: unknown;
}

/** What the token is issued from: the user's grant, and their roles as stored now. */
export interface OAuthTokenGrant {
  grantId: string;
  roles: Role[];
  /** The `iat` the token must carry at the earliest (SessionsService.currentGrant). */
  issuedAt: number;
  ttlSeconds: number;
}

/**
 * The session id (`sid`) of every token of an OAuth grant: a UUID derived from the grant's id.
 * A UUID because /auth/logout revokes the family named by `sid` (a uuid column); derived so that
 * any instance can compute it from the grant alone when the grant is revoked (RevocationKeys.family).
 */
export function sessionIdOfGrant(grantId: string): string {
  const hex = createHash('sha256').update(`oauth-grant:${grantId}`).digest('hex');
  // RFC 9562 version 8 (custom) with the RFC variant bits.
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The claims of an access token from the authorization-code flow, in the shape of the tokens
 * /auth/login issues (@platform/identity's accessTokenClaimsSchema), so the gateway verifies both
 * alike: `iss` is the platform's token issuer (not the OAuth issuer URL, which only clients use),
 * `aud` is `platform` plus the resource the client asked for (RFC 8707), roles come from the user
 * store at issuance, `sid` names the grant for revocation, and `client_id` the client (RFC 9068).
 * `iat` moves forward to the user's last role change when that is later (RevocationList).
 */
export function oauthAccessTokenClaims(
  payload: ProviderAccessTokenPayload,
  grant: OAuthTokenGrant,
): AccessTokenClaims & { scope?: string } {
  const resources = (Array.isArray(payload.aud) ? payload.aud : [payload.aud]).filter(
    (aud) => aud !== ACCESS_TOKEN_AUDIENCE,
  );
  const iat = Math.max(payload.iat, grant.issuedAt);
  return {
    sub: payload.sub,
    roles: grant.roles,
    sid: sessionIdOfGrant(grant.grantId),
    jti: payload.jti,
    iss: ACCESS_TOKEN_ISSUER,
    aud: [ACCESS_TOKEN_AUDIENCE, ...resources],
    iat,
    exp: iat + grant.ttlSeconds,
    client_id: payload.client_id,
    ...(payload.scope ? { scope: payload.scope } : {}),
  };
}
