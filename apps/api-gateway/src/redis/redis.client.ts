import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PINO_LOGGER, ReadinessRegistry, type Logger } from '@platform/observability';
import Redis from 'ioredis';
import { API_GATEWAY_CONFIG, type ApiGatewayConfig } from '../config/api-gateway.config';
import { withCommandDeadline } from './command-deadline';

/**
 * The gateway's one Redis connection (revocation list + rate limits). Commands fail fast instead
 * of queueing while Redis is away (no offline queue, no retries) and within a deadline while it is
 * slow (`command()`): the callers decide what "Redis is down" means for them (revocation fails
 * closed, rate limiting degrades open).
 */
@Injectable()
export class RedisClient implements OnModuleInit, OnApplicationShutdown {
  readonly redis: Redis;
  private readonly commandTimeoutMs: number;
  private unregister?: () => void;

  constructor(
    @Inject(API_GATEWAY_CONFIG) config: ApiGatewayConfig,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.commandTimeoutMs = config.GATEWAY_REDIS_COMMAND_TIMEOUT_MS;
    // No `commandTimeout` here: it fails replies that arrived while the event loop was busy
    // (withCommandDeadline says why); command() bounds every call instead.
    this.redis = new Redis(config.REDIS_URL, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
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

  /**
   * Sends a command, failing it with RedisCommandTimeout when Redis has not answered within
   * GATEWAY_REDIS_COMMAND_TIMEOUT_MS: time the gateway's own event loop spent busy while the reply
   * waited in the socket does not count against it.
   */
  command<T>(send: (redis: Redis) => Promise<T>): Promise<T> {
    return withCommandDeadline(send(this.redis), this.commandTimeoutMs);
  }

  async onModuleInit(): Promise<void> {
    this.unregister = this.readiness.register({
      name: 'redis',
      check: () => this.command((redis) => redis.ping()),
    });
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
    await this.command((redis) => redis.quit()).catch(() => this.redis.disconnect());
  }
}
