import { infraEnv, reach, uniqueName } from '@platform/testing';
import Redis from 'ioredis';
import { redisOAuthAdapter } from './oauth-storage.adapter';

describe('oidc-provider storage on a real Redis', () => {
  const prefix = uniqueName('oauth_int');
  const redis = new Redis(infraEnv.redisUrl, { lazyConnect: true });
  const Adapter = redisOAuthAdapter(redis, prefix);

  beforeAll(() => reach('Redis', infraEnv.redisUrl, () => redis.connect()));
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('finds what it stored until it expires, by id and by uid', async () => {
    const sessions = new Adapter('Session');
    await sessions.upsert('s1', { uid: 'u1', accountId: 'user-1' }, 60);
    expect(await sessions.find('s1')).toEqual({ uid: 'u1', accountId: 'user-1' });
    expect(await sessions.findByUid('u1')).toEqual({ uid: 'u1', accountId: 'user-1' });
    expect(await redis.ttl(`${prefix}:Session:s1`)).toBeGreaterThan(50);
    await sessions.destroy('s1');
    expect(await sessions.find('s1')).toBeUndefined();
  });

  it('marks a code consumed, and a consumed code stays consumed when found again elsewhere', async () => {
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('c1', { grantId: 'g1', clientId: 'client-1' }, 60);
    await codes.consume('c1');
    const found = await new Adapter('AuthorizationCode').find('c1');
    expect(found).toMatchObject({ grantId: 'g1', clientId: 'client-1' });
    expect(found?.consumed).toBeGreaterThan(0);
  });

  it('does not bring back an expired artifact by consuming it', async () => {
    const codes = new Adapter('AuthorizationCode');
    await codes.consume('gone');
    expect(await redis.exists(`${prefix}:AuthorizationCode:gone`)).toBe(0);
  });

  it('revokes every artifact of a grant at once, and leaves other grants alone', async () => {
    const [codes, refresh] = [new Adapter('AuthorizationCode'), new Adapter('RefreshToken')];
    await codes.upsert('c2', { grantId: 'g2' }, 60);
    await refresh.upsert('r2', { grantId: 'g2' }, 3_600);
    await refresh.upsert('r3', { grantId: 'g3' }, 3_600);
    expect(await redis.ttl(`${prefix}:grant:g2`)).toBeGreaterThan(3_500);
    await codes.revokeByGrantId('g2');
    expect([await codes.find('c2'), await refresh.find('r2')]).toEqual([undefined, undefined]);
    expect(await refresh.find('r3')).toEqual({ grantId: 'g3' });
  });
});
