import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { METRICS_REGISTRY, PINO_LOGGER } from '@platform/observability';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { RetentionPurge, type RetentionRule } from '../retention-purge';

/** What an app purges, in which database, how often. */
export interface RetentionPurgeHostOptions {
  connectionString: string;
  rules: readonly RetentionRule[];
  intervalMs: number;
}

/** Nest token of the {@link RetentionPurgeHostOptions}; an app provides it from its config. */
export const RETENTION_PURGE_OPTIONS = Symbol('platform.outbox.retention-purge-options');

/** Runs an app's RetentionPurge on its schedule from boot to shutdown. */
@Injectable()
export class RetentionPurgeHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly purge: RetentionPurge;

  constructor(
    @Inject(RETENTION_PURGE_OPTIONS) options: RetentionPurgeHostOptions,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(PINO_LOGGER) logger: Logger,
  ) {
    this.purge = new RetentionPurge({ ...options, registry, logger });
  }

  onApplicationBootstrap(): void {
    this.purge.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.purge.stop();
  }
}
