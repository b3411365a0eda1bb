import { VerifiedTokenCache } from './verified-token.cache';

const NOW = 1_700_000_000_000;

function cache(options: { maxEntries?: number; maxAgeMs?: number } = {}) {
  const clock = { now: NOW };
  return {
    cache: new VerifiedTokenCache<{ exp: number; sub: string }>({
      maxEntries: 100,
      maxAgeMs: 600_000,
      now: () => clock.now,
      ...options,
    }),
    clock,
  };
}

const claims = (sub: string, expiresInSeconds = 60) => ({ sub, exp: NOW / 1000 + expiresInSeconds });

describe('the verified-token cache', () => {
  it('gives back the claims of a verified token until it expires', () => {
    const { cache: c, clock } = cache();
    c.remember('k1', claims('u1', 60));
    clock.now = NOW + 59_999;
    expect(c.get('k1')).toEqual(claims('u1', 60));
    clock.now = NOW + 60_000;
    expect(c.get('k1')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('trusts an entry no longer than maxAgeMs, even for a token that lives longer', () => {
    const { cache: c, clock } = cache({ maxAgeMs: 1_000 });
    c.remember('k1', claims('u1', 3_600));
    clock.now = NOW + 999;
    expect(c.get('k1')).toBeDefined();
    clock.now = NOW + 1_000;
    expect(c.get('k1')).toBeUndefined();
  });

  it('does not keep a token that has already expired', () => {
    const { cache: c } = cache();
    c.remember('k1', claims('u1', 0));
    expect(c.get('k1')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('holds at most maxEntries tokens, forgetting the least recently used first', () => {
    const { cache: c } = cache({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) c.remember(key, claims(key));
    c.get('a');
    c.remember('d', claims('d'));
    expect(c.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((key) => c.get(key) !== undefined)).toEqual([true, false, true, true]);
  });

  it('keeps nothing when maxEntries is 0', () => {
    const { cache: c } = cache({ maxEntries: 0 });
    c.remember('k1', claims('u1'));
    expect(c.get('k1')).toBeUndefined();
  });

  it('keys a token by its SHA-256, so a token differing in any byte is another key', () => {
    const key = VerifiedTokenCache.keyOf('header.payload.signature');
    expect(key).toHaveLength(44);
    expect(key).not.toContain('payload');
    expect(VerifiedTokenCache.keyOf('header.payload.signaturf')).not.toBe(key);
  });
});
