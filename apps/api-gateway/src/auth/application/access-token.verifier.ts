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
import { RedisClient } from '../../redis/redis.client';
import { AuthFailure, AuthUnavailable, classifyJoseError } from '../domain/auth-failure';
import { NotRevokedCache } from '../domain/not-revoked.cache';

const BEARER = /^Bearer +([A-Za-z0-9\-_.=]+)$/i;

/**
 * Verifies access tokens locally: signature against auth-service's JWKS (cached, refetched on an
 * unknown `kid` at most once per GATEWAY_JWKS_MIN_REFETCH_MS so a flood of made-up kids cannot
 * hammer auth-service), RS256 only, issuer and audience of the contract, claims by schema; then
 * the revocation list in one Redis round trip, whose "not revoked" answers are trusted for
 * GATEWAY_REVOCATION_CACHE_MS (NotRevokedCache: the staleness is bounded by that).
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;
  private readonly notRevoked: NotRevokedCache;
  private readonly options = {
    algorithms: [...ACCESS_TOKEN_ALGORITHMS],
    issuer: ACCESS_TOKEN_ISSUER,
    audience: ACCESS_TOKEN_AUDIENCE,
  };

  constructor(
    @Inject(API_GATEWAY_CONFIG) config: ApiGatewayConfig,
    private readonly redis: RedisClient,
  ) {
    this.keys = createRemoteJWKSet(new URL('/.well-known/jwks.json', config.AUTH_SERVICE_URL), {
      cooldownDuration: config.GATEWAY_JWKS_MIN_REFETCH_MS,
      cacheMaxAge: config.GATEWAY_JWKS_MAX_AGE_MS,
      timeoutDuration: config.GATEWAY_JWKS_TIMEOUT_MS,
    });
    this.notRevoked = new NotRevokedCache({ ttlMs: config.GATEWAY_REVOCATION_CACHE_MS });
  }

  /**
   * The claims of the bearer token in `authorization`, signature and claims checked; throws
   * AuthFailure (the caller's fault, 401) or AuthUnavailable (keys unreachable: 503). Revocation
   * is a separate step, so the caller can overlap its Redis round trip with others.
   */
  async verify(authorization: string | undefined): Promise<AccessTokenClaims> {
    if (!authorization) throw new AuthFailure('missing');
    const token = BEARER.exec(authorization)?.[1];
    if (!token) throw new AuthFailure('malformed');
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.keys, this.options));
    } catch (error) {
      throw classifyJoseError(error);
    }
    const claims = accessTokenClaimsSchema.safeParse(payload);
    if (!claims.success) throw new AuthFailure('invalid_claims');
    return claims.data;
  }

  /**
   * Throws AuthFailure('revoked') when the token or its family is revoked, or when it was issued
   * before its user's roles last changed (it carries the old roles); AuthUnavailable when Redis
   * is down and the token was not found unrevoked within GATEWAY_REVOCATION_CACHE_MS (fail closed).
   * One round trip for the three keys, none while a recent "not revoked" answer holds.
   */
  async assertNotRevoked(claims: AccessTokenClaims): Promise<void> {
    if (this.notRevoked.has(claims.jti)) return;
    const askedAt = this.notRevoked.now();
    let family: string | null, token: string | null, rolesChangedAt: string | null;
    try {
      [family, token, rolesChangedAt] = await this.redis.command((redis) =>
        redis.mget(
          RevocationKeys.family(claims.sid),
          RevocationKeys.token(claims.jti),
          RevocationKeys.user(claims.sub),
        ),
      );
    } catch (error) {
      throw new AuthUnavailable('revocation list', { cause: error });
    }
    if (family !== null || token !== null) throw new AuthFailure('revoked');
    // Epoch seconds of the first whole second after the change (RevocationKeys.user).
    if (rolesChangedAt !== null && claims.iat < Number(rolesChangedAt)) throw new AuthFailure('revoked');
    // Keyed by jti alone: the answer also depends on sid, sub and iat, which a signed token with
    // that jti always carries unchanged.
    this.notRevoked.remember(claims.jti, askedAt);
  }
}
