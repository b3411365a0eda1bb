import { infraEnv, uniqueName } from '@platform/testing';
import { Client } from 'pg';
import { getMe, getOrder, listOrders, listProducts, placeOrder, login, register } from './gateway-client';
import { createClient, createConfig, type Client as GatewayClient } from './gateway-client/client';
import { freePort, startApp, type RunningApp } from './system.spec-helper';

// A client team's journey through the typed client generated from the gateway's OpenAPI document
// (src/gateway-client, `npx nx run e2e:gateway-client`): every call goes by its operationId, and
// every answer is parsed with the document's schema, so the test fails where the API and its
// document part.
describe('the generated gateway client against the built apps (real servers)', () => {
  const databases = { auth: uniqueName('e2e_auth'), orders: uniqueName('e2e_orders') };
  const urlOf = (name: string) => infraEnv.postgresUrl.replace(/\/[^/]*$/, `/${name}`);
  let auth: RunningApp;
  let orders: RunningApp;
  let gateway: RunningApp;

  beforeAll(async () => {
    const [authPort, orderPort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
    [auth, orders] = await Promise.all([
      startApp('auth-service', authPort, {
        AUTH_HTTP_PORT: String(authPort),
        AUTH_DATABASE_URL: urlOf(databases.auth),
        AUTH_THROTTLE_KEY_PREFIX: uniqueName('e2e_throttle'),
      }),
      startApp('order-service', orderPort, {
        ORDER_HTTP_PORT: String(orderPort),
        ORDER_DATABASE_URL: urlOf(databases.orders),
      }),
    ]);
    gateway = await startApp('api-gateway', gatewayPort, {
      GATEWAY_HTTP_PORT: String(gatewayPort),
      AUTH_SERVICE_URL: auth.url,
      ORDER_SERVICE_URL: orders.url,
      GATEWAY_RATE_LIMIT_PREFIX: `${uniqueName('e2e_rl')}:`,
    });
  });

  afterAll(async () => {
    const codes = await Promise.all([gateway?.stop(), orders?.stop(), auth?.stop()]);
    const admin = new Client({ connectionString: infraEnv.postgresUrl });
    await admin.connect();
    for (const name of Object.values(databases))
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    expect(codes).toEqual([0, 0, 0]);
  });

  /** A client of the gateway; with a token, the document's bearer scheme sends it. */
  const clientOf = (token?: string): GatewayClient =>
    createClient(createConfig({ baseUrl: gateway.url, throwOnError: true, auth: token }));

  it('registers, logs in, places an order from the catalog and reads it back, all by operationId', async () => {
    const anonymous = clientOf();
    const email = `${uniqueName('client')}@example.com`;
    const password = 'correct horse battery staple';

    const registered = await register({ client: anonymous, body: { email, password } });
    expect(registered.response.status).toBe(202);
    expect(registered.data).toMatchObject({ status: 'accepted' });

    const { data: tokens } = await login({ client: anonymous, body: { email, password } });
    expect(tokens.tokenType).toBe('Bearer');
    const customer = clientOf(tokens.accessToken);
    const me = (await getMe({ client: customer })).data as { id: string; email: string };
    expect(me.email).toBe(email);

    const { data: catalog } = await listProducts({ client: customer });
    const book = catalog.items.find((product) => product.sku === 'BOOK-1');
    expect(book).toBeDefined();

    const placed = await placeOrder({
      client: customer,
      headers: { 'Idempotency-Key': uniqueName('key') },
      body: { lines: [{ sku: 'BOOK-1', quantity: 2 }] },
    });
    expect(placed.response.status).toBe(201);
    expect(placed.response.headers.get('location')).toBe(`/orders/${placed.data.id}`);

    const { data: order, response } = await getOrder({ client: customer, path: { id: placed.data.id } });
    expect(order).toMatchObject({
      id: placed.data.id,
      customerId: me.id,
      status: 'placed',
      lines: [{ sku: 'BOOK-1', quantity: 2, unitPriceMinor: book?.unitPriceMinor }],
      totalMinor: 2 * (book?.unitPriceMinor ?? 0),
      version: placed.data.version,
    });
    expect(response.headers.get('etag')).toBe(`"${placed.data.version}"`);

    const { data: page } = await listOrders({ client: customer, query: { limit: 10 } });
    expect(page.items.map((item) => item.id)).toEqual([placed.data.id]);
  });

  it('answers a refused call with the documented problem, which the client hands back as its error', async () => {
    const stranger = clientOf('not-a-token');
    const refused = await getOrder({
      client: stranger,
      path: { id: '00000000-0000-4000-8000-000000000000' },
      throwOnError: false,
    });
    expect(refused.response?.status).toBe(401);
    expect(refused.error).toMatchObject({ status: 401, code: expect.stringMatching(/^GATEWAY\./) });
  });
});
