import { JwtService } from '@nestjs/jwt';
import {
  ACCESS_TOKEN_ALGORITHMS,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  accessTokenClaimsSchema,
  type AccessTokenClaims,
  type Role,
} from '@platform/identity';
import { randomUUID } from 'node:crypto';
import type { SigningKey } from '../domain/signing-key';

// Stateless: keys are passed per call, so one instance serves every key.
const jwt = new JwtService();

/** Who a token is for: the user, their roles, and the refresh family (session) it belongs to. */
export interface AccessTokenSubject {
  userId: string;
  roles: Role[];
  familyId: string;
}

/**
 * Signs an RS256 access JWT with `kid` in its header and the claims of @platform/identity; it
 * expires `ttlSeconds` after `issuedAt` (epoch seconds, now by default).
 */
export function signAccessToken(
  key: SigningKey,
  subject: AccessTokenSubject,
  ttlSeconds: number,
  issuedAt = Math.floor(Date.now() / 1000),
): string {
  return jwt.sign(
    { roles: subject.roles, sid: subject.familyId, iat: issuedAt },
    {
      algorithm: 'RS256',
      privateKey: key.privateKey.export({ format: 'pem', type: 'pkcs8' }),
      keyid: key.kid,
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      subject: subject.userId,
      jwtid: randomUUID(),
      expiresIn: ttlSeconds,
    },
  );
}

/** The `kid` of a token's header, without trusting anything else in it. */
export function kidOf(token: string): string | undefined {
  const decoded = jwt.decode<{ header?: { kid?: unknown } } | null>(token, { complete: true });
  const kid = decoded?.header?.kid;
  return typeof kid === 'string' ? kid : undefined;
}

/**
 * Verifies signature (RS256 only), issuer, audience and expiry, then the claims' shape.
 * Throws on any failure; the caller turns that into one 401.
 */
export function verifyAccessToken(token: string, key: SigningKey): AccessTokenClaims {
  const payload = jwt.verify<object>(token, {
    publicKey: key.publicKey.export({ format: 'pem', type: 'spki' }),
    algorithms: [...ACCESS_TOKEN_ALGORITHMS],
    issuer: ACCESS_TOKEN_ISSUER,
    audience: ACCESS_TOKEN_AUDIENCE,
  });
  return accessTokenClaimsSchema.parse(payload);
}
