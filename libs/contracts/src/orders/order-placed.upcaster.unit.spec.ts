import { upcastOrderPlacedV1ToV2 } from './order-placed.upcaster';
import type { OrderPlacedV1 } from './order-placed.v1';
import { orderPlacedV2 } from './order-placed.v2';

const v1: OrderPlacedV1 = {
  orderId: 'order-1',
  customerId: 'customer-1',
  currency: 'GBP',
  lines: [
    { sku: 'BOOK-1', quantity: 3, price: '0.10' },
    { sku: 'LAMP-1', quantity: 1, price: '1049.99' },
  ],
};

describe('OrderPlaced v1 -> v2', () => {
  it('turns decimal prices into exact minor units and adds the total', () => {
    expect(upcastOrderPlacedV1ToV2(v1)).toEqual({
      orderId: 'order-1',
      customerId: 'customer-1',
      currency: 'GBP',
      lines: [
        { sku: 'BOOK-1', quantity: 3, unitPriceMinor: 10 },
        { sku: 'LAMP-1', quantity: 1, unitPriceMinor: 104999 },
      ],
      totalMinor: 105029,
    });
  });

  it('produces a payload the v2 schema accepts, total included', () => {
    expect(orderPlacedV2.payload.safeParse(upcastOrderPlacedV1ToV2(v1)).success).toBe(true);
  });

  it('reads a free line as zero', () => {
    const free = { ...v1, lines: [{ sku: 'GIFT-1', quantity: 1, price: '0.00' }] };
    expect(upcastOrderPlacedV1ToV2(free)).toMatchObject({ lines: [{ unitPriceMinor: 0 }], totalMinor: 0 });
  });

  it('leaves the v1 payload untouched', () => {
    const before = structuredClone(v1);
    upcastOrderPlacedV1ToV2(v1);
    expect(v1).toEqual(before);
  });
});
