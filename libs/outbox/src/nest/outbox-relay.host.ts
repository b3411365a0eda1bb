import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { EventProducer } from '@platform/messaging';
import { METRICS_REGISTRY, PINO_LOGGER } from '@platform/observability';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { OutboxRelay } from '../outbox-relay';
import type { OutboxTable } from '../outbox.schema';

/** Which outbox the app's relay drains: its table and NOTIFY channel, in which database. */
export interface OutboxRelayHostOptions extends OutboxTable {
  connectionString: string;
}

/** Nest token of the {@link OutboxRelayHostOptions}; an app provides it from its config. */
export const OUTBOX_RELAY_OPTIONS = Symbol('platform.outbox.relay-options');

/**
 * Runs an app's outbox relay with the app: started after boot, stopped before the producer
 * disconnects (the producer closes in onApplicationShutdown), so the batch in flight finishes;
 * rows written while HTTP drains wait for the next relay. Events go out through the app's
 * EventProducer, each to the topic the contracts' registry assigns to its type.
 *
 *   providers: [
 *     { provide: OUTBOX_RELAY_OPTIONS, inject: [CONFIG], useFactory: (c) => ({ ...TABLE, connectionString: c.DATABASE_URL }) },
 *     OutboxRelayHost,
 *   ]
 */
@Injectable()
export class OutboxRelayHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly relay: OutboxRelay;

  constructor(
    @Inject(OUTBOX_RELAY_OPTIONS) options: OutboxRelayHostOptions,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(PINO_LOGGER) logger: Logger,
    producer: EventProducer,
  ) {
    this.relay = new OutboxRelay({
      ...options,
      // Rows hold envelopes validated when they were written (createEvent), so they are events of
      // the registry and publishTraced finds each one's topic.
      publish: (records) => producer.publishTraced(records),
      registry,
      logger,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
