import { DEVELOPMENT_PAYMENT_WEBHOOK_SECRET, paymentCallbackRequest } from '@platform/contracts';
import { uniqueName } from '@platform/testing';
import { DataSource } from 'typeorm';
import { DEVELOPMENT_GATEWAY_IDENTITY_KEYS, GatewayIdentitySigner, identityPlugin } from '@platform/identity';
import { startOrderApp, type OrderApp } from './order-app.spec-helper';

let orders: OrderApp;
/** The payment provider has no account: the gateway forwards its callback with an anonymous identity. */
const anonymousViaGateway = identityPlugin(
  new GatewayIdentitySigner(DEVELOPMENT_GATEWAY_IDENTITY_KEYS.signingKey),
  'orders',
  undefined,
);

beforeAll(async () => {
  orders = await startOrderApp();
});
afterAll(async () => {
  await orders?.close();
});

const customer = () => ({ userId: uniqueName('customer'), roles: ['customer'] });
const staff = { userId: 'staff-1', roles: ['staff'] };
const admin = { userId: 'admin-1', roles: ['admin'] };

async function place(caller: { userId: string; roles: string[] }, lines = [{ sku: 'BOOK-1', quantity: 2 }]) {
  const res = await orders.http().post('/orders').use(orders.as(caller)).send({ lines }).expect(201);
  return res.body as { id: string };
}

async function confirmed(caller: { userId: string; roles: string[] }): Promise<string> {
  const { id } = await place(caller);
  await orders.http().post(`/orders/${id}/confirm`).use(orders.as(staff)).send({}).expect(200);
  return id;
}

function callback(
  payment: Parameters<typeof paymentCallbackRequest>[0],
  secret = DEVELOPMENT_PAYMENT_WEBHOOK_SECRET,
) {
  const signed = paymentCallbackRequest(payment, secret);
  return orders
    .http()
    .post('/payments/callbacks')
    .use(anonymousViaGateway)
    .set(signed.headers)
    .send(signed.body);
}

describe('the catalog prices every order', () => {
  it('charges the catalog price in the catalog currency', async () => {
    const { id } = await place(customer(), [
      { sku: 'BOOK-1', quantity: 2 },
      { sku: 'PEN-1', quantity: 3 },
    ]);
    const me = await orders.http().get(`/orders/${id}`).use(orders.as(staff)).expect(200);
    expect(me.body).toMatchObject({
      lines: [
        { sku: 'BOOK-1', quantity: 2, unitPriceMinor: 1250 },
        { sku: 'PEN-1', quantity: 3, unitPriceMinor: 199 },
      ],
      currency: 'EUR',
      totalMinor: 3097,
    });
  });

  it('refuses a price sent by the client with 400, naming the field', async () => {
    const res = await orders
      .http()
      .post('/orders')
      .use(orders.as(customer()))
      .send({ lines: [{ sku: 'BOOK-1', quantity: 1, unitPriceMinor: 0 }] })
      .expect(400);
    expect(res.body).toMatchObject({
      code: 'ORDER.INVALID_BODY',
      errors: [{ path: 'lines.0.unitPriceMinor', message: 'is not a field of this request' }],
    });
  });

  it('refuses an unknown SKU with 422, naming its line', async () => {
    const res = await orders
      .http()
      .post('/orders')
      .use(orders.as(customer()))
      .send({
        lines: [
          { sku: 'BOOK-1', quantity: 1 },
          { sku: 'NOPE-1', quantity: 1 },
        ],
      })
      .expect(422);
    expect(res.body).toMatchObject({ code: 'ORDER.UNKNOWN_SKU', errors: [{ path: 'lines.1.sku' }] });
  });

  it('lets an admin change a price, which the next order is charged, and no one else', async () => {
    const sku = uniqueName('LAMP').toUpperCase();
    const product = { name: 'A lamp', unitPriceMinor: 4990, currency: 'EUR' };
    await orders.http().put(`/catalog/${sku}`).use(orders.as(customer())).send(product).expect(403);
    await orders.http().put(`/catalog/${sku}`).use(orders.as(staff)).send(product).expect(403);
    const put = await orders.http().put(`/catalog/${sku}`).use(orders.as(admin)).send(product).expect(200);
    expect(put.body).toEqual({ sku, ...product, active: true });
    await orders
      .http()
      .put(`/catalog/${sku}`)
      .use(orders.as(admin))
      .send({ ...product, unitPriceMinor: 0 })
      .expect(400);

    const { id } = await place(customer(), [{ sku, quantity: 1 }]);
    expect((await orders.http().get(`/orders/${id}`).use(orders.as(admin)).expect(200)).body.totalMinor).toBe(
      4990,
    );
    await orders
      .http()
      .put(`/catalog/${sku}`)
      .use(orders.as(admin))
      .send({ ...product, active: false })
      .expect(200);
    await orders
      .http()
      .post('/orders')
      .use(orders.as(customer()))
      .send({ lines: [{ sku, quantity: 1 }] })
      .expect(422);
    const list = await orders.http().get('/catalog').use(orders.as(customer())).expect(200);
    expect(list.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ sku: 'BOOK-1', unitPriceMinor: 1250 })]),
    );
  });
});

describe('prices this instance remembers', () => {
  const db = () => orders.app.get(DataSource);
  /** A product this instance has priced an order with, so it remembers the product's entry. */
  async function remembered(product: { unitPriceMinor: number; active?: boolean }): Promise<string> {
    const sku = uniqueName('MUG').toUpperCase();
    const body = { name: 'A mug', currency: 'EUR', active: true, ...product };
    await orders.http().put(`/catalog/${sku}`).use(orders.as(admin)).send(body).expect(200);
    await orders
      .http()
      .post('/orders')
      .use(orders.as(customer()))
      .send({ lines: [{ sku, quantity: 1 }] })
      .expect(body.active ? 201 : 422);
    return sku;
  }
  /** A change another instance of the service made: this one's memory of the entry is stale. */
  const elsewhere = (sku: string, set: string) =>
    db().query(`UPDATE catalog_products SET ${set} WHERE sku = $1`, [sku]);

  it('charges the price another instance set since, not the one it remembers', async () => {
    const sku = await remembered({ unitPriceMinor: 900 });
    await elsewhere(sku, 'unit_price_minor = 1100');

    const { id } = await place(customer(), [{ sku, quantity: 2 }]);
    const order = await orders.http().get(`/orders/${id}`).use(orders.as(admin)).expect(200);
    expect(order.body).toMatchObject({
      totalMinor: 2200,
      lines: [{ sku, quantity: 2, unitPriceMinor: 1100 }],
    });
  });

  it('refuses a product another instance withdrew since, and sells one it brought back', async () => {
    const withdrawn = await remembered({ unitPriceMinor: 900 });
    await elsewhere(withdrawn, 'active = false');
    const refused = await orders
      .http()
      .post('/orders')
      .use(orders.as(customer()))
      .send({ lines: [{ sku: withdrawn, quantity: 1 }] })
      .expect(422);
    expect(refused.body).toMatchObject({ code: 'ORDER.UNKNOWN_SKU' });

    const back = await remembered({ unitPriceMinor: 900, active: false });
    await elsewhere(back, 'active = true');
    await place(customer(), [{ sku: back, quantity: 1 }]);
  });
});

describe('who may change an order', () => {
  it.each(['confirm', 'ship'])(
    'refuses a customer who asks to %s its own order with 403 ORDER.FORBIDDEN',
    async (action) => {
      const me = customer();
      const { id } = await place(me);
      const res = await orders.http().post(`/orders/${id}/${action}`).use(orders.as(me)).send({}).expect(403);
      expect(res.body).toMatchObject({ code: 'ORDER.FORBIDDEN' });
    },
  );

  it('refuses a customer who records a payment of its own order', async () => {
    const me = customer();
    const id = await confirmed(me);
    await orders
      .http()
      .post(`/orders/${id}/pay`)
      .use(orders.as(me))
      .send({ amountMinor: 2500, currency: 'EUR', paymentReference: 'made-up', reason: 'trust me' })
      .expect(403);
  });

  it('lets staff record a payment by hand, keeping who and why', async () => {
    const id = await confirmed(customer());
    const paid = await orders
      .http()
      .post(`/orders/${id}/pay`)
      .use(orders.as(staff))
      .send({ amountMinor: 2500, currency: 'EUR', paymentReference: 'wire-42', reason: 'bank transfer' })
      .expect(200);
    expect(paid.body).toMatchObject({ status: 'paid' });
    const db = orders.app.get(DataSource);
    expect(
      await db.query('SELECT recorded_by, reason FROM manual_payments WHERE order_id = $1', [id]),
    ).toEqual([{ recorded_by: 'staff-1', reason: 'bank transfer' }]);
  });
});

describe('payments reported by the provider', () => {
  it('pays the order once per provider event, however often the callback arrives', async () => {
    const id = await confirmed(customer());
    const signed = paymentCallbackRequest(
      { orderId: id, amountMinor: 2500, currency: 'EUR' },
      DEVELOPMENT_PAYMENT_WEBHOOK_SECRET,
    );
    const send = () =>
      orders
        .http()
        .post('/payments/callbacks')
        .use(anonymousViaGateway)
        .set(signed.headers)
        .send(signed.body);
    expect((await send().expect(200)).body).toEqual({ received: true, duplicate: false });
    expect((await send().expect(200)).body).toEqual({ received: true, duplicate: true });
    const order = await orders.http().get(`/orders/${id}`).use(orders.as(staff)).expect(200);
    expect(order.body).toMatchObject({ status: 'paid', version: 3 });
  });

  it('refuses an unsigned, wrongly signed or stale callback with 401 and records nothing', async () => {
    const id = await confirmed(customer());
    const payment = { orderId: id, amountMinor: 2500, currency: 'EUR' };
    const unsigned = paymentCallbackRequest(payment, DEVELOPMENT_PAYMENT_WEBHOOK_SECRET);
    await orders
      .http()
      .post('/payments/callbacks')
      .use(anonymousViaGateway)
      .set('content-type', 'application/json')
      .send(unsigned.body)
      .expect(401);
    await callback(payment, 'not-the-secret-but-long-enough-0123456789').expect(401);
    const stale = await callback({ ...payment, timestamp: Math.floor(Date.now() / 1000) - 301 }).expect(401);
    expect(stale.body).toMatchObject({ code: 'PAYMENT.INVALID_SIGNATURE' });
    const order = await orders.http().get(`/orders/${id}`).use(orders.as(staff)).expect(200);
    expect(order.body).toMatchObject({ status: 'confirmed' });
  });

  it('refuses a signed callback that did not come through the gateway with 401', async () => {
    const id = await confirmed(customer());
    const signed = paymentCallbackRequest(
      { orderId: id, amountMinor: 2500, currency: 'EUR' },
      DEVELOPMENT_PAYMENT_WEBHOOK_SECRET,
    );
    await orders.http().post('/payments/callbacks').set(signed.headers).send(signed.body).expect(401);
  });

  it('refuses a payment that is not the order total with 422', async () => {
    const id = await confirmed(customer());
    const res = await callback({ orderId: id, amountMinor: 1, currency: 'EUR' }).expect(422);
    expect(res.body).toMatchObject({ code: 'ORDER.AMOUNT_MISMATCH' });
    await callback({ orderId: id, amountMinor: 2500, currency: 'USD' }).expect(422);
  });
});
