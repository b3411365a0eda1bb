import type { OrderLine } from './order.events';

/** What every existing order knows, whatever its status. */
export interface OrderDetails {
  orderId: string;
  customerId: string;
  lines: OrderLine[];
  currency: string;
  totalMinor: number;
}

/** An order as the fold of its events; `none` is the state before OrderPlaced. */
export type OrderState =
  | { status: 'none' }
  | (OrderDetails & { status: 'placed' })
  | (OrderDetails & { status: 'confirmed' })
  | (OrderDetails & { status: 'paid'; paymentReference: string })
  | (OrderDetails & { status: 'shipped'; paymentReference: string })
  | (OrderDetails & { status: 'cancelled'; reason: string });

export type OrderStatus = OrderState['status'];

/** The state of an order that has no events yet. */
export const initialOrderState: OrderState = { status: 'none' };
