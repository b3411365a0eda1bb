import { Module } from '@nestjs/common';
import { OrderEventStore } from './order-event-store';
import { OrderSummaries } from './order-summaries';

/** The order event store and its read model over the app's Postgres (PersistenceModule provides the DataSource). */
@Module({ providers: [OrderEventStore, OrderSummaries], exports: [OrderEventStore, OrderSummaries] })
export class OrderEventStoreModule {}
