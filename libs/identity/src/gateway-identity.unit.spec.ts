import crypto from 'node:crypto';
import { generateKeyPairSync } from 'node:crypto';
import { DEVELOPMENT_GATEWAY_IDENTITY_KEYS } from './development-keys';
import {
  GATEWAY_IDENTITY_HEADER,
  GatewayIdentitySigner,
  GatewayIdentityVerifier,
  IdentityHeaderError,
  identityPlugin,
  stripIdentityHeaders,
} from './gateway-identity';

const { signingKey, publicKey } = DEVELOPMENT_GATEWAY_IDENTITY_KEYS;
const signer = new GatewayIdentitySigner(signingKey);
const orders = new GatewayIdentityVerifier([publicKey], 'orders');
const now = 1_800_000_000_000;
const assertion = {
  sub: 'u1',
  roles: ['customer'],
  ip: '203.0.113.7',
  aud: 'orders',
  htm: 'POST',
  htu: '/orders/o-1/cancel',
};

function otherPair() {
  const pair = generateKeyPairSync('ed25519');
  return {
    signing: pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    public: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

describe('gateway identity', () => {
  it('carries the caller and the client address from the gateway to the service it was minted for', () => {
    const token = signer.mint(assertion, now);
    expect(orders.verify(token, 'POST', '/orders/o-1/cancel?x=1', now + 1_000)).toEqual({
      caller: { userId: 'u1', roles: ['customer'], clientIp: '203.0.113.7' },
      clientIp: '203.0.113.7',
    });
  });

  it('carries an anonymous request with its client address only', () => {
    const token = signer.mint({ ip: '198.51.100.1', aud: 'orders', htm: 'GET', htu: '/x' }, now);
    expect(orders.verify(token, 'GET', '/x', now)).toEqual({ clientIp: '198.51.100.1' });
  });

  it('refuses a token minted for another service, method or path', () => {
    const token = signer.mint(assertion, now);
    const auth = new GatewayIdentityVerifier([publicKey], 'auth');
    expect(() => auth.verify(token, 'POST', '/orders/o-1/cancel', now)).toThrow(/another service or route/);
    expect(() => orders.verify(token, 'GET', '/orders/o-1/cancel', now)).toThrow(/another service or route/);
    expect(() => orders.verify(token, 'POST', '/orders/o-2/cancel', now)).toThrow(/another service or route/);
  });

  it('refuses a token signed with a key the service does not trust', () => {
    const forged = new GatewayIdentitySigner(otherPair().signing).mint(assertion, now);
    expect(() => orders.verify(forged, 'POST', assertion.htu, now)).toThrow(IdentityHeaderError);
  });

  it('refuses a token whose roles were edited after signing', () => {
    const [header, , signature] = signer.mint(assertion, now).split('.');
    const payload = Buffer.from(
      JSON.stringify({ ...assertion, roles: ['admin'], iat: now / 1000, exp: now / 1000 + 30 }),
    ).toString('base64url');
    expect(() => orders.verify(`${header}.${payload}.${signature}`, 'POST', assertion.htu, now)).toThrow(
      /not signed by a trusted gateway key/,
    );
  });

  it('carries the OAuth client the user signed in with, and no client id when there is none', () => {
    const token = signer.mint({ ...assertion, cid: 'mcp-inspector' }, now);
    expect(orders.verify(token, 'POST', assertion.htu, now).caller).toEqual({
      userId: 'u1',
      roles: ['customer'],
      clientIp: '203.0.113.7',
      clientId: 'mcp-inspector',
    });
    const plain = orders.verify(signer.mint(assertion, now), 'POST', assertion.htu, now).caller;
    expect(plain).not.toHaveProperty('clientId');
  });

  it('refuses a token whose client id was added or changed after signing', () => {
    for (const minted of [assertion, { ...assertion, cid: 'mcp-inspector' }]) {
      const [header, , signature] = signer.mint(minted, now).split('.');
      const payload = Buffer.from(
        JSON.stringify({ ...minted, cid: 'forged-client', iat: now / 1000, exp: now / 1000 + 30 }),
      ).toString('base64url');
      expect(() => orders.verify(`${header}.${payload}.${signature}`, 'POST', assertion.htu, now)).toThrow(
        /not signed by a trusted gateway key/,
      );
    }
  });

  it('refuses a signed client id that is not a string', () => {
    const token = signer.mint({ ...assertion, cid: 42 as unknown as string }, now);
    expect(() => orders.verify(token, 'POST', assertion.htu, now)).toThrow(/malformed/);
  });

  it('signs a test request for a caller with a client id', () => {
    const headers: Record<string, string> = {};
    identityPlugin(signer, 'orders', { userId: 'u1', roles: [], clientId: 'agent-1' })({
      method: 'post',
      url: '/orders',
      set: (field: string, value: string) => (headers[field] = value),
    });
    expect(orders.verify(headers[GATEWAY_IDENTITY_HEADER], 'POST', '/orders').caller?.clientId).toBe(
      'agent-1',
    );
  });

  it('refuses an unsigned (alg none) token', () => {
    const header = Buffer.from(
      JSON.stringify({ alg: 'none', typ: 'gateway-identity+jwt', kid: signer.keyId }),
    ).toString('base64url');
    const payload = signer.mint(assertion, now).split('.')[1];
    expect(() => orders.verify(`${header}.${payload}.x`, 'POST', assertion.htu, now)).toThrow(
      IdentityHeaderError,
    );
  });

  it('refuses a replayed capture after its lifetime', () => {
    const token = signer.mint(assertion, now);
    expect(() => orders.verify(token, 'POST', assertion.htu, now + 36_000)).toThrow(/expired/);
  });

  it('refuses missing or malformed tokens', () => {
    expect(() => orders.verify(undefined, 'GET', '/', now)).toThrow(/missing/);
    expect(() => orders.verify('a.b', 'GET', '/', now)).toThrow(/malformed/);
    expect(() => orders.verify(['a', 'b'], 'GET', '/', now)).toThrow(/missing/);
    expect(() => orders.verify('%%%.###.$$$', 'GET', '/', now)).toThrow(IdentityHeaderError);
  });

  it('trusts the old and the new key during a rotation', () => {
    const next = otherPair();
    const both = new GatewayIdentityVerifier(`${publicKey},${next.public}`, 'orders');
    for (const key of [signingKey, next.signing]) {
      const token = new GatewayIdentitySigner(key).mint(assertion, now);
      expect(both.verify(token, 'POST', assertion.htu, now).caller?.userId).toBe('u1');
    }
  });

  it('refuses keys that are not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = rsa.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(() => new GatewayIdentityVerifier([der], 'orders')).toThrow(/must be Ed25519/);
  });

  it('strips what a client sent as its identity', () => {
    const incoming: Record<string, unknown> = {
      [GATEWAY_IDENTITY_HEADER]: 'forged',
      'x-user-id': 'admin',
      accept: '*/*',
    };
    stripIdentityHeaders(incoming);
    expect(incoming).toEqual({ accept: '*/*' });
  });

  it('signs a test request for the method and path it is sent with', () => {
    const headers: Record<string, string> = {};
    identityPlugin(signer, 'orders', { userId: 'u1', roles: [] })({
      method: 'get',
      url: 'http://127.0.0.1:4000/orders?limit=5',
      set: (field: string, value: string) => (headers[field] = value),
    });
    expect(orders.verify(headers[GATEWAY_IDENTITY_HEADER], 'GET', '/orders').caller?.userId).toBe('u1');
  });

  it('signs the same assertion once per second, and again from the next second on', () => {
    const fresh = new GatewayIdentitySigner(signingKey);
    const signs = jest.spyOn(crypto, 'sign');
    const first = fresh.mint(assertion, now);
    expect(fresh.mint(assertion, now + 999)).toBe(first);
    expect(signs).toHaveBeenCalledTimes(1);
    expect(fresh.mint({ ...assertion, htu: '/orders/o-2/cancel' }, now)).not.toBe(first);
    const nextSecond = fresh.mint(assertion, now + 1_000);
    expect(nextSecond).not.toBe(first);
    expect(signs).toHaveBeenCalledTimes(3);
    expect(orders.verify(nextSecond, 'POST', '/orders/o-1/cancel', now + 1_000).caller?.userId).toBe('u1');
    signs.mockRestore();
  });
});
