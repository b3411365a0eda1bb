import {
  createParamDecorator,
  Inject,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { verifyIdentity, type CallerIdentity } from '../identity-headers';

/** Nest token of the HMAC secret the gateway signs identity headers with; an app provides it from its config. */
export const IDENTITY_SECRET = Symbol('platform.identity.secret');

type RequestWithCaller = { headers: IncomingHttpHeaders; caller?: CallerIdentity };

/**
 * Lets a request through only with identity headers signed by the gateway; throws
 * IdentityHeaderError (map it to 401) otherwise. The caller is then available through `@Caller()`.
 * Extend it to demand more (a role) in `authorize`.
 */
@Injectable()
export class CallerGuard implements CanActivate {
  constructor(@Inject(IDENTITY_SECRET) private readonly secret: string) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    const caller = verifyIdentity(request.headers, this.secret);
    this.authorize(caller);
    request.caller = caller;
    return true;
  }

  /** Throws when this caller may not use the route; every signed caller may by default. */
  protected authorize(_caller: CallerIdentity): void {
    return;
  }
}

/** The caller CallerGuard (or a subclass) established. */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): CallerIdentity => {
  const caller = context.switchToHttp().getRequest<RequestWithCaller>().caller;
  if (!caller) throw new Error('@Caller() used on a route without CallerGuard');
  return caller;
});
