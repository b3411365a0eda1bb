import { Module } from '@nestjs/common';
import { OUTBOX_RELAY_OPTIONS, OutboxRelayHost, type OutboxRelayHostOptions } from '@platform/outbox';
import { ORDER_SERVICE_CONFIG, type OrderServiceConfig } from '../config/order-service.config';
import { ORDER_OUTBOX } from './order-outbox.table';

/** The relay of order-service's outbox: every order event goes to order.events. */
@Module({
  providers: [
    {
      provide: OUTBOX_RELAY_OPTIONS,
      inject: [ORDER_SERVICE_CONFIG],
      useFactory: (config: OrderServiceConfig): OutboxRelayHostOptions => ({
        ...ORDER_OUTBOX,
        connectionString: config.ORDER_DATABASE_URL,
      }),
    },
    OutboxRelayHost,
  ],
  exports: [OutboxRelayHost],
})
export class OrderOutboxModule {}
