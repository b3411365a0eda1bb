import { uniqueName } from '@platform/testing';
import { Pool } from 'pg';
import type { EventRow } from '../src/orders/infrastructure/order-event-store';
import {
  foldStreams,
  OrderSummariesRebuild,
  RebuildAlreadyRunning,
} from '../src/orders/infrastructure/order-summaries.rebuild';
import { startOrderApp, type OrderApp } from './order-app.spec-helper';

let orders: OrderApp;
let db: Pool;

beforeAll(async () => {
  orders = await startOrderApp();
  db = new Pool({ connectionString: orders.config.ORDER_DATABASE_URL, max: 4 });
});
afterAll(async () => {
  await db?.end();
  await orders?.close();
});

const lines = [{ sku: 'BOOK-1', quantity: 2 }];

async function place(customerId: string): Promise<string> {
  const res = await orders
    .http()
    .post('/orders')
    .use(orders.as({ userId: customerId, roles: ['customer'] }))
    .send({ lines })
    .expect(201);
  return res.body.id as string;
}

async function step(customerId: string, id: string, action: 'confirm' | 'cancel'): Promise<void> {
  await orders
    .http()
    .post(`/orders/${id}/${action}`)
    // Confirming is staff's: this customer works in the shop too.
    .use(orders.as({ userId: customerId, roles: ['customer', 'staff'] }))
    .send(action === 'cancel' ? { reason: 'changed my mind' } : {})
    .expect(200);
}

/** The read model as rows, in a stable order. */
async function readModel(): Promise<unknown[]> {
  const { rows } = await db.query(
    `SELECT order_id, customer_id, status, currency, total_minor, version, placed_at, updated_at
       FROM order_summaries ORDER BY order_id`,
  );
  return rows;
}

/** What the read model must be: every stream in the store folded from scratch. */
async function expectedFromStore(): Promise<unknown[]> {
  const { rows } = await db.query<EventRow>(
    `SELECT event_id, aggregate_id, version, type, schema_version, payload, metadata, occurred_at
       FROM order_events ORDER BY aggregate_id, version`,
  );
  return foldStreams(rows)
    .map((s) => ({
      order_id: s.orderId,
      customer_id: s.customerId,
      status: s.status,
      currency: s.currency,
      total_minor: String(s.totalMinor),
      version: s.version,
      placed_at: new Date(s.placedAt),
      updated_at: new Date(s.updatedAt),
    }))
    .sort((a, b) => (a.order_id < b.order_id ? -1 : a.order_id > b.order_id ? 1 : 0));
}

describe('rebuilding the order read model', () => {
  it('reproduces the read model exactly, and cursors taken before the swap still work', async () => {
    const me = uniqueName('customer');
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await place(me));
    await step(me, ids[1] as string, 'confirm');
    await step(me, ids[2] as string, 'cancel');
    const before = await readModel();
    const firstPage = await orders
      .http()
      .get('/orders')
      .query({ limit: 2 })
      .use(orders.as({ userId: me, roles: ['customer'] }))
      .expect(200);

    const report = await new OrderSummariesRebuild(db, { batchSize: 4 }).run();

    expect(report.orders).toBe(before.length);
    expect(await readModel()).toEqual(before);
    const nextPage = await orders
      .http()
      .get('/orders')
      .query({ limit: 2, cursor: firstPage.body.nextCursor })
      .use(orders.as({ userId: me, roles: ['customer'] }))
      .expect(200);
    expect(nextPage.body.items.map((o: { id: string }) => o.id)).toEqual([ids[3], ids[2]]);
    const { rows } = await db.query(
      `SELECT building, rebuilt_orders FROM order_read_model WHERE name = 'order_summaries'`,
    );
    expect(rows).toEqual([{ building: null, rebuilt_orders: String(before.length) }]);
    const tables = await db.query(`SELECT tablename FROM pg_tables WHERE tablename LIKE 'order_summaries%'`);
    expect(tables.rows).toEqual([{ tablename: 'order_summaries' }]);
  });

  it('ends equal to a fold of the whole store while commands keep flowing', async () => {
    for (let i = 0; i < 40; i++) await place(uniqueName('seed'));
    let running = true;
    let duringRebuild = 0;
    let rebuilding = false;
    const worker = async () => {
      while (running) {
        const who = uniqueName('busy');
        const id = await place(who);
        await step(who, id, 'confirm');
        if (rebuilding) duringRebuild += 2;
      }
    };
    const workers = [worker(), worker(), worker()];
    await new Promise((resolve) => setTimeout(resolve, 100));
    rebuilding = true;
    const report = await new OrderSummariesRebuild(db, { batchSize: 5 }).run();
    rebuilding = false;
    running = false;
    await Promise.all(workers);

    expect(duringRebuild).toBeGreaterThan(0);
    expect(report.orders).toBeGreaterThanOrEqual(40);
    expect(await readModel()).toEqual(await expectedFromStore());
  });

  it('runs one rebuild at a time, and a rebuild cleans up after one that died', async () => {
    await place(uniqueName('customer'));
    // What a rebuild that died mid-backfill leaves: a half-filled table recorded as building.
    await db.query('CREATE TABLE order_summaries_r1 (LIKE order_summaries INCLUDING ALL)');
    await db.query(
      `UPDATE order_read_model SET building = 'order_summaries_r1' WHERE name = 'order_summaries'`,
    );

    const results = await Promise.allSettled([
      new OrderSummariesRebuild(db).run(),
      new OrderSummariesRebuild(db).run(),
    ]);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.map((r) => r.reason)).toEqual([expect.any(RebuildAlreadyRunning)]);
    expect(await readModel()).toEqual(await expectedFromStore());
    const tables = await db.query(`SELECT tablename FROM pg_tables WHERE tablename LIKE 'order_summaries%'`);
    expect(tables.rows).toEqual([{ tablename: 'order_summaries' }]);
  });
});
