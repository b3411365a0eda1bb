// Upstreams serve only what the gateway forwarded: the identity it mints per request (Ed25519,
// bound to the upstream, method and path), never headers signed with a secret a reader of this
// repository knows, never a request that bypassed the gateway.
import {
  DEVELOPMENT_GATEWAY_IDENTITY_KEYS,
  GATEWAY_IDENTITY_HEADER,
  GatewayIdentitySigner,
} from '@platform/identity';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { startSystem, type AppName, type RunningSystem } from '../whole-system.spec-helper';

/** The default of GATEWAY_IDENTITY_SECRET before the gateway minted identities: public, in the repository's history. */
const FORMER_PUBLIC_SECRET = 'local-dev-identity-secret-change-me-0123456789';

function formerIdentityHeaders(userId: string, roles: string): Record<string, string> {
  const issuedAt = String(Date.now());
  const signature = createHmac('sha256', FORMER_PUBLIC_SECRET)
    .update(`${userId}\n${roles}\n${issuedAt}`)
    .digest('base64url');
  return {
    'x-user-id': userId,
    'x-user-roles': roles,
    'x-identity-issued-at': issuedAt,
    'x-identity-signature': signature,
  };
}

/** An authenticated route of each upstream, as the gateway forwards it. */
const ROUTES: [AppName, string, string][] = [
  ['order-service', 'orders', '/orders'],
  ['notification-service', 'notifications', '/notifications'],
  ['analytics-ingest', 'analytics', '/analytics/event-counts'],
  ['dlq-consumer', 'dlq', '/admin/dlq/messages'],
  ['auth-service', 'auth', '/users/someone'],
];

describe('security: service identity (built apps, real servers)', () => {
  let system: RunningSystem;
  // The system runs under NODE_ENV=test, so its upstreams trust the development key pair: a test
  // can mint exactly what the gateway would, and show what the upstream does with it.
  const gateway = new GatewayIdentitySigner(DEVELOPMENT_GATEWAY_IDENTITY_KEYS.signingKey);
  const admin = (aud: string, htm: string, htu: string) =>
    gateway.mint({ sub: 'an-admin', roles: ['customer', 'staff', 'admin'], ip: '127.0.0.1', aud, htm, htu });

  beforeAll(async () => {
    system = await startSystem();
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  });

  it.each(ROUTES)(
    '%s refuses identity headers signed with the former public secret',
    async (app, _aud, path) => {
      const res = await fetch(`${system.apps[app].url}${path}`, {
        headers: formerIdentityHeaders('an-admin', 'admin'),
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'IDENTITY.UNTRUSTED_HEADERS' });
    },
  );

  it('refuses a sign-in that did not come through the gateway', async () => {
    const res = await fetch(`${system.apps['auth-service'].url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.1' },
      body: JSON.stringify({ email: 'someone@example.com', password: 'a long enough password' }),
    });
    expect(res.status).toBe(401);
  });

  it('serves a gateway identity on its own route, and refuses it replayed on another route or service', async () => {
    const token = admin('orders', 'GET', '/orders');
    const own = await fetch(`${system.apps['order-service'].url}/orders?limit=1`, {
      headers: { [GATEWAY_IDENTITY_HEADER]: token },
    });
    expect(own.status).toBe(200);
    const otherRoute = await fetch(`${system.apps['order-service'].url}/orders/some-order`, {
      headers: { [GATEWAY_IDENTITY_HEADER]: token },
    });
    expect(otherRoute.status).toBe(401);
    const otherMethod = await fetch(`${system.apps['order-service'].url}/orders`, {
      method: 'POST',
      headers: { [GATEWAY_IDENTITY_HEADER]: token, 'content-type': 'application/json' },
      body: JSON.stringify({ lines: [{ sku: 'BOOK-1', quantity: 1 }] }),
    });
    expect(otherMethod.status).toBe(401);
    const otherService = await fetch(`${system.apps['notification-service'].url}/orders`, {
      headers: { [GATEWAY_IDENTITY_HEADER]: token },
    });
    expect(otherService.status).not.toBe(200);
  });

  it('refuses an identity minted with a key the upstreams do not trust', async () => {
    const stranger = new GatewayIdentitySigner(
      generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    );
    const forged = stranger.mint({
      sub: 'x',
      roles: ['admin'],
      ip: '127.0.0.1',
      aud: 'dlq',
      htm: 'GET',
      htu: '/admin/dlq/messages',
    });
    const res = await fetch(`${system.apps['dlq-consumer'].url}/admin/dlq/messages`, {
      headers: { [GATEWAY_IDENTITY_HEADER]: forged },
    });
    expect(res.status).toBe(401);
  });

  it('answers ill-formed text in paths and queries with a 4xx at every route, never a 5xx', async () => {
    const user = await system.register();
    const admin = await system.signInAdmin();
    const bad = [
      '%ED%A0%80',
      '%00',
      '%E2%80%AE',
      '%F0%9F%98%80',
      'x'.repeat(4_000),
      '%ZZ',
      '%C0%AF',
      '..%2F..%2Fetc',
    ];
    const paths = [
      '/orders/{}',
      '/orders?cursor={}',
      '/orders?limit={}',
      '/orders/{}/cancel',
      '/notifications/{}',
      '/notifications?cursor={}',
      '/admin/dlq/messages/{}',
      '/admin/dlq/messages?topic={}',
      '/analytics/revenue?from={}',
      '/users/{}',
    ];
    const answers: string[] = [];
    for (const path of paths) {
      for (const value of bad) {
        const url = path.replace('{}', value);
        const method = url.endsWith('/cancel') ? 'POST' : 'GET';
        const token =
          url.startsWith('/orders') || url.startsWith('/notifications') ? user.token : admin.token;
        const res = await system.call(url, { method, token, ...(method === 'POST' ? { body: {} } : {}) });
        if (res.status >= 500)
          answers.push(`${method} ${url.slice(0, 80)}: ${res.status} ${(await res.text()).slice(0, 200)}`);
      }
    }
    expect(answers).toEqual([]);
  });
});
