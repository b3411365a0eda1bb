import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../config/auth-service.config';
import { TooManyAttempts } from '../errors/auth.errors';
import { REDIS } from '../redis/redis.module';
import { decideThrottle, type WindowCount } from './throttle-decision';

// Fixed windows: the first failure starts a key's window, later ones only count. One script, so
// the count and its expiry are set atomically for both keys (no counter left without a TTL).
const RECORD_FAILURE = `
local out = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
  out[#out + 1] = count
end
return out`;

const READ_WINDOWS = `
local out = {}
for i, key in ipairs(KEYS) do
  out[#out + 1] = tonumber(redis.call('GET', key) or '0')
  out[#out + 1] = redis.call('PTTL', key)
end
return out`;

/**
 * Failed-login throttling per account and per client IP, in Redis so that every instance counts
 * together. Accounts are keyed by a hash of the email: Redis never holds the address itself.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(AUTH_SERVICE_CONFIG) private readonly config: AuthServiceConfig,
  ) {}

  /** Throws TooManyAttempts while the account or the IP is over its limit. */
  async assertAllowed(email: string, ip: string): Promise<void> {
    const [accountCount, accountTtl, ipCount, ipTtl] = (await this.redis.eval(
      READ_WINDOWS,
      2,
      this.accountKey(email),
      this.ipKey(ip),
    )) as number[];
    const window = (count = 0, ttlMs = -2): WindowCount => ({ count, ttlMs });
    const decision = decideThrottle(window(accountCount, accountTtl), window(ipCount, ipTtl), {
      perAccount: this.config.AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT,
      perIp: this.config.AUTH_LOGIN_MAX_FAILURES_PER_IP,
    });
    if (decision.blocked) throw new TooManyAttempts(decision.retryAfterSeconds);
  }

  /** Counts a failed login against the account and the IP. */
  async recordFailure(email: string, ip: string): Promise<void> {
    const windowMs = this.config.AUTH_LOGIN_FAILURE_WINDOW_SECONDS * 1000;
    await this.redis.eval(RECORD_FAILURE, 2, this.accountKey(email), this.ipKey(ip), windowMs);
  }

  /** A successful login clears the account's failures; the IP's stay (one IP, many accounts). */
  async recordSuccess(email: string): Promise<void> {
    await this.redis.del(this.accountKey(email));
  }

  private accountKey(email: string): string {
    return `${this.config.AUTH_THROTTLE_KEY_PREFIX}:account:${createHash('sha256').update(email).digest('hex')}`;
  }

  private ipKey(ip: string): string {
    return `${this.config.AUTH_THROTTLE_KEY_PREFIX}:ip:${ip}`;
  }
}
