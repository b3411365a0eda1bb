import type Redis from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';

/** Models whose artifacts belong to a grant: revoking the grant deletes them all. */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

// Marks an artifact used, unless it expired meanwhile: an HSET on a missing key would create one
// without a TTL, which nothing would ever delete.
const CONSUME = `
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HSET', KEYS[1], 'consumed', ARGV[1]) end
return 0`;

/**
 * oidc-provider's storage in Redis: every artifact (client registration, interaction, session,
 * grant, code, refresh token) is short-lived or bounded by a TTL the provider gives, which Redis
 * expires by itself, and every auth-service instance sees the same state, so a code issued by one
 * is redeemed at another. One hash per artifact: `payload` (JSON) and `consumed` (epoch seconds),
 * so that consuming a code is one HSET that cannot lose a concurrent write of the payload.
 * A grant's artifacts are listed under the grant, for `revokeByGrantId`.
 */
export function redisOAuthAdapter(redis: Redis, prefix = 'oauth'): new (model: string) => Adapter {
  return class RedisOAuthAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const key = this.key(id);
      const multi = redis.multi().del(key).hset(key, 'payload', JSON.stringify(payload));
      if (expiresIn > 0) multi.expire(key, expiresIn);
      if (GRANTABLE.has(this.model) && payload.grantId) {
        const grantKey = `${prefix}:grant:${payload.grantId}`;
        multi.rpush(grantKey, key);
        // The list lives as long as its longest-lived artifact.
        if (expiresIn > 0) multi.expire(grantKey, expiresIn, 'NX').expire(grantKey, expiresIn, 'GT');
      }
      if (payload.uid) multi.set(`${prefix}:uid:${payload.uid}`, id, 'EX', Math.max(expiresIn, 1));
      if (payload.userCode)
        multi.set(`${prefix}:userCode:${payload.userCode}`, id, 'EX', Math.max(expiresIn, 1));
      await exec(multi);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const { payload, consumed } = await redis.hgetall(this.key(id));
      if (!payload) return undefined;
      const parsed = JSON.parse(payload) as AdapterPayload;
      return consumed ? { ...parsed, consumed: Number(consumed) } : parsed;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = await redis.get(`${prefix}:uid:${uid}`);
      return id ? this.find(id) : undefined;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = await redis.get(`${prefix}:userCode:${userCode}`);
      return id ? this.find(id) : undefined;
    }

    async consume(id: string): Promise<void> {
      await redis.eval(CONSUME, 1, this.key(id), Math.floor(Date.now() / 1000));
    }

    async destroy(id: string): Promise<void> {
      await redis.del(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const grantKey = `${prefix}:grant:${grantId}`;
      const keys = await redis.lrange(grantKey, 0, -1);
      await redis.del(...keys, grantKey);
    }

    private key(id: string): string {
      return `${prefix}:${this.model}:${id}`;
    }
  };
}

/** Runs a MULTI and throws the first command's error: ioredis reports them per command. */
async function exec(multi: ReturnType<Redis['multi']>): Promise<void> {
  const results = await multi.exec();
  const failed = results?.find(([error]) => error);
  if (failed) throw failed[0];
}
