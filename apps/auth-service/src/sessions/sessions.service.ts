import { Inject, Injectable } from '@nestjs/common';
import type { AccessTokenClaims } from '@platform/identity';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../config/auth-service.config';
import { InvalidCredentials, InvalidRefreshToken, RefreshTokenReused } from '../errors/auth.errors';
import { recordIdentityEvents } from '../outbox/identity-events';
import { LoginThrottle } from '../throttling/login-throttle';
import { AccessTokens } from '../tokens/access-tokens';
import { PasswordHasher } from '../users/password-hasher';
import { UserEntity } from '../users/user.entity';
import { RefreshFamilies } from './refresh-families';
import { hashRefreshToken, newRefreshToken } from './refresh-token';
import { RefreshTokenEntity } from './refresh-token.entity';
import type { LoginBody, TokenPair } from './sessions.schemas';

/** Where a login came from, as the gateway (or the client) saw it. */
export interface ClientInfo {
  ip: string;
  userAgent?: string;
}

type RefreshOutcome =
  | { kind: 'rotated'; user: UserEntity; familyId: string; refreshToken: string; expiresAt: Date }
  | { kind: 'reused' }
  | { kind: 'invalid' };

/** Sessions: login, refresh-token rotation with reuse detection, logout. */
@Injectable()
export class SessionsService {
  // A real argon2id hash (this hasher's parameters) to verify against when the email is unknown:
  // the answer then costs one verification as for a wrong password, so response times do not
  // reveal which emails have accounts. Made once per process, of a password nobody knows.
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly accessTokens: AccessTokens,
    private readonly families: RefreshFamilies,
    @Inject(AUTH_SERVICE_CONFIG) private readonly config: AuthServiceConfig,
  ) {
    this.dummyHash = hasher.hash(randomBytes(16).toString('hex'));
  }

  /**
   * The attempt is counted before the password is checked (LoginThrottle), so parallel guesses
   * cannot outrun the limit. A password still in an older format is rehashed with the current one
   * while it is at hand.
   */
  async login(body: LoginBody, client: ClientInfo): Promise<TokenPair> {
    await this.throttle.takeAttempt(body.email, client.ip);
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ email: body.email });
    const matches = await this.hasher.verify(body.password, user?.passwordHash ?? (await this.dummyHash));
    if (!user || !matches) throw new InvalidCredentials('the email or the password is wrong');
    await this.throttle.succeeded(body.email, client.ip);
    const newHash = this.hasher.needsRehash(user.passwordHash)
      ? await this.hasher.hash(body.password)
      : undefined;
    const familyId = randomUUID();
    const refresh = newRefreshToken();
    const expiresAt = await this.dataSource.transaction(async (manager) => {
      // Only over the hash that was verified: a password changed meanwhile is not overwritten.
      if (newHash)
        await manager.update(
          UserEntity,
          { id: user.id, passwordHash: user.passwordHash },
          { passwordHash: newHash },
        );
      const expires = await this.families.add(manager, {
        id: randomUUID(),
        hash: refresh.hash,
        familyId,
        userId: user.id,
      });
      await recordIdentityEvents(manager, user.id, [
        {
          type: 'UserLoggedIn',
          payload: {
            userId: user.id,
            familyId,
            ip: client.ip.slice(0, 64) || undefined,
            userAgent: client.userAgent?.slice(0, 1024),
          },
        },
      ]);
      return expires;
    });
    return this.tokenPair(user, familyId, refresh.token, expiresAt);
  }

  /**
   * Exchanges a refresh token for a new pair; the old token is rotated (single use). A rotated
   * token presented again means a copy exists: the family is revoked and AUTH.REFRESH_REUSED
   * answered, after the revocation committed.
   */
  async refresh(token: string): Promise<TokenPair> {
    const outcome = await this.dataSource.transaction(async (manager): Promise<RefreshOutcome> => {
      const current = await manager
        .getRepository(RefreshTokenEntity)
        .createQueryBuilder('t')
        .setLock('pessimistic_write')
        .where('t.token_hash = :hash', { hash: hashRefreshToken(token) })
        .getOne();
      if (!current || current.revokedAt || current.expiresAt.getTime() <= Date.now())
        return { kind: 'invalid' };
      if (current.rotatedAt) {
        await this.families.revoke(manager, current, 'reuse-detected');
        return { kind: 'reused' };
      }
      const user = await manager.findOneByOrFail(UserEntity, { id: current.userId });
      const next = { id: randomUUID(), ...newRefreshToken() };
      const expiresAt = await this.families.add(manager, {
        ...next,
        familyId: current.familyId,
        userId: user.id,
      });
      await manager.update(
        RefreshTokenEntity,
        { id: current.id },
        { rotatedAt: new Date(), replacedBy: next.id },
      );
      return { kind: 'rotated', user, familyId: current.familyId, refreshToken: next.token, expiresAt };
    });
    switch (outcome.kind) {
      case 'rotated':
        return this.tokenPair(outcome.user, outcome.familyId, outcome.refreshToken, outcome.expiresAt);
      case 'reused':
        throw new RefreshTokenReused('this refresh token was used before; the session is revoked');
      case 'invalid':
        throw new InvalidRefreshToken('unknown, expired or revoked refresh token');
      default: {
        const unknown: never = outcome;
        throw new Error(`unknown refresh outcome ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** Ends the session of the access token: its refresh family and every access token of it. */
  async logout(claims: AccessTokenClaims): Promise<void> {
    await this.dataSource.transaction((manager) =>
      this.families.revoke(manager, { userId: claims.sub, familyId: claims.sid }, 'logout'),
    );
  }

  private async tokenPair(
    user: UserEntity,
    familyId: string,
    refreshToken: string,
    expiresAt: Date,
  ): Promise<TokenPair> {
    const access = await this.accessTokens.issue({ userId: user.id, roles: user.roles, familyId });
    return {
      tokenType: 'Bearer',
      ...access,
      refreshToken,
      refreshExpiresIn: Math.round((expiresAt.getTime() - Date.now()) / 1000),
    };
  }
}
