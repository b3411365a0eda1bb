import { Inject, Injectable } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { API_GATEWAY_CONFIG, type ApiGatewayConfig } from '../config/api-gateway.config';
import { GatewayError } from '../http/gateway.error';
import { GatewayMetrics } from '../metrics/gateway.metrics';
import type { RateLimitClass } from './rate-limit-classes';
import { rateLimitHeaders } from './rate-limit.headers';
import { RateLimiter } from './rate-limiter';

/**
 * Admits a request or refuses it with 429: one token from the caller's bucket (per user when
 * authenticated, per client IP otherwise), and the RateLimit-* headers on every answer.
 */
@Injectable()
export class RateLimitGate {
  private readonly classes: Readonly<Record<string, RateLimitClass>>;

  constructor(
    private readonly limiter: RateLimiter,
    private readonly metrics: GatewayMetrics,
    @Inject(API_GATEWAY_CONFIG) config: ApiGatewayConfig,
  ) {
    this.classes = config.GATEWAY_RATE_LIMITS;
  }

  async admit(res: ServerResponse, className: string, caller: string): Promise<void> {
    const cls = this.classes[className] as RateLimitClass; // every route's class is checked at start
    const decision = await this.limiter.take(className, cls, caller);
    if (!decision) return; // Redis unavailable: degraded open (counted and logged by the limiter)
    const headers = rateLimitHeaders(cls, decision);
    res.setHeader('ratelimit-limit', headers.limit);
    res.setHeader('ratelimit-remaining', headers.remaining);
    res.setHeader('ratelimit-reset', headers.reset);
    if (decision.allowed) return;
    this.metrics.rateLimited.inc({ class: className, caller: caller.startsWith('u:') ? 'user' : 'ip' });
    res.setHeader('retry-after', headers.retryAfter);
    throw new GatewayError(
      429,
      'GATEWAY.RATE_LIMITED',
      'Too Many Requests',
      `rate limit of ${cls.limit} requests per ${cls.windowSeconds} s reached`,
      true,
    );
  }
}
