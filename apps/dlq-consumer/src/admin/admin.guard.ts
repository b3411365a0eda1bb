import { Injectable } from '@nestjs/common';
import { CallerGuard, type CallerIdentity } from '@platform/identity';
import { AdminOnly } from '../errors/dlq.errors';

/**
 * Admins only, as the gateway signed them (401 without valid identity headers, 403 without the
 * role). The gateway checks the role too; this keeps the app safe if reached another way.
 */
@Injectable()
export class AdminGuard extends CallerGuard {
  protected override authorize(caller: CallerIdentity): void {
    if (!caller.roles.includes('admin')) throw new AdminOnly();
  }
}
