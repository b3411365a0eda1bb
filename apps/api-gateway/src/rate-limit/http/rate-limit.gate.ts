import { Inject, Injectable } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { API_GATEWAY_CONFIG, type ApiGatewayConfig } from '../../config/api-gateway.config';
import { GatewayError } from '../../http/gateway.error';
import { GatewayMetrics } from '../../metrics/gateway.metrics';
import type { RateLimitClass } from '../domain/rate-limit-classes';
import { rateLimitHeaders } from '../domain/rate-limit.headers';
import { RateLimiter } from '../infrastructure/rate-limiter';

/**
 * Admits a request or refuses it with 429, with the RateLimit-* headers on every answer. A
 * signed-in user draws from its own bucket and from its address's shared one
 * (GATEWAY_RATE_LIMIT_IP_MULTIPLIER times the class limit); anyone else, a caller with an invalid
 * token included, from its address's bucket at the class limit. The same Redis round trip reads
 * the keys the caller asks for (the token's revocation keys), which `admit` returns.
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
    this.ipMultiplier = config.GATEWAY_RATE_LIMIT_IP_MULTIPLIER;
  }

  private readonly ipMultiplier: number;

  /**
   * `userId` undefined: an anonymous caller, or one whose token was refused. Resolves with the
   * values of `readKeys` (null for a missing key), or undefined when Redis could not answer.
   */
  async admit(
    /** Where the RateLimit-* (and Retry-After) headers go: the response, or an MCP tool call's answer. */
    res: Pick<ServerResponse, 'setHeader'>,
    className: string,
    clientIp: string,
    userId?: string,
    readKeys?: readonly string[],
  ): Promise<(string | null)[] | undefined> {
    const cls = this.classes[className] as RateLimitClass; // every route's class is checked at start
    const buckets =
      userId === undefined
        ? [{ caller: `ip:${clientIp}`, limit: cls.limit }]
        : [
            { caller: `u:${userId}`, limit: cls.limit },
            { caller: `ips:${clientIp}`, limit: cls.limit * this.ipMultiplier },
          ];
    const decision = await this.limiter.take(className, cls, buckets, readKeys);
    if (!decision) return undefined; // Redis unavailable: degraded open (counted and logged by the limiter)
    const limiting = { ...cls, limit: decision.refusedBy?.limit ?? cls.limit };
    const headers = rateLimitHeaders(limiting, decision);
    res.setHeader('ratelimit-limit', headers.limit);
    res.setHeader('ratelimit-remaining', headers.remaining);
    res.setHeader('ratelimit-reset', headers.reset);
    if (decision.allowed) return decision.read;
    this.metrics.rateLimited.inc({
      class: className,
      caller: decision.refusedBy?.caller.startsWith('u:') ? 'user' : 'ip',
    });
    res.setHeader('retry-after', headers.retryAfter);
    throw new GatewayError(
      429,
      'GATEWAY.RATE_LIMITED',
      'Too Many Requests',
      `rate limit of ${limiting.limit} requests per ${cls.windowSeconds} s ${decision.refusedBy?.caller.startsWith('u:') ? 'per user' : 'per client address'} reached`,
      true,
    );
  }
}
