import { Inject, Injectable } from '@nestjs/common';
import { RevocationKeys } from '@platform/identity';
import type Redis from 'ioredis';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../config/auth-service.config';
import { REDIS } from '../redis/redis.module';

/**
 * The revocation list in Redis that the gateway reads on every request. A family key lives as
 * long as a refresh token of the family could, which outlives every access token issued from it.
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

  /** Whether the session (`sid`) or the single token (`jti`) was revoked. */
  async isRevoked(claims: { sid: string; jti: string }): Promise<boolean> {
    const found = await this.redis.exists(
      RevocationKeys.family(claims.sid),
      RevocationKeys.token(claims.jti),
    );
    return found > 0;
  }
}
