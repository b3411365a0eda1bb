import type { RateLimitClass } from './rate-limit-classes';

/** What the bucket said about one request. */
export interface RateLimitDecision {
  allowed: boolean;
  /** Tokens left after this request (fractions kept; headers floor them). */
  tokens: number;
}

/** The `RateLimit-*` headers (IETF draft, seconds) and, when refused, `Retry-After`. */
export interface RateLimitHeaders {
  limit: number;
  remaining: number;
  /** Seconds until the bucket is full again. */
  reset: number;
  /** Seconds until one token is back; only meaningful when refused. */
  retryAfter: number;
}

/**
 * Header values of a token-bucket decision. The bucket refills `limit` tokens per window, so one
 * token takes `windowSeconds / limit`; times round up so a client that waits as told succeeds.
 */
export function rateLimitHeaders(cls: RateLimitClass, decision: RateLimitDecision): RateLimitHeaders {
  const secondsPerToken = cls.windowSeconds / cls.limit;
  const tokens = Math.max(0, Math.min(cls.limit, decision.tokens));
  return {
    limit: cls.limit,
    remaining: Math.floor(tokens),
    reset: Math.ceil((cls.limit - tokens) * secondsPerToken),
    retryAfter: Math.max(1, Math.ceil((1 - tokens) * secondsPerToken)),
  };
}
