import { createLogger, type ReadinessRegistry } from '@platform/observability';
import { infraEnv, reach, uniqueName } from '@platform/testing';
import { loadApiGatewayConfig } from '../config/api-gateway.config';
import { RedisCommandTimeout } from './command-deadline';
import { RedisClient } from './redis.client';

const TIMEOUT_MS = 50;

/** Keeps the event loop busy, as a CPU-saturated gateway does between two reads of its sockets. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('the gateway Redis client on a real Redis', () => {
  const client = new RedisClient(
    loadApiGatewayConfig({
      NODE_ENV: 'test',
      REDIS_URL: infraEnv.redisUrl,
      GATEWAY_REDIS_COMMAND_TIMEOUT_MS: String(TIMEOUT_MS),
    }),
    createLogger({ serviceName: 'api-gateway', level: 'silent' }),
    { register: () => () => undefined } as unknown as ReadinessRegistry,
  );

  beforeAll(() =>
    reach('Redis', infraEnv.redisUrl, async () => {
      await client.onModuleInit();
      if (client.redis.status !== 'ready') throw new Error(`redis client is ${client.redis.status}`);
    }),
  );
  afterAll(() => client.onApplicationShutdown());

  it('reads a reply that arrived while the event loop was busy for longer than the timeout', async () => {
    const reply = client.command((redis) => redis.ping());
    busyFor(TIMEOUT_MS * 4);
    await expect(reply).resolves.toBe('PONG');
  });

  it('still fails a command Redis does not answer within the timeout', async () => {
    // BLPOP on an empty list holds the reply for a second: Redis is slow, not the gateway.
    const started = performance.now();
    const reply = client.command((redis) => redis.blpop(uniqueName('gw_empty'), 1));
    await expect(reply).rejects.toBeInstanceOf(RedisCommandTimeout);
    expect(performance.now() - started).toBeLessThan(900);
  });
});
