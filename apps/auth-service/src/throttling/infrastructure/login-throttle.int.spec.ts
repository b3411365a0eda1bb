import { infraEnv, reach, uniqueName } from '@platform/testing';
import Redis from 'ioredis';
import { loadAuthServiceConfig } from '../../config/auth-service.config';
import { TooManyAttempts } from '../../errors/auth.errors';
import { LoginThrottle } from './login-throttle';

describe('LoginThrottle on a real Redis', () => {
  const prefix = uniqueName('throttle_int');
  const config = loadAuthServiceConfig({
    NODE_ENV: 'test',
    AUTH_THROTTLE_KEY_PREFIX: prefix,
    AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '5',
    AUTH_LOGIN_MAX_FAILURES_PER_IP: '7',
  });
  const redis = new Redis(infraEnv.redisUrl, { lazyConnect: true });
  const throttle = new LoginThrottle(redis, config);

  beforeAll(() => reach('Redis', infraEnv.redisUrl, () => redis.connect()));
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  async function attempts(n: number, email: string, ip: string) {
    const outcomes = await Promise.allSettled(
      Array.from({ length: n }, () => throttle.takeAttempt(email, ip)),
    );
    return {
      allowed: outcomes.filter((o) => o.status === 'fulfilled').length,
      refused: outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof TooManyAttempts).length,
    };
  }

  it('lets exactly 5 of 8 parallel attempts on one account through, counted before any password check', async () => {
    expect(await attempts(8, uniqueName('a'), uniqueName('ip'))).toEqual({ allowed: 5, refused: 3 });
  });

  it('limits an IP across accounts, and gives a successful attempt back to the IP', async () => {
    const ip = uniqueName('ip');
    for (let i = 0; i < 6; i++) await throttle.takeAttempt(uniqueName('a'), ip);
    const lucky = uniqueName('a');
    await throttle.takeAttempt(lucky, ip);
    await throttle.succeeded(lucky, ip);
    expect(await attempts(3, uniqueName('a'), ip)).toEqual({ allowed: 1, refused: 2 });
  });

  it('starts an account afresh after a success, and sets a window on every key it creates', async () => {
    const email = uniqueName('a');
    const ip = uniqueName('ip');
    for (let i = 0; i < 4; i++) await throttle.takeAttempt(email, ip);
    await throttle.succeeded(email, ip);
    expect(await attempts(5, email, uniqueName('ip'))).toEqual({ allowed: 5, refused: 0 });
    const keys = await redis.keys(`${prefix}:*`);
    const ttls = await Promise.all(keys.map((key) => redis.pttl(key)));
    expect(ttls.every((ttl) => ttl > 0)).toBe(true);
  });
});
