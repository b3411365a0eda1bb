import { RevocationKeys } from '@platform/identity';
import { eventually } from '@platform/testing';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
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

describe('api-gateway revocation cache', () => {
  let redis: Redis;
  let key: SigningKey;
  let auth: Awaited<ReturnType<typeof startAuthUpstream>>;
  let orders: TestUpstream;
  let gateway: TestGateway;
  const prefix = rateLimitPrefix();
  const revocationKeys: string[] = [];

  /** Counts the revocation lookups the gateway sends to Redis. */
  const spyOnLookups = () => jest.spyOn(gateway.app.get(RedisClient).redis, 'mget');

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

  it('asks Redis once for a token used again and again within the TTL', async () => {
    const token = await signToken(key);
    const lookups = spyOnLookups();
    for (let i = 0; i < 10; i += 1) expect((await get(`${gateway.url}/orders`, token)).status).toBe(200);
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  it('serves a token revoked after its last check until the TTL ends, and refuses it from then on', async () => {
    const sid = randomUUID();
    const token = await signToken(key, { sid });
    const checkedAt = performance.now();
    expect((await get(`${gateway.url}/orders`, token)).status).toBe(200);

    revocationKeys.push(RevocationKeys.family(sid));
    await redis.set(RevocationKeys.family(sid), '1', 'EX', 60);
    const revokedAt = performance.now();
    // Within the TTL of the answer above: served from the cache, Redis not asked.
    const lookups = spyOnLookups();
    expect((await get(`${gateway.url}/orders`, token)).status).toBe(200);
    expect(lookups).not.toHaveBeenCalled();
    expect(performance.now() - checkedAt).toBeLessThan(CACHE_MS);

    await eventually(async () => expect((await get(`${gateway.url}/orders`, token)).status).toBe(401), {
      timeoutMs: CACHE_MS + 1_000,
      intervalMs: 20,
    });
    // Bounded staleness: no later than the TTL after the revocation (plus one probe's time).
    expect(performance.now() - revokedAt).toBeLessThan(CACHE_MS + 250);
    // A refusal is never cached: the token is looked up, and refused, on every request.
    lookups.mockClear();
    expect((await get(`${gateway.url}/orders`, token)).status).toBe(401);
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  it('fails closed when Redis cannot answer for a token it has no recent answer for, and serves one it has', async () => {
    const recent = await signToken(key);
    expect((await get(`${gateway.url}/orders`, recent)).status).toBe(200);
    jest
      .spyOn(gateway.app.get(RedisClient).redis, 'mget')
      .mockRejectedValue(new Error("Stream isn't writeable and enableOfflineQueue options is false"));

    const unknown = await get(`${gateway.url}/orders`, await signToken(key));
    expect(unknown.status).toBe(503);
    expect(unknown.headers.get('retry-after')).toBe('1');
    expect(await unknown.json()).toMatchObject({ code: 'GATEWAY.AUTH_UNAVAILABLE' });
    expect((await get(`${gateway.url}/orders`, recent)).status).toBe(200);
  });
});
