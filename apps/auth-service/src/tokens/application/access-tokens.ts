import { Inject, Injectable } from '@nestjs/common';
import type { AccessTokenClaims } from '@platform/identity';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../../config/auth-service.config';
import { InvalidAccessToken } from '../../errors/auth.errors';
import { kidOf, signAccessToken, verifyAccessToken, type AccessTokenSubject } from './access-token.codec';
import { RevocationList } from '../infrastructure/revocation-list';
import { SigningKeys } from '../infrastructure/signing-keys';

/** Issues access tokens with the active key and checks bearer tokens against the published ones. */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly keys: SigningKeys,
    private readonly revocations: RevocationList,
    @Inject(AUTH_SERVICE_CONFIG) private readonly config: AuthServiceConfig,
  ) {}

  /**
   * A token for `subject`, dated `issuedAt` (epoch seconds): right after a change of the user's
   * roles that may be a second or two ahead of the clock, so that the gateway, which refuses
   * tokens dated before the change, does not take it for one carrying the old roles.
   */
  async issue(
    subject: AccessTokenSubject,
    issuedAt = Math.floor(Date.now() / 1000),
  ): Promise<{ accessToken: string; expiresIn: number }> {
    const ttl = this.config.AUTH_ACCESS_TOKEN_TTL_SECONDS;
    const key = await this.keys.active();
    return { accessToken: signAccessToken(key, subject, ttl, issuedAt), expiresIn: ttl };
  }

  /** The claims of an `Authorization: Bearer` header; InvalidAccessToken for anything short of valid and live. */
  async authenticate(authorization: string | undefined): Promise<AccessTokenClaims> {
    const token = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/i.exec(authorization ?? '')?.[1];
    const kid = token && kidOf(token);
    const key = kid ? await this.keys.byKid(kid) : undefined;
    if (!token || !key) throw new InvalidAccessToken('no valid bearer token');
    let claims: AccessTokenClaims;
    try {
      claims = verifyAccessToken(token, key);
    } catch (error) {
      throw new InvalidAccessToken(`access token refused: ${(error as Error).message}`);
    }
    if (await this.revocations.isRevoked(claims)) throw new InvalidAccessToken('access token revoked');
    return claims;
  }
}
