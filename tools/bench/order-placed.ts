/** The record every messaging benchmark moves: an OrderPlaced event as the order service publishes it. */
import { createEvent, type EventOf } from '@platform/contracts';

/**
 * Event `i` of a run: ~830 bytes, an order of eight lines; 5 000 orders (record keys), so keys
 * spread over every partition. `runId` makes correlation ids unique per run.
 */
export function orderPlaced(i: number, runId: string): EventOf<'OrderPlaced'> {
  const orderId = `order-${i % 5_000}`;
  const lines = Array.from({ length: 8 }, (_, l) => ({
    sku: `SKU-${(i * 7 + l) % 997}-ABCDEFGHIJ`,
    quantity: 1 + (l % 3),
    unitPriceMinor: 1_999 + l * 100,
  }));
  return createEvent({
    type: 'OrderPlaced',
    aggregateId: orderId,
    aggregateVersion: 1 + Math.floor(i / 5_000),
    correlationId: `bench-${runId}-${i}`,
    causationId: null,
    payload: {
      orderId,
      customerId: `customer-${i % 977}-0123456789abcdef`,
      currency: 'EUR',
      lines,
      totalMinor: lines.reduce((sum, l) => sum + l.quantity * l.unitPriceMinor, 0),
    },
  });
}
