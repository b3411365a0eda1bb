import {
  IdentityHeaderError,
  IdentityHeaders,
  signIdentity,
  stripIdentityHeaders,
  verifyIdentity,
} from './identity-headers';

const secret = 'gateway-secret-for-tests-only-32-bytes!';

describe('identity headers', () => {
  it('carries the caller from the gateway to a service', () => {
    const headers = signIdentity({ userId: 'u1', roles: ['customer', 'admin'] }, secret, 1_000);
    expect(verifyIdentity(headers, secret, { now: 2_000 })).toEqual({
      userId: 'u1',
      roles: ['customer', 'admin'],
    });
  });

  it('refuses headers a client forged without the secret', () => {
    const forged = { ...signIdentity({ userId: 'u1', roles: ['customer'] }, 'guessed', 1_000) };
    expect(() => verifyIdentity(forged, secret, { now: 1_000 })).toThrow(IdentityHeaderError);
  });

  it('refuses a signed identity whose role was edited', () => {
    const headers = signIdentity({ userId: 'u1', roles: ['customer'] }, secret, 1_000);
    headers[IdentityHeaders.roles] = 'admin';
    expect(() => verifyIdentity(headers, secret, { now: 1_000 })).toThrow(/not signed by the gateway/);
  });

  it('refuses a replayed capture older than the allowed age', () => {
    const headers = signIdentity({ userId: 'u1', roles: [] }, secret, 1_000);
    expect(() => verifyIdentity(headers, secret, { now: 1_000 + 61_000 })).toThrow(/stale/);
  });

  it('refuses missing headers and strips client-sent ones', () => {
    expect(() => verifyIdentity({}, secret)).toThrow(/missing/);
    const incoming: Record<string, unknown> = { [IdentityHeaders.userId]: 'admin', accept: '*/*' };
    stripIdentityHeaders(incoming);
    expect(incoming).toEqual({ accept: '*/*' });
  });
});
