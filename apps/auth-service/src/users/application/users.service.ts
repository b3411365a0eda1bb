import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import { InvalidAccessToken } from '../../errors/auth.errors';
import { recordIdentityEvents } from '../../outbox/identity-events';
import { PasswordHasher } from './password-hasher';
import { UserEntity } from '../infrastructure/user.entity';
import { viewOf, type UserView } from '../http/user.view';
import type { RegisterBody } from '../http/users.schemas';

/** Registration and profiles. */
@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
  ) {}

  /**
   * Creates a customer account and its UserRegistered event in one transaction. A known email
   * changes nothing in its account: the owner gets a RegistrationAttempted event (an email)
   * instead, and the caller cannot tell the two apart. The password is hashed in both cases, so
   * both cost the same.
   */
  async register(body: RegisterBody): Promise<void> {
    const user = Object.assign(new UserEntity(), {
      id: randomUUID(),
      email: body.email,
      passwordHash: await this.hasher.hash(body.password),
      roles: ['customer'],
      displayName: body.displayName ?? null,
      version: 0,
      createdAt: new Date(),
    });
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.insert(UserEntity, user);
        await recordIdentityEvents(manager, user.id, [
          {
            type: 'UserRegistered',
            payload: {
              userId: user.id,
              email: user.email,
              ...(body.displayName ? { displayName: body.displayName } : {}),
              registeredAt: user.createdAt.toISOString(),
            },
          },
        ]);
      });
    } catch (error) {
      if (!isUniqueViolation(error, 'users_email_key')) throw error;
      await this.recordAttemptOn(body.email);
    }
  }

  /** The caller's profile; a token of a deleted user is no longer valid. */
  async profile(userId: string): Promise<UserView> {
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ id: userId });
    if (!user) throw new InvalidAccessToken('the user of this token no longer exists');
    return viewOf(user);
  }

  private async recordAttemptOn(email: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const existing = await manager.findOneBy(UserEntity, { email });
      // Deleted between the failed insert and now: nobody to tell.
      if (!existing) return;
      await recordIdentityEvents(manager, existing.id, [
        {
          type: 'RegistrationAttempted',
          payload: { userId: existing.id, attemptedAt: new Date().toISOString() },
        },
      ]);
    });
  }
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const driverError =
    error instanceof QueryFailedError
      ? (error.driverError as { code?: string; constraint?: string })
      : undefined;
  return driverError?.code === '23505' && driverError.constraint === constraint;
}
