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
import { ORDER_SERVICE_CONFIG, type OrderServiceConfig } from '../config/order-service.config';
import { ORDER_OUTBOX } from './order-outbox.table';

/** Runs the outbox relay of order.events with the app: started after boot, stopped first. */
@Injectable()
export class OrderOutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly relay: OutboxRelay;

  constructor(
    @Inject(ORDER_SERVICE_CONFIG) config: OrderServiceConfig,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(PINO_LOGGER) logger: Logger,
    producer: EventProducer,
  ) {
    this.relay = new OutboxRelay({
      ...ORDER_OUTBOX,
      connectionString: config.ORDER_DATABASE_URL,
      // publishEvents routes by the contracts' registry: every order event goes to order.events.
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
