import { Inject, Injectable } from '@nestjs/common';
import type { Role } from '@platform/identity';
import { randomUUID } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../config/auth-service.config';
import { EmailTaken, InvalidAccessToken } from '../errors/auth.errors';
import { recordIdentityEvents } from '../outbox/identity-events';
import { PasswordHasher } from './password-hasher';
import { UserEntity } from './user.entity';
import { viewOf, type UserView } from './user.view';
import type { RegisterBody } from './users.schemas';

/** Registration and profiles. */
@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    @Inject(AUTH_SERVICE_CONFIG) private readonly config: AuthServiceConfig,
  ) {}

  /** Creates the account and its UserRegistered event in one transaction; EmailTaken on a duplicate. */
  async register(body: RegisterBody): Promise<UserView> {
    const user = Object.assign(new UserEntity(), {
      id: randomUUID(),
      email: body.email,
      passwordHash: await this.hasher.hash(body.password),
      roles: this.rolesFor(body.email),
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
      if (isUniqueViolation(error, 'users_email_key'))
        throw new EmailTaken('this email is already registered');
      throw error;
    }
    return viewOf(user);
  }

  /** The caller's profile; a token of a deleted user is no longer valid. */
  async profile(userId: string): Promise<UserView> {
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ id: userId });
    if (!user) throw new InvalidAccessToken('the user of this token no longer exists');
    return viewOf(user);
  }

  private rolesFor(email: string): Role[] {
    return this.config.AUTH_ADMIN_EMAILS.includes(email) ? ['customer', 'admin'] : ['customer'];
  }
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const driverError =
    error instanceof QueryFailedError
      ? (error.driverError as { code?: string; constraint?: string })
      : undefined;
  return driverError?.code === '23505' && driverError.constraint === constraint;
}
