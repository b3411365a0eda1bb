import { rateLimitHeaders } from './rate-limit.headers';

const perMinute = { limit: 60, windowSeconds: 60 };

describe('rate-limit headers', () => {
  it('report a full bucket minus this request, resetting within one token time', () => {
    expect(rateLimitHeaders(perMinute, { allowed: true, tokens: 59 })).toMatchObject({
      limit: 60,
      remaining: 59,
      reset: 1,
    });
  });

  it('floor a fractional remainder and round the reset up', () => {
    expect(rateLimitHeaders({ limit: 10, windowSeconds: 60 }, { allowed: true, tokens: 2.5 })).toMatchObject({
      remaining: 2,
      reset: 45,
    });
  });

  it('tell a refused client to retry when one token is back', () => {
    const headers = rateLimitHeaders({ limit: 10, windowSeconds: 60 }, { allowed: false, tokens: 0.5 });
    expect(headers.remaining).toBe(0);
    expect(headers.retryAfter).toBe(3);
    expect(headers.reset).toBe(57);
  });

  it('never tells a client to retry in less than a second', () => {
    expect(
      rateLimitHeaders({ limit: 1000, windowSeconds: 1 }, { allowed: false, tokens: 0.99 }).retryAfter,
    ).toBe(1);
  });
});
