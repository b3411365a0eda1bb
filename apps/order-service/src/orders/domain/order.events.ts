import type {
  OrderCancelledV1,
  OrderConfirmedV1,
  OrderLine,
  OrderPaidV1,
  OrderPlacedV2,
  OrderShippedV1,
} from '@platform/contracts';

export type { OrderLine };

/**
 * What happened to an order. The data is the contracts' latest payload of each event, so what
 * the domain decides is exactly what is stored and published.
 */
export type OrderEvent =
  | { type: 'OrderPlaced'; data: OrderPlacedV2 }
  | { type: 'OrderConfirmed'; data: OrderConfirmedV1 }
  | { type: 'OrderPaid'; data: OrderPaidV1 }
  | { type: 'OrderShipped'; data: OrderShippedV1 }
  | { type: 'OrderCancelled'; data: OrderCancelledV1 };

export type OrderEventType = OrderEvent['type'];
