import { RevocationKeys } from '@platform/identity';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { VerifiedTokenCache } from '../src/auth/domain/verified-token.cache';
import { RedisClient } from '../src/redis/redis.client';
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

const CACHE_MS = 1_000;

describe('api-gateway token and revocation caches', () => {
  let redis: Redis;
  let key: SigningKey;
  let auth: Awaited<ReturnType<typeof startAuthUpstream>>;
  let orders: TestUpstream;
  let gateway: TestGateway;
  const prefix = rateLimitPrefix();
  const revocationKeys: string[] = [];

  /** Counts the gateway's admission scripts (rate limit + revocation lookup) sent to Redis. */
  const spyOnScripts = () =>
    jest.spyOn(
      gateway.app.get(RedisClient).redis as unknown as { gatewayTakeTokens: () => Promise<unknown> },
      'gatewayTakeTokens',
    );

  beforeAll(async () => {
    redis = await connectRedis();
    key = await newSigningKey();
    auth = await startAuthUpstream([key]);
    orders = await startUpstream();
    gateway = await startGateway({
      AUTH_SERVICE_URL: auth.url,
      ORDER_SERVICE_URL: orders.url,
      GATEWAY_RATE_LIMIT_PREFIX: prefix,
      GATEWAY_REVOCATION_CACHE_MS: String(CACHE_MS),
    });
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([auth?.close(), orders?.close()]);
    await deleteKeys(redis, prefix);
    if (revocationKeys.length) await redis.del(...revocationKeys);
    redis?.disconnect();
  });

  it('looks a token up on every request, in the one round trip of the rate limit', async () => {
    const token = await signToken(key);
    const scripts = spyOnScripts();
    const mget = jest.spyOn(gateway.app.get(RedisClient).redis, 'mget');
    for (let i = 0; i < 5; i += 1) expect((await get(`${gateway.url}/orders`, token)).status).toBe(200);
    expect(scripts).toHaveBeenCalledTimes(5);
    expect(mget).not.toHaveBeenCalled();
  });

  it('verifies the signature of a token once, and serves it from the cache afterwards', async () => {
    const token = await signToken(key);
    const remembered = jest.spyOn(VerifiedTokenCache.prototype, 'remember');
    for (let i = 0; i < 3; i += 1) expect((await get(`${gateway.url}/orders`, token)).status).toBe(200);
    expect(remembered).toHaveBeenCalledTimes(1);
  });

  it('refuses a cached token on the first request after its revocation', async () => {
    const sid = randomUUID();
    const token = await signToken(key, { sid });
    expect((await get(`${gateway.url}/orders`, token)).status).toBe(200);
    expect((await get(`${gateway.url}/orders`, token)).status).toBe(200);

    revocationKeys.push(RevocationKeys.family(sid));
    await redis.set(RevocationKeys.family(sid), '1', 'EX', 60);
    const refused = await get(`${gateway.url}/orders`, token);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'GATEWAY.UNAUTHENTICATED' });
  });

  it("refuses a cached token issued before its user's roles changed", async () => {
    const sub = `user-${randomUUID()}`;
    const token = await signToken(key, { sub });
    expect((await get(`${gateway.url}/orders`, token)).status).toBe(200);

    revocationKeys.push(RevocationKeys.user(sub));
    await redis.set(RevocationKeys.user(sub), String(Math.floor(Date.now() / 1000) + 1), 'EX', 60);
    expect((await get(`${gateway.url}/orders`, token)).status).toBe(401);
  });

  it('fails closed when Redis cannot answer for a token it has no recent answer for, and serves one it has', async () => {
    const recent = await signToken(key);
    expect((await get(`${gateway.url}/orders`, recent)).status).toBe(200);
    spyOnScripts().mockRejectedValue(
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    );

    const unknown = await get(`${gateway.url}/orders`, await signToken(key));
    expect(unknown.status).toBe(503);
    expect(unknown.headers.get('retry-after')).toBe('1');
    expect(await unknown.json()).toMatchObject({ code: 'GATEWAY.AUTH_UNAVAILABLE' });
    expect((await get(`${gateway.url}/orders`, recent)).status).toBe(200);
  });
});
