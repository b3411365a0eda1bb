import { accessTokenClaimsSchema } from '@platform/identity';
import { kidOf, signAccessToken, verifyAccessToken } from './access-token.codec';
import { generateSigningKey } from '../domain/signing-key';

describe('access token codec', () => {
  const subject = { userId: 'user-1', roles: ['customer' as const], familyId: 'family-1' };

  it('signs the claims the gateway expects, with the key id in the header', async () => {
    const key = await generateSigningKey();
    const token = signAccessToken(key, subject, 900);
    const claims = verifyAccessToken(token, key);

    expect(kidOf(token)).toBe(key.kid);
    expect(accessTokenClaimsSchema.parse(claims)).toMatchObject({
      sub: 'user-1',
      roles: ['customer'],
      sid: 'family-1',
      iss: 'auth-service',
      aud: 'platform',
    });
    expect(claims.exp - claims.iat).toBe(900);
    const [header = ''] = token.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({ alg: 'RS256' });
  });

  it('may date a token up to a second ahead (after a role change) and keeps its lifetime from then', async () => {
    const key = await generateSigningKey();
    const ahead = Math.floor(Date.now() / 1000) + 1;
    const claims = verifyAccessToken(signAccessToken(key, subject, 900, ahead), key);
    expect(claims.iat).toBe(ahead);
    expect(claims.exp).toBe(ahead + 900);
  });

  it('refuses a token signed by another key', async () => {
    const [signer, other] = await Promise.all([generateSigningKey(), generateSigningKey()]);
    expect(() => verifyAccessToken(signAccessToken(signer, subject, 900), other)).toThrow(/signature/);
  });

  it('refuses an expired token', async () => {
    const key = await generateSigningKey();
    expect(() => verifyAccessToken(signAccessToken(key, subject, -10), key)).toThrow(/expired/);
  });

  it('refuses an unsigned token (alg none)', async () => {
    const key = await generateSigningKey();
    const [, payload] = signAccessToken(key, subject, 900).split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    expect(() => verifyAccessToken(none, key)).toThrow();
  });
});
