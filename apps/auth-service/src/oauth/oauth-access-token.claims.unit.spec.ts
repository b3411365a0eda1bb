import { accessTokenClaimsSchema } from '@platform/identity';
import { oauthAccessTokenClaims, sessionIdOfGrant } from './oauth-access-token.claims';

describe('claims of an OAuth access token', () => {
  const payload = {
    jti: 'V1StGXR8_Z5jdHi6B-myT',
    sub: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    client_id: 'mcp-client-1',
    aud: 'https://api.example.com/mcp',
    iat: 1_800_000_000,
    exp: 1_800_003_600,
    scope: 'offline_access',
    iss: 'https://api.example.com',
  };
  const grant = { grantId: 'grant-1', roles: ['customer' as const], issuedAt: 0, ttlSeconds: 900 };

  it('are the claims the gateway verifies, with the client and the resource it asked for', () => {
    const claims = oauthAccessTokenClaims(payload, grant);
    expect(accessTokenClaimsSchema.parse(claims)).toEqual({
      sub: payload.sub,
      roles: ['customer'],
      sid: sessionIdOfGrant('grant-1'),
      jti: payload.jti,
      iss: 'auth-service',
      aud: ['platform', 'https://api.example.com/mcp'],
      iat: 1_800_000_000,
      exp: 1_800_000_900,
      client_id: 'mcp-client-1',
    });
    expect(claims.scope).toBe('offline_access');
  });

  it("are dated at the user's last role change when that is later, and live the access-token lifetime from then", () => {
    const claims = oauthAccessTokenClaims(payload, { ...grant, issuedAt: 1_800_000_002 });
    expect([claims.iat, claims.exp]).toEqual([1_800_000_002, 1_800_000_902]);
  });

  it('name the platform once when the resource is the platform itself', () => {
    expect(oauthAccessTokenClaims({ ...payload, aud: ['platform'] }, grant).aud).toEqual(['platform']);
  });

  it('carry one session id per grant, a UUID as refresh families have', () => {
    expect(sessionIdOfGrant('grant-1')).toBe(sessionIdOfGrant('grant-1'));
    expect(sessionIdOfGrant('grant-2')).not.toBe(sessionIdOfGrant('grant-1'));
    expect(sessionIdOfGrant('grant-1')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
