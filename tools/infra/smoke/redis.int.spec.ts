import Redis from 'ioredis';
import { infraEnv, reach, uniqueName } from '@platform/testing';

describe('Redis', () => {
  const prefix = uniqueName('smoke');
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(infraEnv.redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    await reach('Redis', infraEnv.redisUrl, () => redis.connect());
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('expires keys on their TTL', async () => {
    await redis.set(`${prefix}:token`, 'revoked', 'PX', 60_000);
    expect(await redis.get(`${prefix}:token`)).toBe('revoked');
    const ttl = await redis.pttl(`${prefix}:token`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('runs a Lua script atomically (the shape of a fixed-window rate limit)', async () => {
    const script = `
      local n = redis.call('INCR', KEYS[1])
      if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
      return n`;
    const key = `${prefix}:limit`;
    const counts = await Promise.all(Array.from({ length: 5 }, () => redis.eval(script, 1, key, '60000')));
    expect([...counts].sort()).toEqual([1, 2, 3, 4, 5]);
  });
});
