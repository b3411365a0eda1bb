import { Injectable } from '@nestjs/common';
import type { CallerIdentity } from '@platform/identity';
import { randomUUID } from 'node:crypto';
import { CatalogProducts } from '../../catalog/catalog-products';
import type { OrderCommand } from '../domain/order.commands';
import { decide } from '../domain/order.decide';
import { OrderForbidden } from '../domain/order.errors';
import { evolveAll } from '../domain/order.evolve';
import { orderAccess, type OrderAction } from '../domain/order.policy';
import { priceLines, type RequestedLine } from '../domain/order.pricing';
import type { OrderDetails, OrderState } from '../domain/order.state';
import { NEW_ORDER, OrderEventStore, type LoadedOrder } from '../infrastructure/order-event-store';
import { VersionConflict } from '../infrastructure/version-conflict';
import { OrderNotFound } from './order-not-found';

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
 * The use cases of orders: load the stream, check who is asking (order.policy), decide, append.
 * An order the caller may not see does not exist to it (404); one it sees but may not change
 * that way is a 403 ORDER.FORBIDDEN.
 */
@Injectable()
export class OrderCommands {
  constructor(
    private readonly store: OrderEventStore,
    private readonly catalog: CatalogProducts,
  ) {}

  /** Places an order of `requested` lines at the catalog's prices, in the catalog's currency. */
  async place(caller: CallerIdentity, requested: readonly RequestedLine[]): Promise<VersionedOrder> {
    if (orderAccess(caller, 'place') !== 'allowed') throw new OrderForbidden(ACTION_NAMES.place);
    const prices = await this.catalog.pricesOf(requested.map((line) => line.sku));
    const { lines, currency } = priceLines(requested, prices);
    const orderId = randomUUID();
    const command: OrderCommand = { type: 'PlaceOrder', orderId, customerId: caller.userId, lines, currency };
    return this.record(orderId, NEW_ORDER, command);
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
    const loaded = await this.store.load(orderId);
    const { state } = allowed(caller, action, orderId, loaded);
    if (ifMatch !== undefined && ifMatch !== loaded.version) {
      throw new VersionConflict(orderId, ifMatch, loaded.version);
    }
    return this.record(orderId, loaded, toCommand(state, caller));
  }

  async find(caller: CallerIdentity, orderId: string): Promise<VersionedOrder> {
    return allowed(caller, 'view', orderId, await this.store.load(orderId));
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
    const loaded = await this.store.load(payment.orderId);
    if (loaded.state.status === 'none') throw new OrderNotFound(payment.orderId);
    return this.record(payment.orderId, loaded, { type: 'PayOrder', ...payment });
  }

  private async record(orderId: string, loaded: LoadedOrder, command: OrderCommand): Promise<VersionedOrder> {
    const events = decide(loaded.state, command);
    const version = await this.store.append(orderId, loaded, events);
    const state = evolveAll(events, loaded.state);
    if (state.status === 'none') throw new Error(`order ${orderId} has no state after ${command.type}`);
    return { state, version };
  }
}

function allowed(
  caller: CallerIdentity,
  action: OrderAction,
  orderId: string,
  loaded: LoadedOrder,
): VersionedOrder {
  const { state, version } = loaded;
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
