/** What the benchmarks send of an order: the OrderPlaced event the messaging ones move, the body the HTTP ones post. */
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

/** The body of `POST /orders` the HTTP benchmarks send: two lines, 30.97 EUR at the seeded catalog's prices. */
export const PLACE_ORDER_BODY = JSON.stringify({
  lines: [
    { sku: 'BOOK-1', quantity: 2 },
    { sku: 'PEN-1', quantity: 3 },
  ],
});
