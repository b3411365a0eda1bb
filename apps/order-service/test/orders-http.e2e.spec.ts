import { decodeEnvelope, Topics, type EventEnvelope } from '@platform/contracts';
import { GatewayIdentitySigner, identityPlugin } from '@platform/identity';
import { generateKeyPairSync } from 'node:crypto';
import { eventually, infraEnv, tailTopic, uniqueName } from '@platform/testing';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { DataSource, type QueryRunner } from 'typeorm';
import { IdempotencyKeys } from '../src/idempotency/infrastructure/idempotency-keys';
import { startOrderApp, type OrderApp } from './order-app.spec-helper';

let orders: OrderApp;
let consumer: Consumer | undefined;

beforeAll(async () => {
  orders = await startOrderApp();
});
afterAll(async () => {
  await consumer?.disconnect();
  await orders?.close();
});

const customer = () => ({ userId: uniqueName('customer'), roles: ['customer'] });
const admin = { userId: 'admin-1', roles: ['customer', 'admin'] };
const staff = { userId: 'staff-1', roles: ['staff'] };
const lines = [
  { sku: 'BOOK-1', quantity: 2 },
  { sku: 'PEN-1', quantity: 3 },
];
/** The lines as the order records them: at the catalog's prices (seeded by the catalog migration). */
const charged = [
  { sku: 'BOOK-1', quantity: 2, unitPriceMinor: 1250 },
  { sku: 'PEN-1', quantity: 3, unitPriceMinor: 199 },
];
const manualPayment = {
  amountMinor: 3097,
  currency: 'EUR',
  paymentReference: 'pay-1',
  reason: 'bank transfer',
};

/**
 * The first word of each statement the app's DataSource sends while `work` runs: every statement
 * goes through a query runner (transactions too); the outbox relay has its own connections.
 */
async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
  const runner = orders.app.get(DataSource).createQueryRunner();
  const query = jest.spyOn(Object.getPrototypeOf(runner) as QueryRunner, 'query');
  await runner.release();
  try {
    await work();
    return query.mock.calls.map(([sql]) => sql.trim().split(/\s+/)[0] ?? '');
  } finally {
    query.mockRestore();
  }
}

async function place(caller: { userId: string; roles: string[] }): Promise<{ id: string; version: number }> {
  const res = await orders.http().post('/orders').use(orders.as(caller)).send({ lines }).expect(201);
  return res.body as { id: string; version: number };
}

describe('order commands over HTTP', () => {
  it('places, confirms, pays and ships an order, answering each step with the new state', async () => {
    const me = customer();
    const { id, version } = await place(me);
    expect(version).toBe(1);

    const confirm = await orders
      .http()
      .post(`/orders/${id}/confirm`)
      .use(orders.as(staff))
      .set('if-match', '"1"')
      .expect(200);
    expect(confirm.body).toMatchObject({ id, status: 'confirmed', version: 2, totalMinor: 3097 });
    expect(confirm.headers['etag']).toBe('"2"');

    const pay = await orders
      .http()
      .post(`/orders/${id}/pay`)
      .use(orders.as(staff))
      .send(manualPayment)
      .expect(200);
    expect(pay.body).toMatchObject({ status: 'paid', version: 3 });

    const ship = await orders
      .http()
      .post(`/orders/${id}/ship`)
      .use(orders.as(staff))
      .send({ carrier: 'DHL' })
      .expect(200);
    expect(ship.body).toMatchObject({ status: 'shipped', version: 4, customerId: me.userId });

    const read = await orders.http().get(`/orders/${id}`).use(orders.as(me)).expect(200);
    expect(read.body).toEqual({
      id,
      customerId: me.userId,
      status: 'shipped',
      lines: charged,
      currency: 'EUR',
      totalMinor: 3097,
      version: 4,
    });
  });

  it('places an order in one round trip to PostgreSQL once it knows the products', async () => {
    await place(customer());
    expect(await statementsOf(() => place(customer()))).toEqual(['WITH']);
  });

  it('refuses to cancel a shipped order with 409 ORDER.ALREADY_SHIPPED', async () => {
    const me = customer();
    const { id } = await place(me);
    await orders.http().post(`/orders/${id}/confirm`).use(orders.as(staff)).expect(200);
    await orders.http().post(`/orders/${id}/pay`).use(orders.as(staff)).send(manualPayment).expect(200);
    await orders.http().post(`/orders/${id}/ship`).use(orders.as(staff)).send({}).expect(200);

    const res = await orders
      .http()
      .post(`/orders/${id}/cancel`)
      .use(orders.as(me))
      .send({ reason: 'too late' })
      .expect(409);
    expect(res.body).toMatchObject({ code: 'ORDER.ALREADY_SHIPPED', status: 409 });
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('answers a confirmation of a confirmed order with the same state and version', async () => {
    const me = customer();
    const { id } = await place(me);
    await orders.http().post(`/orders/${id}/confirm`).use(orders.as(staff)).expect(200);
    const again = await orders.http().post(`/orders/${id}/confirm`).use(orders.as(staff)).expect(200);
    expect(again.body).toMatchObject({ status: 'confirmed', version: 2 });
  });

  it('refuses a payment that is not the total with 422 ORDER.AMOUNT_MISMATCH', async () => {
    const me = customer();
    const { id } = await place(me);
    await orders.http().post(`/orders/${id}/confirm`).use(orders.as(staff)).expect(200);
    const res = await orders
      .http()
      .post(`/orders/${id}/pay`)
      .use(orders.as(staff))
      .send({ ...manualPayment, amountMinor: 1 })
      .expect(422);
    expect(res.body.code).toBe('ORDER.AMOUNT_MISMATCH');
  });

  it('lets exactly one of two concurrent commands on one version win and answers the other 409', async () => {
    const me = customer();
    const { id } = await place(me);
    const [a, b] = await Promise.all([
      orders.http().post(`/orders/${id}/confirm`).use(orders.as(staff)).set('if-match', '1'),
      orders
        .http()
        .post(`/orders/${id}/cancel`)
        .use(orders.as(me))
        .set('if-match', '1')
        .send({ reason: 'oops' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const conflict = a.status === 409 ? a : b;
    expect(conflict.body.code).toBe('ORDER.VERSION_CONFLICT');
    expect((await orders.http().get(`/orders/${id}`).use(orders.as(me)).expect(200)).body.version).toBe(2);
  });

  it('answers a stale If-Match with 409 and records nothing', async () => {
    const me = customer();
    const { id } = await place(me);
    const res = await orders
      .http()
      .post(`/orders/${id}/confirm`)
      .use(orders.as(staff))
      .set('if-match', '"7"')
      .expect(409);
    expect(res.body.code).toBe('ORDER.VERSION_CONFLICT');
    expect((await orders.http().get(`/orders/${id}`).use(orders.as(me)).expect(200)).body.status).toBe(
      'placed',
    );
  });
});

describe('order input and access over HTTP', () => {
  it('answers 400 with the path of every invalid field', async () => {
    const res = await orders
      .http()
      .post('/orders')
      .use(orders.as(customer()))
      .send({ lines: [{ sku: 'BOOK-1', quantity: 'two', unitPriceMinor: 1.5 }], currency: 'EUR' })
      .expect(400);
    expect(res.body.code).toBe('ORDER.INVALID_BODY');
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'currency',
      'lines.0.quantity',
      'lines.0.unitPriceMinor',
    ]);
  });

  it('refuses an empty order and a quantity of 0 with their domain codes', async () => {
    const me = customer();
    const empty = await orders.http().post('/orders').use(orders.as(me)).send({ lines: [] }).expect(422);
    expect(empty.body.code).toBe('ORDER.EMPTY');
    const zero = await orders
      .http()
      .post('/orders')
      .use(orders.as(me))
      .send({ lines: [{ sku: 'BOOK-1', quantity: 0 }] })
      .expect(422);
    expect(zero.body.code).toBe('ORDER.INVALID_QUANTITY');
  });

  it("answers 404 for another customer's order, for reads and changes, but lets an admin see it", async () => {
    const owner = customer();
    const { id } = await place(owner);
    const read = await orders.http().get(`/orders/${id}`).use(orders.as(customer())).expect(404);
    expect(read.body.code).toBe('ORDER.NOT_FOUND');
    await orders
      .http()
      .post(`/orders/${id}/cancel`)
      .use(orders.as(customer()))
      .send({ reason: 'mine now' })
      .expect(404);
    await orders.http().get(`/orders/${id}`).use(orders.as(admin)).expect(200);
  });

  // Found by `npm run fuzz:http` probing: PostgreSQL refused the NUL and the answer was a 500.
  it('answers 400 for NUL in a text field and 404 for an id holding NUL, never a 500', async () => {
    const me = customer();
    const nul = String.fromCharCode(0);
    const res = await orders
      .http()
      .post('/orders')
      .use(orders.as(me))
      .send({ lines: [{ sku: `BOOK${nul}1`, quantity: 1 }] })
      .expect(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['lines.0.sku']);
    const { id } = await place(me);
    await orders
      .http()
      .post(`/orders/${id}/cancel`)
      .use(orders.as(me))
      .send({ reason: `no${nul}` })
      .expect(400);
    const lookup = await orders.http().get('/orders/a%00b').use(orders.as(me)).expect(404);
    expect(lookup.body.code).toBe('ORDER.NOT_FOUND');
  });

  it('answers 404 for an unknown order', async () => {
    const res = await orders.http().get('/orders/no-such-order').use(orders.as(customer())).expect(404);
    expect(res.body.code).toBe('ORDER.NOT_FOUND');
  });

  it('answers 401 without the gateway identity, and with one signed by a key it does not trust', async () => {
    const missing = await orders.http().get('/orders/any').expect(401);
    expect(missing.body.code).toBe('IDENTITY.UNTRUSTED_HEADERS');
    await orders
      .http()
      .post('/orders')
      .use(
        identityPlugin(
          new GatewayIdentitySigner(
            generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
          ),
          'orders',
          customer(),
        ),
      )
      .send({ lines })
      .expect(401);
  });
});

describe('order events on Kafka', () => {
  it('publishes OrderPlaced to order.events keyed by the order id', async () => {
    const kafka = new Kafka({
      clientId: uniqueName('order-reader'),
      brokers: infraEnv.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const received: { key: string | undefined; event: EventEnvelope }[] = [];
    consumer = await tailTopic(kafka, Topics.orderEvents.name, ({ message }) => {
      received.push({ key: message.key?.toString(), event: decodeEnvelope(message.value) });
    });

    const { id } = await place(customer());

    const placed = await eventually(
      () => {
        const found = received.find((r) => r.event.aggregateId === id && r.event.type === 'OrderPlaced');
        if (!found) throw new Error(`OrderPlaced of ${id} not received yet`);
        return found;
      },
      { timeoutMs: 30_000 },
    );
    expect(placed.key).toBe(id);
    expect(placed.event).toMatchObject({
      version: 2,
      aggregateVersion: 1,
      payload: { orderId: id, totalMinor: 3097 },
    });
  });
});

describe('Idempotency-Key on POST routes', () => {
  it('answers a retry with the same key and body with the first answer, placing one order', async () => {
    const me = customer();
    const key = uniqueName('key');
    const send = () =>
      orders.http().post('/orders').use(orders.as(me)).set('idempotency-key', key).send({ lines });
    const first = await send().expect(201);
    const retry = await send().expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['location']).toBe(first.headers['location']);
    expect(retry.headers['idempotent-replayed']).toBe('true');
  });

  it('places an order with a key in one transaction of two statements', async () => {
    const me = customer();
    await place(me);
    const send = () =>
      orders
        .http()
        .post('/orders')
        .use(orders.as(me))
        .set('idempotency-key', uniqueName('key'))
        .send({ lines });
    expect(await statementsOf(() => send().expect(201))).toEqual(['START', 'WITH', 'INSERT', 'COMMIT']);
  });

  it('keeps none of the writes of a retry it answers from the first request', async () => {
    const me = customer();
    const key = uniqueName('key');
    const send = () =>
      orders.http().post('/orders').use(orders.as(me)).set('idempotency-key', key).send({ lines });
    const first = await send().expect(201);
    await send().expect(201);
    const [counts] = (await orders.app.get(DataSource).query(
      `SELECT (SELECT count(*) FROM order_summaries WHERE customer_id = $1)::int AS orders,
              (SELECT count(*) FROM order_events e JOIN order_summaries s ON s.order_id = e.aggregate_id
                WHERE s.customer_id = $1)::int AS events,
              (SELECT count(*) FROM outbox WHERE aggregate_key = $2)::int AS outbox`,
      [me.userId, first.body.id],
    )) as object[];
    expect(counts).toEqual({ orders: 1, events: 1, outbox: 1 });
  });

  it('refuses the same key with a different body with 422', async () => {
    const me = customer();
    const key = uniqueName('key');
    await orders
      .http()
      .post('/orders')
      .use(orders.as(me))
      .set('idempotency-key', key)
      .send({ lines })
      .expect(201);
    const res = await orders
      .http()
      .post('/orders')
      .use(orders.as(me))
      .set('idempotency-key', key)
      .send({ lines: [{ sku: 'BOOK-1', quantity: 1 }] })
      .expect(422);
    expect(res.body.code).toBe('IDEMPOTENCY.KEY_REUSED');
  });

  it('keeps keys per caller, and runs a failed request again on retry', async () => {
    const key = uniqueName('key');
    const a = await orders
      .http()
      .post('/orders')
      .use(orders.as(customer()))
      .set('idempotency-key', key)
      .send({ lines })
      .expect(201);
    const b = await orders
      .http()
      .post('/orders')
      .use(orders.as(customer()))
      .set('idempotency-key', key)
      .send({ lines })
      .expect(201);
    expect(b.body.id).not.toBe(a.body.id);

    const me = customer();
    const { id } = await place(me);
    const ship = () =>
      orders.http().post(`/orders/${id}/ship`).use(orders.as(staff)).set('idempotency-key', key).send({});
    await ship().expect(409);
    await ship().expect(409);
  });
});

describe('Idempotency-Key and crashes', () => {
  const placedBy = async (customerId: string) => {
    const [{ count }] = (await orders.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS count FROM order_summaries WHERE customer_id = $1`, [customerId])) as {
      count: number;
    }[];
    return count;
  };

  it('answers concurrent requests with one key with one order: the second waits and replays', async () => {
    const me = customer();
    const key = uniqueName('key');
    const send = () =>
      orders.http().post('/orders').use(orders.as(me)).set('idempotency-key', key).send({ lines });
    const answers = await Promise.all([send(), send(), send()]);
    expect(answers.map((res) => res.status)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((res) => res.body.id)).size).toBe(1);
    expect(await placedBy(me.userId)).toBe(1);
  });

  it('leaves neither events nor the key behind when the answer cannot be stored, so a retry runs again', async () => {
    const me = customer();
    const key = uniqueName('key');
    const keys = orders.app.get(IdempotencyKeys);
    // The process failing between the events and the stored answer, as a crash would.
    const complete = jest.spyOn(keys, 'complete').mockRejectedValueOnce(new Error('crash before the answer'));
    try {
      const send = () =>
        orders.http().post('/orders').use(orders.as(me)).set('idempotency-key', key).send({ lines });
      await send().expect(500);
      expect(await placedBy(me.userId)).toBe(0);
      const retry = await send().expect(201);
      expect(retry.headers['idempotent-replayed']).toBeUndefined();
      expect(await placedBy(me.userId)).toBe(1);
      const [{ count }] = (await orders.app
        .get(DataSource)
        .query('SELECT count(*)::int AS count FROM outbox WHERE aggregate_key = $1', [retry.body.id])) as {
        count: number;
      }[];
      expect(count).toBe(1);
    } finally {
      complete.mockRestore();
    }
  });
});

describe('the list of my orders', () => {
  it('pages through the caller’s own orders, newest first, with their current status', async () => {
    const me = customer();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await place(me)).id);
    await place(customer());
    await orders.http().post(`/orders/${ids[4]}/confirm`).use(orders.as(staff)).expect(200);

    const seen: { id: string; status: string }[] = [];
    let cursor: string | null | undefined;
    do {
      const res = await orders
        .http()
        .get('/orders')
        .query(cursor ? { limit: 2, cursor } : { limit: 2 })
        .use(orders.as(me))
        .expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);

    expect(seen.map((o) => o.id)).toEqual([...ids].reverse());
    expect(seen[0]).toMatchObject({ status: 'confirmed', version: 2, totalMinor: 3097, currency: 'EUR' });
  });

  it('answers 400 for a limit out of range and for a cursor it did not make', async () => {
    const me = customer();
    const limit = await orders.http().get('/orders').query({ limit: 0 }).use(orders.as(me)).expect(400);
    expect(limit.body.code).toBe('ORDER.INVALID_QUERY');
    await orders.http().get('/orders').query({ cursor: 'bogus' }).use(orders.as(me)).expect(400);
  });
});
