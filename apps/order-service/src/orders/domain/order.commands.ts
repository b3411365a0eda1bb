import type { OrderLine } from './order.events';

/** Who asked for a cancellation, as the event records it. */
export type CancelledBy = 'customer' | 'merchant' | 'system';

/** What can be asked of an order. */
export type OrderCommand =
  | { type: 'PlaceOrder'; orderId: string; customerId: string; lines: OrderLine[]; currency: string }
  | { type: 'ConfirmOrder'; orderId: string }
  | { type: 'PayOrder'; orderId: string; amountMinor: number; currency: string; paymentReference: string }
  | { type: 'ShipOrder'; orderId: string; carrier?: string; trackingNumber?: string }
  | { type: 'CancelOrder'; orderId: string; reason: string; cancelledBy: CancelledBy };
