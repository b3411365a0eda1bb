import { Inject, Injectable } from '@nestjs/common';
import {
  ACCESS_TOKEN_ALGORITHMS,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  accessTokenClaimsSchema,
  type AccessTokenClaims,
  RevocationKeys,
} from '@platform/identity';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { API_GATEWAY_CONFIG, type ApiGatewayConfig } from '../../config/api-gateway.config';
import { AuthFailure, AuthUnavailable, classifyJoseError } from '../domain/auth-failure';
import { NotRevokedCache } from '../domain/not-revoked.cache';
import { VerifiedTokenCache } from '../domain/verified-token.cache';

const BEARER = /^Bearer +([A-Za-z0-9\-_.=]+)$/i;

/** Where a token's revocation was looked up: its keys, and when the lookup was sent. */
export interface RevocationLookup {
  keys: readonly [family: string, token: string, user: string];
  askedAt: number;
}

/**
 * Verifies access tokens locally: signature against auth-service's JWKS (cached, refetched on an
 * unknown `kid` at most once per GATEWAY_JWKS_MIN_REFETCH_MS so a flood of made-up kids cannot
 * hammer auth-service), RS256 only, issuer and audience of the contract, claims by schema. A
 * verified token is remembered by its hash until it expires (GATEWAY_TOKEN_CACHE_SIZE tokens at
 * most), so its signature is checked once, not per request. Revocation is judged on every request
 * from keys the caller reads from Redis (in the rate limiter's round trip); its "not revoked"
 * answers stand in for GATEWAY_REVOCATION_CACHE_MS while Redis cannot answer.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;
  private readonly notRevoked: NotRevokedCache;
  private readonly verified: VerifiedTokenCache<AccessTokenClaims>;
  private readonly options = {
    algorithms: [...ACCESS_TOKEN_ALGORITHMS],
    issuer: ACCESS_TOKEN_ISSUER,
    audience: ACCESS_TOKEN_AUDIENCE,
  };

  constructor(@Inject(API_GATEWAY_CONFIG) config: ApiGatewayConfig) {
    this.keys = createRemoteJWKSet(new URL('/.well-known/jwks.json', config.AUTH_SERVICE_URL), {
      cooldownDuration: config.GATEWAY_JWKS_MIN_REFETCH_MS,
      cacheMaxAge: config.GATEWAY_JWKS_MAX_AGE_MS,
      timeoutDuration: config.GATEWAY_JWKS_TIMEOUT_MS,
    });
    this.notRevoked = new NotRevokedCache({ ttlMs: config.GATEWAY_REVOCATION_CACHE_MS });
    // No longer than a JWKS is kept: a key withdrawn from it stops vouching for its tokens as soon
    // through the cache as it would without it.
    this.verified = new VerifiedTokenCache({
      maxEntries: config.GATEWAY_TOKEN_CACHE_SIZE,
      maxAgeMs: config.GATEWAY_JWKS_MAX_AGE_MS,
    });
  }

  /**
   * The claims of the bearer token in `authorization`, signature and claims checked (or found
   * checked in the cache); throws AuthFailure (the caller's fault, 401) or AuthUnavailable (keys
   * unreachable: 503). Revocation is a separate step, so that its Redis read can share the rate
   * limiter's round trip.
   */
  async verify(authorization: string | undefined): Promise<AccessTokenClaims> {
    if (!authorization) throw new AuthFailure('missing');
    const token = BEARER.exec(authorization)?.[1];
    if (!token) throw new AuthFailure('malformed');
    const key = VerifiedTokenCache.keyOf(token);
    const cached = this.verified.get(key);
    if (cached) return cached;
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.keys, this.options));
    } catch (error) {
      throw classifyJoseError(error);
    }
    const claims = accessTokenClaimsSchema.safeParse(payload);
    if (!claims.success) throw new AuthFailure('invalid_claims');
    this.verified.remember(key, claims.data);
    return claims.data;
  }

  /** The Redis keys that say whether `claims` are revoked: its family, itself, its user's roles. */
  revocationLookup(claims: AccessTokenClaims): RevocationLookup {
    return {
      keys: [
        RevocationKeys.family(claims.sid),
        RevocationKeys.token(claims.jti),
        RevocationKeys.user(claims.sub),
      ],
      askedAt: this.notRevoked.now(),
    };
  }

  /**
   * Throws AuthFailure('revoked') when the token or its family is revoked, or when it was issued
   * before its user's roles last changed (it carries the old roles), from the values of the
   * lookup's keys; `values` undefined means Redis could not answer: AuthUnavailable unless the
   * token was found not revoked within GATEWAY_REVOCATION_CACHE_MS (fail closed).
   */
  assertNotRevoked(
    claims: AccessTokenClaims,
    lookup: RevocationLookup,
    values: readonly (string | null)[] | undefined,
  ): void {
    if (values === undefined) {
      if (this.notRevoked.has(claims.jti)) return;
      throw new AuthUnavailable('revocation list');
    }
    const [family, token, rolesChangedAt] = values;
    if (family != null || token != null) throw new AuthFailure('revoked');
    // Epoch seconds of the first whole second after the change (RevocationKeys.user).
    if (rolesChangedAt != null && claims.iat < Number(rolesChangedAt)) throw new AuthFailure('revoked');
    // Keyed by jti alone: the answer also depends on sid, sub and iat, which a signed token with
    // that jti always carries unchanged.
    this.notRevoked.remember(claims.jti, lookup.askedAt);
  }
}
