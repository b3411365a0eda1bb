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
});
