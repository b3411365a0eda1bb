import { Global, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry } from '@platform/observability';
import Redis from 'ioredis';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../config/auth-service.config';

/** Injection token of the app's one Redis connection (revocation list, login throttling). */
export const REDIS = Symbol('REDIS');

/** Redis for the whole app: one connection, checked by readiness, closed after HTTP drains. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AUTH_SERVICE_CONFIG],
      // Commands fail fast while Redis is down instead of queueing behind a login request.
      useFactory: (config: AuthServiceConfig) =>
        new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: true }),
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    this.readiness.register({ name: 'redis', check: () => this.redis.ping() });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
