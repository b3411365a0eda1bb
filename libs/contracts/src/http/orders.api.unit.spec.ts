import { z } from 'zod';
import {
  cancelOrderBodySchema,
  payOrderBodySchema,
  placeOrderBodySchema,
  shipOrderBodySchema,
} from './orders.api';

const NUL = String.fromCharCode(0);

describe('the order request shapes', () => {
  it('refuse NUL in every text field, which PostgreSQL cannot store', () => {
    const line = { sku: `BOOK${NUL}1`, quantity: 1, unitPriceMinor: 100 };
    expect(placeOrderBodySchema.safeParse({ lines: [line], currency: 'EUR' }).error?.issues[0]?.path).toEqual(
      ['lines', 0, 'sku'],
    );
    expect(
      payOrderBodySchema.safeParse({ amountMinor: 1, currency: 'EUR', paymentReference: `p${NUL}` }).success,
    ).toBe(false);
    expect(shipOrderBodySchema.safeParse({ carrier: `DHL${NUL}` }).success).toBe(false);
    expect(cancelOrderBodySchema.safeParse({ reason: `no${NUL}` }).success).toBe(false);
  });

  it('accept the same fields without NUL, whatever else they hold', () => {
    const line = { sku: 'BÜCHER-1 ✓', quantity: 1, unitPriceMinor: 100 };
    expect(placeOrderBodySchema.safeParse({ lines: [line], currency: 'EUR' }).success).toBe(true);
    expect(cancelOrderBodySchema.safeParse({ reason: 'changed my mind\n' }).success).toBe(true);
  });

  it('state the domain’s rules in the document, and leave them to the domain (422, not 400)', () => {
    const document = JSON.stringify(z.toJSONSchema(placeOrderBodySchema, { io: 'input' }));
    expect(document).toContain('"pattern":"^[A-Z]{3}$"');
    expect(document).toContain('"minItems":1');
    expect(document).toContain('"minimum":1');
    expect(placeOrderBodySchema.safeParse({ lines: [], currency: 'euro' }).success).toBe(true);
    expect(
      placeOrderBodySchema.safeParse({
        lines: [{ sku: 'A', quantity: 0, unitPriceMinor: -1 }],
        currency: 'EUR',
      }).success,
    ).toBe(true);
  });
});
