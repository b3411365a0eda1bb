import { Inject, Injectable } from '@nestjs/common';
import type { AccessTokenClaims } from '@platform/identity';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../config/auth-service.config';
import { InvalidAccessToken } from '../errors/auth.errors';
import { kidOf, signAccessToken, verifyAccessToken, type AccessTokenSubject } from './access-token.codec';
import { RevocationList } from './revocation-list';
import { SigningKeys } from './signing-keys';

/** Issues access tokens with the active key and checks bearer tokens against the published ones. */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly keys: SigningKeys,
    private readonly revocations: RevocationList,
    @Inject(AUTH_SERVICE_CONFIG) private readonly config: AuthServiceConfig,
  ) {}

  /**
   * A token for `subject`. Right after a change of the user's roles, `iat` may be up to a second
   * ahead of the clock: tokens issued before the change are refused by `iat`, which has whole
   * seconds, and a token with the new roles must not be taken for one of them.
   */
  async issue(subject: AccessTokenSubject): Promise<{ accessToken: string; expiresIn: number }> {
    const ttl = this.config.AUTH_ACCESS_TOKEN_TTL_SECONDS;
    const [key, earliest] = await Promise.all([
      this.keys.active(),
      this.revocations.earliestIssueTimeOf(subject.userId),
    ]);
    const issuedAt = Math.max(Math.floor(Date.now() / 1000), earliest);
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
