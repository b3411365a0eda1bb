/**
 * The load generator: realistic mixed traffic through the gateway at a fixed or stepped rate, with
 * a live progress line, a summary table per operation, a JSON report and an SVG plot of latency
 * percentiles and consumer lag over time. Bounded in rate and time; loopback only.
 *
 *   npm run load -- --rate 50 --duration 60s --scenario checkout
 *   npm run load -- --step 20,50,100 --step-every 20s --scenario mixed
 *   npm run bench:capacity -- --rate 100 --duration 10m      (= load --capacity)
 *
 * Capacity mode steps the rate up (--start-rate, --step-size every --step-every) until the knee
 * (errors over 0.5%, a median per-second p99 over --p99-goal-ms, or drops), lets the consumers catch
 * up, holds --rate for --duration, then drops to half the knee for a minute and reports how long
 * recovery took. Every run reads the CPU seconds and RSS of each app and server (from /proc, via the
 * pid files under .infra) once a minute and prints them per minute and per whole story.
 *
 * Scenarios: checkout (a customer places, staff confirm, the simulated payment provider pays
 * with a signed callback, staff ship), browse (list orders and notifications), mixed (70%
 * checkout, 30% browse). Arrivals are an open model: a request that would exceed
 * --max-in-flight is counted as dropped, not queued, so an overloaded system shows as such.
 *
 * Checkout needs staff: --admin-email/--admin-password (LOAD_ADMIN_EMAIL/_PASSWORD) of an admin,
 * who makes --staff fresh staff accounts for the run (PUT /users/:id/roles; by default one per 4
 * story starts/s at the peak rate, so no one account meets its per-user rate limit), or
 * --staff-email/--staff-password (LOAD_STAFF_EMAIL/_PASSWORD) of one staff account (low rates).
 * The first admin of a system comes from `node dist/apps/auth-service/main.js bootstrap-admin
 * <email>` (README). The provider signs with PAYMENT_WEBHOOK_SECRET, by default the development
 * secret.
 *
 * Many clients, not one: every account, and each of a few payment-provider senders, calls from a
 * loopback address of its own (127.77.x.y; Linux routes all of 127/8 to lo), as clients on many
 * machines would, so the gateway's per-address limits apply as in production instead of throttling
 * the whole run as one client.
 */
import { DEVELOPMENT_PAYMENT_WEBHOOK_SECRET, paymentCallbackRequest } from '@platform/contracts';
import { percentile } from '@platform/service-edge';
import { mkdir, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Agent, type Dispatcher, request } from 'undici';
import {
  type GroupUsage,
  intervalUsage,
  PAGE_BYTES,
  type ProcessStat,
  proportionalBytes,
  readProcessTable,
  systemRoots,
  usageByGroup,
} from './process-usage';
import {
  lagFromExpositions,
  type MinuteUsage,
  plotSvg,
  type SecondSample,
  Timeline,
  usagePlotSvg,
} from './timeline';

const grouped = (n: number): string => Math.round(n).toLocaleString('en-US').replace(/,/g, ' ');

const { values: args } = parseArgs({
  options: {
    gateway: { type: 'string', default: process.env['LOAD_GATEWAY_URL'] ?? 'http://127.0.0.1:3000' },
    rate: { type: 'string', default: '20' },
    duration: { type: 'string', default: '60s' },
    step: { type: 'string' },
    'step-every': { type: 'string', default: '20s' },
    scenario: { type: 'string', default: 'mixed' },
    customers: { type: 'string', default: '200' },
    // Staff accounts made by the admin; default: one per 4 story starts/s at the peak rate.
    staff: { type: 'string' },
    'max-in-flight': { type: 'string', default: '256' },
    // The internal metrics ports of the upstreams (AUTH_METRICS_PORT ... DLQ_METRICS_PORT defaults).
    'metrics-ports': { type: 'string', default: '9401,9402,9403,9404,9405' },
    out: { type: 'string', default: 'tmp/load' },
    'staff-email': { type: 'string', default: process.env['LOAD_STAFF_EMAIL'] },
    'staff-password': { type: 'string', default: process.env['LOAD_STAFF_PASSWORD'] },
    'admin-email': { type: 'string', default: process.env['LOAD_ADMIN_EMAIL'] },
    'admin-password': { type: 'string', default: process.env['LOAD_ADMIN_PASSWORD'] },
    // Capacity mode: ramp until the knee, then hold --rate for --duration, then recover.
    capacity: { type: 'boolean', default: false },
    'start-rate': { type: 'string', default: '10' },
    'step-size': { type: 'string', default: '10' },
    'max-rate': { type: 'string', default: '300' },
    'p99-goal-ms': { type: 'string', default: '500' },
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
const customerCount = Math.min(Number(args.customers), 5_000);
/** The highest rate the run reaches: staff and payment senders are sized for it. */
const peakRate = args.capacity ? Number(args['max-rate']) : Math.max(...steps);
const staffCount = Math.min(Number(args.staff ?? Math.ceil(peakRate / 4)), 500);
if (!Number.isInteger(customerCount) || customerCount < 1 || !Number.isInteger(staffCount) || staffCount < 1)
  throw new Error('--customers and --staff must be whole numbers >= 1');

/**
 * A client of its own: a loopback source address per account (127.77.x.y), when the gateway is
 * at 127.0.0.1. Elsewhere (localhost may be ::1) every client shares the default address.
 */
const clients: Agent[] = [];
function newClient(): Dispatcher {
  const n = clients.length;
  const local = { localAddress: `127.77.${Math.floor(n / 250)}.${1 + (n % 250)}` };
  clients.push(new Agent(gateway.hostname === '127.0.0.1' ? local : {}));
  return clients[n] as Agent;
}
/** The payment provider's senders: a few addresses, each well under a class's per-address limit. */
const providerClients = Array.from({ length: Math.max(1, Math.ceil(peakRate / 8)) }, newClient);
const metricsPorts = args['metrics-ports'].split(',').map(Number);

interface OpStats {
  latencies: number[];
  errors: number;
  statuses: Map<number, number>;
}
let ops = new Map<string, OpStats>();
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
    /** The client (source address) that calls. */
    via: Dispatcher;
  },
) {
  const started = performance.now();
  let status: number;
  let body: unknown;
  try {
    const res = await request(new URL(path, gateway), {
      dispatcher: init.via,
      method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.key ? { 'idempotency-key': randomUUID() } : {}),
        ...init.headers,
      },
      body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
      signal: AbortSignal.timeout(30_000),
    });
    status = res.statusCode;
    body = String(res.headers['content-type']).includes('json')
      ? await res.body.json()
      : await res.body.text();
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

/** A signed-in account and the client (source address) it calls from. */
interface Customer {
  token: string;
  via: Dispatcher;
}

/** Sends `body` to an auth route, waiting out 429s; the JSON answer. */
async function authCall(
  via: Dispatcher,
  path: string,
  body?: unknown,
  token?: string,
  method: Dispatcher.HttpMethod = 'POST',
): Promise<unknown> {
  for (;;) {
    const res = await request(new URL(path, gateway), {
      dispatcher: via,
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode === 429) {
      await delay(Number(res.headers['retry-after'] ?? '5') * 1000);
      continue;
    }
    if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
    return String(res.headers['content-type']).includes('json') ? JSON.parse(text) : undefined;
  }
}

const signIn = async (email: string, password: string, via = newClient()): Promise<Customer> => ({
  token: ((await authCall(via, '/auth/login', { email, password })) as { accessToken: string }).accessToken,
  via,
});

const PASSWORD = 'a load-test password, long enough';
const runId = Date.now().toString(36);
const emailOf = (n: number | string) => `load-${runId}-${n}@example.com`;

async function signUp(email: string): Promise<Customer> {
  const via = newClient();
  await authCall(via, '/auth/register', { email, password: PASSWORD });
  return signIn(email, PASSWORD, via);
}

/** `count` results of `make(1..count)`, a few at a time (sign-ups hash passwords: CPU-bound). */
async function few<T>(count: number, make: (n: number) => Promise<T>): Promise<T[]> {
  const made: T[] = [];
  let next = 1;
  const worker = async () => {
    while (next <= count) made.push(await make(next++));
  };
  await Promise.all(Array.from({ length: Math.min(4, count) }, worker));
  return made;
}

/** The staff accounts that confirm and ship: the one given, or --staff made for this run by the admin. */
async function staffAccounts(): Promise<Customer[]> {
  if (args['staff-email'] && args['staff-password']) {
    if (peakRate > 4)
      console.log(
        `load: one staff account at up to ${peakRate} stories/s may meet its per-user rate limit; give --admin-email to make --staff accounts`,
      );
    return [await signIn(args['staff-email'], args['staff-password'])];
  }
  if (!args['admin-email'] || !args['admin-password']) {
    throw new Error(
      'checkout needs staff to confirm and ship: give --admin-email/--admin-password of an admin to make ' +
        'staff accounts, or --staff-email/--staff-password of one (README: "Roles")',
    );
  }
  const admin = await signIn(args['admin-email'], args['admin-password']);
  return few(staffCount, async (n) => {
    const email = emailOf(`staff-${n}`);
    const fresh = await signUp(email);
    const me = (await authCall(fresh.via, '/auth/me', undefined, fresh.token, 'GET')) as { id: string };
    await authCall(admin.via, `/users/${me.id}/roles`, { roles: ['staff'] }, admin.token, 'PUT');
    // Signed in again: the token of the sign-up does not carry the role granted since.
    return signIn(email, PASSWORD, fresh.via);
  });
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

/** BOOK-1's price in the seeded catalog; the provider reports what it charged. */
const BOOK_PRICE_MINOR = 1_250;

/** One customer's checkout; true when every step answered as it should. */
async function checkout(customer: Customer, staff: readonly Customer[]): Promise<boolean> {
  const quantity = 1 + Math.floor(Math.random() * 3);
  const placed = await call('place order', '/orders', {
    method: 'POST',
    token: customer.token,
    key: true,
    via: customer.via,
    body: { lines: [{ sku: 'BOOK-1', quantity }] },
  });
  const id = (placed.body as { id?: string } | undefined)?.id;
  if (placed.status !== 201 || !id) return false;
  const step = (name: string, path: string, body: unknown) =>
    call(name, `/orders/${id}/${path}`, { method: 'POST', ...pick(staff), body });
  if ((await step('confirm', 'confirm', {})).status !== 200) return false;
  const callback = paymentCallbackRequest(
    { orderId: id, amountMinor: quantity * BOOK_PRICE_MINOR, currency: 'EUR' },
    paymentSecret,
  );
  const paid = await call('payment callback', '/payments/callbacks', {
    method: 'POST',
    raw: callback.body,
    headers: callback.headers,
    via: pick(providerClients),
  });
  return paid.status === 200 && (await step('ship', 'ship', { carrier: 'DHL' })).status === 200;
}

/** One customer looks at their orders and notifications; true when both answered. */
async function browse(customer: Customer): Promise<boolean> {
  const orders = await call('list orders', '/orders?limit=10', customer);
  const notifications = await call('list notifications', '/notifications?limit=10', customer);
  return orders.status === 200 && notifications.status === 200;
}

/**
 * Consumer lag, read once a second in the background (the arrival loop never waits on it). An app
 * whose /metrics does not answer within the second (a busy CPU) counts with its last exposition,
 * so a slow scrape reads as "unchanged", not as a drop to near zero and a jump back.
 */
const expositions = new Map<number, string>();
let latestLag: number | null = null;
let lagSampling: ReturnType<typeof setInterval> | undefined;
function sampleLagInBackground(): void {
  let busy = false;
  lagSampling = setInterval(() => {
    if (busy) return;
    busy = true;
    void Promise.all(
      metricsPorts.map((port) =>
        request(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(1_000) })
          .then((res) => res.body.text())
          .then((text) => void expositions.set(port, text))
          .catch(() => undefined),
      ),
    ).then(() => {
      latestLag = lagFromExpositions([...expositions.values()]);
      busy = false;
    });
  }, 1_000);
}

const table = (rows: string[][]) => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows
    .map((row) =>
      row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
    )
    .join('\n');
};

/** One stretch of a run at one rate schedule: its own operation table, drops and stories. */
interface Phase {
  name: string;
  /** Story starts per second, by seconds since the phase began. */
  rateAt: (elapsedS: number) => number;
  seconds: number;
  /** Checked every second; true ends the phase early (the ramp stops at the knee). */
  stop?: () => boolean;
}

interface PhaseResult {
  name: string;
  /** Seconds since the run's start at which the phase began and ended. */
  fromS: number;
  toS: number;
  ops: Map<string, OpStats>;
  dropped: number;
  stories: { started: number; ok: number };
}

let phase: PhaseResult;
const results: PhaseResult[] = [];
let runStart = 0;
let nextSecond = 1;
const running = new Set<Promise<void>>();
const tty = process.stdout.isTTY;
const infraHome = process.env['INFRA_HOME'] ?? join(process.cwd(), '.infra');
/** Root processes of the system (empty under Docker); the generator itself is one of them. */
const roots = new Map([...systemRoots(infraHome), ['load generator', process.pid]]);
/** Readings at each minute since the start (and at the end); per-minute usage is their difference. */
const usageReadings: { second: number; usage: Map<string, GroupUsage> }[] = [];
let usageRead = Promise.resolve();
/** Takes a reading in the background, after the one before it; `usageRead` settles when all are in. */
const readUsage = (second: number) => {
  usageRead = usageRead.then(async () => {
    const table = await readProcessTable();
    const pss = await proportionalBytes(table);
    const memoryOf = (p: ProcessStat) => pss.get(p.pid) ?? p.rssPages * PAGE_BYTES;
    usageReadings.push({ second, usage: usageByGroup(table, roots, memoryOf) });
  });
};

/** Runs one phase: open-model arrivals at its rate, a progress line and a timeline sample a second. */
async function drive(
  customers: Customer[],
  staff: readonly Customer[] | undefined,
  next: Phase,
): Promise<PhaseResult> {
  phase = {
    name: next.name,
    fromS: nextSecond - 1,
    toS: nextSecond - 1,
    ops: new Map(),
    dropped: 0,
    stories: { started: 0, ok: 0 },
  };
  ops = phase.ops;
  const current = phase;
  const phaseStart = performance.now();
  let nextArrival = phaseStart;
  const ends = phaseStart + next.seconds * 1000;
  while (performance.now() < ends) {
    const now = performance.now();
    const elapsed = (now - phaseStart) / 1000;
    if (now - runStart >= nextSecond * 1000) {
      const s = timeline.tick(nextSecond, next.rateAt(elapsed - 0.5), latestLag);
      if (nextSecond % 60 === 0) readUsage(nextSecond);
      const line = `${next.name}: ${nextSecond} s  target ${s.targetRate}/s  done ${s.requests}/s  errors ${s.errors}  p50 ${s.p50Ms.toFixed(0)} ms  p99 ${s.p99Ms.toFixed(0)} ms  in flight ${inFlight}  dropped ${current.dropped}  lag ${s.lag ?? '?'}`;
      if (tty) process.stdout.write(`\r${line.padEnd(140)}`);
      else if (nextSecond % 5 === 0) console.log(line);
      nextSecond += 1;
      if (next.stop?.()) break;
    }
    const rate = next.rateAt(elapsed);
    if (rate > 0 && performance.now() >= nextArrival) {
      nextArrival += 1000 / rate;
      if (inFlight >= maxInFlight) {
        current.dropped += 1;
        dropped += 1;
      } else {
        const customer = pick(customers);
        const story =
          !staff || (scenario === 'mixed' && Math.random() < 0.3)
            ? browse(customer)
            : checkout(customer, staff);
        inFlight += 1;
        current.stories.started += 1;
        const tracked: Promise<void> = story
          .then((ok) => {
            if (ok) current.stories.ok += 1;
          })
          .finally(() => {
            inFlight -= 1;
            running.delete(tracked);
          });
        running.add(tracked);
      }
      continue;
    }
    if (rate <= 0) nextArrival = performance.now() + 1000;
    await delay(Math.max(0, Math.min(nextArrival, runStart + nextSecond * 1000) - performance.now()));
  }
  current.toS = nextSecond - 1;
  results.push(current);
  return current;
}

/** The samples of the last `n` seconds. */
const lastSeconds = (n: number) => timeline.seconds.slice(-n);

/**
 * Whether the system is past its knee over the samples given: errors above 0.5%, p99 above the
 * goal, or stories dropped for want of answers. The first seconds after a rate step are left
 * out by the caller (queues settle).
 */
function pastKnee(
  samples: readonly SecondSample[],
  droppedNow: number,
  p99GoalMs: number,
): string | undefined {
  const requests = samples.reduce((sum, s) => sum + s.requests, 0);
  const errors = samples.reduce((sum, s) => sum + s.errors, 0);
  if (droppedNow > 0) return `${droppedNow} stories dropped`;
  if (requests > 0 && errors / requests > 0.005) return `${errors} of ${requests} requests failed`;
  const p99s = samples.map((s) => s.p99Ms).sort((a, b) => a - b);
  const medianP99 = p99s[Math.floor(p99s.length / 2)] ?? 0;
  if (medianP99 > p99GoalMs) return `median of per-second p99 ${medianP99.toFixed(0)} ms > ${p99GoalMs} ms`;
  return undefined;
}

/**
 * Capacity: steps the rate up until the knee, lets the consumers catch up, holds the goal rate
 * for --duration, then drops to half the knee and reports how long the system took to recover.
 */
async function capacity(customers: Customer[], staff: readonly Customer[] | undefined): Promise<void> {
  const startRate = Number(args['start-rate']);
  const stepSize = Number(args['step-size']);
  const maxRate = Number(args['max-rate']);
  const every = seconds(args['step-every']);
  const p99GoalMs = Number(args['p99-goal-ms']);
  let rate = startRate;
  let knee = 0;
  let why: string | undefined;
  while (rate <= maxRate) {
    const droppedBefore = dropped;
    const step = await drive(customers, staff, {
      name: `ramp ${rate}/s`,
      rateAt: () => rate,
      seconds: every,
    });
    // The step's second half: the first half is the system settling into the new rate.
    why = pastKnee(lastSeconds(Math.ceil(every / 2)), dropped - droppedBefore, p99GoalMs);
    if (why || step.stories.started === 0) break;
    knee = rate;
    rate += stepSize;
  }
  console.log(
    `\ncapacity: knee at ${knee}/s (${why ? `at ${rate}/s: ${why}` : `no knee up to ${maxRate}/s`})`,
  );
  // Let in-flight stories finish and the consumers catch up before the hold.
  await drive(customers, staff, {
    name: 'settle',
    rateAt: () => 0,
    seconds: 120,
    stop: () => {
      const lag = lastSeconds(1)[0]?.lag;
      return running.size === 0 && (lag === null || lag === undefined || lag < 50);
    },
  });
  const goal = steps[0] as number;
  await drive(customers, staff, { name: `hold ${goal}/s`, rateAt: () => goal, seconds: durationSeconds });
  const recoveryRate = Math.max(1, Math.floor(Math.min(knee || goal, goal) / 2));
  const dropAt = nextSecond - 1;
  await drive(customers, staff, {
    name: `recover ${recoveryRate}/s`,
    rateAt: () => recoveryRate,
    seconds: 60,
  });
  // Recovered: from the first second after which every second had no errors and p99 within goal.
  const after = timeline.seconds.filter((s) => s.second > dropAt);
  let recoveredAt: number | undefined;
  for (let i = after.length - 1; i >= 0; i--) {
    const s = after[i] as SecondSample;
    if (s.errors > 0 || s.p99Ms > p99GoalMs) break;
    recoveredAt = s.second;
  }
  console.log(
    recoveredAt === undefined
      ? `\ncapacity: not recovered within 60 s of dropping to ${recoveryRate}/s`
      : `\ncapacity: recovered ${recoveredAt - dropAt - 1} s after dropping to ${recoveryRate}/s`,
  );
  capacityReport = {
    knee,
    kneeReason: why ?? null,
    goal,
    recoveryRate,
    recoveredAfterS: recoveredAt === undefined ? null : recoveredAt - dropAt - 1,
  };
}

let capacityReport: Record<string, unknown> | undefined;

function opRows(result: PhaseResult): string[][] {
  const wall = Math.max(1, result.toS - result.fromS);
  const rows = [['operation', 'count', 'errors', 'per s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms']];
  for (const [name, stats] of result.ops) {
    rows.push([
      name,
      grouped(stats.latencies.length),
      grouped(stats.errors),
      (stats.latencies.length / wall).toFixed(1),
      ...[50, 90, 99, 100].map((p) => percentile(stats.latencies, p).toFixed(1)),
    ]);
  }
  return rows;
}

/** Per group: CPU seconds in each minute (the last one may be shorter), and the RSS at its end. */
function perMinuteUsage(): MinuteUsage[] {
  return usageReadings
    .slice(1)
    .map((reading, i) => {
      const previous = usageReadings[i] as (typeof usageReadings)[number];
      return {
        minute: Math.round(reading.second / 6) / 10,
        seconds: reading.second - previous.second,
        usage: intervalUsage(previous.usage, reading.usage),
      };
    })
    .filter((m) => m.seconds >= 5); // the reading at the end, right after a minute's, says nothing
}

/**
 * CPU milliseconds per completed story, per group, over a phase: the sum of the minute intervals
 * inside it (interval by interval, so a backend that exits stays with its database in the minutes
 * it ran).
 */
function cpuPerStory(result: PhaseResult): { group: string; cpuMsPerStory: number; cores: number }[] {
  const inside = usageReadings.filter((r) => r.second >= result.fromS && r.second <= result.toS);
  const first = inside[0];
  const last = inside[inside.length - 1];
  if (!first || !last || first === last || result.stories.ok === 0) return [];
  const seconds = last.second - first.second;
  // Stories done in the window, pro rata to the phase: the readings sit on minute boundaries.
  const stories = (result.stories.ok * seconds) / Math.max(1, result.toS - result.fromS);
  const cpu = new Map<string, number>();
  for (let i = 1; i < inside.length; i++) {
    const [from, to] = [inside[i - 1], inside[i]] as [(typeof inside)[number], (typeof inside)[number]];
    for (const u of intervalUsage(from.usage, to.usage))
      cpu.set(u.group, (cpu.get(u.group) ?? 0) + u.cpuSeconds);
  }
  return [...cpu]
    .sort((a, b) => b[1] - a[1])
    .map(([group, cpuSeconds]) => ({
      group,
      cpuMsPerStory: (cpuSeconds * 1000) / stories,
      cores: cpuSeconds / seconds,
    }));
}

async function main(): Promise<void> {
  const ready = await fetch(new URL('/health/ready', gateway)).catch(() => undefined);
  if (!ready?.ok)
    throw new Error(`the gateway at ${gateway.origin} is not ready: start the system first (npm start)`);
  console.log(
    args.capacity
      ? `load: capacity of ${scenario}: ramp from ${args['start-rate']}/s by ${args['step-size']}/s every ${args['step-every']}, hold ${steps[0]}/s for ${durationSeconds} s, through ${gateway.origin}`
      : `load: ${scenario} at ${steps.join(' -> ')} story starts/s for ${durationSeconds} s through ${gateway.origin}`,
  );
  if (roots.size === 1)
    console.log('load: no process of the system found under .infra: CPU and memory not sampled');
  const customers = await few(customerCount, (n) => signUp(emailOf(n)));
  const staff = scenario === 'browse' ? undefined : await staffAccounts();

  sampleLagInBackground();
  runStart = performance.now();
  readUsage(0);
  if (args.capacity) await capacity(customers, staff);
  else
    await drive(customers, staff, {
      name: 'load',
      rateAt: (elapsedS) => steps[Math.min(steps.length - 1, Math.floor(elapsedS / stepSeconds))] as number,
      seconds: durationSeconds,
    });
  if (tty) process.stdout.write('\n');
  await Promise.race([Promise.all(running), delay(30_000)]);
  readUsage((performance.now() - runStart) / 1000);
  await usageRead;
  clearInterval(lagSampling);
  await Promise.all(clients.map((client) => client.close()));

  for (const result of results.filter(
    (r) => r.ops.size > 0 && (!args.capacity || !r.name.startsWith('ramp')),
  )) {
    console.log(
      `\n${result.name} (${result.fromS}-${result.toS} s): ${result.stories.ok} of ${result.stories.started} stories whole, ${result.dropped} dropped\n${table(opRows(result))}`,
    );
  }
  console.log(`\ndropped (over --max-in-flight ${maxInFlight}): ${dropped}`);
  const minutes = perMinuteUsage();
  if (minutes.length > 0 && roots.size > 1) {
    const groups = [...new Set(minutes.flatMap((m) => m.usage.map((u) => u.group)))];
    const rows = [['CPU s (RSS MiB) per minute', ...minutes.map((m) => `min ${m.minute}`)]];
    for (const group of groups) {
      rows.push([
        group,
        ...minutes.map((m) => {
          const u = m.usage.find((x) => x.group === group);
          return u ? `${u.cpuSeconds.toFixed(1)} (${Math.round(u.rssBytes / 2 ** 20)})` : '-';
        }),
      ]);
    }
    console.log(`\n${table(rows)}`);
  }
  const measured = results.find((r) => r.name.startsWith('hold')) ?? results[results.length - 1];
  const perStory = measured ? cpuPerStory(measured) : [];
  if (perStory.length > 0) {
    const rows = [['CPU per whole story', 'ms', 'cores']];
    for (const row of perStory) rows.push([row.group, row.cpuMsPerStory.toFixed(1), row.cores.toFixed(2)]);
    const total = perStory.reduce((sum, row) => sum + row.cpuMsPerStory, 0);
    rows.push(['total', total.toFixed(1), perStory.reduce((sum, row) => sum + row.cores, 0).toFixed(2)]);
    console.log(`\n${measured?.name}:\n${table(rows)}`);
  }

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
    capacity: capacityReport ?? null,
    phases: results.map((result) => ({
      name: result.name,
      fromS: result.fromS,
      toS: result.toS,
      dropped: result.dropped,
      stories: result.stories,
      operations: Object.fromEntries(
        [...result.ops].map(([name, stats]) => [
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
    })),
    cpuPerStory: perStory,
    usagePerMinute: minutes,
    timeline: timeline.seconds,
  };
  const base = join(args.out, `${args.capacity ? 'capacity-' : ''}${scenario}-${stamp}`);
  await writeFile(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  const title = args.capacity
    ? `capacity of ${scenario}: knee ${capacityReport?.['knee']}/s, hold ${steps[0]}/s`
    : `${scenario}: ${steps.join(' -> ')} /s`;
  await writeFile(`${base}.svg`, plotSvg(timeline.seconds, title));
  if (minutes.length > 0 && roots.size > 1)
    await writeFile(
      `${base}-cpu.svg`,
      usagePlotSvg(minutes, `${title}: CPU cores per process group, per minute`),
    );
  console.log(
    `report: ${base}.json\nplot:   ${base}.svg${minutes.length > 0 && roots.size > 1 ? `\nCPU:    ${base}-cpu.svg` : ''}`,
  );
}

main().catch((error: unknown) => {
  console.error(`load: ${(error as Error).message}`);
  process.exitCode = 1;
});
