import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../../config/auth-service.config';
import { TooManyAttempts } from '../../errors/auth.errors';
import { REDIS } from '../../redis/redis.module';
import { decideThrottle } from '../domain/throttle-decision';

// Count first, in one script: either key at its limit refuses the attempt without counting it;
// otherwise the attempt is counted on both keys before the password is checked. Redis runs a
// script atomically, so N parallel attempts against a limit of L check at most L passwords.
// Fixed windows: the first attempt starts a key's window (PEXPIRE), later ones only count.
// Returns {allowed, accountCount, accountTtlMs, ipCount, ipTtlMs}.
const TAKE_ATTEMPT = `
local limits = { tonumber(ARGV[1]), tonumber(ARGV[2]) }
local out = { 1 }
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  out[#out + 1] = count
  out[#out + 1] = redis.call('PTTL', key)
  if count >= limits[i] then out[1] = 0 end
end
if out[1] == 1 then
  for i, key in ipairs(KEYS) do
    if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[3]) end
  end
end
return out`;

// A successful login gives its attempt back: the account starts afresh, and the IP's count goes
// down by the one attempt it took, so that only failures add up (many users behind one NAT).
// An IP key that expired meanwhile is left alone (a DECR would recreate it without a TTL).
const GIVE_BACK = `
redis.call('DEL', KEYS[1])
local count = tonumber(redis.call('GET', KEYS[2]) or '0')
if count > 0 then redis.call('DECR', KEYS[2]) end
return 1`;

/**
 * Login throttling per account and per client IP, in Redis so that every instance counts
 * together. Every attempt is counted before its password is checked and given back when it
 * succeeds, so what adds up is failures. Accounts are keyed by a hash of the email: Redis never
 * holds the address itself.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(AUTH_SERVICE_CONFIG) private readonly config: AuthServiceConfig,
  ) {}

  /**
   * Counts one attempt for the account and the IP; throws TooManyAttempts (and counts nothing)
   * while either is at its limit.
   */
  async takeAttempt(email: string, ip: string): Promise<void> {
    const [allowed, accountCount, accountTtl, ipCount, ipTtl] = (await this.redis.eval(
      TAKE_ATTEMPT,
      2,
      this.accountKey(email),
      this.ipKey(ip),
      this.config.AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT,
      this.config.AUTH_LOGIN_MAX_FAILURES_PER_IP,
      this.config.AUTH_LOGIN_FAILURE_WINDOW_SECONDS * 1000,
    )) as number[];
    if (allowed === 1) return;
    const decision = decideThrottle(
      { count: accountCount ?? 0, ttlMs: accountTtl ?? -2 },
      { count: ipCount ?? 0, ttlMs: ipTtl ?? -2 },
      {
        perAccount: this.config.AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT,
        perIp: this.config.AUTH_LOGIN_MAX_FAILURES_PER_IP,
      },
    );
    throw new TooManyAttempts(decision.blocked ? decision.retryAfterSeconds : 1);
  }

  /** The attempt succeeded: the account's count is cleared and the IP's attempt given back. */
  async succeeded(email: string, ip: string): Promise<void> {
    await this.redis.eval(GIVE_BACK, 2, this.accountKey(email), this.ipKey(ip));
  }

  private accountKey(email: string): string {
    return `${this.config.AUTH_THROTTLE_KEY_PREFIX}:account:${createHash('sha256').update(email).digest('hex')}`;
  }

  private ipKey(ip: string): string {
    return `${this.config.AUTH_THROTTLE_KEY_PREFIX}:ip:${ip}`;
  }
}
