import { Module } from '@nestjs/common';
import { CallerGuard, IDENTITY_SECRET } from '@platform/identity';
import { ORDER_SERVICE_CONFIG, type OrderServiceConfig } from '../config/order-service.config';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { OrderCommands } from './application/order-commands.service';
import { OrdersController } from './http/orders.controller';
import { OrderEventStoreModule } from './infrastructure/order-event-store.module';

/** Orders: the event-sourced aggregate, its store and its HTTP commands. */
@Module({
  imports: [OrderEventStoreModule, IdempotencyModule],
  controllers: [OrdersController],
  providers: [
    OrderCommands,
    CallerGuard,
    {
      provide: IDENTITY_SECRET,
      inject: [ORDER_SERVICE_CONFIG],
      useFactory: (config: OrderServiceConfig) => config.GATEWAY_IDENTITY_SECRET,
    },
  ],
})
export class OrdersModule {}
