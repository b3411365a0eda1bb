import { Inject, Injectable } from '@nestjs/common';
import { PINO_LOGGER, type Logger } from '@platform/observability';
import { API_GATEWAY_CONFIG, type ApiGatewayConfig } from '../config/api-gateway.config';
import { GatewayMetrics } from '../metrics/gateway.metrics';
import { RedisClient } from '../redis/redis.client';
import type { RateLimitClass } from './rate-limit-classes';
import type { RateLimitDecision } from './rate-limit.headers';

/**
 * Token bucket, atomic in Redis so every gateway instance shares it. The clock is Redis's own
 * (TIME), so instances with skewed clocks still agree. State: tokens left and when they were
 * counted; the key expires once the bucket would be full anyway.
 */
const TAKE_TOKEN_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then tokens = limit; ts = now end
tokens = math.min(limit, tokens + (now - ts) * limit / windowMs)
local allowed = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], windowMs)
return { allowed, tostring(tokens) }
`;

type WithTakeToken = {
  gatewayTakeToken(key: string, limit: number, windowMs: number): Promise<[number, string]>;
};

/** Takes one token from a caller's bucket; `undefined` when Redis could not answer. */
@Injectable()
export class RateLimiter {
  private readonly redis: WithTakeToken;
  private readonly prefix: string;

  constructor(
    client: RedisClient,
    @Inject(API_GATEWAY_CONFIG) config: ApiGatewayConfig,
    private readonly metrics: GatewayMetrics,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {
    // defineCommand sends EVALSHA and falls back to EVAL once: the script travels once per connection.
    client.redis.defineCommand('gatewayTakeToken', { numberOfKeys: 1, lua: TAKE_TOKEN_LUA });
    this.redis = client.redis as unknown as WithTakeToken;
    this.prefix = config.GATEWAY_RATE_LIMIT_PREFIX;
  }

  /**
   * `caller` is `u:<userId>` or `ip:<address>`. Redis down or slow: degrades open (allowed,
   * logged, counted) because refusing every request would turn a cache outage into a full one.
   */
  async take(className: string, cls: RateLimitClass, caller: string): Promise<RateLimitDecision | undefined> {
    try {
      const [allowed, tokens] = await this.redis.gatewayTakeToken(
        `${this.prefix}${className}:${caller}`,
        cls.limit,
        cls.windowSeconds * 1000,
      );
      return { allowed: allowed === 1, tokens: Number(tokens) };
    } catch (err) {
      this.metrics.rateLimitDegraded.inc();
      this.logger.warn({ err, caller }, 'rate limit skipped: redis unavailable');
      return undefined;
    }
  }
}
