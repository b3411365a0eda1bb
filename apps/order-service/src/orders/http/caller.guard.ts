import {
  createParamDecorator,
  Inject,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { verifyIdentity, type CallerIdentity } from '@platform/identity';
import type { IncomingHttpHeaders } from 'node:http';
import { ORDER_SERVICE_CONFIG, type OrderServiceConfig } from '../../config/order-service.config';

type RequestWithCaller = { headers: IncomingHttpHeaders; caller?: CallerIdentity };

/**
 * Lets a request through only with identity headers signed by the gateway; throws
 * IdentityHeaderError (401) otherwise. The caller is then available through `@Caller()`.
 */
@Injectable()
export class CallerGuard implements CanActivate {
  constructor(@Inject(ORDER_SERVICE_CONFIG) private readonly config: OrderServiceConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    request.caller = verifyIdentity(request.headers, this.config.GATEWAY_IDENTITY_SECRET);
    return true;
  }
}

/** The caller CallerGuard established. */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): CallerIdentity => {
  const caller = context.switchToHttp().getRequest<RequestWithCaller>().caller;
  if (!caller) throw new Error('@Caller() used on a route without CallerGuard');
  return caller;
});
