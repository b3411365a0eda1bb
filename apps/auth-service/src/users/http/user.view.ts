import type { Role } from '@platform/identity';
import type { UserEntity } from '../infrastructure/user.entity';

/** What the API shows of a user: never the password hash. */
export interface UserView {
  id: string;
  email: string;
  roles: Role[];
  displayName: string | null;
  createdAt: string;
}

export function viewOf(user: UserEntity): UserView {
  return {
    id: user.id,
    email: user.email,
    roles: user.roles,
    displayName: user.displayName,
    createdAt: user.createdAt.toISOString(),
  };
}
