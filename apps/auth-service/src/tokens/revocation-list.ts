import { Inject, Injectable } from '@nestjs/common';
import { RevocationKeys } from '@platform/identity';
import type Redis from 'ioredis';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../config/auth-service.config';
import { REDIS } from '../redis/redis.module';

// Only ever moves forward: two changes whose writes arrive out of order keep the later time.
const MARK_LATER = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
else
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 1`;

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
   * Revokes every access token of the user issued until now: their roles changed. Records the
   * first whole second after now, since `iat` has whole seconds (RevocationKeys.user).
   */
  async revokeUserTokensIssuedBefore(userId: string, now = Date.now()): Promise<void> {
    const nextSecond = Math.floor(now / 1000) + 1;
    await this.redis.eval(
      MARK_LATER,
      1,
      RevocationKeys.user(userId),
      nextSecond,
      this.config.AUTH_ACCESS_TOKEN_TTL_SECONDS + 1,
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
