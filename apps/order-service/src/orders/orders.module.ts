import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { OrderCommands } from './application/order-commands.service';
import { CallerGuard } from './http/caller.guard';
import { OrdersController } from './http/orders.controller';
import { OrderEventStoreModule } from './infrastructure/order-event-store.module';

/** Orders: the event-sourced aggregate, its store and its HTTP commands. */
@Module({
  imports: [OrderEventStoreModule, IdempotencyModule],
  controllers: [OrdersController],
  providers: [OrderCommands, CallerGuard],
})
export class OrdersModule {}
