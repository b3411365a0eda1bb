import { Inject, Injectable } from '@nestjs/common';
import type { AccessTokenClaims, Role } from '@platform/identity';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../../config/auth-service.config';
import { InvalidCredentials, InvalidRefreshToken, RefreshTokenReused } from '../../errors/auth.errors';
import { recordIdentityEvents } from '../../outbox/identity-events';
import { LoginThrottle } from '../../throttling/infrastructure/login-throttle';
import { AccessTokens } from '../../tokens/application/access-tokens';
import { RevocationList } from '../../tokens/infrastructure/revocation-list';
import { PasswordHasher } from '../../users/application/password-hasher';
import { UserEntity } from '../../users/infrastructure/user.entity';
import { RefreshFamilies } from '../infrastructure/refresh-families';
import { hashRefreshToken, newRefreshToken } from '../domain/refresh-token';
import { RefreshTokenEntity } from '../infrastructure/refresh-token.entity';
import type { LoginBody, TokenPair } from '../http/sessions.schemas';

/** Where a login came from, as the gateway (or the client) saw it. */
export interface ClientInfo {
  ip: string;
  userAgent?: string;
}

/** What an access token is issued from: the user's roles, and the `iat` it must carry. */
interface Grant {
  userId: string;
  roles: Role[];
  issuedAt: number;
}

type RefreshOutcome =
  | { kind: 'rotated'; grant: Grant; familyId: string; refreshToken: string; expiresAt: Date }
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
    private readonly revocations: RevocationList,
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
    const { user, newHash } = await this.checkCredentials(body, client);
    const familyId = randomUUID();
    const refresh = newRefreshToken();
    const { expiresAt, grant } = await this.dataSource.transaction(async (manager) => {
      // Only over the hash that was verified: a password changed meanwhile is not overwritten.
      if (newHash)
        await manager.update(
          UserEntity,
          { id: user.id, passwordHash: user.passwordHash },
          { passwordHash: newHash },
        );
      // FOR UPDATE, not FOR SHARE: this transaction updates the row below (recordIdentityEvents),
      // and two logins upgrading a shared lock at once would deadlock.
      const grant = await this.grantOf(manager, user.id, 'pessimistic_write');
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
      return { expiresAt: expires, grant };
    });
    return this.tokenPair(grant, familyId, refresh.token, expiresAt);
  }

  /**
   * The user whose credentials these are, checked as a login checks them (throttled, same answer
   * for an unknown email and a wrong password), without opening a session: the OAuth server's
   * sign-in page uses it, and its grant is the session. Throws InvalidCredentials or TooManyAttempts.
   */
  async authenticate(body: LoginBody, client: ClientInfo): Promise<{ userId: string }> {
    const { user, newHash } = await this.checkCredentials(body, client);
    if (newHash)
      await this.dataSource
        .getRepository(UserEntity)
        .update({ id: user.id, passwordHash: user.passwordHash }, { passwordHash: newHash });
    return { userId: user.id };
  }

  /**
   * What an access token of `userId` issued now carries: the roles stored now and the `iat` it
   * must have, read as a refresh reads them (grantOf). For tokens issued outside this service's
   * own session flow (the OAuth server's). Throws InvalidRefreshToken for a user that is gone.
   */
  async currentGrant(userId: string): Promise<{ roles: Role[]; issuedAt: number }> {
    const { roles, issuedAt } = await this.dataSource.transaction((manager) =>
      this.grantOf(manager, userId, 'pessimistic_read'),
    );
    return { roles, issuedAt };
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
      const grant = await this.grantOf(manager, current.userId, 'pessimistic_read');
      const next = { id: randomUUID(), ...newRefreshToken() };
      const expiresAt = await this.families.add(manager, {
        ...next,
        familyId: current.familyId,
        userId: current.userId,
      });
      await manager.update(
        RefreshTokenEntity,
        { id: current.id },
        { rotatedAt: new Date(), replacedBy: next.id },
      );
      return { kind: 'rotated', grant, familyId: current.familyId, refreshToken: next.token, expiresAt };
    });
    switch (outcome.kind) {
      case 'rotated':
        return this.tokenPair(outcome.grant, outcome.familyId, outcome.refreshToken, outcome.expiresAt);
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

  /**
   * The attempt is counted before the password is checked (LoginThrottle); a hash in an older
   * format comes back with its replacement, which the caller stores over the verified one only.
   */
  private async checkCredentials(
    body: LoginBody,
    client: ClientInfo,
  ): Promise<{ user: UserEntity; newHash: string | undefined }> {
    await this.throttle.takeAttempt(body.email, client.ip);
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ email: body.email });
    const matches = await this.hasher.verify(body.password, user?.passwordHash ?? (await this.dummyHash));
    if (!user || !matches) throw new InvalidCredentials('the email or the password is wrong');
    await this.throttle.succeeded(body.email, client.ip);
    const newHash = this.hasher.needsRehash(user.passwordHash)
      ? await this.hasher.hash(body.password)
      : undefined;
    return { user, newHash };
  }

  /**
   * The user's roles as stored now, and the `iat` of a token issued from them: not before the
   * user's last role change (RevocationList). Both are read under a lock on the user's row, which
   * a role change holds until it commits and writes its revocation marker before that: so a
   * token from the old roles is dated before the marker, and one from the new roles not before it.
   */
  private async grantOf(
    manager: EntityManager,
    userId: string,
    lock: 'pessimistic_read' | 'pessimistic_write',
  ): Promise<Grant> {
    const user = await manager.findOne(UserEntity, { where: { id: userId }, lock: { mode: lock } });
    if (!user) throw new InvalidRefreshToken('the user of this session no longer exists');
    const earliest = await this.revocations.earliestIssueTimeOf(userId);
    return { userId, roles: user.roles, issuedAt: Math.max(Math.floor(Date.now() / 1000), earliest) };
  }

  private async tokenPair(
    grant: Grant,
    familyId: string,
    refreshToken: string,
    expiresAt: Date,
  ): Promise<TokenPair> {
    const access = await this.accessTokens.issue(
      { userId: grant.userId, roles: grant.roles, familyId },
      grant.issuedAt,
    );
    return {
      tokenType: 'Bearer',
      ...access,
      refreshToken,
      refreshExpiresIn: Math.round((expiresAt.getTime() - Date.now()) / 1000),
    };
  }
}
