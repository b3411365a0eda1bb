import type Redis from 'ioredis';
import {
  connectRedis,
  deleteKeys,
  get,
  newSigningKey,
  rateLimitPrefix,
  signToken,
  startAuthUpstream,
  startGateway,
  startUpstream,
  type TestGateway,
  type TestUpstream,
} from './gateway.spec-helper';

describe('api-gateway rate limiting', () => {
  let redis: Redis;
  let auth: Awaited<ReturnType<typeof startAuthUpstream>>;
  let orders: TestUpstream;
  const gateways: TestGateway[] = [];
  const prefix = rateLimitPrefix();

  beforeAll(async () => {
    redis = await connectRedis();
    auth = await startAuthUpstream([await newSigningKey()]);
    orders = await startUpstream();
    // Two instances sharing one Redis key space, as behind a load balancer.
    for (let i = 0; i < 2; i += 1) {
      gateways.push(
        await startGateway({
          AUTH_SERVICE_URL: auth.url,
          ORDER_SERVICE_URL: orders.url,
          GATEWAY_RATE_LIMIT_PREFIX: prefix,
          GATEWAY_RATE_LIMITS: 'standard=6/60,auth=3/60',
        }),
      );
    }
  });

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await Promise.all([auth?.close(), orders?.close()]);
    await deleteKeys(redis, prefix);
    redis?.disconnect();
  });

  it('counts a user across two gateway instances and answers 429 with Retry-After past the limit', async () => {
    const token = await signToken(auth.state.keys[0] as Awaited<ReturnType<typeof newSigningKey>>);
    const remaining: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const res = await get(`${gateways[i % 2]?.url}/orders`, token);
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe('6');
      expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
      remaining.push(Number(res.headers.get('ratelimit-remaining')));
    }
    expect(remaining).toEqual([5, 4, 3, 2, 1, 0]);
    const refused = await get(`${gateways[1]?.url}/orders`, token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await refused.json()).toMatchObject({ status: 429, code: 'GATEWAY.RATE_LIMITED' });
    expect(orders.seen).toHaveLength(6);
  });

  it('keeps separate buckets per user', async () => {
    const key = auth.state.keys[0] as Awaited<ReturnType<typeof newSigningKey>>;
    const res = await get(`${gateways[0]?.url}/orders`, await signToken(key));
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-remaining')).toBe('5');
  });

  it('limits anonymous callers per IP with the route class', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push(
        (await fetch(`${gateways[i % 2]?.url}/auth/login`, { method: 'POST', body: '{}' })).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(await redis.keys(`${prefix}auth:ip:*`)).toHaveLength(1);
  });

  it('counts requests with an invalid token against the client address, so guessing tokens is limited too', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      statuses.push((await get(`${gateways[i % 2]?.url}/orders`, 'not.a.token')).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
  });

  it('believes X-Forwarded-For only from a trusted proxy', async () => {
    const behindProxy = `${prefix}proxied:`;
    const direct = await startGateway({
      AUTH_SERVICE_URL: auth.url,
      ORDER_SERVICE_URL: orders.url,
      GATEWAY_RATE_LIMIT_PREFIX: `${prefix}direct:`,
    });
    const proxied = await startGateway({
      AUTH_SERVICE_URL: auth.url,
      ORDER_SERVICE_URL: orders.url,
      GATEWAY_RATE_LIMIT_PREFIX: behindProxy,
      GATEWAY_TRUSTED_PROXIES: '127.0.0.1/32',
    });
    try {
      const login = (gateway: TestGateway, forwardedFor: string) =>
        fetch(`${gateway.url}/auth/login`, {
          method: 'POST',
          body: '{}',
          headers: { 'x-forwarded-for': forwardedFor },
        });
      await login(direct, '203.0.113.1');
      await login(direct, '203.0.113.2');
      expect((await redis.keys(`${prefix}direct:auth:ip:*`)).sort()).toEqual([
        `${prefix}direct:auth:ip:127.0.0.1`,
      ]);
      await login(proxied, '203.0.113.1');
      await login(proxied, '6.6.6.6, 203.0.113.2');
      expect((await redis.keys(`${behindProxy}auth:ip:*`)).sort()).toEqual([
        `${behindProxy}auth:ip:203.0.113.1`,
        `${behindProxy}auth:ip:203.0.113.2`,
      ]);
    } finally {
      await Promise.all([direct.close(), proxied.close()]);
    }
  });

  it('limits all the users of one client address together, at a multiple of the class limit', async () => {
    const gateway = await startGateway({
      AUTH_SERVICE_URL: auth.url,
      ORDER_SERVICE_URL: orders.url,
      GATEWAY_RATE_LIMIT_PREFIX: `${prefix}shared:`,
      GATEWAY_RATE_LIMITS: 'standard=2/60,auth=3/60',
      GATEWAY_RATE_LIMIT_IP_MULTIPLIER: '2',
    });
    try {
      const key = auth.state.keys[0] as Awaited<ReturnType<typeof newSigningKey>>;
      const statuses: number[] = [];
      for (let user = 0; user < 3; user += 1) {
        const token = await signToken(key, { sub: `user-${user}` });
        for (let i = 0; i < 2; i += 1) statuses.push((await get(`${gateway.url}/orders`, token)).status);
      }
      // Each user may make 2, the address 4 in all: the third user is refused although its own bucket is full.
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      await gateway.close();
    }
  });
});
