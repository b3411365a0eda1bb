import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PINO_LOGGER, ReadinessRegistry, type Logger } from '@platform/observability';
import Redis from 'ioredis';
import { API_GATEWAY_CONFIG, type ApiGatewayConfig } from '../config/api-gateway.config';

/**
 * The gateway's one Redis connection (revocation list + rate limits). Commands fail fast instead
 * of queueing while Redis is away (no offline queue, a command timeout): the callers decide what
 * "Redis is down" means for them (revocation fails closed, rate limiting degrades open).
 */
@Injectable()
export class RedisClient implements OnModuleInit, OnApplicationShutdown {
  readonly redis: Redis;
  private unregister?: () => void;

  constructor(
    @Inject(API_GATEWAY_CONFIG) config: ApiGatewayConfig,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.redis = new Redis(config.REDIS_URL, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: config.GATEWAY_REDIS_COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    });
    // Without a listener ioredis prints every reconnect failure; one warn per outage is enough.
    let down = false;
    this.redis.on('error', (err) => {
      if (!down) this.logger.warn({ err }, 'redis unavailable');
      down = true;
    });
    this.redis.on('ready', () => {
      if (down) this.logger.info('redis available again');
      down = false;
    });
  }

  async onModuleInit(): Promise<void> {
    this.unregister = this.readiness.register({ name: 'redis', check: () => this.redis.ping() });
    // Start serving once connected, but not never: a gateway without Redis still answers (503s).
    if (this.redis.status !== 'ready') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2_000);
        this.redis.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.unregister?.();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
