import { Inject, Injectable } from '@nestjs/common';
import {
  aggregateStream,
  ExpectedVersionConflict,
  handleCommand,
  type CommandInput,
  type EventStore,
  type ExpectedVersion,
} from '@platform/event-sourcing';
import type { CallerIdentity } from '@platform/identity';
import { randomUUID } from 'node:crypto';
import { CatalogProducts } from '../../catalog/catalog-products';
import type { OrderCommand } from '../domain/order.commands';
import { orderDecider } from '../domain/order.decider';
import { OrderForbidden, OrderRuleViolation } from '../domain/order.errors';
import type { OrderEvent } from '../domain/order.events';
import { orderAccess, type OrderAction } from '../domain/order.policy';
import { priceLines, type RequestedLine } from '../domain/order.pricing';
import type { OrderDetails, OrderState } from '../domain/order.state';
import { OrderEventStore } from '../infrastructure/order-event-store';
import { VersionConflict } from './version-conflict';
import { OrderNotFound } from './order-not-found';
import { PricesChanged } from './prices-changed';

/** Attempts at placing an order whose prices the catalog changes under it, the first included. */
const PRICING_ATTEMPTS = 3;

/** An existing order and the version of its last event. */
export interface VersionedOrder {
  state: Exclude<OrderState, { status: 'none' }>;
  version: number;
}

/** What a refused action is called in the 403's detail. */
const ACTION_NAMES: Record<OrderAction, string> = {
  place: 'place orders',
  view: 'see this order',
  confirm: 'confirm orders',
  recordPayment: 'record payments (customers pay through the payment provider)',
  ship: 'ship orders',
  cancel: 'cancel this order',
};

/**
 * The use cases of orders: check who is asking (order.policy) and run the command through
 * `handleCommand` of `@platform/event-sourcing` (read and fold the stream once, decide, append at
 * the version decided on). An order the caller may not see does not exist to it (404); one it
 * sees but may not change that way is a 403 ORDER.FORBIDDEN. The store is the port, so the unit
 * tests run these use cases over the InMemoryEventStore.
 */
@Injectable()
export class OrderCommands {
  constructor(
    @Inject(OrderEventStore) private readonly store: EventStore<OrderEvent, OrderState>,
    @Inject(CatalogProducts) private readonly catalog: Pick<CatalogProducts, 'pricesOf'>,
  ) {}

  /**
   * Places an order of `requested` lines at the catalog's prices, in the catalog's currency.
   * Prices come from the catalog as this instance last read it (no round trip), and the store
   * records the order only if they are still the catalog's (PricesChanged otherwise): then, and
   * before refusing lines as not sold, they are read afresh.
   */
  async place(caller: CallerIdentity, requested: readonly RequestedLine[]): Promise<VersionedOrder> {
    if (orderAccess(caller, 'place') !== 'allowed') throw new OrderForbidden(ACTION_NAMES.place);
    const skus = requested.map((line) => line.sku);
    const orderId = randomUUID();
    for (let attempt = 1; ; attempt++) {
      const fresh = attempt > 1;
      let priced: ReturnType<typeof priceLines>;
      try {
        priced = priceLines(requested, await this.catalog.pricesOf(skus, { fresh }));
      } catch (error) {
        if (fresh || !(error instanceof OrderRuleViolation)) throw error;
        continue; // refused on what this instance remembers: ask the catalog itself
      }
      const command: OrderCommand = { type: 'PlaceOrder', orderId, customerId: caller.userId, ...priced };
      try {
        // A fresh id has no stream: nothing to read, and the append refuses if one exists after all.
        return await this.record(orderId, command, 'no-stream');
      } catch (error) {
        if (!(error instanceof PricesChanged) || attempt >= PRICING_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Runs the command `toCommand` makes of the order, when the caller may do `action` to it;
   * `ifMatch` is the version the caller saw.
   */
  async change(
    caller: CallerIdentity,
    orderId: string,
    action: Exclude<OrderAction, 'place' | 'view'>,
    toCommand: (order: OrderDetails, caller: CallerIdentity) => OrderCommand,
    ifMatch?: number,
  ): Promise<VersionedOrder> {
    // The caller's right comes before If-Match: a stale version of a hidden order is still a 404.
    const command = (state: OrderState, version: number) =>
      toCommand(allowed(caller, action, orderId, { state, version }).state, caller);
    return this.record(orderId, command, ifMatch);
  }

  async find(caller: CallerIdentity, orderId: string): Promise<VersionedOrder> {
    return allowed(caller, 'view', orderId, await aggregateStream(this.store, orderDecider, orderId));
  }

  /**
   * Records a payment the payment provider reported (a verified callback): no caller, the
   * provider's word is the authority. The domain checks the amount and currency against the total.
   */
  async payFromProvider(payment: {
    orderId: string;
    paymentReference: string;
    amountMinor: number;
    currency: string;
  }): Promise<VersionedOrder> {
    return this.record(payment.orderId, (state: OrderState): OrderCommand => {
      if (state.status === 'none') throw new OrderNotFound(payment.orderId);
      return { type: 'PayOrder', ...payment };
    });
  }

  private async record(
    orderId: string,
    command: CommandInput<OrderCommand, OrderState>,
    expectedVersion?: ExpectedVersion,
  ): Promise<VersionedOrder> {
    try {
      const { newState, nextExpectedVersion } = await handleCommand(
        this.store,
        orderDecider,
        orderId,
        command,
        {
          expectedVersion,
        },
      );
      if (newState.status === 'none') throw new Error(`order ${orderId} has no state after its command`);
      return { state: newState, version: nextExpectedVersion };
    } catch (error) {
      if (error instanceof ExpectedVersionConflict) throw VersionConflict.of(error);
      throw error;
    }
  }
}

function allowed(
  caller: CallerIdentity,
  action: OrderAction,
  orderId: string,
  { state, version }: { state: OrderState; version: number },
): VersionedOrder {
  if (state.status === 'none') throw new OrderNotFound(orderId);
  switch (orderAccess(caller, action, state)) {
    case 'allowed':
      return { state, version };
    case 'hidden':
      throw new OrderNotFound(orderId);
    case 'forbidden':
      throw new OrderForbidden(ACTION_NAMES[action]);
  }
}
