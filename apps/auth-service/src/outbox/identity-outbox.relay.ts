import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { EventProducer } from '@platform/messaging';
import { METRICS_REGISTRY, PINO_LOGGER } from '@platform/observability';
import { OutboxRelay } from '@platform/outbox';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../config/auth-service.config';
import { IDENTITY_OUTBOX } from './identity-outbox.table';

/** Runs the outbox relay of identity.events with the app: started after boot, stopped first. */
@Injectable()
export class IdentityOutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly relay: OutboxRelay;

  constructor(
    @Inject(AUTH_SERVICE_CONFIG) config: AuthServiceConfig,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(PINO_LOGGER) logger: Logger,
    producer: EventProducer,
  ) {
    this.relay = new OutboxRelay({
      ...IDENTITY_OUTBOX,
      connectionString: config.AUTH_DATABASE_URL,
      // publishEvents routes by the contracts' registry: every identity event goes to identity.events.
      publish: (events) => producer.publishEvents(events as Parameters<EventProducer['publishEvents']>[0]),
      registry,
      logger,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
  }

  /**
   * Before the producer disconnects (its onApplicationShutdown): the batch in flight finishes,
   * then the relay's connections close. Rows written while HTTP drains wait for the next relay.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
