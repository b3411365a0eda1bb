import { Injectable } from '@nestjs/common';
import type { AccessTokenClaims } from '@platform/identity';
import type { ServerResponse } from 'node:http';
import { AccessTokenVerifier } from '../../auth/application/access-token.verifier';
import { RateLimitGate } from '../../rate-limit/http/rate-limit.gate';

/**
 * Who may come in, for a proxied request and an MCP request alike: the token (signature and
 * claims, or found in the cache), then the rate limit and the token's revocation keys in one Redis
 * round trip, on every request. A refused token is still counted, against its address: guessing
 * tokens is not free. A request over its limit is refused (429) before its token is.
 */
@Injectable()
export class CallerAdmission {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly rateLimit: RateLimitGate,
  ) {}

  /**
   * The caller's claims, undefined when `needsToken` is false (a public route: no token is read).
   * Throws the 429 GatewayError over the limit, else AuthFailure for a missing, invalid or revoked
   * token and AuthUnavailable when it cannot be checked: each caller answers those in its own words
   * (the MCP endpoint's 401 points at its protected-resource metadata).
   */
  async admit(
    res: ServerResponse,
    authorization: string | undefined,
    rateLimitClass: string,
    clientIp: string,
    needsToken: boolean,
  ): Promise<AccessTokenClaims | undefined> {
    let claims: AccessTokenClaims | undefined;
    let refused: unknown;
    if (needsToken) {
      try {
        claims = await this.verifier.verify(authorization);
      } catch (error) {
        refused = error;
      }
    }
    const revocation = claims && this.verifier.revocationLookup(claims);
    const values = await this.rateLimit.admit(res, rateLimitClass, clientIp, claims?.sub, revocation?.keys);
    if (refused !== undefined) throw refused;
    if (claims && revocation) this.verifier.assertNotRevoked(claims, revocation, values);
    return claims;
  }
}
