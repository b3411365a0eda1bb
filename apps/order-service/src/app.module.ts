import { Module, type DynamicModule } from '@nestjs/common';
import { MessagingModule } from '@platform/messaging';
import { ORDER_SERVICE_CONFIG, type OrderServiceConfig } from './config/order-service.config';
import { OrdersModule } from './orders/orders.module';
import { OrderOutboxModule } from './outbox/order-outbox.module';
import { PersistenceModule } from './persistence/persistence.module';

/** order-service: event-sourced orders, published through the outbox. Capabilities are imported here. */
@Module({})
export class AppModule {
  /** The app with its validated config available for injection. */
  static with(config: OrderServiceConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        MessagingModule.forRoot({
          clientId: 'order-service',
          brokers: config.KAFKA_BROKERS,
          client: config.KAFKA_CLIENT,
          replicationFactor: config.KAFKA_REPLICATION_FACTOR,
          ownsTopicsOf: 'order-service', // creates order.events (+ .retry, .dlq)
        }),
        PersistenceModule,
        OrderOutboxModule,
        OrdersModule,
      ],
      providers: [{ provide: ORDER_SERVICE_CONFIG, useValue: config }],
      exports: [ORDER_SERVICE_CONFIG],
    };
  }
}
