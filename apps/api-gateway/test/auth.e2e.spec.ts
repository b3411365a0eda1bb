import {
  DEVELOPMENT_GATEWAY_IDENTITY_KEYS,
  GATEWAY_IDENTITY_HEADER,
  GatewayIdentityVerifier,
  RevocationKeys,
} from '@platform/identity';
import { eventually } from '@platform/testing';
import type Redis from 'ioredis';
import { base64url, exportSPKI, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import {
  connectRedis,
  deleteKeys,
  get,
  newSigningKey,
  rateLimitPrefix,
  type SigningKey,
  signToken,
  startAuthUpstream,
  startGateway,
  startUpstream,
  type TestGateway,
  type TestUpstream,
} from './gateway.spec-helper';

describe('api-gateway authentication', () => {
  let redis: Redis;
  let active: SigningKey;
  let rotatedOut: SigningKey;
  let auth: Awaited<ReturnType<typeof startAuthUpstream>>;
  let orders: TestUpstream;
  let dlq: TestUpstream;
  let gateway: TestGateway;
  const prefix = rateLimitPrefix();
  const revocationKeys: string[] = [];

  beforeAll(async () => {
    redis = await connectRedis();
    [active, rotatedOut] = await Promise.all([newSigningKey(), newSigningKey()]);
    auth = await startAuthUpstream([active]);
    orders = await startUpstream();
    dlq = await startUpstream();
    gateway = await startGateway({
      AUTH_SERVICE_URL: auth.url,
      ORDER_SERVICE_URL: orders.url,
      DLQ_SERVICE_URL: dlq.url,
      GATEWAY_RATE_LIMIT_PREFIX: prefix,
      GATEWAY_JWKS_MIN_REFETCH_MS: '1500',
      // Every request asks Redis: these tests are about what the revocation list says, at once.
      // The cache in front of it has its own suite (revocation-cache.e2e.spec.ts).
      GATEWAY_REVOCATION_CACHE_MS: '0',
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([auth?.close(), orders?.close(), dlq?.close()]);
    await deleteKeys(redis, prefix);
    if (revocationKeys.length) await redis.del(...revocationKeys);
    redis?.disconnect();
  });

  async function expectInvalidToken(res: Response, reason: RegExp) {
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({
      status: 401,
      code: 'GATEWAY.UNAUTHENTICATED',
      detail: expect.stringMatching(reason),
    });
  }

  it('forwards an authenticated request with an identity minted for that upstream and route, replacing a forged one', async () => {
    const token = await signToken(active, { sub: 'user-42', roles: ['customer'] });
    const res = await get(`${gateway.url}/orders/7?expand=lines`, token, {
      [GATEWAY_IDENTITY_HEADER]: 'forged',
      'x-user-id': 'admin',
    });
    expect(res.status).toBe(200);
    const seen = orders.seen.at(-1);
    expect(seen?.url).toBe('/orders/7?expand=lines');
    expect(seen?.headers.authorization).toBe(`Bearer ${token}`);
    const upstream = new GatewayIdentityVerifier(DEVELOPMENT_GATEWAY_IDENTITY_KEYS.publicKey, 'orders');
    expect(upstream.verify(seen?.headers[GATEWAY_IDENTITY_HEADER], 'GET', '/orders/7').caller).toEqual({
      userId: 'user-42',
      roles: ['customer'],
      clientIp: '127.0.0.1',
    });
    expect(seen?.headers['x-user-id']).toBeUndefined();
    expect(seen?.headers['x-correlation-id']).toBe(res.headers.get('x-correlation-id'));
    expect(seen?.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen?.headers['x-forwarded-proto']).toBe('http');
  });

  it('refuses a request without a token', async () => {
    await expectInvalidToken(await get(`${gateway.url}/orders`), /missing/);
  });

  it('refuses an expired token', async () => {
    const token = await signToken(active, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    await expectInvalidToken(await get(`${gateway.url}/orders`, token), /expired/);
  });

  it('refuses a malformed token', async () => {
    await expectInvalidToken(await get(`${gateway.url}/orders`, 'not.a.jwt'), /malformed/);
  });

  it('refuses a token whose signature was made with another key under a published kid', async () => {
    const impostor = await newSigningKey(active.kid);
    await expectInvalidToken(await get(`${gateway.url}/orders`, await signToken(impostor)), /bad signature/);
  });

  it('refuses an unsigned token (alg none)', async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const valid = await signToken(active);
    const payload = valid.split('.')[1];
    await expectInvalidToken(
      await get(`${gateway.url}/orders`, `${header}.${payload}.`),
      /alg not allowed|malformed/,
    );
  });

  it('refuses an HS256 token keyed with the public key (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(await exportSPKI(active.publicKey));
    const token = await new SignJWT({ roles: ['admin'], sid: 's', jti: 'j' })
      .setProtectedHeader({ alg: 'HS256', kid: active.kid })
      .setSubject('attacker')
      .setIssuer('auth-service')
      .setAudience('platform')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secret);
    await expectInvalidToken(await get(`${gateway.url}/admin/dlq/messages`, token), /alg not allowed/);
    expect(dlq.seen).toHaveLength(0);
  });

  it('refuses a token signed by a key rotated out of the JWKS', async () => {
    await expectInvalidToken(await get(`${gateway.url}/orders`, await signToken(rotatedOut)), /unknown kid/);
  });

  it('refetches the JWKS once for a new kid and not again for a flood of made-up kids', async () => {
    const rotatedIn = await newSigningKey();
    auth.state.keys = [active, rotatedIn];
    const token = await signToken(rotatedIn);
    const bogus = await Promise.all(Array.from({ length: 20 }, async () => signToken(await newSigningKey())));
    const before = auth.state.jwksFetches;
    // Within the minimum refetch interval of an earlier fetch the kid stays unknown: poll past it.
    await eventually(async () => expect((await get(`${gateway.url}/orders`, token)).status).toBe(200), {
      timeoutMs: 5_000,
    });
    expect(auth.state.jwksFetches).toBe(before + 1);
    const statuses = await Promise.all(
      bogus.map(async (t) => (await get(`${gateway.url}/orders`, t)).status),
    );
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect(auth.state.jwksFetches).toBe(before + 1);
  });

  it('refuses the tokens of a revoked family within a second of the revocation', async () => {
    const sid = randomUUID();
    const token = await signToken(active, { sid });
    expect((await get(`${gateway.url}/orders`, token)).status).toBe(200);
    revocationKeys.push(RevocationKeys.family(sid));
    await redis.set(RevocationKeys.family(sid), '1', 'EX', 60);
    await eventually(async () => expect((await get(`${gateway.url}/orders`, token)).status).toBe(401), {
      timeoutMs: 1_000,
      intervalMs: 20,
    });
    await expectInvalidToken(await get(`${gateway.url}/orders`, token), /revoked/);
  });

  it('refuses a single revoked access token', async () => {
    const jti = randomUUID();
    revocationKeys.push(RevocationKeys.token(jti));
    await redis.set(RevocationKeys.token(jti), '1', 'EX', 60);
    await expectInvalidToken(await get(`${gateway.url}/orders`, await signToken(active, { jti })), /revoked/);
  });

  it("refuses a user's tokens dated before the last change of their roles, and serves later ones", async () => {
    const sub = `user-${randomUUID()}`;
    const token = await signToken(active, { sub });
    const now = Math.floor(Date.now() / 1000);
    revocationKeys.push(RevocationKeys.user(sub));
    await redis.set(RevocationKeys.user(sub), String(now - 5), 'EX', 60);
    expect((await get(`${gateway.url}/orders`, token)).status).toBe(200);
    await redis.set(RevocationKeys.user(sub), String(now + 1), 'EX', 60);
    await expectInvalidToken(await get(`${gateway.url}/orders`, token), /revoked/);
    expect((await get(`${gateway.url}/orders`, await signToken(active))).status).toBe(200);
  });

  it('forbids admin routes to a customer and serves them to an admin', async () => {
    const customer = await get(
      `${gateway.url}/admin/dlq/messages`,
      await signToken(active, { roles: ['customer'] }),
    );
    expect(customer.status).toBe(403);
    expect(await customer.json()).toMatchObject({ code: 'GATEWAY.FORBIDDEN' });
    expect(dlq.seen).toHaveLength(0);
    const admin = await get(
      `${gateway.url}/admin/dlq/messages`,
      await signToken(active, { roles: ['admin'] }),
    );
    expect(admin.status).toBe(200);
    expect(dlq.seen).toHaveLength(1);
  });

  it('serves public routes without a token, with an anonymous identity that carries only the client address', async () => {
    const res = await get(`${gateway.url}/.well-known/jwks.json`, undefined, {
      [GATEWAY_IDENTITY_HEADER]: 'forged',
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
    const body = '{"email":"a@b.c","password":"x"}';
    const login = await fetch(`${gateway.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [GATEWAY_IDENTITY_HEADER]: 'forged' },
      body,
    });
    expect(login.status).toBe(200);
    const seen = auth.seen.at(-1);
    expect(seen?.bytes).toBe(Buffer.byteLength(body));
    const upstream = new GatewayIdentityVerifier(DEVELOPMENT_GATEWAY_IDENTITY_KEYS.publicKey, 'auth');
    expect(upstream.verify(seen?.headers[GATEWAY_IDENTITY_HEADER], 'POST', '/auth/login')).toEqual({
      clientIp: '127.0.0.1',
    });
  });

  it('fails closed with 503 and Retry-After when Redis cannot answer a revocation check', async () => {
    const cut = await startGateway({
      AUTH_SERVICE_URL: auth.url,
      ORDER_SERVICE_URL: orders.url,
      REDIS_URL: 'redis://127.0.0.1:1',
      GATEWAY_RATE_LIMIT_PREFIX: prefix,
    });
    try {
      const res = await get(`${cut.url}/orders`, await signToken(active));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toMatchObject({ code: 'GATEWAY.AUTH_UNAVAILABLE' });
      // Rate limiting degrades open: a public route is still served, without RateLimit headers.
      const jwks = await get(`${cut.url}/.well-known/jwks.json`);
      expect(jwks.status).toBe(200);
      expect(jwks.headers.get('ratelimit-limit')).toBeNull();
    } finally {
      await cut.close();
    }
  });
});
