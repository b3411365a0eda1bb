import { Inject, Injectable } from '@nestjs/common';
import { RevocationKeys } from '@platform/identity';
import type Redis from 'ioredis';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../../config/auth-service.config';
import { REDIS } from '../../redis/redis.module';

// The marker moves past the next whole second and past itself: tokens issued since the previous
// change may be dated at the previous marker (AccessTokens.issue), and must be refused too.
// ARGV: now (epoch seconds), the access-token lifetime (s). Returns the new marker.
const MARK_CHANGE = `
local now = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local marker = math.max(now + 1, current + 1)
redis.call('SET', KEYS[1], marker, 'EX', marker - now + tonumber(ARGV[2]))
return marker`;

/**
 * The revocation list in Redis that the gateway reads on every request. A family key lives as
 * long as a refresh token of the family could, which outlives every access token issued from it;
 * a user key as long as an access token issued before it could.
 */
@Injectable()
export class RevocationList {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(AUTH_SERVICE_CONFIG) private readonly config: AuthServiceConfig,
  ) {}

  /** Revokes a refresh family and every access token carrying its `sid`. */
  async revokeFamily(familyId: string): Promise<void> {
    await this.redis.set(
      RevocationKeys.family(familyId),
      '1',
      'EX',
      this.config.AUTH_REFRESH_TOKEN_TTL_SECONDS,
    );
  }

  /**
   * Revokes every access token of the user issued until now: their roles changed. Since `iat`
   * has whole seconds, the marker is a second that no token issued so far carries: the next
   * whole second, or one past the previous marker when that is later (RevocationKeys.user).
   * Tokens issued from the new roles are dated at the marker at the earliest. Returns it.
   */
  async revokeUserTokens(userId: string, now = Date.now()): Promise<number> {
    return Number(
      await this.redis.eval(
        MARK_CHANGE,
        1,
        RevocationKeys.user(userId),
        Math.floor(now / 1000),
        this.config.AUTH_ACCESS_TOKEN_TTL_SECONDS,
      ),
    );
  }

  /** The earliest `iat` a new token of the user may have (epoch seconds), or 0 without a change. */
  async earliestIssueTimeOf(userId: string): Promise<number> {
    return Number((await this.redis.get(RevocationKeys.user(userId))) ?? 0);
  }

  /** Whether the session (`sid`) or the single token (`jti`) was revoked, or the user's roles changed since `iat`. */
  async isRevoked(claims: { sub: string; sid: string; jti: string; iat: number }): Promise<boolean> {
    const [family, token, rolesChangedAt] = await this.redis.mget(
      RevocationKeys.family(claims.sid),
      RevocationKeys.token(claims.jti),
      RevocationKeys.user(claims.sub),
    );
    if (family != null || token != null) return true;
    return rolesChangedAt != null && claims.iat < Number(rolesChangedAt);
  }
}
