import { Injectable } from '@nestjs/common';
import type { CallerIdentity } from '@platform/identity';
import { randomUUID } from 'node:crypto';
import type { OrderCommand } from '../domain/order.commands';
import { decide } from '../domain/order.decide';
import type { OrderLine } from '../domain/order.events';
import { evolveAll } from '../domain/order.evolve';
import type { OrderDetails, OrderState } from '../domain/order.state';
import { NEW_ORDER, OrderEventStore, type LoadedOrder } from '../infrastructure/order-event-store';
import { VersionConflict } from '../infrastructure/version-conflict';
import { OrderNotFound } from './order-not-found';

/** An existing order and the version of its last event. */
export interface VersionedOrder {
  state: Exclude<OrderState, { status: 'none' }>;
  version: number;
}

/**
 * The use cases of orders: load the stream, check who is asking, decide, append. The order's
 * owner and admins may see and change it; to anyone else it does not exist.
 */
@Injectable()
export class OrderCommands {
  constructor(private readonly store: OrderEventStore) {}

  async place(
    caller: CallerIdentity,
    order: { lines: OrderLine[]; currency: string },
  ): Promise<VersionedOrder> {
    const orderId = randomUUID();
    const command: OrderCommand = { type: 'PlaceOrder', orderId, customerId: caller.userId, ...order };
    return this.record(orderId, NEW_ORDER, command);
  }

  /** Runs the command `toCommand` makes of the order; `ifMatch` is the version the caller saw. */
  async change(
    caller: CallerIdentity,
    orderId: string,
    toCommand: (order: OrderDetails, caller: CallerIdentity) => OrderCommand,
    ifMatch?: number,
  ): Promise<VersionedOrder> {
    const loaded = await this.store.load(orderId);
    const { state } = visibleTo(caller, orderId, loaded);
    if (ifMatch !== undefined && ifMatch !== loaded.version) {
      throw new VersionConflict(orderId, ifMatch, loaded.version);
    }
    return this.record(orderId, loaded, toCommand(state, caller));
  }

  async find(caller: CallerIdentity, orderId: string): Promise<VersionedOrder> {
    return visibleTo(caller, orderId, await this.store.load(orderId));
  }

  private async record(orderId: string, loaded: LoadedOrder, command: OrderCommand): Promise<VersionedOrder> {
    const events = decide(loaded.state, command);
    const version = await this.store.append(orderId, loaded, events);
    const state = evolveAll(events, loaded.state);
    if (state.status === 'none') throw new Error(`order ${orderId} has no state after ${command.type}`);
    return { state, version };
  }
}

/** Admins act for the shop; everyone else only on their own orders. */
export const isAdmin = (caller: CallerIdentity) => caller.roles.includes('admin');

function visibleTo(caller: CallerIdentity, orderId: string, loaded: LoadedOrder): VersionedOrder {
  const { state, version } = loaded;
  if (state.status === 'none') throw new OrderNotFound(orderId);
  if (state.customerId !== caller.userId && !isAdmin(caller)) throw new OrderNotFound(orderId);
  return { state, version };
}
