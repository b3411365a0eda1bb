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
    const line = { sku: `BOOK${NUL}1`, quantity: 1 };
    expect(placeOrderBodySchema.safeParse({ lines: [line] }).error?.issues[0]?.path).toEqual([
      'lines',
      0,
      'sku',
    ]);
    expect(
      payOrderBodySchema.safeParse({
        amountMinor: 1,
        currency: 'EUR',
        paymentReference: `p${NUL}`,
        reason: 'wire',
      }).success,
    ).toBe(false);
    expect(shipOrderBodySchema.safeParse({ carrier: `DHL${NUL}` }).success).toBe(false);
    expect(cancelOrderBodySchema.safeParse({ reason: `no${NUL}` }).success).toBe(false);
  });

  it('accept letters of any script in a SKU, and any well-formed text (emoji too) in a reason', () => {
    expect(placeOrderBodySchema.safeParse({ lines: [{ sku: 'BÜCHER-1', quantity: 1 }] }).success).toBe(true);
    expect(cancelOrderBodySchema.safeParse({ reason: 'changed my mind 🙂\n' }).success).toBe(true);
  });

  it('refuse a price or a currency sent by the client: the catalog prices the order', () => {
    const result = placeOrderBodySchema.safeParse({
      lines: [{ sku: 'BOOK-1', quantity: 1, unitPriceMinor: 0 }],
      currency: 'EUR',
    });
    expect(result.error?.issues.map((issue) => [issue.path, issue.code])).toEqual([
      [['lines', 0], 'unrecognized_keys'],
      [[], 'unrecognized_keys'],
    ]);
  });

  it('refuse an emoji, a bidi override or a lone surrogate in a SKU, naming the field', () => {
    for (const sku of ['BOOK-1🙂', 'BOOK\u202E1', 'BOOK\ud8001']) {
      expect(
        placeOrderBodySchema.safeParse({ lines: [{ sku, quantity: 1 }] }).error?.issues[0]?.path,
      ).toEqual(['lines', 0, 'sku']);
    }
  });

  it('state the domain’s rules in the document, and leave them to the domain (422, not 400)', () => {
    const document = JSON.stringify(z.toJSONSchema(placeOrderBodySchema, { io: 'input' }));
    expect(document).toContain('"minItems":1');
    expect(document).toContain('"minimum":1');
    expect(JSON.stringify(z.toJSONSchema(payOrderBodySchema, { io: 'input' }))).toContain(
      '"pattern":"^[A-Z]{3}$"',
    );
    expect(placeOrderBodySchema.safeParse({ lines: [] }).success).toBe(true);
    expect(placeOrderBodySchema.safeParse({ lines: [{ sku: 'A', quantity: 0 }] }).success).toBe(true);
  });
});
