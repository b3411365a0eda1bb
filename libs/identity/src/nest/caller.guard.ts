import {
  createParamDecorator,
  Inject,
  Injectable,
  type CanActivate,
  type ExecutionContext,
  type FactoryProvider,
} from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import {
  GATEWAY_IDENTITY_HEADER,
  GatewayIdentityVerifier,
  IdentityHeaderError,
  type CallerIdentity,
  type VerifiedAssertion,
} from '../gateway-identity';

/**
 * Nest token of this app's {@link GatewayIdentityVerifier}; an app provides it from its config
 * (`GATEWAY_IDENTITY_PUBLIC_KEYS` and its own upstream name).
 */
export const GATEWAY_IDENTITY_VERIFIER = Symbol('platform.identity.verifier');

type GatewayRequest = {
  method: string;
  originalUrl?: string;
  url: string;
  headers: IncomingHttpHeaders;
  caller?: CallerIdentity;
  clientIp?: string;
};

function verifyRequest(verifier: GatewayIdentityVerifier, request: GatewayRequest): VerifiedAssertion {
  const verified = verifier.verify(
    request.headers[GATEWAY_IDENTITY_HEADER],
    request.method,
    request.originalUrl ?? request.url,
  );
  request.clientIp = verified.clientIp;
  if (verified.caller) request.caller = verified.caller;
  return verified;
}

/**
 * Lets a request through only when the gateway forwarded it (anonymous callers included): its
 * identity token is signed by a trusted gateway key and minted for this service, method and path.
 * The client's address is then available through `@ClientAddress()`. Throws IdentityHeaderError (a 401).
 */
@Injectable()
export class GatewayGuard implements CanActivate {
  constructor(@Inject(GATEWAY_IDENTITY_VERIFIER) private readonly verifier: GatewayIdentityVerifier) {}

  canActivate(context: ExecutionContext): boolean {
    verifyRequest(this.verifier, context.switchToHttp().getRequest<GatewayRequest>());
    return true;
  }
}

/**
 * Like {@link GatewayGuard}, and the gateway must have authenticated a user; the caller is then
 * available through `@Caller()`. Extend it to demand more (a role) in `authorize`.
 */
@Injectable()
export class CallerGuard implements CanActivate {
  constructor(@Inject(GATEWAY_IDENTITY_VERIFIER) private readonly verifier: GatewayIdentityVerifier) {}

  canActivate(context: ExecutionContext): boolean {
    const { caller } = verifyRequest(this.verifier, context.switchToHttp().getRequest<GatewayRequest>());
    if (!caller) throw new IdentityHeaderError('this route needs a signed-in caller');
    this.authorize(caller);
    return true;
  }

  /** Throws when this caller may not use the route; every signed-in caller may by default. */
  protected authorize(_caller: CallerIdentity): void {
    return;
  }
}

/** The caller CallerGuard (or a subclass) established, with the OAuth client (`clientId`) when the gateway named one. */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): CallerIdentity => {
  const caller = context.switchToHttp().getRequest<GatewayRequest>().caller;
  if (!caller) throw new Error('@Caller() used on a route without CallerGuard');
  return caller;
});

/** The client's address as the gateway asserted it (GatewayGuard or CallerGuard). */
export const ClientAddress = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const address = context.switchToHttp().getRequest<GatewayRequest>().clientIp;
  if (address === undefined) throw new Error('@ClientAddress() used on a route without GatewayGuard');
  return address;
});

/**
 * The provider of {@link GATEWAY_IDENTITY_VERIFIER} for an upstream named `audience` (its name
 * in the gateway's route table), from the public keys its config holds.
 */
export function gatewayIdentityProvider<C>(
  configToken: symbol,
  audience: string,
  publicKeysOf: (config: C) => string,
): FactoryProvider<GatewayIdentityVerifier> {
  return {
    provide: GATEWAY_IDENTITY_VERIFIER,
    inject: [configToken],
    useFactory: (config: C) => new GatewayIdentityVerifier(publicKeysOf(config), audience),
  };
}
