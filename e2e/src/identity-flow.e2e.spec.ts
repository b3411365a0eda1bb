import { Client } from 'pg';
import { eventually, infraEnv, uniqueName } from '@platform/testing';
import { freePort, startApp, type RunningApp } from './system.spec-helper';

// The identity story across the real processes: client -> api-gateway -> auth-service, with
// PostgreSQL, Redis and Kafka behind them.
describe('identity through the gateway (built apps, real servers)', () => {
  const database = uniqueName('e2e_auth');
  const databaseUrl = infraEnv.postgresUrl.replace(/\/[^/]*$/, `/${database}`);
  let auth: RunningApp;
  let gateway: RunningApp;

  beforeAll(async () => {
    const [authPort, gatewayPort] = [await freePort(), await freePort()];
    auth = await startApp('auth-service', authPort, {
      AUTH_HTTP_PORT: String(authPort),
      AUTH_DATABASE_URL: databaseUrl,
      AUTH_THROTTLE_KEY_PREFIX: uniqueName('e2e_throttle'),
    });
    gateway = await startApp('api-gateway', gatewayPort, {
      GATEWAY_HTTP_PORT: String(gatewayPort),
      AUTH_SERVICE_URL: auth.url,
      GATEWAY_RATE_LIMIT_PREFIX: `${uniqueName('e2e_rl')}:`,
    });
  });

  afterAll(async () => {
    const codes = await Promise.all([gateway?.stop(), auth?.stop()]);
    const admin = new Client({ connectionString: infraEnv.postgresUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    // Both drained and exited cleanly on SIGTERM.
    expect(codes).toEqual([0, 0]);
  });

  const call = (path: string, init: { method?: string; token?: string; body?: unknown } = {}) =>
    fetch(`${gateway.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  it('registers, logs in, calls a protected route, refreshes, logs out, and the old token is refused', async () => {
    const email = `${uniqueName('ada')}@example.com`;
    const password = 'correct horse battery staple';

    const registered = await call('/auth/register', { method: 'POST', body: { email, password } });
    expect({ status: registered.status, body: await registered.json() }).toMatchObject({
      status: 202,
      body: { status: 'accepted' },
    });

    const login = await call('/auth/login', { method: 'POST', body: { email, password } });
    expect(login.status).toBe(200);
    const tokens = (await login.json()) as { accessToken: string; refreshToken: string };

    const me = await call('/auth/me', { token: tokens.accessToken });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email });
    expect(me.headers.get('x-correlation-id')).toBeTruthy();

    const refreshed = await call('/auth/refresh', {
      method: 'POST',
      body: { refreshToken: tokens.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { accessToken: string; refreshToken: string };
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect((await call('/auth/me', { token: next.accessToken })).status).toBe(200);

    const logout = await call('/auth/logout', { method: 'POST', token: next.accessToken });
    expect(logout.status).toBe(204);

    // Refused at the gateway itself (revocation list in Redis), within a second of the logout.
    await eventually(
      async () => expect((await call('/auth/me', { token: next.accessToken })).status).toBe(401),
      {
        timeoutMs: 1_000,
        intervalMs: 50,
      },
    );
    // The token before the refresh, of the same session, too: the gateway may have trusted its
    // "not revoked" answer for up to GATEWAY_REVOCATION_CACHE_MS (auth-service refuses it meanwhile).
    await eventually(
      async () => {
        const refused = await call('/auth/me', { token: tokens.accessToken });
        expect(refused.status).toBe(401);
        expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
        expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
      },
      { timeoutMs: 1_000, intervalMs: 50 },
    );
  });

  it('refuses a protected route without a token, and answers bad input with 4xx problem+json', async () => {
    const anonymous = await call('/orders');
    expect(anonymous.status).toBe(401);

    const badBody = await call('/auth/register', {
      method: 'POST',
      body: { email: "x' OR 1=1 --", password: 'short' },
    });
    expect(badBody.status).toBe(400);
    expect(await badBody.json()).toMatchObject({ status: 400, code: 'AUTH.INVALID_BODY' });
  });

  it('publishes the gateway API description', async () => {
    const res = await call('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/auth/login', '/auth/register']));
  });
});
