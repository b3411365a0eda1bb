import { decideThrottle } from './throttle-decision';

const limits = { perAccount: 5, perIp: 20 };
const none = { count: 0, ttlMs: -2 };

describe('login throttle decision', () => {
  it('allows attempts below both limits', () => {
    expect(decideThrottle({ count: 4, ttlMs: 60_000 }, { count: 19, ttlMs: 60_000 }, limits)).toEqual({
      blocked: false,
    });
  });

  it('blocks an account at its limit until its window ends, rounded up to whole seconds', () => {
    expect(decideThrottle({ count: 5, ttlMs: 12_300 }, none, limits)).toEqual({
      blocked: true,
      retryAfterSeconds: 13,
    });
  });

  it('blocks an IP at its limit whatever account it tries', () => {
    expect(decideThrottle(none, { count: 20, ttlMs: 900_000 }, limits)).toEqual({
      blocked: true,
      retryAfterSeconds: 900,
    });
  });

  it('asks to wait for the later window when both are exceeded, and at least one second', () => {
    expect(decideThrottle({ count: 9, ttlMs: 5_000 }, { count: 30, ttlMs: 7_000 }, limits)).toMatchObject({
      retryAfterSeconds: 7,
    });
    expect(decideThrottle({ count: 5, ttlMs: 10 }, none, limits)).toMatchObject({ retryAfterSeconds: 1 });
  });
});
