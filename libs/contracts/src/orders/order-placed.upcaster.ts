import type { Upcaster } from '../event-definition';
import type { orderPlacedV1 } from './order-placed.v1';
import { totalOfLines, type orderPlacedV2 } from './order-placed.v2';

/**
 * OrderPlaced v1 -> v2. v1 allowed only two-decimal currencies with exactly two decimals, so
 * dropping the point gives the minor units exactly, with no float on the way.
 */
export const upcastOrderPlacedV1ToV2: Upcaster<typeof orderPlacedV1, typeof orderPlacedV2> = (v1) => {
  const lines = v1.lines.map((line) => ({
    sku: line.sku,
    quantity: line.quantity,
    unitPriceMinor: Number(line.price.replace('.', '')),
  }));
  return {
    orderId: v1.orderId,
    customerId: v1.customerId,
    lines,
    currency: v1.currency,
    totalMinor: totalOfLines(lines),
  };
};
