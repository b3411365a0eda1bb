import {
  DEVELOPMENT_PAYMENT_WEBHOOK_SECRET,
  paymentCallbackRequest,
  type SimulatedPayment,
} from '@platform/contracts';
import { startSystem, type RunningSystem, type User } from '../whole-system.spec-helper';

// The rules of the order domain, each tried as a customer (or an attacker) would, through the
// gateway of the six built apps on the real servers. Every test here failed before its fix
// (issue 16): customers confirmed, paid and shipped their own orders, prices came from the
// client, and any client could claim a payment.
type Order = {
  id: string;
  status: string;
  version: number;
  lines: { sku: string; quantity: number; unitPriceMinor: number }[];
  totalMinor: number;
  currency: string;
};
type Problem = { status: number; code: string; errors?: { path: string; message: string }[] };

/** BOOK-1 in the seeded catalog: 12.50 EUR. */
const BOOK = { sku: 'BOOK-1', unitPriceMinor: 1_250, currency: 'EUR' };

describe('security: orders (built apps through the gateway, real servers)', () => {
  let system: RunningSystem;
  let ada: User;
  let bob: User;
  let staff: User;
  let admin: User;

  beforeAll(async () => {
    // Only the rules under test limit these calls, not the gateway's rate limits.
    system = await startSystem({ GATEWAY_RATE_LIMITS: 'standard=1000000/60,auth=1000000/60' });
    [ada, bob, staff, admin] = await Promise.all([
      system.register(),
      system.register(),
      system.register({ roles: ['staff'] }),
      system.signInAdmin(),
    ]);
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  });

  const post = (path: string, token: string, body: unknown = {}) =>
    system.call(path, { method: 'POST', token, body });
  const read = async (id: string, user = staff) =>
    (await (await system.call(`/orders/${id}`, { token: user.token })).json()) as Order;

  async function expectProblem(res: Response, status: number, code?: string): Promise<Problem> {
    const body = (await res.json()) as Problem;
    expect({ status: res.status, code: body.code }).toEqual({ status, code: code ?? body.code });
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    return body;
  }

  async function place(user = ada, quantity = 2): Promise<string> {
    const res = await post('/orders', user.token, { lines: [{ sku: BOOK.sku, quantity }] });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  /** The payment provider's callback for `payment`, signed with `secret`, posted without a token. */
  function providerCallback(payment: SimulatedPayment, secret = DEVELOPMENT_PAYMENT_WEBHOOK_SECRET) {
    const signed = paymentCallbackRequest(payment, secret);
    return { signed, send: () => rawCallback(signed.body, signed.headers) };
  }
  const rawCallback = (body: string, headers: Record<string, string>) =>
    fetch(`${system.gateway.url}/payments/callbacks`, { method: 'POST', headers, body });

  /** An order of `user` taken to `until` the way the business does: staff confirm, the provider pays, staff ship. */
  async function orderOf(user: User, until: 'confirmed' | 'paid' | 'shipped'): Promise<string> {
    const id = await place(user);
    expect((await post(`/orders/${id}/confirm`, staff.token)).status).toBe(200);
    if (until === 'confirmed') return id;
    const paid = await providerCallback({
      orderId: id,
      amountMinor: 2 * BOOK.unitPriceMinor,
      currency: 'EUR',
    }).send();
    expect(paid.status).toBe(200);
    if (until === 'paid') return id;
    expect((await post(`/orders/${id}/ship`, staff.token, { carrier: 'DHL' })).status).toBe(200);
    return id;
  }

  it('refuses a customer who confirms its own order (403 ORDER.FORBIDDEN)', async () => {
    const id = await place();
    await expectProblem(await post(`/orders/${id}/confirm`, ada.token), 403, 'ORDER.FORBIDDEN');
    expect((await read(id)).status).toBe('placed');
  });

  it('refuses a customer who pays its own order with a made-up payment reference (403)', async () => {
    const id = await orderOf(ada, 'confirmed');
    const claim = {
      amountMinor: 2_500,
      currency: 'EUR',
      paymentReference: 'trust-me-1',
      reason: 'I paid, honest',
    };
    await expectProblem(await post(`/orders/${id}/pay`, ada.token, claim), 403, 'ORDER.FORBIDDEN');
    expect((await read(id)).status).toBe('confirmed');
  });

  it('refuses a customer who ships its own order (403)', async () => {
    const id = await orderOf(ada, 'paid');
    await expectProblem(await post(`/orders/${id}/ship`, ada.token, {}), 403, 'ORDER.FORBIDDEN');
    expect((await read(id)).status).toBe('paid');
  });

  it('refuses a customer who cancels its shipped order (409 ORDER.ALREADY_SHIPPED)', async () => {
    const id = await orderOf(ada, 'shipped');
    await expectProblem(
      await post(`/orders/${id}/cancel`, ada.token, { reason: 'too late' }),
      409,
      'ORDER.ALREADY_SHIPPED',
    );
    expect((await read(id)).status).toBe('shipped');
  });

  it('hides another customer’s order: it can be neither seen nor cancelled (404)', async () => {
    const id = await place(ada);
    await expectProblem(await system.call(`/orders/${id}`, { token: bob.token }), 404, 'ORDER.NOT_FOUND');
    await expectProblem(
      await post(`/orders/${id}/cancel`, bob.token, { reason: 'mine now' }),
      404,
      'ORDER.NOT_FOUND',
    );
    expect((await read(id)).status).toBe('placed');
  });

  it('refuses a price sent by the client and charges the catalog’s, so an order of 0 is impossible', async () => {
    const free = await post('/orders', ada.token, {
      lines: [{ sku: BOOK.sku, quantity: 1, unitPriceMinor: 0 }],
    });
    const problem = await expectProblem(free, 400, 'ORDER.INVALID_BODY');
    expect(problem.errors?.map((e) => e.path)).toEqual(['lines.0.unitPriceMinor']);
    const withCurrency = await post('/orders', ada.token, {
      lines: [{ sku: BOOK.sku, quantity: 1 }],
      currency: 'XXX',
    });
    await expectProblem(withCurrency, 400, 'ORDER.INVALID_BODY');

    expect(await read(await place(ada, 3), ada)).toMatchObject({
      lines: [{ sku: BOOK.sku, quantity: 3, unitPriceMinor: BOOK.unitPriceMinor }],
      totalMinor: 3 * BOOK.unitPriceMinor,
      currency: BOOK.currency,
    });
  });

  it('refuses an order naming a SKU the catalog does not sell (422, naming the line)', async () => {
    const res = await post('/orders', ada.token, {
      lines: [
        { sku: BOOK.sku, quantity: 1 },
        { sku: 'FREE-1', quantity: 1 },
      ],
    });
    const problem = await expectProblem(res, 422, 'ORDER.UNKNOWN_SKU');
    expect(problem.errors?.map((e) => e.path)).toEqual(['lines.1.sku']);
  });

  describe('payment callbacks', () => {
    const total = { amountMinor: 2 * BOOK.unitPriceMinor, currency: 'EUR' };

    it('refuses an unsigned callback (401) and records no payment', async () => {
      const id = await orderOf(ada, 'confirmed');
      const { signed } = providerCallback({ orderId: id, ...total });
      await expectProblem(
        await rawCallback(signed.body, { 'content-type': 'application/json' }),
        401,
        'PAYMENT.INVALID_SIGNATURE',
      );
      expect((await read(id)).status).toBe('confirmed');
    });

    it('refuses a callback signed with another secret, or whose body was changed after signing (401)', async () => {
      const id = await orderOf(ada, 'confirmed');
      const forged = providerCallback(
        { orderId: id, ...total },
        'an-attacker-secret-that-is-long-enough-0123',
      );
      await expectProblem(await forged.send(), 401, 'PAYMENT.INVALID_SIGNATURE');
      const genuine = providerCallback({ orderId: id, amountMinor: 1, currency: 'EUR' }).signed;
      const tampered = genuine.body.replace('"amountMinor":1', `"amountMinor":${total.amountMinor}`);
      await expectProblem(await rawCallback(tampered, genuine.headers), 401, 'PAYMENT.INVALID_SIGNATURE');
      expect((await read(id)).status).toBe('confirmed');
    });

    it('refuses a stale callback, signed more than 5 minutes ago (401)', async () => {
      const id = await orderOf(ada, 'confirmed');
      const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
      await expectProblem(
        await providerCallback({ orderId: id, ...total, timestamp: sixMinutesAgo }).send(),
        401,
        'PAYMENT.INVALID_SIGNATURE',
      );
      expect((await read(id)).status).toBe('confirmed');
    });

    it('records one payment for a callback delivered three times', async () => {
      const id = await orderOf(ada, 'confirmed');
      const callback = providerCallback({ orderId: id, ...total });
      const answers = [];
      for (let i = 0; i < 3; i++)
        answers.push((await (await callback.send()).json()) as { duplicate: boolean });
      expect(answers.map((a) => a.duplicate)).toEqual([false, true, true]);
      const order = await read(id);
      // placed, confirmed, paid: one OrderPaid.
      expect(order).toMatchObject({ status: 'paid', version: 3 });
    });

    it('refuses a callback whose amount is not the order total (422)', async () => {
      const id = await orderOf(ada, 'confirmed');
      await expectProblem(
        await providerCallback({ orderId: id, amountMinor: 1, currency: 'EUR' }).send(),
        422,
        'ORDER.AMOUNT_MISMATCH',
      );
      expect((await read(id)).status).toBe('confirmed');
    });
  });

  it('refuses a customer, and staff, who edit the catalog (403); an admin may', async () => {
    const cheap = { name: 'A book', unitPriceMinor: 1, currency: 'EUR' };
    for (const user of [ada, staff]) {
      await expectProblem(
        await system.call(`/catalog/${BOOK.sku}`, { method: 'PUT', token: user.token, body: cheap }),
        403,
        'ORDER.FORBIDDEN',
      );
    }
    const catalog = (await (await system.call('/catalog', { token: ada.token })).json()) as {
      items: { sku: string; unitPriceMinor: number }[];
    };
    expect(catalog.items.find((p) => p.sku === BOOK.sku)?.unitPriceMinor).toBe(BOOK.unitPriceMinor);
    const sku = 'SECURITY-LAMP-1';
    const lamp = { name: 'A lamp', unitPriceMinor: 4_990, currency: 'EUR' };
    const put = await system.call(`/catalog/${sku}`, { method: 'PUT', token: admin.token, body: lamp });
    expect(put.status).toBe(200);
  });

  it('lets staff confirm and ship any customer’s order, and record a payment by hand with a reason', async () => {
    const id = await place(bob);
    expect((await post(`/orders/${id}/confirm`, staff.token)).status).toBe(200);
    const byHand = {
      amountMinor: 2_500,
      currency: 'EUR',
      paymentReference: 'WIRE-2026-0042',
      reason: 'bank transfer',
    };
    expect((await post(`/orders/${id}/pay`, staff.token, byHand)).status).toBe(200);
    expect(
      (await post(`/orders/${id}/ship`, staff.token, { carrier: 'DHL', trackingNumber: 'JD0142' })).status,
    ).toBe(200);
    expect(await read(id, bob)).toMatchObject({ status: 'shipped', version: 4 });
  });

  describe('ill-formed and hostile text in every order text field', () => {
    const LONE_SURROGATE = '\ud800';
    const inputs: [string, string][] = [
      ['a lone UTF-16 surrogate', `A${LONE_SURROGATE}B`],
      ['NUL', 'A\u0000B'],
      ['an RTL override', 'A\u202EB'],
      ['an emoji', 'A🙂B'],
      ['a 100 kB string', 'A'.repeat(100_000)],
    ];
    /** Each field: how to send a value in it; identifiers refuse emoji, free text (reasons) takes it. */
    const fields: { path: string; freeText?: boolean; send: (value: string) => Promise<Response> }[] = [
      { path: 'lines.0.sku', send: (sku) => post('/orders', ada.token, { lines: [{ sku, quantity: 1 }] }) },
      {
        path: 'reason',
        freeText: true,
        send: async (reason) => post(`/orders/${await place()}/cancel`, ada.token, { reason }),
      },
      ...(['paymentReference', 'reason'] as const).map((field) => ({
        path: field,
        freeText: field === 'reason',
        send: async (value: string) =>
          post(`/orders/${await orderOf(bob, 'confirmed')}/pay`, staff.token, {
            amountMinor: 2_500,
            currency: 'EUR',
            paymentReference: 'WIRE-1',
            reason: 'bank transfer',
            [field]: value,
          }),
      })),
      ...(['carrier', 'trackingNumber'] as const).map((field) => ({
        path: field,
        send: async (value: string) =>
          post(`/orders/${await orderOf(bob, 'paid')}/ship`, staff.token, { [field]: value }),
      })),
    ];
    // A reason is a person's words: emoji are welcome there, and stored as written.
    const accepted = (field: { freeText?: boolean }, what: string) =>
      field.freeText === true && what === 'an emoji';
    const cases = fields.flatMap((field) =>
      inputs.map(([what, value]) => ({
        ...field,
        what,
        value,
        answer: accepted(field, what) ? 'accepted (200)' : '400 naming the field',
      })),
    );

    it.each(cases)('$path with $what: $answer, never a 5xx', async ({ path, answer, value, send }) => {
      const res = await send(value);
      expect(res.status).toBeLessThan(500);
      if (answer.startsWith('accepted')) {
        expect(res.status).toBe(200);
        return;
      }
      const problem = await expectProblem(res, 400, 'ORDER.INVALID_BODY');
      expect(problem.errors?.map((e) => e.path)).toContain(path);
    });
  });
});
