import { Inject, Injectable } from '@nestjs/common';
import type { RefreshTokenFamilyRevokedV1 } from '@platform/contracts';
import type { EntityManager } from 'typeorm';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../../config/auth-service.config';
import { recordIdentityEvents, type IdentityEventDraft } from '../../outbox/identity-events';
import { RevocationList } from '../../tokens/infrastructure/revocation-list';
import { RefreshTokenEntity } from './refresh-token.entity';

/** Refresh-token families (sessions) in Postgres, and their revocation in Redis. */
@Injectable()
export class RefreshFamilies {
  constructor(
    private readonly revocations: RevocationList,
    @Inject(AUTH_SERVICE_CONFIG) private readonly config: AuthServiceConfig,
  ) {}

  /** Stores a new token of `familyId` (only its hash). */
  async add(
    manager: EntityManager,
    token: { id: string; hash: string; familyId: string; userId: string },
  ): Promise<Date> {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.AUTH_REFRESH_TOKEN_TTL_SECONDS * 1000);
    await manager.insert(RefreshTokenEntity, {
      id: token.id,
      tokenHash: token.hash,
      familyId: token.familyId,
      userId: token.userId,
      createdAt: now,
      expiresAt,
      rotatedAt: null,
      replacedBy: null,
      revokedAt: null,
    });
    return expiresAt;
  }

  /**
   * Revokes every token of the family and records why, in the caller's transaction. The Redis key
   * is written before the transaction commits: if Redis fails the revocation fails as a whole,
   * and a rollback after it leaves the family revoked at the gateway, which errs on the safe side.
   */
  async revoke(
    manager: EntityManager,
    family: { userId: string; familyId: string },
    reason: RefreshTokenFamilyRevokedV1['reason'],
  ): Promise<void> {
    const [, revoked] = (await manager.query(
      'UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL',
      [family.familyId],
    )) as [unknown, number];
    if (revoked > 0) {
      const drafts: IdentityEventDraft[] = [];
      if (reason === 'logout') drafts.push({ type: 'UserLoggedOut', payload: family });
      drafts.push({ type: 'RefreshTokenFamilyRevoked', payload: { ...family, reason } });
      await recordIdentityEvents(manager, family.userId, drafts);
    }
    await this.revocations.revokeFamily(family.familyId);
  }
}
