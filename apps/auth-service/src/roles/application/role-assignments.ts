import { Injectable } from '@nestjs/common';
import { ROLES, type Role } from '@platform/identity';
import { DataSource, type EntityManager } from 'typeorm';
import { AdminAlreadyExists, OwnAdminRole, UserNotFound } from '../../errors/auth.errors';
import { recordIdentityEvents } from '../../outbox/identity-events';
import { RevocationList } from '../../tokens/infrastructure/revocation-list';
import { UserEntity } from '../../users/infrastructure/user.entity';
import { viewOf, type UserView } from '../../users/http/user.view';
import { userIdSchema } from '../http/roles.schemas';

// Serialises bootstrap-admin runs: two at once must not both see "no admin yet".
const BOOTSTRAP_LOCK = 0x61646d696e; // 'admin'

/**
 * Who holds which role. Roles change only here: by an admin through the API, or for the very
 * first admin by the bootstrap command. A change is one transaction (the roles and a
 * UserRolesChanged event in the outbox), and the user's older access tokens are revoked in Redis
 * so that the gateway refuses their old roles within a second; the next login or refresh reads
 * the new ones.
 */
@Injectable()
export class RoleAssignments {
  constructor(
    private readonly dataSource: DataSource,
    private readonly revocations: RevocationList,
  ) {}

  /** The user; UserNotFound for an unknown id. */
  async user(userId: string): Promise<UserView> {
    if (!userIdSchema.safeParse(userId).success) throw new UserNotFound(`no user ${userId}`);
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ id: userId });
    if (!user) throw new UserNotFound(`no user ${userId}`);
    return viewOf(user);
  }

  /** Sets the roles of `userId` as `adminId` asks; an admin cannot take its own admin role. */
  async setRoles(adminId: string, userId: string, roles: readonly Role[]): Promise<UserView> {
    if (adminId === userId && !roles.includes('admin'))
      throw new OwnAdminRole('an admin cannot remove its own admin role; ask another admin');
    if (!userIdSchema.safeParse(userId).success) throw new UserNotFound(`no user ${userId}`);
    return this.change(roles, adminId, async (manager) => {
      const user = await manager.findOne(UserEntity, {
        where: { id: userId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!user) throw new UserNotFound(`no user ${userId}`);
      return user;
    });
  }

  /**
   * `bootstrap-admin <email>`: makes the account of `email` the first admin. Refused with
   * AdminAlreadyExists once any admin exists (later admins are granted through the API), and
   * with UserNotFound when nobody registered that email.
   */
  async bootstrapAdmin(email: string): Promise<UserView> {
    return this.change(undefined, undefined, async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      const [admins] = (await manager.query(
        `SELECT count(*)::int AS n FROM users WHERE 'admin' = ANY (roles)`,
      )) as [{ n: number }];
      if (admins.n > 0)
        throw new AdminAlreadyExists('an admin exists already; grant admin through PUT /users/:id/roles');
      const user = await manager.findOne(UserEntity, {
        where: { email },
        lock: { mode: 'pessimistic_write' },
      });
      if (!user) throw new UserNotFound(`no account with the email ${email}; register it first`);
      return user;
    });
  }

  /**
   * Loads the user with `load` (which locks the row and checks preconditions), stores the new
   * roles (the old ones plus admin when `roles` is undefined) and their event, and revokes the
   * user's older tokens; nothing when the roles stay the same. The revocation is written while
   * the row is locked, before the commit: logins and refreshes read the roles and the marker
   * under the same lock (SessionsService), so a token from the old roles is always dated before
   * the marker. A Redis failure undoes the change; a failed commit after it only makes the
   * user's current tokens refresh early.
   */
  private async change(
    roles: readonly Role[] | undefined,
    changedBy: string | undefined,
    load: (manager: EntityManager) => Promise<UserEntity>,
  ): Promise<UserView> {
    const user = await this.dataSource.transaction(async (manager) => {
      const current = await load(manager);
      const next = ROLES.filter((role) => (roles ?? [...current.roles, 'admin']).includes(role));
      const previousRoles = current.roles;
      if (next.length === previousRoles.length && next.every((role) => previousRoles.includes(role)))
        return current;
      await manager.update(UserEntity, { id: current.id }, { roles: next });
      await recordIdentityEvents(manager, current.id, [
        {
          type: 'UserRolesChanged',
          payload: {
            userId: current.id,
            roles: next,
            previousRoles,
            ...(changedBy ? { changedBy } : {}),
            changedAt: new Date().toISOString(),
          },
        },
      ]);
      await this.revocations.revokeUserTokens(current.id);
      return Object.assign(current, { roles: next });
    });
    return viewOf(user);
  }
}
