import { InMemoryEventStore } from '@platform/event-sourcing';
import type { CallerIdentity } from '@platform/identity';
import type { CatalogProduct } from '../../catalog/catalog-products';
import type { OrderCommand } from '../domain/order.commands';
import { OrderForbidden, OrderRuleViolation, type OrderRuleCode } from '../domain/order.errors';
import type { OrderEvent } from '../domain/order.events';
import { evolveAll } from '../domain/order.evolve';
import type { OrderDetails, OrderState } from '../domain/order.state';
import { VersionConflict } from './version-conflict';
import { OrderCommands, type VersionedOrder } from './order-commands.service';
import { OrderNotFound } from './order-not-found';

// The order use cases over the InMemoryEventStore: the real policy, decider and handleCommand
// (conflicts included), no Postgres. The catalog is a fixed price list.

const customer: CallerIdentity = { userId: 'customer-1', roles: ['customer'] };
const otherCustomer: CallerIdentity = { userId: 'customer-2', roles: ['customer'] };
const staff: CallerIdentity = { userId: 'staff-1', roles: ['staff'] };

const products: CatalogProduct[] = [
  { sku: 'BOOK-1', name: 'Book', unitPriceMinor: 1250, currency: 'EUR', active: true },
  { sku: 'PEN-1', name: 'Pen', unitPriceMinor: 199, currency: 'EUR', active: true },
];
const catalog = {
  pricesOf: async (skus: readonly string[]) =>
    new Map(products.filter((p) => skus.includes(p.sku)).map((p) => [p.sku, p])),
};

const orderId = 'order-1';
const lines = [
  { sku: 'BOOK-1', quantity: 2, unitPriceMinor: 1250 },
  { sku: 'PEN-1', quantity: 3, unitPriceMinor: 199 },
];
const order = { orderId, customerId: customer.userId, lines, currency: 'EUR', totalMinor: 3097 };
const placed: OrderEvent = { type: 'OrderPlaced', data: order };
const confirmed: OrderEvent = { type: 'OrderConfirmed', data: { orderId } };
const payment = { orderId, paymentReference: 'pay-1', amountMinor: 3097, currency: 'EUR' };
const paid: OrderEvent = { type: 'OrderPaid', data: payment };
const shipped: OrderEvent = { type: 'OrderShipped', data: { orderId, carrier: 'DHL' } };

const confirm = (order: OrderDetails): OrderCommand => ({ type: 'ConfirmOrder', orderId: order.orderId });
const ship = (order: OrderDetails): OrderCommand => ({
  type: 'ShipOrder',
  orderId: order.orderId,
  carrier: 'DHL',
});
const cancel = (order: OrderDetails, who: CallerIdentity): OrderCommand => ({
  type: 'CancelOrder',
  orderId: order.orderId,
  reason: 'changed my mind',
  cancelledBy: who.userId === order.customerId ? 'customer' : 'merchant',
});

/**
 * Given the order's stream holds `history`, when `act` runs a use case: then the stream holds
 * `history` plus the expected events, or the use case fails and the stream holds `history` only.
 */
function given(history: OrderEvent[]) {
  const store = new InMemoryEventStore<OrderEvent, OrderState>();
  const orders = new OrderCommands(store, catalog);
  const seeded = store.appendToStream(orderId, history, {
    expectedVersion: 0,
    stateAfter: evolveAll(history),
  });
  const newEvents = async (id = orderId) => (await store.readStream(id)).events.slice(history.length);
  return {
    store,
    when: (act: (orders: OrderCommands) => Promise<VersionedOrder>) => ({
      async then(expected: OrderEvent[]): Promise<VersionedOrder> {
        await seeded;
        const answer = await act(orders);
        expect(await newEvents()).toEqual(expected);
        expect(answer.version).toBe(history.length + expected.length);
        expect(answer.state).toEqual(evolveAll([...history, ...expected]));
        return answer;
      },
      async thenFails(check: (error: unknown) => void): Promise<void> {
        await seeded;
        const error = await act(orders).then(
          (answer) => new Error(`expected a failure, got ${JSON.stringify(answer)}`),
          (thrown: unknown) => thrown,
        );
        check(error);
        expect(await newEvents()).toEqual([]);
      },
    }),
  };
}

const rule = (code: OrderRuleCode) => (error: unknown) => {
  expect(error).toBeInstanceOf(OrderRuleViolation);
  expect((error as OrderRuleViolation).code).toBe(code);
};
const instanceOf = (type: abstract new (...args: never[]) => unknown) => (error: unknown) =>
  expect(error).toBeInstanceOf(type);

describe('placing an order', () => {
  it('records the lines at the catalog prices as a new stream at version 1', async () => {
    const store = new InMemoryEventStore<OrderEvent, OrderState>();
    const orders = new OrderCommands(store, catalog);

    const answer = await orders.place(customer, [
      { sku: 'BOOK-1', quantity: 2 },
      { sku: 'PEN-1', quantity: 3 },
    ]);

    const id = answer.state.orderId;
    expect((await store.readStream(id)).events).toEqual([
      { type: 'OrderPlaced', data: { ...order, orderId: id } },
    ]);
    expect(answer).toEqual({
      state: { status: 'placed', ...order, orderId: id },
      version: 1,
    });
  });

  it('refuses a SKU the catalog does not sell and records nothing', async () => {
    const store = new InMemoryEventStore<OrderEvent, OrderState>();
    const refused = new OrderCommands(store, catalog).place(customer, [{ sku: 'GONE-1', quantity: 1 }]);

    await expect(refused).rejects.toMatchObject({ code: 'ORDER.UNKNOWN_SKU', field: 'lines.0.sku' });
  });

  it('refuses staff who are not customers', async () => {
    const refused = new OrderCommands(new InMemoryEventStore(), catalog).place(staff, [
      { sku: 'BOOK-1', quantity: 1 },
    ]);

    await expect(refused).rejects.toBeInstanceOf(OrderForbidden);
  });
});

describe('changing an order', () => {
  it('confirms a placed order for staff', async () => {
    await given([placed])
      .when((orders) => orders.change(staff, orderId, 'confirm', confirm))
      .then([confirmed]);
  });

  it('records the provider payment of a confirmed order', async () => {
    await given([placed, confirmed])
      .when((orders) => orders.payFromProvider(payment))
      .then([paid]);
  });

  it('ships a paid order', async () => {
    await given([placed, confirmed, paid])
      .when((orders) => orders.change(staff, orderId, 'ship', ship))
      .then([shipped]);
  });

  it("cancels a customer's own order, as the customer", async () => {
    await given([placed, confirmed])
      .when((orders) => orders.change(customer, orderId, 'cancel', cancel))
      .then([
        { type: 'OrderCancelled', data: { orderId, reason: 'changed my mind', cancelledBy: 'customer' } },
      ]);
  });

  it('records nothing for a command whose effect is already there, and keeps the version', async () => {
    await given([placed, confirmed])
      .when((orders) => orders.change(staff, orderId, 'confirm', confirm, 2))
      .then([]);
  });

  it('applies If-Match when it names the current version', async () => {
    await given([placed])
      .when((orders) => orders.change(staff, orderId, 'confirm', confirm, 1))
      .then([confirmed]);
  });
});

describe('refusing a command', () => {
  it('refuses to cancel a shipped order', async () => {
    await given([placed, confirmed, paid, shipped])
      .when((orders) => orders.change(staff, orderId, 'cancel', cancel))
      .thenFails(rule('ORDER.ALREADY_SHIPPED'));
  });

  it('refuses to ship an order that is not paid', async () => {
    await given([placed, confirmed])
      .when((orders) => orders.change(staff, orderId, 'ship', ship))
      .thenFails(rule('ORDER.NOT_PAID'));
  });

  it('refuses a provider payment that does not match the total', async () => {
    await given([placed, confirmed])
      .when((orders) => orders.payFromProvider({ ...payment, amountMinor: 1 }))
      .thenFails(rule('ORDER.AMOUNT_MISMATCH'));
  });

  it('answers OrderNotFound for a payment of an order never placed', async () => {
    await given([])
      .when((orders) => orders.payFromProvider(payment))
      .thenFails(instanceOf(OrderNotFound));
  });

  it("hides another customer's order, even behind a stale If-Match", async () => {
    await given([placed])
      .when((orders) => orders.change(otherCustomer, orderId, 'cancel', cancel, 7))
      .thenFails(instanceOf(OrderNotFound));
  });

  it('refuses a customer confirming its own order with ORDER.FORBIDDEN', async () => {
    await given([placed])
      .when((orders) => orders.change(customer, orderId, 'confirm', confirm))
      .thenFails(instanceOf(OrderForbidden));
  });
});

describe('version conflicts', () => {
  it('refuses a stale If-Match with ORDER.VERSION_CONFLICT naming both versions', async () => {
    await given([placed, confirmed])
      .when((orders) => orders.change(staff, orderId, 'ship', ship, 1))
      .thenFails((error) => {
        expect(error).toBeInstanceOf(VersionConflict);
        expect(error).toMatchObject({ code: 'ORDER.VERSION_CONFLICT', expectedVersion: 1, actualVersion: 2 });
      });
  });

  it('lets one of two writers that read the same version win; the other gets ORDER.VERSION_CONFLICT', async () => {
    const { store, when } = given([placed]);
    const confirming = when((orders) => orders.change(staff, orderId, 'confirm', confirm));
    const cancelling = when((orders) => orders.change(customer, orderId, 'cancel', cancel));

    const [first, second] = await Promise.allSettled([confirming.then([confirmed]), cancelling.then([])]);

    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: expect.any(VersionConflict) });
    expect((await store.readStream(orderId)).events).toEqual([placed, confirmed]);
  });
});

describe('reading an order', () => {
  it('answers its customer the folded state and version, recording nothing', async () => {
    await given([placed, confirmed])
      .when((orders) => orders.find(customer, orderId))
      .then([]);
  });

  it("hides another customer's order", async () => {
    await given([placed])
      .when((orders) => orders.find(otherCustomer, orderId))
      .thenFails(instanceOf(OrderNotFound));
  });
});
