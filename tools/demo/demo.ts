/**
 * Demo traffic through the gateway, so the dashboards show something: customers sign up and in,
 * place orders of catalog products, staff confirm them, the simulated payment provider pays them
 * (a signed callback), staff ship them, or the customer cancels; customers read their orders and
 * notifications; a few poison messages go to order.events for the DLQ to catch. Bounded in time
 * and count, and loopback only.
 *
 *   npm run demo                                   # 60 s, 10 customers, 4 orders/s, 3 poison
 *   npm run demo -- --seconds 300 --rate 10 --customers 20 --poison 5
 *   npm run demo -- --admin-email admin@example.com --admin-password '...'   # orders also fulfilled
 *
 * Fulfilling needs staff: --staff-email/--staff-password (DEMO_STAFF_EMAIL/_PASSWORD) of a staff
 * account, or --admin-email/--admin-password (DEMO_ADMIN_EMAIL/_PASSWORD) of an admin who makes
 * one for the run. Without either, orders are placed and cancelled only. PAYMENT_WEBHOOK_SECRET
 * signs the callbacks (default: the development secret).
 */
import {
  createEvent,
  DEVELOPMENT_PAYMENT_WEBHOOK_SECRET,
  encodeEnvelope,
  Headers,
  paymentCallbackRequest,
  Topics,
} from '@platform/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    gateway: { type: 'string', default: process.env['DEMO_GATEWAY_URL'] ?? 'http://127.0.0.1:3000' },
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '4' },
    customers: { type: 'string', default: '10' },
    poison: { type: 'string', default: '3' },
    'staff-email': { type: 'string', default: process.env['DEMO_STAFF_EMAIL'] },
    'staff-password': { type: 'string', default: process.env['DEMO_STAFF_PASSWORD'] },
    'admin-email': { type: 'string', default: process.env['DEMO_ADMIN_EMAIL'] },
    'admin-password': { type: 'string', default: process.env['DEMO_ADMIN_PASSWORD'] },
  },
});
const paymentSecret = process.env['PAYMENT_WEBHOOK_SECRET'] || DEVELOPMENT_PAYMENT_WEBHOOK_SECRET;
const gateway = new URL(args.gateway);
const seconds = Math.min(Number(args.seconds), 3_600);
const rate = Math.min(Number(args.rate), 200);
const customerCount = Math.min(Number(args.customers), 100);
const poisonCount = Math.min(Number(args.poison), 100);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(gateway.hostname)) {
  throw new Error(`demo traffic goes to this machine only (loopback), not to ${gateway.hostname}`);
}
for (const [name, value] of Object.entries({ seconds, rate, customerCount, poisonCount })) {
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number >= 0`);
}

interface Customer {
  email: string;
  token: string;
}

const tally = { requests: 0, byStatus: new Map<number, number>(), orders: new Map<string, number>() };
const seenProblems = new Set<string>();
const count = (map: Map<string | number, number>, key: string | number) =>
  map.set(key, (map.get(key) ?? 0) + 1);

async function call(
  path: string,
  init: {
    method?: string;
    token?: string;
    body?: unknown;
    headers?: Record<string, string>;
    /** A body sent as these exact bytes (a signed callback). */
    raw?: string;
  } = {},
) {
  for (;;) {
    const res = await fetch(new URL(path, gateway), {
      method: init.method ?? 'GET',
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...init.headers,
      },
      body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
    });
    tally.requests += 1;
    count(tally.byStatus as Map<string | number, number>, res.status);
    // Every kind of unexpected answer is shown once, with the problem the service gave.
    const kind = `${res.status} ${init.method ?? 'GET'} ${path.replace(/[0-9a-f-]{36}/g, ':id').split('?')[0]}`;
    if (res.status >= 400 && res.status !== 429 && !seenProblems.has(kind)) {
      seenProblems.add(kind);
      console.log(`demo: ${kind}: ${(await res.clone().text()).slice(0, 300)}`);
    }
    // Sign-up and sign-in are rate-limited per address: wait as the gateway says, then go on.
    if (res.status === 429 && (init.method ?? 'GET') !== 'GET') {
      await delay(Number(res.headers.get('retry-after') ?? '5') * 1000);
      continue;
    }
    return res;
  }
}

const PASSWORD = 'a demo password, long enough';

async function signIn(email: string, password: string): Promise<Customer> {
  const login = await call('/auth/login', { method: 'POST', body: { email, password } });
  if (!login.ok) throw new Error(`sign-in of ${email}: ${login.status} ${await login.text()}`);
  const { accessToken } = (await login.json()) as { accessToken: string };
  return { email, token: accessToken };
}

async function signUp(n: number | string): Promise<Customer> {
  const email = `demo-${Date.now().toString(36)}-${n}@example.com`;
  await call('/auth/register', {
    method: 'POST',
    body: { email, password: PASSWORD, displayName: `Demo customer ${n}` },
  });
  return signIn(email, PASSWORD);
}

/** The staff account that confirms and ships: given, made by the given admin, or none. */
async function staffAccount(): Promise<Customer | undefined> {
  if (args['staff-email'] && args['staff-password'])
    return signIn(args['staff-email'], args['staff-password']);
  if (!args['admin-email'] || !args['admin-password']) return undefined;
  const admin = await signIn(args['admin-email'], args['admin-password']);
  const fresh = await signUp('staff');
  const me = (await (await call('/auth/me', { token: fresh.token })).json()) as { id: string };
  const granted = await call(`/users/${me.id}/roles`, {
    method: 'PUT',
    token: admin.token,
    body: { roles: ['staff'] },
  });
  if (!granted.ok) throw new Error(`granting staff: ${granted.status} ${await granted.text()}`);
  // Signed in again: the token of the sign-up does not carry the role granted since.
  return signIn(fresh.email, PASSWORD);
}

interface Product {
  sku: string;
  unitPriceMinor: number;
  currency: string;
  active: boolean;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

/** One order through a lifecycle: most are fulfilled (with staff), some cancelled, a few left waiting. */
async function orderStory(customer: Customer, products: readonly Product[], staff?: Customer): Promise<void> {
  const lines = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => ({
    product: pick(products),
    quantity: 1 + Math.floor(Math.random() * 3),
  }));
  const placed = await call('/orders', {
    method: 'POST',
    token: customer.token,
    headers: { 'idempotency-key': randomUUID() },
    body: { lines: lines.map(({ product, quantity }) => ({ sku: product.sku, quantity })) },
  });
  if (placed.status !== 201) return void count(tally.orders, 'not placed');
  const order = (await placed.json()) as { id: string };
  const totalMinor = lines.reduce((sum, line) => sum + line.quantity * line.product.unitPriceMinor, 0);
  const step = (path: string, body: unknown, by = customer) =>
    call(`/orders/${order.id}/${path}`, { method: 'POST', token: by.token, body });
  const fate = Math.random();
  if (fate < 0.1) return void count(tally.orders, 'placed');
  if (fate < 0.3 || !staff) {
    await step('cancel', { reason: pick(['changed my mind', 'found it cheaper', 'ordered twice']) });
    return void count(tally.orders, 'cancelled');
  }
  await step('confirm', {}, staff);
  const paid = paymentCallbackRequest(
    { orderId: order.id, amountMinor: totalMinor, currency: products[0]?.currency ?? 'EUR' },
    paymentSecret,
  );
  await call('/payments/callbacks', { method: 'POST', headers: paid.headers, raw: paid.body });
  await step(
    'ship',
    { carrier: pick(['DHL', 'UPS', 'La Poste']), trackingNumber: randomUUID().slice(0, 12) },
    staff,
  );
  count(tally.orders, 'shipped');
  // The customer looks at their orders and notifications, and reads the newest.
  await call('/orders?limit=5', { token: customer.token });
  const inbox = await call('/notifications?limit=5&unread=true', { token: customer.token });
  const newest = ((await inbox.json()) as { items?: { id: string }[] }).items?.[0];
  if (newest)
    await call(`/notifications/${newest.id}`, {
      method: 'PATCH',
      token: customer.token,
      body: { read: true },
    });
}

/** Records no consumer can use: undecodable bytes, and a confirmation of an order never placed. */
async function poison(n: number): Promise<void> {
  if (n === 0) return;
  const kafka = new Kafka({
    clientId: 'demo',
    brokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  await producer.connect();
  try {
    const messages = Array.from({ length: n }, (_, i) => {
      if (i % 2 === 0) return { key: `demo-poison-${i}`, value: `not an event #${i}` };
      const orderId = randomUUID();
      const event = createEvent({
        type: 'OrderConfirmed',
        aggregateId: orderId,
        aggregateVersion: 2,
        correlationId: randomUUID(),
        causationId: null,
        payload: { orderId },
      });
      return {
        key: orderId,
        value: encodeEnvelope(event),
        headers: { [Headers.eventType]: event.type, [Headers.eventVersion]: String(event.version) },
      };
    });
    await producer.send({ topic: Topics.orderEvents.name, messages });
  } finally {
    await producer.disconnect();
  }
}

async function main(): Promise<void> {
  console.log(
    `demo: ${customerCount} customers, ${rate} orders/s for ${seconds} s through ${gateway.origin}`,
  );
  const ready = await fetch(new URL('/health/ready', gateway)).catch(() => undefined);
  if (!ready?.ok)
    throw new Error(`the gateway at ${gateway.origin} is not ready: start the system first (npm start)`);
  const customers: Customer[] = [];
  for (let n = 1; n <= customerCount; n++) customers.push(await signUp(n));
  console.log(`demo: ${customers.length} customers signed up and in`);
  const staff = await staffAccount();
  if (!staff)
    console.log(
      'demo: no staff account (--staff-email or --admin-email): orders are placed and cancelled only',
    );
  const catalog = (await (await call('/catalog', { token: (customers[0] as Customer).token })).json()) as {
    items: Product[];
  };
  // One currency per order: the demo orders the active products of the catalog's first currency.
  const currency = catalog.items.find((p) => p.active)?.currency;
  const products = catalog.items.filter((p) => p.active && p.currency === currency);
  if (products.length === 0) throw new Error('the catalog sells nothing: see GET /catalog');
  await poison(poisonCount);
  if (poisonCount > 0) console.log(`demo: ${poisonCount} poison messages sent to ${Topics.orderEvents.name}`);

  const deadline = Date.now() + seconds * 1000;
  const running = new Set<Promise<void>>();
  let next = Date.now();
  let report = Date.now() + 5_000;
  while (Date.now() < deadline && rate > 0) {
    const story = orderStory(pick(customers), products, staff).catch((error: unknown) => {
      count(tally.orders, 'failed');
      console.error(`demo: ${(error as Error).message}`);
    });
    running.add(story);
    void story.finally(() => running.delete(story));
    next += 1000 / rate;
    await delay(Math.max(0, next - Date.now()));
    if (Date.now() >= report) {
      report += 5_000;
      console.log(`demo: ${Math.round((deadline - Date.now()) / 1000)} s left, ${summary()}`);
    }
  }
  await Promise.all(running);
  console.log(`demo: done, ${summary()}`);
}

function summary(): string {
  const statuses = [...tally.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`);
  const orders = [...tally.orders].map(([s, n]) => `${s} ${n}`);
  return `${tally.requests} requests (${statuses.join(', ')}); orders: ${orders.join(', ') || 'none yet'}`;
}

main().catch((error: unknown) => {
  console.error(`demo: ${(error as Error).message}`);
  process.exitCode = 1;
});
