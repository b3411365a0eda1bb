import { Module } from '@nestjs/common';
import { OrderOutboxModule } from '../../outbox/order-outbox.module';
import { OrderEventStore } from './order-event-store';
import { OrderSummaries } from './order-summaries';

/** The order event store and its read model over the app's Postgres (PersistenceModule provides the DataSource). */
@Module({
  imports: [OrderOutboxModule],
  providers: [OrderEventStore, OrderSummaries],
  exports: [OrderEventStore, OrderSummaries],
})
export class OrderEventStoreModule {}
