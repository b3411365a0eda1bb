import { aggregateStream, ExpectedVersionConflict, handleCommand } from '@platform/event-sourcing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { orderDecider } from '../src/orders/domain/order.decider';
import type { OrderEvent } from '../src/orders/domain/order.events';
import { evolveAll } from '../src/orders/domain/order.evolve';
import { PricesChanged } from '../src/orders/application/prices-changed';
import { OrderEventStore } from '../src/orders/infrastructure/order-event-store';
import { startOrderApp, type OrderApp } from './order-app.spec-helper';

let orders: OrderApp;
let store: OrderEventStore;
let db: DataSource;

beforeAll(async () => {
  orders = await startOrderApp();
  store = orders.app.get(OrderEventStore);
  db = orders.app.get(DataSource);
});
afterAll(() => orders?.close());

const placed = (orderId: string): OrderEvent => ({
  type: 'OrderPlaced',
  data: {
    orderId,
    customerId: 'customer-1',
    lines: [{ sku: 'BOOK-1', quantity: 2, unitPriceMinor: 1250 }],
    currency: 'EUR',
    totalMinor: 2500,
  },
});
const confirmed = (orderId: string): OrderEvent => ({ type: 'OrderConfirmed', data: { orderId } });

/** Appends `events` after `expectedVersion` (0: a new order), with the state they lead to. */
async function append(orderId: string, events: OrderEvent[], expectedVersion = 0, before: OrderEvent[] = []) {
  const stateAfter = evolveAll(events, evolveAll(before));
  return (await store.appendToStream(orderId, events, { expectedVersion, stateAfter })).nextExpectedVersion;
}

const load = (orderId: string) => aggregateStream(store, orderDecider, orderId);

describe('the order event store', () => {
  it('appends events with their versions and the same envelopes to the outbox, and folds them back', async () => {
    const orderId = randomUUID();
    expect(await append(orderId, [placed(orderId)])).toBe(1);
    expect(await append(orderId, [confirmed(orderId)], 1, [placed(orderId)])).toBe(2);

    const loaded = await load(orderId);
    expect(loaded.version).toBe(2);
    expect(loaded.state).toMatchObject({ status: 'confirmed', orderId, totalMinor: 2500 });

    const rows = (await db.query(
      `SELECT e.version, e.type, e.schema_version, o.envelope->>'id' = e.event_id AS same_id
         FROM order_events e JOIN outbox o ON o.event_id::text = e.event_id
        WHERE e.aggregate_id = $1 ORDER BY e.version`,
      [orderId],
    )) as { version: number; type: string; schema_version: number; same_id: boolean }[];
    expect(rows).toEqual([
      { version: 1, type: 'OrderPlaced', schema_version: 2, same_id: true },
      { version: 2, type: 'OrderConfirmed', schema_version: 1, same_id: true },
    ]);
  });

  it('refuses an append at a stale version with ExpectedVersionConflict and records nothing', async () => {
    const orderId = randomUUID();
    await append(orderId, [placed(orderId)]);
    await expect(append(orderId, [placed(orderId)])).rejects.toEqual(
      new ExpectedVersionConflict(orderId, 0, 1),
    );
    expect((await load(orderId)).version).toBe(1);
  });

  it("refuses an OrderPlaced off the catalog's prices with PricesChanged and records nothing", async () => {
    const order = (sku: string, unitPriceMinor: number, currency = 'EUR'): OrderEvent => {
      const orderId = randomUUID();
      const lines = [{ sku, quantity: 2, unitPriceMinor }];
      const data = { orderId, customerId: 'customer-1', lines, currency, totalMinor: 2 * unitPriceMinor };
      return { type: 'OrderPlaced', data };
    };
    const offCatalog = [order('BOOK-1', 1249), order('NOT-SOLD-1', 1250), order('BOOK-1', 1250, 'GBP')];
    for (const event of offCatalog) {
      const orderId = event.data.orderId;
      await expect(append(orderId, [event])).rejects.toBeInstanceOf(PricesChanged);
      const [counts] = (await db.query(
        `SELECT (SELECT count(*) FROM order_events WHERE aggregate_id = $1)::int AS events,
                (SELECT count(*) FROM outbox WHERE aggregate_key = $1)::int AS outbox,
                (SELECT count(*) FROM order_summaries WHERE order_id = $1)::int AS summaries`,
        [orderId],
      )) as object[];
      expect(counts).toEqual({ events: 0, outbox: 0, summaries: 0 });
    }
    const atCatalog = randomUUID();
    expect(await append(atCatalog, [placed(atCatalog)])).toBe(1);
  });

  it('lets exactly one of two concurrent commands expecting the same version win', async () => {
    const orderId = randomUUID();
    await append(orderId, [placed(orderId)]);
    const confirm = { type: 'ConfirmOrder', orderId } as const;
    // Both expect version 1, as two requests with the same If-Match do: whether the loser reads
    // before the winner appends (the append conflicts) or after (the read does), it is refused.
    const results = await Promise.allSettled([
      handleCommand(store, orderDecider, orderId, confirm, { expectedVersion: 1 }),
      handleCommand(store, orderDecider, orderId, confirm, { expectedVersion: 1 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toBeInstanceOf(ExpectedVersionConflict);
    const [{ count }] = (await db.query(
      'SELECT count(*)::int AS count FROM outbox WHERE aggregate_key = $1',
      [orderId],
    )) as { count: number }[];
    expect(count).toBe(2);
  });

  it('reads an OrderPlaced stored at version 1 as the current version, prices in minor units', async () => {
    const orderId = randomUUID();
    await db.query(
      `INSERT INTO order_events (event_id, aggregate_id, version, type, schema_version, payload, metadata, occurred_at)
       VALUES ($1, $2, 1, 'OrderPlaced', 1, $3::jsonb, $4::jsonb, now())`,
      [
        randomUUID(),
        orderId,
        JSON.stringify({
          orderId,
          customerId: 'customer-1',
          currency: 'GBP',
          lines: [{ sku: 'LAMP-1', quantity: 2, price: '10.50' }],
        }),
        JSON.stringify({ correlationId: 'c-1', causationId: null }),
      ],
    );
    const { state } = await load(orderId);
    expect(state).toMatchObject({
      status: 'placed',
      lines: [{ sku: 'LAMP-1', quantity: 2, unitPriceMinor: 1050 }],
      totalMinor: 2100,
    });
  });

  it('writes the summary from the state the command reached, placed when the stream began', async () => {
    const orderId = randomUUID();
    await handleCommand(store, orderDecider, orderId, {
      type: 'PlaceOrder',
      orderId,
      customerId: 'customer-1',
      lines: [{ sku: 'BOOK-1', quantity: 2, unitPriceMinor: 1250 }],
      currency: 'EUR',
    });
    // A summary lost (or never written, before the read model existed) comes back with the next append.
    await db.query('DELETE FROM order_summaries WHERE order_id = $1', [orderId]);
    await handleCommand(store, orderDecider, orderId, { type: 'ConfirmOrder', orderId });

    const [summary] = (await db.query(
      `SELECT s.status, s.version, s.placed_at = e.occurred_at AS placed_when_stream_began
         FROM order_summaries s JOIN order_events e ON e.aggregate_id = s.order_id AND e.version = 1
        WHERE s.order_id = $1`,
      [orderId],
    )) as { status: string; version: number; placed_when_stream_began: boolean }[];
    expect(summary).toEqual({ status: 'confirmed', version: 2, placed_when_stream_began: true });
  });

  it('keeps the history append-only', async () => {
    const orderId = randomUUID();
    await append(orderId, [placed(orderId)]);
    await expect(db.query('DELETE FROM order_events WHERE aggregate_id = $1', [orderId])).rejects.toThrow(
      /append-only/,
    );
  });
});
