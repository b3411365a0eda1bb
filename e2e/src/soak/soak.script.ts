/**
 * `npm run soak`: the six built apps (startSystem: real servers, stores of their own) under a
 * steady load through the gateway for a long time, with every consumer running. Each interval it
 * samples every app's heap, RSS and open file descriptors, every consumer group's lag and the
 * load's answers; at the end it balances the fault suite's books (nothing lost, nothing doubled)
 * and judges growth over the last part of the run (soak-verdict.ts). Writes JSON, a markdown table
 * and an SVG plot to SOAK_OUT_DIR; exits 1 when a check fails. Loopback only, bounded in time.
 *
 *   npm run soak                                              # 30 minutes
 *   SOAK_MINUTES=3 SOAK_SAMPLE_EVERY_S=15 npm run soak        # a smoke run
 *
 * Options (environment): SOAK_MINUTES (30), SOAK_RATE_PER_S (stories started per second, 4),
 * SOAK_SAMPLE_EVERY_S (60), SOAK_WINDOW_MINUTES (the judged end of the run, 20),
 * SOAK_GROWTH_LIMIT_PERCENT (10), SOAK_LAG_BOUND_S (lag allowed, in seconds of the producers'
 * output, 30), SOAK_SIGNUP_EVERY_S (a new customer replaces the oldest, 30), SOAK_HEAP_PROBE_EVERY_S (heap read
 * between samples, the lowest kept, 2), SOAK_OUT_DIR (tmp/soak).
 */
import { DEVELOPMENT_PAYMENT_WEBHOOK_SECRET } from '@platform/contracts';
import { infraEnv } from '@platform/testing';
import { Kafka, logLevel } from 'kafkajs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { account, describe as describeAccount } from '../faults/accounting';
import { FaultRun } from '../faults/fault-run.spec-helper';
import { SteadyLoad, type LoadSummary } from '../faults/steady-load.spec-helper';
import { acceptedEvents, orderRecords, readEffects } from '../faults/stores.spec-helper';
import { APPS } from '../whole-system.spec-helper';
import { plotSoak } from './soak-plot';
import { groupLag, HeapFloor, sampleApp } from './soak-sampler';
import {
  judge,
  METRICS,
  type SoakBooks,
  type SoakBounds,
  type SoakSample,
  type Verdict,
} from './soak-verdict';

const root = join(__dirname, '../../..');

function option(name: string, fallback: number, max: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new Error(`${name} must be in (0, ${max}]`);
  return value;
}

const minutes = option('SOAK_MINUTES', 30, 24 * 60);
const ratePerS = option('SOAK_RATE_PER_S', 4, 100);
const sampleEveryS = option('SOAK_SAMPLE_EVERY_S', 60, 3_600);
const windowMinutes = option('SOAK_WINDOW_MINUTES', 20, 24 * 60);
const growthLimitPercent = option('SOAK_GROWTH_LIMIT_PERCENT', 10, 1_000);
const lagBoundS = option('SOAK_LAG_BOUND_S', 30, 3_600);
const signupEveryS = option('SOAK_SIGNUP_EVERY_S', 30, 3_600);
const heapProbeEveryS = option('SOAK_HEAP_PROBE_EVERY_S', 2, 3_600);
const outDir = join(root, process.env['SOAK_OUT_DIR'] ?? 'tmp/soak');
const paymentSecret = process.env['PAYMENT_WEBHOOK_SECRET'] || DEVELOPMENT_PAYMENT_WEBHOOK_SECRET;

/** Events one story publishes: OrderPlaced, OrderConfirmed, OrderPaid, OrderShipped. */
const EVENTS_PER_STORY = 4;

const bounds: SoakBounds = {
  windowS: Math.min(windowMinutes, minutes) * 60,
  growthLimit: growthLimitPercent / 100,
  edgeSamples: 3,
  // A group may be this many seconds of the producers' whole output behind, never more.
  lagBoundRecords: Math.ceil(ratePerS * EVENTS_PER_STORY * lagBoundS),
};

const mb = (bytes: number | null | undefined) =>
  bytes === null || bytes === undefined ? '?' : (bytes / 1024 / 1024).toFixed(1);

async function main(): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  process.env['APP_LOG_DIR'] ??= join(outDir, `logs-${stamp}`);
  console.log(
    `soak: ${minutes} min at ${ratePerS} stories/s (place, confirm, pay, ship), a sample every ${sampleEveryS} s, ` +
      `growth judged over the last ${bounds.windowS / 60} min, lag bound ${bounds.lagBoundRecords} records`,
  );
  const run = await FaultRun.start();
  const { system } = run;
  const kafka = new Kafka({ clientId: 'soak', brokers: infraEnv.kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const load = new SteadyLoad(system.call, run.customers, {
    ratePerSecond: ratePerS,
    fulfil: { paymentSecret },
  });
  const signups = { made: 0, failed: 0 };
  const samples: SoakSample[] = [];
  let verdict: Verdict | undefined;
  try {
    const start = performance.now();
    const heapFloor = new HeapFloor(() => system.apps);
    const sample = async (): Promise<SoakSample> => {
      const atS = Math.round((performance.now() - start) / 1_000);
      const apps = Object.fromEntries(
        await Promise.all(
          APPS.map(async (app) => {
            const now = await sampleApp(system.apps[app]);
            return [app, { ...now, heapUsedBytes: heapFloor.take(app, now.heapUsedBytes) }] as const;
          }),
        ),
      );
      const lag = Object.fromEntries(
        // By role (analytics, notifications, ...): the run's group names are unique and long.
        await Promise.all(
          Object.entries(system.groups).map(
            async ([role, group]) => [role, await groupLag(admin, group)] as const,
          ),
        ),
      );
      return { atS, apps, lag, ...answers(load.summary()) };
    };

    load.start();
    samples.push(await sample());
    let probing = false;
    const heapTimer = setInterval(() => {
      if (probing) return; // a slow scrape is skipped, not stacked
      probing = true;
      void heapFloor.probe().finally(() => (probing = false));
    }, heapProbeEveryS * 1_000);
    // Sign-ups and sign-ins keep coming: a new customer (who is also staff) replaces the oldest,
    // so tokens and users turn over as they do in a shop, and no token outlives its 15 minutes.
    let oldest = 0;
    let signingUp: Promise<void> = Promise.resolve();
    const signupTimer = setInterval(() => {
      signingUp = signingUp.then(async () => {
        try {
          run.customers[oldest] = await system.register({ roles: ['customer', 'staff'] });
          oldest = (oldest + 1) % run.customers.length;
          signups.made += 1;
        } catch (error) {
          signups.failed += 1;
          console.error(`soak: a sign-up failed: ${(error as Error).message}`);
        }
      });
    }, signupEveryS * 1_000);
    const sampleCount = Math.floor((minutes * 60) / sampleEveryS);
    for (let n = 1; n <= sampleCount; n++) {
      await delay(Math.max(0, start + n * sampleEveryS * 1_000 - performance.now()));
      const s = await sample();
      samples.push(s);
      console.log(progress(s));
    }
    clearInterval(signupTimer);
    clearInterval(heapTimer);
    await signingUp;
    const summary = await load.stop();
    run.stories.push(...load.outcomes());
    console.log(`soak: load stopped: ${JSON.stringify(summary)}; balancing the books`);
    const books = await balanceBooks(run, summary, signups.failed);
    verdict = judge(samples, bounds, books);
    await writeResults(stamp, samples, summary, books, verdict, signups);
  } finally {
    await admin.disconnect().catch(() => undefined);
    await system.stop();
  }
  for (const check of verdict.checks)
    console.log(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.value} (bound ${check.bound})`);
  console.log(`soak: ${verdict.passed ? 'passed' : 'FAILED'}; results in ${outDir}`);
  if (!verdict.passed) process.exitCode = 1;
}

function answers(summary: LoadSummary): Pick<SoakSample, 'answers' | 'notOk' | 'serverErrors'> {
  let answered = 0;
  let notOk = 0;
  let serverErrors = 0;
  for (const [status, count] of Object.entries(summary.statuses)) {
    const code = Number(status);
    answered += count;
    if (code < 200 || code > 299) notOk += count;
    if (code >= 500) serverErrors += count;
  }
  return { answers: answered, notOk, serverErrors };
}

function progress(s: SoakSample): string {
  const lag = Math.max(0, ...Object.values(s.lag));
  const heaps = APPS.map((app) => `${app.split('-')[0]} ${mb(s.apps[app]?.heapUsedBytes)}`).join(', ');
  return (
    `soak: ${(s.atS / 60).toFixed(1)}/${minutes} min  answers ${s.answers}  not 2xx ${s.notOk}  5xx ${s.serverErrors}` +
    `  max lag ${lag}  heap MB: ${heaps}`
  );
}

/**
 * Waits (bounded, as the fault suite does) until the books balance, then counts what was lost or
 * doubled from one more read of the stores, balanced or not.
 */
async function balanceBooks(run: FaultRun, summary: LoadSummary, failedSignups: number): Promise<SoakBooks> {
  let balanced = true;
  let detail = '';
  try {
    await run.settle();
  } catch (error) {
    balanced = false;
    detail = (error as Error).message;
  }
  const { stores, groups } = run.system;
  const books = account({
    accepted: await acceptedEvents(stores),
    injected: [],
    undecodableKeys: [],
    groups,
    effects: await readEffects(stores),
  });
  const records = new Set((await orderRecords(stores)).map((r) => r.orderId));
  const acknowledged = new Set(run.stories.flatMap((s) => (s.orderId ? [s.orderId] : [])));
  const lostOrders = [...acknowledged].filter((id) => !records.has(id)).length;
  const unaskedOrders = [...records].filter((id) => !acknowledged.has(id)).length;
  console.log(`soak: books: ${describeAccount(books).replace(/\n/g, '; ')}`);
  return {
    balanced,
    detail,
    lost: books.analytics.missing.length + books.notifications.missing.length + lostOrders,
    doubled:
      books.analytics.overcounted.length +
      books.notifications.overcounted.length +
      books.analytics.unknown.length +
      books.notifications.unknown.length +
      unaskedOrders,
    failedRequests: summary.failedRequests + failedSignups,
    serverErrors: answers(summary).serverErrors,
  };
}

async function writeResults(
  stamp: string,
  samples: SoakSample[],
  summary: LoadSummary,
  books: SoakBooks,
  verdict: Verdict,
  signups: { made: number; failed: number },
): Promise<void> {
  const base = join(outDir, `soak-${stamp}`);
  const context = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    options: {
      minutes,
      ratePerS,
      sampleEveryS,
      windowMinutes,
      growthLimitPercent,
      lagBoundS,
      signupEveryS,
      heapProbeEveryS,
    },
    bounds,
  };
  await writeFile(
    `${base}.json`,
    `${JSON.stringify({ ...context, load: summary, signups, books, verdict, samples }, null, 2)}\n`,
  );
  await writeFile(`${base}.md`, markdown(context, samples, summary, books, verdict, signups));
  await writeFile(
    `${base}.svg`,
    plotSoak(
      samples,
      bounds.windowS,
      `Soak: ${minutes} min at ${ratePerS} stories/s, ${context.date.slice(0, 10)}, Node ${process.version}, ${context.cpus} cores`,
    ),
  );
  console.log(`soak: wrote ${base}.json, .md and .svg`);
}

function markdown(
  context: { date: string; node: string; cpus: number },
  samples: SoakSample[],
  summary: LoadSummary,
  books: SoakBooks,
  verdict: Verdict,
  signups: { made: number; failed: number },
): string {
  const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  const rule = (n: number) => row(Array.from({ length: n }, () => '---'));
  const format = (metric: (typeof METRICS)[number], value: number) =>
    metric === 'openFds' ? String(value) : `${mb(value)} MB`;
  const growthRows = APPS.flatMap((app) =>
    METRICS.map((metric) => {
      const g = verdict.growth[app]?.[metric];
      const check = verdict.checks.find((c) => c.name === `${app} ${metric}`);
      return row([
        app,
        metric,
        g ? format(metric, g.first) : '?',
        g ? format(metric, g.last) : '?',
        check?.value ?? '?',
        check?.ok ? 'ok' : '**FAIL**',
      ]);
    }),
  );
  const groups = Object.keys(samples[0]?.lag ?? {});
  const sampleRows = samples.map((s) =>
    row([
      (s.atS / 60).toFixed(1),
      ...APPS.map((app) => {
        const a = s.apps[app];
        return a ? `${mb(a.heapUsedBytes)} / ${mb(a.rssBytes)} / ${a.openFds}` : '?';
      }),
      ...groups.map((g) => s.lag[g] ?? '?'),
      s.answers,
      s.notOk,
      s.serverErrors,
    ]),
  );
  return [
    `# Soak run ${context.date}`,
    '',
    `Node ${context.node}, ${context.cpus} cores; ${minutes} min at ${ratePerS} stories/s (place, confirm, pay, ship), ` +
      `a sample every ${sampleEveryS} s (heap: the lowest of readings every ${heapProbeEveryS} s); growth judged over the last ${bounds.windowS / 60} min (the first ${bounds.edgeSamples} samples of the ` +
      `window against its last ${bounds.edgeSamples}: their lowest heap, their median RSS and fds).`,
    '',
    `Load: ${summary.stories} stories, ${summary.acceptedOrders} orders acknowledged, ${summary.shippedOrders} shipped, ` +
      `${summary.requests} requests (${summary.firstTryFailures} retried, ${summary.failedRequests} failed), ` +
      `p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms; answers by status ${JSON.stringify(summary.statuses)}; ` +
      `${signups.made} sign-ups (${signups.failed} failed).`,
    '',
    `Verdict: **${verdict.passed ? 'passed' : 'FAILED'}**`,
    '',
    row(['check', 'value', 'bound', '']),
    rule(4),
    ...verdict.checks
      .filter((c) => !c.name.endsWith('Bytes') && !c.name.endsWith('Fds'))
      .map((c) => row([c.name, c.value, c.bound, c.ok ? 'ok' : '**FAIL**'])),
    '',
    `Books: ${books.balanced ? 'balanced' : books.detail}`,
    '',
    '## Growth over the window',
    '',
    row(['app', 'metric', 'first', 'last', 'growth', '']),
    rule(6),
    ...growthRows,
    '',
    '## Samples (heap MB / RSS MB / open fds; lag in records; answers cumulative)',
    '',
    row(['min', ...APPS, ...groups.map((g) => `lag ${g}`), 'answers', 'not 2xx', '5xx']),
    rule(1 + APPS.length + groups.length + 3),
    ...sampleRows,
    '',
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
