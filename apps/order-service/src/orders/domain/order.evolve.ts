import type { OrderEvent } from './order.events';
import { initialOrderState, type OrderState } from './order.state';

/**
 * The state after one event. Events are facts already decided, so evolve never refuses one; an
 * event that makes no sense in the state (which decide never emits) leaves the state as it is.
 */
export function evolve(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'OrderPlaced': {
      const { orderId, customerId, lines, currency, totalMinor } = event.data;
      return { status: 'placed', orderId, customerId, lines, currency, totalMinor };
    }
    case 'OrderConfirmed':
      return state.status === 'placed' ? { ...state, status: 'confirmed' } : state;
    case 'OrderPaid':
      return state.status === 'placed' || state.status === 'confirmed'
        ? { ...state, status: 'paid', paymentReference: event.data.paymentReference }
        : state;
    case 'OrderShipped':
      return state.status === 'paid' ? { ...state, status: 'shipped' } : state;
    case 'OrderCancelled': {
      if (state.status === 'none') return state;
      const { orderId, customerId, lines, currency, totalMinor } = state;
      return {
        status: 'cancelled',
        orderId,
        customerId,
        lines,
        currency,
        totalMinor,
        reason: event.data.reason,
      };
    }
    default: {
      const unknown: never = event;
      throw new Error(`unknown order event ${JSON.stringify(unknown)}`);
    }
  }
}

/** The state after all of `events`, from the beginning. */
export function evolveAll(events: readonly OrderEvent[], from: OrderState = initialOrderState): OrderState {
  return events.reduce(evolve, from);
}
