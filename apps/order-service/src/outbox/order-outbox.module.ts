import { Module } from '@nestjs/common';
import { OrderOutboxRelay } from './order-outbox.relay';

/** The relay of order-service's outbox to order.events. */
@Module({ providers: [OrderOutboxRelay], exports: [OrderOutboxRelay] })
export class OrderOutboxModule {}
