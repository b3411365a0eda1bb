import type { Decider } from '@platform/event-sourcing';
import type { OrderCommand } from './order.commands';
import { decide } from './order.decide';
import type { OrderEvent } from './order.events';
import { evolve } from './order.evolve';
import { initialOrderState, type OrderState } from './order.state';

/** The Order aggregate as one Decider: what `handleCommand` of `@platform/event-sourcing` runs. */
export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState> = {
  decide,
  evolve,
  initialState: initialOrderState,
};
