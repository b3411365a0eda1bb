import type { OrderCommand } from './order.commands';
import { OrderRuleViolation } from './order.errors';
import type { OrderEvent, OrderLine } from './order.events';
import type { OrderState } from './order.state';

type Command<T extends OrderCommand['type']> = Extract<OrderCommand, { type: T }>;

/**
 * What happens when `command` meets an order in `state`: the events to record, or an
 * OrderRuleViolation. The command comes first, as in the Decider of `@platform/event-sourcing`. A command whose effect is already there (confirming a confirmed order)
 * decides nothing, so a retried request is harmless.
 */
export function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  switch (command.type) {
    case 'PlaceOrder':
      return place(state, command);
    case 'ConfirmOrder':
      return confirm(state, command);
    case 'PayOrder':
      return pay(state, command);
    case 'ShipOrder':
      return ship(state, command);
    case 'CancelOrder':
      return cancel(state, command);
    default: {
      const unknown: never = command;
      throw new Error(`unknown order command ${JSON.stringify(unknown)}`);
    }
  }
}

function place(state: OrderState, command: Command<'PlaceOrder'>): OrderEvent[] {
  if (state.status !== 'none') {
    throw new OrderRuleViolation('ORDER.ALREADY_EXISTS', `order ${command.orderId} already exists`);
  }
  const { orderId, customerId, lines, currency } = command;
  if (lines.length === 0) throw new OrderRuleViolation('ORDER.EMPTY', 'an order needs at least one line');
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new OrderRuleViolation('ORDER.INVALID_CURRENCY', `"${currency}" is not an ISO-4217 currency code`);
  }
  for (const line of lines) checkLine(line);
  const totalMinor = totalOf(lines);
  return [{ type: 'OrderPlaced', data: { orderId, customerId, lines, currency, totalMinor } }];
}

function checkLine(line: OrderLine): void {
  if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) {
    throw new OrderRuleViolation(
      'ORDER.INVALID_QUANTITY',
      `quantity of ${line.sku} must be a whole number above 0`,
    );
  }
  // Prices come from the catalog, which holds none of 0: a line charged nothing is a bug upstream.
  if (!Number.isSafeInteger(line.unitPriceMinor) || line.unitPriceMinor <= 0) {
    throw new OrderRuleViolation(
      'ORDER.INVALID_PRICE',
      `price of ${line.sku} must be whole minor units above 0`,
    );
  }
}

/** Integer minor units only: a total beyond the safe integers could no longer be exact. */
function totalOf(lines: readonly OrderLine[]): number {
  const total = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0);
  if (!Number.isSafeInteger(total))
    throw new OrderRuleViolation('ORDER.TOTAL_TOO_LARGE', 'the order total is too large');
  return total;
}

function confirm(state: OrderState, command: Command<'ConfirmOrder'>): OrderEvent[] {
  switch (state.status) {
    case 'none':
      throw notPlaced(command.orderId);
    case 'placed':
      return [{ type: 'OrderConfirmed', data: { orderId: state.orderId } }];
    case 'confirmed':
    case 'paid':
    case 'shipped':
      return [];
    case 'cancelled':
      throw cancelled(state.orderId);
    default:
      return unreachable(state);
  }
}

function pay(state: OrderState, command: Command<'PayOrder'>): OrderEvent[] {
  switch (state.status) {
    case 'none':
      throw notPlaced(command.orderId);
    case 'placed':
      throw new OrderRuleViolation('ORDER.INVALID_TRANSITION', 'an order is paid only once it is confirmed');
    case 'confirmed':
      if (command.currency !== state.currency) {
        throw new OrderRuleViolation(
          'ORDER.CURRENCY_MISMATCH',
          `the order is in ${state.currency}, the payment in ${command.currency}`,
        );
      }
      if (command.amountMinor !== state.totalMinor) {
        throw new OrderRuleViolation(
          'ORDER.AMOUNT_MISMATCH',
          `the payment of ${command.amountMinor} does not equal the total of ${state.totalMinor}`,
        );
      }
      return [
        {
          type: 'OrderPaid',
          data: {
            orderId: state.orderId,
            paymentReference: command.paymentReference,
            amountMinor: command.amountMinor,
            currency: command.currency,
          },
        },
      ];
    case 'paid':
    case 'shipped':
      // The same payment again is a retry; another payment would be a double charge.
      if (command.paymentReference === state.paymentReference) return [];
      throw new OrderRuleViolation('ORDER.ALREADY_PAID', `order ${state.orderId} is already paid`);
    case 'cancelled':
      throw cancelled(state.orderId);
    default:
      return unreachable(state);
  }
}

function ship(state: OrderState, command: Command<'ShipOrder'>): OrderEvent[] {
  switch (state.status) {
    case 'none':
      throw notPlaced(command.orderId);
    case 'placed':
    case 'confirmed':
      throw new OrderRuleViolation('ORDER.NOT_PAID', 'an order ships only once it is paid');
    case 'paid': {
      const { carrier, trackingNumber } = command;
      return [
        {
          type: 'OrderShipped',
          data: {
            orderId: state.orderId,
            ...(carrier === undefined ? {} : { carrier }),
            ...(trackingNumber === undefined ? {} : { trackingNumber }),
          },
        },
      ];
    }
    case 'shipped':
      return [];
    case 'cancelled':
      throw cancelled(state.orderId);
    default:
      return unreachable(state);
  }
}

function cancel(state: OrderState, command: Command<'CancelOrder'>): OrderEvent[] {
  switch (state.status) {
    case 'none':
      throw notPlaced(command.orderId);
    case 'placed':
    case 'confirmed':
    case 'paid':
      return [
        {
          type: 'OrderCancelled',
          data: { orderId: state.orderId, reason: command.reason, cancelledBy: command.cancelledBy },
        },
      ];
    case 'shipped':
      throw new OrderRuleViolation('ORDER.ALREADY_SHIPPED', 'a shipped order cannot be cancelled');
    case 'cancelled':
      return [];
    default:
      return unreachable(state);
  }
}

const notPlaced = (orderId: string) =>
  new OrderRuleViolation('ORDER.NOT_PLACED', `order ${orderId} has not been placed`);

const cancelled = (orderId: string) =>
  new OrderRuleViolation('ORDER.ALREADY_CANCELLED', `order ${orderId} is cancelled`);

function unreachable(state: never): never {
  throw new Error(`unknown order state ${JSON.stringify(state)}`);
}
