import { Injectable } from '@nestjs/common';
import { CallerGuard, type CallerIdentity } from '@platform/identity';
import { AdminOnly } from '../../errors/auth.errors';

/**
 * Admins only, as the gateway asserted the caller (401 without a valid gateway identity, 403
 * without the role). The gateway checks the role too; this keeps the data safe if reached another way.
 */
@Injectable()
export class AdminGuard extends CallerGuard {
  protected override authorize(caller: CallerIdentity): void {
    if (!caller.roles.includes('admin')) throw new AdminOnly('this route needs the admin role');
  }
}
