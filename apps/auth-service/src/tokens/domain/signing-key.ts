import { createPrivateKey, createPublicKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

/** A key pair ready to sign and verify, with its public half as a JWK for the JWKS. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: Record<string, string>;
  createdAt: Date;
  retiredAt: Date | null;
}

/** A new RS256 key (2048-bit RSA) with a random kid. */
export async function generateSigningKey(now = new Date()): Promise<SigningKey & { privatePem: string }> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const kid = randomBytes(12).toString('base64url');
  return {
    kid,
    privateKey,
    publicKey,
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicJwk: publicJwkOf(publicKey, kid),
    createdAt: now,
    retiredAt: null,
  };
}

/**
 * The JWK of a public key as the gateway's JWKS client expects it. Node's own export gives the
 * same `n`/`e` as jose's exportJWK; jose 6 is ESM-only, which the CommonJS test runner cannot load.
 */
export function publicJwkOf(publicKey: KeyObject, kid: string): Record<string, string> {
  const { kty, n, e } = publicKey.export({ format: 'jwk' });
  if (kty !== 'RSA' || !n || !e) throw new Error(`key ${kid} is not an RSA public key`);
  return { kty, n, e, kid, alg: 'RS256', use: 'sig' };
}

/** A stored key back to usable key objects. */
export function signingKeyFromPem(row: {
  kid: string;
  privatePem: string;
  createdAt: Date;
  retiredAt: Date | null;
}): SigningKey {
  const privateKey = createPrivateKey(row.privatePem);
  const publicKey = createPublicKey(privateKey);
  return {
    kid: row.kid,
    privateKey,
    publicKey,
    publicJwk: publicJwkOf(publicKey, row.kid),
    createdAt: row.createdAt,
    retiredAt: row.retiredAt,
  };
}
