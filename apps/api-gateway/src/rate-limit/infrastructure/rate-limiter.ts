import { Inject, Injectable } from '@nestjs/common';
import { PINO_LOGGER, type Logger } from '@platform/observability';
import { API_GATEWAY_CONFIG, type ApiGatewayConfig } from '../../config/api-gateway.config';
import { GatewayMetrics } from '../../metrics/gateway.metrics';
import { RedisClient } from '../../redis/redis.client';
import type { RateLimitClass } from '../domain/rate-limit-classes';
import type { RateLimitDecision } from '../domain/rate-limit.headers';

/**
 * Token buckets, atomic in Redis so every gateway instance shares them. A request takes one token
 * from each of its buckets (its user's and its address's) or from none: all or nothing, in one
 * script. The clock is Redis's own (TIME), so instances with skewed clocks still agree. State per
 * bucket: tokens left and when they were counted; a key expires once its bucket would be full anyway.
 * ARGV: windowMs, then one limit per key. Returns: allowed (1/0), tokens left in the first bucket,
 * and the 1-based index of the bucket that refused (0 when allowed).
 */
const TAKE_TOKENS_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local windowMs = tonumber(ARGV[1])
local tokens = {}
local refusedBy = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[i + 1])
  local state = redis.call('HMGET', key, 'tokens', 'ts')
  local left = tonumber(state[1])
  local ts = tonumber(state[2])
  if left == nil or ts == nil then left = limit; ts = now end
  left = math.min(limit, left + (now - ts) * limit / windowMs)
  if left < 1 and refusedBy == 0 then refusedBy = i end
  tokens[i] = left
end
for i, key in ipairs(KEYS) do
  if refusedBy == 0 then tokens[i] = tokens[i] - 1 end
  redis.call('HSET', key, 'tokens', tostring(tokens[i]), 'ts', now)
  redis.call('PEXPIRE', key, windowMs)
end
local allowed = 0
if refusedBy == 0 then allowed = 1 end
return { allowed, tostring(tokens[refusedBy == 0 and 1 or refusedBy]), refusedBy }
`;

type WithTakeTokens = {
  gatewayTakeTokens(
    numberOfKeys: number,
    ...keysThenArgs: (string | number)[]
  ): Promise<[number, string, number]>;
};

/** One bucket a request draws from: `u:<userId>`, `ip:<address>` or `ips:<address>` (all users of an address). */
export interface Bucket {
  caller: string;
  limit: number;
}

/** Takes one token from each of a request's buckets; `undefined` when Redis could not answer. */
@Injectable()
export class RateLimiter {
  private readonly prefix: string;

  constructor(
    private readonly client: RedisClient,
    @Inject(API_GATEWAY_CONFIG) config: ApiGatewayConfig,
    private readonly metrics: GatewayMetrics,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {
    // defineCommand sends EVALSHA and falls back to EVAL once: the script travels once per connection.
    client.redis.defineCommand('gatewayTakeTokens', { lua: TAKE_TOKENS_LUA });
    this.prefix = config.GATEWAY_RATE_LIMIT_PREFIX;
  }

  /**
   * Redis down or slow: degrades open (allowed, logged, counted) because refusing every request
   * would turn a cache outage into a full one. The decision's tokens are those of the bucket that
   * refused, or of the first bucket when allowed.
   */
  async take(
    className: string,
    cls: RateLimitClass,
    buckets: readonly Bucket[],
  ): Promise<(RateLimitDecision & { refusedBy?: Bucket }) | undefined> {
    try {
      const [allowed, tokens, refusedBy] = await this.client.command((redis) =>
        (redis as unknown as WithTakeTokens).gatewayTakeTokens(
          buckets.length,
          ...buckets.map((b) => `${this.prefix}${className}:${b.caller}`),
          cls.windowSeconds * 1000,
          ...buckets.map((b) => b.limit),
        ),
      );
      return { allowed: allowed === 1, tokens: Number(tokens), refusedBy: buckets[refusedBy - 1] };
    } catch (err) {
      this.metrics.rateLimitDegraded.inc();
      this.logger.warn({ err, buckets }, 'rate limit skipped: redis unavailable');
      return undefined;
    }
  }
}
