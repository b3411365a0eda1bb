import { Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { MessagingModule } from '@platform/messaging';
import { ReadinessRegistry } from '@platform/observability';
import { Kafka, type Admin } from 'kafkajs';
import { ORDER_SERVICE_CONFIG, type OrderServiceConfig } from './config/order-service.config';
import { OrdersModule } from './orders/orders.module';
import { OrderOutboxModule } from './outbox/order-outbox.module';
import { PersistenceModule } from './persistence/persistence.module';

/** order-service: event-sourced orders, published through the outbox. Capabilities are imported here. */
@Module({})
export class AppModule implements OnModuleInit, OnApplicationShutdown {
  private readonly kafkaAdmin: Admin;

  constructor(
    kafka: Kafka,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.kafkaAdmin = kafka.admin();
  }

  /** The app with its validated config available for injection. */
  static with(config: OrderServiceConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        MessagingModule.forRoot({
          clientId: 'order-service',
          brokers: config.KAFKA_BROKERS,
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

  // EventProducer does not expose its connection state; a metadata round trip to the cluster
  // over a long-lived admin client is the nearest check that the producer can publish.
  onModuleInit(): void {
    this.readiness.register({
      name: 'kafka',
      check: async () => {
        await this.kafkaAdmin.connect();
        return this.kafkaAdmin.describeCluster();
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.kafkaAdmin.disconnect();
  }
}
