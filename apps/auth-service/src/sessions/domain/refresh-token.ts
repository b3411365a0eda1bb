import { createHash, randomBytes } from 'node:crypto';

/** A new opaque refresh token (32 random bytes, base64url) and the hash that is stored instead. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

/**
 * sha256 of a refresh token. Looking tokens up by this hash leaks nothing through timing: the
 * token has 256 bits of entropy, so knowing a prefix of its hash does not help to forge one.
 */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
