import type { OrderCommand } from './order.commands';
import { decide } from './order.decide';
import { OrderRuleViolation, type OrderRuleCode } from './order.errors';
import type { OrderEvent } from './order.events';
import { evolveAll } from './order.evolve';

const orderId = 'order-1';
const lines = [
  { sku: 'BOOK-1', quantity: 2, unitPriceMinor: 1250 },
  { sku: 'PEN-1', quantity: 3, unitPriceMinor: 199 },
];

const placeOrder: OrderCommand = {
  type: 'PlaceOrder',
  orderId,
  customerId: 'customer-1',
  lines,
  currency: 'EUR',
};
const confirmOrder: OrderCommand = { type: 'ConfirmOrder', orderId };
const payOrder: OrderCommand = {
  type: 'PayOrder',
  orderId,
  amountMinor: 3097,
  currency: 'EUR',
  paymentReference: 'pay-1',
};
const shipOrder: OrderCommand = { type: 'ShipOrder', orderId, carrier: 'DHL' };
const cancelOrder: OrderCommand = {
  type: 'CancelOrder',
  orderId,
  reason: 'changed my mind',
  cancelledBy: 'customer',
};

const placed: OrderEvent = {
  type: 'OrderPlaced',
  data: { orderId, customerId: 'customer-1', lines, currency: 'EUR', totalMinor: 3097 },
};
const confirmed: OrderEvent = { type: 'OrderConfirmed', data: { orderId } };
const paid: OrderEvent = {
  type: 'OrderPaid',
  data: { orderId, paymentReference: 'pay-1', amountMinor: 3097, currency: 'EUR' },
};
const shipped: OrderEvent = { type: 'OrderShipped', data: { orderId, carrier: 'DHL' } };
const cancelled: OrderEvent = {
  type: 'OrderCancelled',
  data: { orderId, reason: 'changed my mind', cancelledBy: 'customer' },
};

/** Given these events, when the command is decided: the events it records. */
const given = (events: OrderEvent[]) => ({
  when: (command: OrderCommand) => decide(command, evolveAll(events)),
});

function expectViolation(decision: () => unknown, code: OrderRuleCode): void {
  try {
    decision();
  } catch (error) {
    expect(error).toBeInstanceOf(OrderRuleViolation);
    expect((error as OrderRuleViolation).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}, but the command was accepted`);
}

describe('placing an order', () => {
  it('records the order with its total computed from the lines in minor units', () => {
    expect(given([]).when(placeOrder)).toEqual([placed]);
  });

  it('refuses an order without lines', () => {
    expectViolation(() => given([]).when({ ...placeOrder, lines: [] }), 'ORDER.EMPTY');
  });

  it.each([0, -1, 1.5])('refuses a line with quantity %p', (quantity) => {
    expectViolation(
      () => given([]).when({ ...placeOrder, lines: [{ sku: 'BOOK-1', quantity, unitPriceMinor: 100 }] }),
      'ORDER.INVALID_QUANTITY',
    );
  });

  it.each([12.5, 0, -1])('refuses a unit price of %p: whole minor units above 0', (unitPriceMinor) => {
    expectViolation(
      () => given([]).when({ ...placeOrder, lines: [{ sku: 'BOOK-1', quantity: 1, unitPriceMinor }] }),
      'ORDER.INVALID_PRICE',
    );
  });

  it('refuses a currency that is not an ISO-4217 code', () => {
    expectViolation(() => given([]).when({ ...placeOrder, currency: 'euro' }), 'ORDER.INVALID_CURRENCY');
  });

  it('refuses a total beyond exact integers', () => {
    const huge = [{ sku: 'GOLD-1', quantity: 1_000_000, unitPriceMinor: Number.MAX_SAFE_INTEGER }];
    expectViolation(() => given([]).when({ ...placeOrder, lines: huge }), 'ORDER.TOTAL_TOO_LARGE');
  });

  it('refuses to place an order twice', () => {
    expectViolation(() => given([placed]).when(placeOrder), 'ORDER.ALREADY_EXISTS');
  });
});

describe('confirming an order', () => {
  it('confirms a placed order', () => {
    expect(given([placed]).when(confirmOrder)).toEqual([confirmed]);
  });

  it('records nothing when the order is already confirmed', () => {
    expect(given([placed, confirmed]).when(confirmOrder)).toEqual([]);
  });

  it('refuses to confirm a cancelled order', () => {
    expectViolation(() => given([placed, cancelled]).when(confirmOrder), 'ORDER.ALREADY_CANCELLED');
  });

  it('refuses a command for an order that was never placed', () => {
    expectViolation(() => given([]).when(confirmOrder), 'ORDER.NOT_PLACED');
  });
});

describe('paying an order', () => {
  it('records the payment of the exact total of a confirmed order', () => {
    expect(given([placed, confirmed]).when(payOrder)).toEqual([paid]);
  });

  it('refuses a payment that does not equal the total', () => {
    expectViolation(
      () => given([placed, confirmed]).when({ ...payOrder, amountMinor: 3000 }),
      'ORDER.AMOUNT_MISMATCH',
    );
  });

  it('refuses a payment in another currency', () => {
    expectViolation(
      () => given([placed, confirmed]).when({ ...payOrder, currency: 'USD' }),
      'ORDER.CURRENCY_MISMATCH',
    );
  });

  it('refuses to pay an order that is not confirmed yet', () => {
    expectViolation(() => given([placed]).when(payOrder), 'ORDER.INVALID_TRANSITION');
  });

  it('records nothing for the same payment again, and refuses a second payment', () => {
    expect(given([placed, confirmed, paid]).when(payOrder)).toEqual([]);
    expectViolation(
      () => given([placed, confirmed, paid]).when({ ...payOrder, paymentReference: 'pay-2' }),
      'ORDER.ALREADY_PAID',
    );
  });
});

describe('shipping an order', () => {
  it('ships a paid order', () => {
    expect(given([placed, confirmed, paid]).when(shipOrder)).toEqual([shipped]);
  });

  it('refuses to ship an order before it is paid', () => {
    expectViolation(() => given([placed, confirmed]).when(shipOrder), 'ORDER.NOT_PAID');
  });

  it('records nothing when the order is already shipped', () => {
    expect(given([placed, confirmed, paid, shipped]).when(shipOrder)).toEqual([]);
  });

  it('refuses to ship a cancelled order', () => {
    expectViolation(
      () => given([placed, confirmed, paid, cancelled]).when(shipOrder),
      'ORDER.ALREADY_CANCELLED',
    );
  });
});

describe('cancelling an order', () => {
  it.each([
    ['placed', [placed]],
    ['confirmed', [placed, confirmed]],
    ['paid', [placed, confirmed, paid]],
  ])('cancels a %s order', (_status, history) => {
    expect(given(history).when(cancelOrder)).toEqual([cancelled]);
  });

  it('refuses to cancel a shipped order', () => {
    expectViolation(
      () => given([placed, confirmed, paid, shipped]).when(cancelOrder),
      'ORDER.ALREADY_SHIPPED',
    );
  });

  it('records nothing when the order is already cancelled', () => {
    expect(given([placed, cancelled]).when(cancelOrder)).toEqual([]);
  });
});

describe('the state of an order', () => {
  it('is the fold of its events', () => {
    expect(evolveAll([placed, confirmed, paid, shipped])).toEqual({
      status: 'shipped',
      orderId,
      customerId: 'customer-1',
      lines,
      currency: 'EUR',
      totalMinor: 3097,
      paymentReference: 'pay-1',
    });
  });
});
