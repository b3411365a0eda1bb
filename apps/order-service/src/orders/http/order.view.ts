import type { VersionedOrder } from '../application/order-commands.service';

/** An order as the API shows it. */
export interface OrderView {
  id: string;
  customerId: string;
  status: string;
  lines: { sku: string; quantity: number; unitPriceMinor: number }[];
  currency: string;
  totalMinor: number;
  version: number;
}

export function toOrderView({ state, version }: VersionedOrder): OrderView {
  return {
    id: state.orderId,
    customerId: state.customerId,
    status: state.status,
    lines: state.lines,
    currency: state.currency,
    totalMinor: state.totalMinor,
    version,
  };
}
