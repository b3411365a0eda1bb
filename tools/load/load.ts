/**
 * The load generator: realistic mixed traffic through the gateway at a fixed or stepped rate, with
 * a live progress line, a summary table per operation, a JSON report and an SVG plot of latency
 * percentiles and consumer lag over time. Bounded in rate and time; loopback only.
 *
 *   npm run load -- --rate 50 --duration 60s --scenario checkout
 *   npm run load -- --step 20,50,100 --step-every 20s --scenario mixed
 *
 * Scenarios: checkout (a customer places, staff confirm, the simulated payment provider pays
 * with a signed callback, staff ship), browse (list orders and notifications), mixed (70%
 * checkout, 30% browse). Arrivals are an open model: a request that would exceed
 * --max-in-flight is counted as dropped, not queued, so an overloaded system shows as such.
 *
 * Checkout needs a staff account: --staff-email/--staff-password (LOAD_STAFF_EMAIL/_PASSWORD)
 * of one, or --admin-email/--admin-password (LOAD_ADMIN_EMAIL/_PASSWORD) of an admin, who then
 * makes a fresh staff account for the run (PUT /users/:id/roles). The first admin of a system
 * comes from `node dist/apps/auth-service/main.js bootstrap-admin <email>` (README).
 * The provider signs with PAYMENT_WEBHOOK_SECRET, by default the development secret.
 */
import { DEVELOPMENT_PAYMENT_WEBHOOK_SECRET, paymentCallbackRequest } from '@platform/contracts';
import { mkdir, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { lagFromExpositions, percentile, plotSvg, Timeline } from './timeline';

const grouped = (n: number): string => Math.round(n).toLocaleString('en-US').replace(/,/g, ' ');

const { values: args } = parseArgs({
  options: {
    gateway: { type: 'string', default: process.env['LOAD_GATEWAY_URL'] ?? 'http://127.0.0.1:3000' },
    rate: { type: 'string', default: '20' },
    duration: { type: 'string', default: '60s' },
    step: { type: 'string' },
    'step-every': { type: 'string', default: '20s' },
    scenario: { type: 'string', default: 'mixed' },
    customers: { type: 'string', default: '8' },
    'max-in-flight': { type: 'string', default: '256' },
    // The internal metrics ports of the upstreams (AUTH_METRICS_PORT ... DLQ_METRICS_PORT defaults).
    'metrics-ports': { type: 'string', default: '9401,9402,9403,9404,9405' },
    out: { type: 'string', default: 'tmp/load' },
    'staff-email': { type: 'string', default: process.env['LOAD_STAFF_EMAIL'] },
    'staff-password': { type: 'string', default: process.env['LOAD_STAFF_PASSWORD'] },
    'admin-email': { type: 'string', default: process.env['LOAD_ADMIN_EMAIL'] },
    'admin-password': { type: 'string', default: process.env['LOAD_ADMIN_PASSWORD'] },
  },
});
const paymentSecret = process.env['PAYMENT_WEBHOOK_SECRET'] || DEVELOPMENT_PAYMENT_WEBHOOK_SECRET;

/** `60s`, `2m`, `90` (seconds). */
function seconds(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m)?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration like 60s or 2m`);
  return Number(match[1]) * (match[2] === 'm' ? 60 : 1);
}

const gateway = new URL(args.gateway);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(gateway.hostname)) {
  throw new Error(`load goes to this machine only (loopback), not to ${gateway.hostname}`);
}
const scenario = args.scenario;
if (!['checkout', 'browse', 'mixed'].includes(scenario))
  throw new Error('--scenario must be checkout, browse or mixed');
const steps = (args.step ?? args.rate).split(',').map(Number);
if (steps.some((r) => !Number.isFinite(r) || r <= 0 || r > 5_000))
  throw new Error('rates must be in (0, 5000]');
const stepSeconds = args.step ? seconds(args['step-every']) : Number.POSITIVE_INFINITY;
const durationSeconds = Math.min(args.step ? steps.length * stepSeconds : seconds(args.duration), 3_600);
const maxInFlight = Number(args['max-in-flight']);
const customerCount = Math.min(Number(args.customers), 100);
const metricsPorts = args['metrics-ports'].split(',').map(Number);

interface OpStats {
  latencies: number[];
  errors: number;
  statuses: Map<number, number>;
}
const ops = new Map<string, OpStats>();
const timeline = new Timeline();
let inFlight = 0;
let dropped = 0;

async function call(
  op: string,
  path: string,
  init: {
    method?: string;
    token?: string;
    body?: unknown;
    key?: boolean;
    /** A body sent as these exact bytes (a signed callback), with its own headers. */
    raw?: string;
    headers?: Record<string, string>;
  } = {},
) {
  const started = performance.now();
  let status: number;
  let body: unknown;
  try {
    const res = await fetch(new URL(path, gateway), {
      method: init.method ?? 'GET',
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.key ? { 'idempotency-key': randomUUID() } : {}),
        ...init.headers,
      },
      body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
      signal: AbortSignal.timeout(30_000),
    });
    status = res.status;
    body = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
  } catch {
    status = 0; // no answer: a timeout or a refused connection
  }
  const ms = performance.now() - started;
  const ok = status >= 200 && status < 400;
  const stats = ops.get(op) ?? { latencies: [], errors: 0, statuses: new Map<number, number>() };
  stats.latencies.push(ms);
  if (!ok) stats.errors += 1;
  stats.statuses.set(status, (stats.statuses.get(status) ?? 0) + 1);
  ops.set(op, stats);
  timeline.record(ms, ok);
  return { status, body };
}

interface Customer {
  token: string;
}

/** POSTs `body` to an auth route, waiting out 429s; the JSON answer. */
async function authPost(path: string, body: unknown, token?: string, method = 'POST'): Promise<unknown> {
  for (;;) {
    const res = await fetch(new URL(path, gateway), {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (res.status === 429) {
      await delay(Number(res.headers.get('retry-after') ?? '5') * 1000);
      continue;
    }
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.headers.get('content-type')?.includes('json') ? res.json() : undefined;
  }
}

const signIn = async (email: string, password: string): Promise<Customer> => ({
  token: ((await authPost('/auth/login', { email, password })) as { accessToken: string }).accessToken,
});

const PASSWORD = 'a load-test password, long enough';
const emailOf = (n: number | string) => `load-${Date.now().toString(36)}-${n}@example.com`;

async function signUp(email: string): Promise<Customer> {
  await authPost('/auth/register', { email, password: PASSWORD });
  return signIn(email, PASSWORD);
}

/** The staff account that confirms and ships: given, or made for this run by the given admin. */
async function staffAccount(): Promise<Customer> {
  if (args['staff-email'] && args['staff-password'])
    return signIn(args['staff-email'], args['staff-password']);
  if (!args['admin-email'] || !args['admin-password']) {
    throw new Error(
      'checkout needs staff to confirm and ship: give --staff-email/--staff-password of a staff account, ' +
        'or --admin-email/--admin-password of an admin to make one (README: "Roles")',
    );
  }
  const admin = await signIn(args['admin-email'], args['admin-password']);
  const email = emailOf('staff');
  const fresh = await signUp(email);
  const me = (await (
    await fetch(new URL('/auth/me', gateway), { headers: { authorization: `Bearer ${fresh.token}` } })
  ).json()) as { id: string };
  await authPost(`/users/${me.id}/roles`, { roles: ['staff'] }, admin.token, 'PUT');
  // Signed in again: the token of the sign-up does not carry the role granted since.
  return signIn(email, PASSWORD);
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

/** BOOK-1's price in the seeded catalog; the provider reports what it charged. */
const BOOK_PRICE_MINOR = 1_250;

async function checkout(customer: Customer, staff: Customer): Promise<void> {
  const quantity = 1 + Math.floor(Math.random() * 3);
  const placed = await call('place order', '/orders', {
    method: 'POST',
    token: customer.token,
    key: true,
    body: { lines: [{ sku: 'BOOK-1', quantity }] },
  });
  const id = (placed.body as { id?: string } | undefined)?.id;
  if (placed.status !== 201 || !id) return;
  const step = (name: string, path: string, body: unknown) =>
    call(name, `/orders/${id}/${path}`, { method: 'POST', token: staff.token, body });
  if ((await step('confirm', 'confirm', {})).status !== 200) return;
  const callback = paymentCallbackRequest(
    { orderId: id, amountMinor: quantity * BOOK_PRICE_MINOR, currency: 'EUR' },
    paymentSecret,
  );
  const paid = await call('payment callback', '/payments/callbacks', {
    method: 'POST',
    raw: callback.body,
    headers: callback.headers,
  });
  if (paid.status === 200) await step('ship', 'ship', { carrier: 'DHL' });
}

async function browse(customer: Customer): Promise<void> {
  await call('list orders', '/orders?limit=10', { token: customer.token });
  await call('list notifications', '/notifications?limit=10', { token: customer.token });
}

async function sampleLag(): Promise<number | null> {
  const texts = await Promise.all(
    metricsPorts.map((port) =>
      fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(500) })
        .then((res) => res.text())
        .catch(() => ''),
    ),
  );
  return lagFromExpositions(texts);
}

const table = (rows: string[][]) => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows
    .map((row) =>
      row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
    )
    .join('\n');
};

async function main(): Promise<void> {
  const ready = await fetch(new URL('/health/ready', gateway)).catch(() => undefined);
  if (!ready?.ok)
    throw new Error(`the gateway at ${gateway.origin} is not ready: start the system first (npm start)`);
  console.log(
    `load: ${scenario} at ${steps.join(' -> ')} req-starts/s for ${durationSeconds} s through ${gateway.origin}`,
  );
  const customers: Customer[] = [];
  for (let n = 1; n <= customerCount; n++) customers.push(await signUp(emailOf(n)));
  const staff = scenario === 'browse' ? undefined : await staffAccount();

  const start = performance.now();
  const running = new Set<Promise<void>>();
  let nextArrival = start;
  let nextSecond = 1;
  const rateAt = (elapsedS: number) =>
    steps[Math.min(steps.length - 1, Math.floor(elapsedS / stepSeconds))] as number;
  const tty = process.stdout.isTTY;
  while ((performance.now() - start) / 1000 < durationSeconds) {
    const elapsed = (performance.now() - start) / 1000;
    if (elapsed >= nextSecond) {
      const lag = await sampleLag();
      const s = timeline.tick(nextSecond, rateAt(elapsed - 0.5), lag);
      const line = `load: ${nextSecond}/${Math.round(durationSeconds)} s  target ${s.targetRate}/s  done ${s.requests}/s  errors ${s.errors}  p50 ${s.p50Ms.toFixed(0)} ms  p99 ${s.p99Ms.toFixed(0)} ms  in flight ${inFlight}  dropped ${dropped}  lag ${s.lag ?? '?'}`;
      if (tty) process.stdout.write(`\r${line.padEnd(140)}`);
      else if (nextSecond % 5 === 0) console.log(line);
      nextSecond += 1;
    }
    if (performance.now() >= nextArrival) {
      nextArrival += 1000 / rateAt(elapsed);
      if (inFlight >= maxInFlight) {
        dropped += 1;
      } else {
        const customer = pick(customers);
        const story =
          !staff || (scenario === 'mixed' && Math.random() < 0.3)
            ? browse(customer)
            : checkout(customer, staff);
        inFlight += 1;
        const tracked: Promise<void> = story.finally(() => {
          inFlight -= 1;
          running.delete(tracked);
        });
        running.add(tracked);
      }
      continue;
    }
    await delay(Math.max(0, Math.min(nextArrival, start + nextSecond * 1000) - performance.now()));
  }
  if (tty) process.stdout.write('\n');
  await Promise.race([Promise.all(running), delay(30_000)]);

  const wallSeconds = (performance.now() - start) / 1000;
  const rows = [['operation', 'count', 'errors', 'per s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms']];
  for (const [name, stats] of ops) {
    rows.push([
      name,
      grouped(stats.latencies.length),
      grouped(stats.errors),
      (stats.latencies.length / wallSeconds).toFixed(1),
      ...[50, 90, 99, 100].map((p) => percentile(stats.latencies, p).toFixed(1)),
    ]);
  }
  console.log(`\n${table(rows)}\n\ndropped (over --max-in-flight ${maxInFlight}): ${dropped}`);

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  await mkdir(args.out, { recursive: true });
  const report = {
    scenario,
    steps,
    stepSeconds: Number.isFinite(stepSeconds) ? stepSeconds : null,
    durationSeconds,
    customers: customerCount,
    maxInFlight,
    dropped,
    operations: Object.fromEntries(
      [...ops].map(([name, stats]) => [
        name,
        {
          count: stats.latencies.length,
          errors: stats.errors,
          statuses: Object.fromEntries(stats.statuses),
          p50Ms: percentile(stats.latencies, 50),
          p90Ms: percentile(stats.latencies, 90),
          p99Ms: percentile(stats.latencies, 99),
          maxMs: percentile(stats.latencies, 100),
        },
      ]),
    ),
    timeline: timeline.seconds,
  };
  const base = join(args.out, `${scenario}-${stamp}`);
  await writeFile(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(`${base}.svg`, plotSvg(timeline.seconds, `${scenario}: ${steps.join(' -> ')} /s`));
  console.log(`report: ${base}.json\nplot:   ${base}.svg`);
}

main().catch((error: unknown) => {
  console.error(`load: ${(error as Error).message}`);
  process.exitCode = 1;
});
