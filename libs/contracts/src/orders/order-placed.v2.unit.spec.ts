import { describeIssues } from '../envelope';
import { orderPlacedV2, totalOfLines, type OrderPlacedV2 } from './order-placed.v2';

const order: OrderPlacedV2 = {
  orderId: 'order-1',
  customerId: 'customer-1',
  currency: 'EUR',
  lines: [
    { sku: 'BOOK-1', quantity: 2, unitPriceMinor: 1250 },
    { sku: 'PEN-1', quantity: 3, unitPriceMinor: 199 },
  ],
  totalMinor: 3097,
};

/** The reason the schema gives for `payload`, or '' when it is valid. */
function problemsWith(payload: unknown): string {
  const result = orderPlacedV2.payload.safeParse(payload);
  return result.success ? '' : describeIssues(result.error, 'payload');
}

describe('OrderPlaced v2', () => {
  it('accepts an order whose total is the sum of its lines', () => {
    expect(totalOfLines(order.lines)).toBe(3097);
    expect(problemsWith(order)).toBe('');
  });

  it('rejects a total that does not add up, naming the total', () => {
    expect(problemsWith({ ...order, totalMinor: 3000 })).toBe(
      'payload.totalMinor: must equal the sum of quantity * unitPriceMinor over the lines',
    );
  });

  it('rejects an order without lines', () => {
    expect(problemsWith({ ...order, lines: [], totalMinor: 0 })).toMatch(/^payload\.lines: /);
  });

  it('takes money only as whole minor units', () => {
    const lines = [{ sku: 'BOOK-1', quantity: 1, unitPriceMinor: 12.5 }];
    expect(problemsWith({ ...order, lines, totalMinor: 12.5 })).toMatch(
      /payload\.lines\.0\.unitPriceMinor: /,
    );
  });

  it.each(['eur', 'EURO', 'E1R'])('rejects %p as a currency', (currency) => {
    expect(problemsWith({ ...order, currency })).toMatch(/^payload\.currency: must be an ISO-4217 code/);
  });
});
