import { DEVELOPMENT_GATEWAY_IDENTITY_KEYS, GatewayIdentitySigner, identityPlugin } from '@platform/identity';
import { uniqueName } from '@platform/testing';
import { startAuthApp, type AuthApp } from './auth-app.spec-helper';

const gateway = new GatewayIdentitySigner(DEVELOPMENT_GATEWAY_IDENTITY_KEYS.signingKey);
const from = (clientIp: string) => identityPlugin(gateway, 'auth', undefined, clientIp);
const body = () => ({ email: `${uniqueName('nobody')}@example.com`, password: 'not the right password' });

describe('auth-service and the client address', () => {
  let auth: AuthApp;

  beforeAll(async () => {
    auth = await startAuthApp({ AUTH_LOGIN_MAX_FAILURES_PER_IP: '2' });
  });

  afterAll(async () => {
    await auth?.close();
  });

  it('refuses a login that did not come through the gateway', async () => {
    const res = await auth.direct().post('/auth/login').send(body()).expect(401);
    expect(res.body.code).toBe('IDENTITY.UNTRUSTED_HEADERS');
  });

  it('throttles per client address as the gateway asserted it, not per X-Forwarded-For', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await auth
        .http()
        .post('/auth/login')
        .use(from('203.0.113.10'))
        .set('x-forwarded-for', `198.51.100.${i}`)
        .send(body());
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 429]);
    // Another client, behind the same gateway, is not locked out by the first one.
    await auth.http().post('/auth/login').use(from('203.0.113.11')).send(body()).expect(401);
  });
});
