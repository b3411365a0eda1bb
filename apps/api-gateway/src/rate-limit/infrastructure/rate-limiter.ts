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
 * The same script reads the keys the request must also look up (the token's revocation keys), so
 * that the rate limit and the revocation check cost one round trip together.
 * KEYS: the buckets, then the keys to read. ARGV: windowMs, then one limit per bucket. Returns:
 * allowed (1/0), tokens left in the first bucket, the 1-based index of the bucket that refused (0
 * when allowed), and the values of the keys to read (nil for a missing key).
 */
const TAKE_TOKENS_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local windowMs = tonumber(ARGV[1])
local buckets = #ARGV - 1
local tokens = {}
local refusedBy = 0
for i = 1, buckets do
  local limit = tonumber(ARGV[i + 1])
  local state = redis.call('HMGET', KEYS[i], 'tokens', 'ts')
  local left = tonumber(state[1])
  local ts = tonumber(state[2])
  if left == nil or ts == nil then left = limit; ts = now end
  left = math.min(limit, left + (now - ts) * limit / windowMs)
  if left < 1 and refusedBy == 0 then refusedBy = i end
  tokens[i] = left
end
for i = 1, buckets do
  if refusedBy == 0 then tokens[i] = tokens[i] - 1 end
  redis.call('HSET', KEYS[i], 'tokens', tostring(tokens[i]), 'ts', now)
  redis.call('PEXPIRE', KEYS[i], windowMs)
end
local allowed = 0
if refusedBy == 0 then allowed = 1 end
local read = {}
if #KEYS > buckets then read = redis.call('MGET', unpack(KEYS, buckets + 1)) end
return { allowed, tostring(tokens[refusedBy == 0 and 1 or refusedBy]), refusedBy, read }
`;

type WithTakeTokens = {
  gatewayTakeTokens(
    numberOfKeys: number,
    ...keysThenArgs: (string | number)[]
  ): Promise<[number, string, number, (string | null)[]]>;
};

/** One bucket a request draws from: `u:<userId>`, `ip:<address>` or `ips:<address>` (all users of an address). */
export interface Bucket {
  caller: string;
  limit: number;
}

/** What the buckets said, with the values of the keys read alongside. */
export interface TakeResult extends RateLimitDecision {
  refusedBy?: Bucket;
  /** The values of the keys to read, in their order; null for a missing key. */
  read: (string | null)[];
}

/**
 * Takes one token from each of a request's buckets and reads `readKeys`, in one round trip;
 * `undefined` when Redis could not answer.
 */
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
   * refused, or of the first bucket when allowed. The caller of `readKeys` decides for itself
   * what their values missing means (revocation fails closed).
   */
  async take(
    className: string,
    cls: RateLimitClass,
    buckets: readonly Bucket[],
    readKeys: readonly string[] = [],
  ): Promise<TakeResult | undefined> {
    try {
      const [allowed, tokens, refusedBy, read] = await this.client.command((redis) =>
        (redis as unknown as WithTakeTokens).gatewayTakeTokens(
          buckets.length + readKeys.length,
          ...buckets.map((b) => `${this.prefix}${className}:${b.caller}`),
          ...readKeys,
          cls.windowSeconds * 1000,
          ...buckets.map((b) => b.limit),
        ),
      );
      return {
        allowed: allowed === 1,
        tokens: Number(tokens),
        refusedBy: buckets[refusedBy - 1],
        read,
      };
    } catch (err) {
      this.metrics.rateLimitDegraded.inc();
      this.logger.warn({ err, buckets }, 'rate limit skipped: redis unavailable');
      return undefined;
    }
  }
}
