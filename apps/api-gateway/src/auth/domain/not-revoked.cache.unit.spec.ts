import { NotRevokedCache, type NotRevokedCacheOptions } from './not-revoked.cache';

function cache(options: Partial<NotRevokedCacheOptions> = {}) {
  const clock = { now: 1_000 };
  return { cache: new NotRevokedCache({ ttlMs: 500, now: () => clock.now, ...options }), clock };
}

describe('the not-revoked cache', () => {
  it('trusts an answer until the TTL has passed since its lookup was sent', () => {
    const { cache: c, clock } = cache();
    const askedAt = clock.now;
    clock.now += 30; // the round trip
    c.remember('jti-1', askedAt);
    clock.now = askedAt + 499;
    expect(c.has('jti-1')).toBe(true);
    clock.now = askedAt + 500;
    expect(c.has('jti-1')).toBe(false);
  });

  it('knows nothing of a token it was not told about', () => {
    expect(cache().cache.has('jti-unknown')).toBe(false);
  });

  it('keeps nothing when the TTL is 0', () => {
    const { cache: c, clock } = cache({ ttlMs: 0 });
    c.remember('jti-1', clock.now);
    expect(c.has('jti-1')).toBe(false);
    expect(c.size).toBe(0);
  });

  it('does not keep an answer whose lookup took longer than the TTL', () => {
    const { cache: c, clock } = cache();
    const askedAt = clock.now;
    clock.now += 600;
    c.remember('jti-slow', askedAt);
    expect(c.has('jti-slow')).toBe(false);
    expect(c.size).toBe(0);
  });

  it('extends a token it is told about again from the later lookup', () => {
    const { cache: c, clock } = cache();
    c.remember('jti-1', clock.now);
    clock.now += 400;
    c.remember('jti-1', clock.now);
    clock.now += 400;
    expect(c.has('jti-1')).toBe(true);
  });

  it('forgets expired answers as new ones arrive, so idle tokens do not pile up', () => {
    const { cache: c, clock } = cache();
    for (let i = 0; i < 100; i += 1) c.remember(`old-${i}`, clock.now);
    clock.now += 501;
    c.remember('new', clock.now);
    expect(c.size).toBe(1);
  });

  it('holds at most maxEntries tokens, forgetting the oldest first', () => {
    const { cache: c, clock } = cache({ maxEntries: 3 });
    for (const id of ['a', 'b', 'c', 'd']) {
      c.remember(id, clock.now);
      clock.now += 1;
    }
    expect(c.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((id) => c.has(id))).toEqual([false, true, true, true]);
  });
});
