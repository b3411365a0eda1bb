import { deciderSpecification } from '@platform/event-sourcing';
import { orderDecider } from './order.decider';
import { OrderRuleViolation } from './order.errors';
import type { OrderEvent } from './order.events';

// The decider as handleCommand runs it: given the stream, when a command, then events or a rule.
const spec = deciderSpecification(orderDecider);

const orderId = 'order-1';
const lines = [{ sku: 'BOOK-1', quantity: 2, unitPriceMinor: 1250 }];
const order = { orderId, customerId: 'customer-1', lines, currency: 'EUR' };
const placed: OrderEvent = { type: 'OrderPlaced', data: { ...order, totalMinor: 2500 } };
const confirmed: OrderEvent = { type: 'OrderConfirmed', data: { orderId } };
const payment = { orderId, paymentReference: 'pay-1', amountMinor: 2500, currency: 'EUR' };
const paid: OrderEvent = { type: 'OrderPaid', data: payment };

describe('orderDecider', () => {
  it('starts every order from none', () => {
    expect(orderDecider.initialState).toEqual({ status: 'none' });
  });

  it('places, confirms, pays and ships an order', () => {
    spec
      .given([])
      .when({ type: 'PlaceOrder', ...order })
      .then([placed]);
    spec.given([placed]).when({ type: 'ConfirmOrder', orderId }).then([confirmed]);
    spec
      .given([placed, confirmed])
      .when({ type: 'PayOrder', ...payment })
      .then([paid]);
    spec
      .given([placed, confirmed, paid])
      .when({ type: 'ShipOrder', orderId })
      .then([{ type: 'OrderShipped', data: { orderId } }]);
  });

  it('refuses a payment before confirmation with ORDER.INVALID_TRANSITION', () => {
    spec
      .given([placed])
      .when({ type: 'PayOrder', ...payment })
      .thenThrows(OrderRuleViolation, (error) => expect(error.code).toBe('ORDER.INVALID_TRANSITION'));
  });
});
