import { decodeEnvelope, Topics, type EventEnvelope } from '@platform/contracts';
import { eventually, infraEnv, startGroupAtEnd, tailTopic, uniqueName } from '@platform/testing';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import mongoose from 'mongoose';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, runAppCommand, startApp, type RunningApp } from './system.spec-helper';
import { callGateway, type CallInit } from './whole-system.spec-helper';

// The order story across the real processes: client -> api-gateway (JWT) -> order-service
// (identity headers) -> Postgres -> outbox relay -> Kafka, with auth-service issuing the tokens,
// and notification-service telling the customer, read back through the gateway.
describe('orders through the gateway (built apps, real servers)', () => {
  const databases = {
    auth: uniqueName('e2e_auth'),
    orders: uniqueName('e2e_orders'),
    notifications: uniqueName('e2e_notifications'),
  };
  const mailDir = join(tmpdir(), uniqueName('e2e_mail'));
  const urlOf = (name: string) => infraEnv.postgresUrl.replace(/\/[^/]*$/, `/${name}`);
  let auth: RunningApp;
  let orders: RunningApp;
  let notifications: RunningApp;
  let gateway: RunningApp;
  let consumer: Consumer | undefined;
  let authEnv: Record<string, string>;

  beforeAll(async () => {
    const [authPort, orderPort, notificationPort, gatewayPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const workersGroup = uniqueName('e2e_notification_workers');
    await startGroupAtEnd(workersGroup, [Topics.notificationJobs.name]);
    authEnv = {
      AUTH_HTTP_PORT: String(authPort),
      AUTH_DATABASE_URL: urlOf(databases.auth),
      AUTH_THROTTLE_KEY_PREFIX: uniqueName('e2e_throttle'),
    };
    [auth, orders, notifications] = await Promise.all([
      startApp('auth-service', authPort, authEnv),
      startApp('order-service', orderPort, {
        ORDER_HTTP_PORT: String(orderPort),
        ORDER_DATABASE_URL: urlOf(databases.orders),
      }),
      startApp('notification-service', notificationPort, {
        NOTIFICATION_HTTP_PORT: String(notificationPort),
        MONGO_URL: infraEnv.mongoUrl,
        NOTIFICATION_MONGO_DATABASE: databases.notifications,
        NOTIFICATION_EVENTS_GROUP: uniqueName('e2e_notification_events'),
        NOTIFICATION_WORKER_GROUP: workersGroup,
        EMAIL_FILE_DIR: mailDir,
      }),
    ]);
    gateway = await startApp('api-gateway', gatewayPort, {
      GATEWAY_HTTP_PORT: String(gatewayPort),
      AUTH_SERVICE_URL: auth.url,
      ORDER_SERVICE_URL: orders.url,
      NOTIFICATION_SERVICE_URL: notifications.url,
      GATEWAY_RATE_LIMIT_PREFIX: `${uniqueName('e2e_rl')}:`,
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    const codes = await Promise.all([gateway?.stop(), orders?.stop(), notifications?.stop(), auth?.stop()]);
    const admin = new Client({ connectionString: infraEnv.postgresUrl });
    await admin.connect();
    for (const name of [databases.auth, databases.orders])
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    const mongo = await mongoose
      .createConnection(infraEnv.mongoUrl, { dbName: databases.notifications })
      .asPromise();
    await mongo.dropDatabase();
    await mongo.close();
    await rm(mailDir, { recursive: true, force: true });
    expect(codes).toEqual([0, 0, 0, 0]);
  });

  const call = (path: string, init: CallInit = {}) => callGateway(gateway.url, path, init);

  const password = 'correct horse battery staple';
  async function signIn(email: string): Promise<{ token: string; userId: string }> {
    const login = await call('/auth/login', { method: 'POST', body: { email, password } });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const me = (await (await call('/auth/me', { token: accessToken })).json()) as { id: string };
    return { token: accessToken, userId: me.id };
  }

  async function customer(
    email = `${uniqueName('buyer')}@example.com`,
  ): Promise<{ token: string; userId: string }> {
    const registered = await call('/auth/register', { method: 'POST', body: { email, password } });
    expect(registered.status).toBe(202);
    return signIn(email);
  }

  /**
   * A staff member, who confirms orders: the run's first admin (the one-time bootstrap command)
   * grants the role to a new account, which signs in again to carry it.
   */
  let staffMember: Promise<{ token: string; userId: string }> | undefined;
  const staff = () =>
    (staffMember ??= (async () => {
      const adminEmail = `${uniqueName('admin')}@example.com`;
      await customer(adminEmail);
      const bootstrap = await runAppCommand('auth-service', ['bootstrap-admin', adminEmail], authEnv);
      if (bootstrap.code !== 0) throw new Error(`bootstrap-admin: ${bootstrap.output}`);
      const admin = await signIn(adminEmail);
      const staffEmail = `${uniqueName('staff')}@example.com`;
      const member = await customer(staffEmail);
      const granted = await call(`/users/${member.userId}/roles`, {
        method: 'PUT',
        token: admin.token,
        body: { roles: ['staff'] },
      });
      expect(granted.status).toBe(200);
      return signIn(staffEmail);
    })());

  it('places an order once per Idempotency-Key, confirms it with If-Match, lists it, and publishes its events', async () => {
    const ada = await customer();
    const kafka = new Kafka({
      clientId: uniqueName('e2e'),
      brokers: infraEnv.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const all: { key: string | undefined; event: EventEnvelope }[] = [];
    consumer = await tailTopic(kafka, Topics.orderEvents.name, ({ message }) => {
      all.push({ key: message.key?.toString(), event: decodeEnvelope(message.value) });
    });
    const lines = [{ sku: 'BOOK-1', quantity: 2 }]; // 12.50 EUR each in the catalog
    const place = () =>
      call('/orders', {
        method: 'POST',
        token: ada.token,
        headers: { 'idempotency-key': 'checkout-1' },
        body: { lines },
      });
    const placed = await place();
    expect(placed.status).toBe(201);
    const { id } = (await placed.json()) as { id: string };
    const retried = await place();
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(((await retried.json()) as { id: string }).id).toBe(id);

    const { token: staffToken } = await staff();
    const stale = await call(`/orders/${id}/confirm`, {
      method: 'POST',
      token: staffToken,
      headers: { 'if-match': '"7"' },
      body: {},
    });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ code: 'ORDER.VERSION_CONFLICT' });
    const confirmed = await call(`/orders/${id}/confirm`, {
      method: 'POST',
      token: staffToken,
      headers: { 'if-match': '"1"' },
      body: {},
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.headers.get('etag')).toBe('"2"');
    expect(await confirmed.json()).toMatchObject({
      id,
      status: 'confirmed',
      customerId: ada.userId,
      totalMinor: 2500,
    });

    const list = (await (await call('/orders?limit=5', { token: ada.token })).json()) as {
      items: { id: string; status: string }[];
    };
    expect(list.items).toEqual([expect.objectContaining({ id, status: 'confirmed' })]);

    const received = () => all.filter((r) => r.event.aggregateId === id);
    await eventually(() => expect(received()).toHaveLength(2), { timeoutMs: 30_000 });
    expect(received().map((r) => [r.key, r.event.type, r.event.aggregateVersion])).toEqual([
      [id, 'OrderPlaced', 1],
      [id, 'OrderConfirmed', 2],
    ]);
    expect(received()[0]?.event.payload).toMatchObject({ customerId: ada.userId });
  });

  it("hides another customer's order, and answers bad input with 400 and the invalid fields", async () => {
    const [ada, bob] = [await customer(), await customer()];
    const placed = await call('/orders', {
      method: 'POST',
      token: ada.token,
      body: { lines: [{ sku: 'PEN-1', quantity: 1 }] },
    });
    const { id } = (await placed.json()) as { id: string };
    expect((await call(`/orders/${id}`, { token: bob.token })).status).toBe(404);
    expect(
      (await call(`/orders/${id}/cancel`, { method: 'POST', token: bob.token, body: { reason: 'mine now' } }))
        .status,
    ).toBe(404);

    const bad = await call('/orders', {
      method: 'POST',
      token: ada.token,
      body: { lines: 'many', currency: 7 },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      code: 'ORDER.INVALID_BODY',
      errors: expect.arrayContaining([
        expect.objectContaining({ path: 'lines' }),
        expect.objectContaining({ path: 'currency' }),
      ]),
    });
  });

  it("tells the customer their order is confirmed, in their inbox behind the gateway's /notifications", async () => {
    const ada = await customer();
    type Inbox = { items: { id: string; template: string; channel: string; delivery: { status: string } }[] };
    const inbox = async () => (await (await call('/notifications', { token: ada.token })).json()) as Inbox;
    // notification-service's events group starts at the end of the topics, and joins within
    // seconds of starting: the first orders may pass before it reads; the next one is seen.
    await eventually(
      async () => {
        const placed = await call('/orders', {
          method: 'POST',
          token: ada.token,
          body: { lines: [{ sku: 'MUG-1', quantity: 1 }] },
        });
        const { id } = (await placed.json()) as { id: string };
        await call(`/orders/${id}/confirm`, { method: 'POST', token: (await staff()).token, body: {} });
        await eventually(
          async () => expect((await inbox()).items.some((i) => i.template === 'order-confirmed')).toBe(true),
          { timeoutMs: 5_000 },
        );
      },
      { timeoutMs: 60_000 },
    );
    await eventually(
      async () =>
        expect((await inbox()).items.find((i) => i.template === 'order-confirmed')).toMatchObject({
          channel: 'email',
          delivery: { status: 'delivered' },
        }),
      { timeoutMs: 30_000 },
    );
    const [first] = (await inbox()).items;
    const read = await call(`/notifications/${first?.id}`, {
      method: 'PATCH',
      token: ada.token,
      body: { read: true },
    });
    expect(read.status).toBe(200);
    expect((await call('/notifications')).status).toBe(401);
  });

  it('documents the order routes in the gateway’s OpenAPI', async () => {
    const doc = (await (await call('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/orders', '/orders/{id}', '/orders/{id}/cancel']),
    );
  });
});
