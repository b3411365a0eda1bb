/**
 * `npm run drill:failover`: two regions on this host, region A active and region B passive
 * (MirrorMaker 2 mirrors A's topics and consumer group offsets into B's Kafka, B's PostgreSQL
 * streams A's WAL, B's analytics-ingest keeps B's ClickHouse warm from the mirrored topics). Steady
 * customer traffic goes through A's gateway; then every process of A is SIGKILLed and the runbook
 * runs, automated and timed: stop the mirror, promote B's PostgreSQL, start B's MongoDB front and
 * apps (their consumers resume at MirrorMaker's translated offsets), open B's gateway and move the
 * traffic there. The books: what A had acknowledged that B lost (RPO, in orders, events and
 * seconds, read from A's own data once it is back), when B took writes and when its consumers had
 * caught up (RTO), and effects in B's stores per event (duplicates: 0). Then the failback: A
 * returns as the passive side (pg_rewind onto B, a fresh Kafka mirrored from B, its ClickHouse
 * rebuilt from the log), and a planned switchover moves the traffic back with nothing lost.
 *
 * Writes tmp/drill/report.json, report.md and failover.svg (answers per second, every step marked);
 * exits 1 when a goal is missed. Region A's servers listen on 19xxx, B's on A's + 100 (regions.ts).
 *
 * Options (environment): DRILL_RATE (stories started per second, 4), DRILL_STEADY_S (seconds of
 * traffic before the kill and after each switch, 30), DRILL_LINK_STALL_MS (the link between the
 * regions freezes this long before the kill, so that the kill finds a replication lag: 0),
 * DRILL_KEEP=1 (leave everything running), DRILL_OUT_DIR (tmp/drill).
 */
import { allTopics, DEVELOPMENT_PAYMENT_WEBHOOK_SECRET, Topics } from '@platform/contracts';
import type { Admin } from 'kafkajs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { account, type Accounting } from '../faults/accounting';
import { SteadyLoad } from '../faults/steady-load.spec-helper';
import { acceptedEvents, orderRecords, readEffects } from '../faults/stores.spec-helper';
import type { RunningApp } from '../system.spec-helper';
import { callGateway, firstAdmin, type Call, type User } from '../whole-system.spec-helper';
import {
  drillPlotSvg,
  drillReportMarkdown,
  failoverLoss,
  firstSuccessAfter,
  missedGoals,
  perSecond,
  type Answer,
  type DrillReport,
  type LagSample,
  type Mark,
} from './drill-books';
import {
  kafkaAdmin,
  mirrorBehind,
  outboxEvents,
  reached,
  sql,
  replayed,
  topicOffsets,
  until,
  walLag,
  type TopicOffsets,
} from './probes';
import { DRILL_RUN, groups, RegionApps, stores } from './region-apps';
import { region, servers, step, type Region } from './regions';

const root = join(__dirname, '../../..');

function option(name: string, fallback: number, max: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new Error(`${name} must be in (0, ${max}]`);
  return value;
}

const rate = option('DRILL_RATE', 4, 50);
const steadyS = option('DRILL_STEADY_S', 30, 3_600);
const stallMs = Number(process.env['DRILL_LINK_STALL_MS'] ?? 0);
if (!Number.isInteger(stallMs) || stallMs < 0 || stallMs >= steadyS * 1_000)
  throw new Error('DRILL_LINK_STALL_MS must be an integer from 0 to below DRILL_STEADY_S in ms');
const keep = process.env['DRILL_KEEP'] === '1';
const outDir = join(root, process.env['DRILL_OUT_DIR'] ?? 'tmp/drill');
/** The drill's goals (docs/scaling.md#rpo-and-rto). */
const GOALS = { writesS: 60, caughtUpS: 120, safeAgeMs: 5_000 };
/** MirrorMaker 2 mirrors every topic (its own internal ones are excluded by its defaults). */
const MIRRORED_TOPICS = '.*';
const SERVERS = ['postgres', 'redis', 'kafka', 'clickhouse', 'mongo'] as const;
const WRITERS = ['auth-service', 'order-service', 'notification-service', 'dlq-consumer'] as const;
/**
 * The runbook's outbox step: events A had sent less than this before the kill are sent again from
 * B, in case the mirror had not copied them yet. Well above the mirror lag the drill samples
 * (report.json: replicationAtKill); the copies it makes are absorbed by the consumers' idempotency.
 */
const REPUBLISH_MARGIN_MS = 5_000;

const a = region('a');
const b = region('b');
const started = Date.now();
const marks: Mark[] = [];
const answers: Answer[] = [];
const running: RunningApp[] = [];

function log(line: string): void {
  process.stdout.write(`[drill +${((Date.now() - started) / 1_000).toFixed(1)}s] ${line}\n`);
}

/** Marks a moment of the drill on the plot and in the log; returns it (epoch ms). */
function mark(label: string, at = Date.now()): number {
  marks.push({ at, label });
  log(label);
  return at;
}

/** Where the traffic goes: the open gateway of the active region (what DNS would say). */
let target = '';
/** Every answer is recorded for the plot; while no gateway is open, a call fails like a refused one. */
const call: Call = async (path, init) => {
  try {
    if (!target) throw new Error('no region is open');
    const res = await callGateway(target, path, init);
    answers.push({ at: Date.now(), status: res.status });
    return res;
  } catch (error) {
    answers.push({ at: Date.now(), status: 0 });
    throw error;
  }
};

/** The topics each consumer group of a region reads (the apps' subscriptions). */
function groupTopics(analyticsGroup: string): Record<string, string[]> {
  const events = [Topics.identityEvents, Topics.orderEvents].flatMap((t) => [t.name, t.retry]);
  return {
    [groups.notifications]: events,
    [groups.notificationWorkers]: [Topics.notificationJobs.name, Topics.notificationJobs.retry],
    [groups.dlq]: allTopics().map((t) => t.dlq),
    [analyticsGroup]: events,
  };
}

/** Whether every consumer group of a region has read what `ends` says its topics held. */
async function groupsReached(admin: Admin, analyticsGroup: string, ends: TopicOffsets): Promise<boolean> {
  for (const [group, topics] of Object.entries(groupTopics(analyticsGroup)))
    if (!(await reached(admin, group, topics, ends))) return false;
  return true;
}

/**
 * A region's books once its consumers are done: every event its outboxes hold, in effect once in
 * its ClickHouse and its notifications. Settled when two reads 5 s apart agree.
 */
async function books(region: Region): Promise<{ accounting: Accounting; rowsBeforeDedup: number }> {
  let previous = '';
  const deadline = Date.now() + 120_000;
  for (;;) {
    const effects = await readEffects(stores, region.servers);
    const accounting = account({
      accepted: await acceptedEvents(stores, region.servers),
      injected: [],
      undecodableKeys: [],
      groups: { analytics: '', notifications: groups.notifications },
      effects,
    });
    const fingerprint = JSON.stringify(accounting);
    const clean = !accounting.analytics.missing.length && !accounting.notifications.missing.length;
    if (clean || fingerprint === previous || Date.now() > deadline)
      return { accounting, rowsBeforeDedup: effects.analyticsRows };
    previous = fingerprint;
    await delay(5_000);
  }
}

function storeFigures({ accounting, rowsBeforeDedup }: Awaited<ReturnType<typeof books>>) {
  const store = (s: Accounting['analytics']) => ({
    expected: s.expected,
    inEffectOnce: s.inEffect,
    missing: s.missing.length,
    duplicated: s.overcounted.length,
    unknown: s.unknown.length,
  });
  return {
    analytics: { ...store(accounting.analytics), rowsBeforeDedup },
    notifications: store(accounting.notifications),
  };
}

/**
 * Marks the outbox rows sent since `since` (epoch ms) as unsent in the region's writers' databases,
 * so that their relays publish them again once they start; returns how many.
 */
async function republishOutboxTail(region: Region, since: number): Promise<number> {
  const text = `UPDATE outbox SET sent_at = NULL WHERE sent_at >= to_timestamp(${since / 1_000}) RETURNING 1`;
  const counts = await Promise.all([
    sql(region.servers, stores.auth, text),
    sql(region.servers, stores.orders, text),
  ]);
  return counts.reduce((sum, rows) => sum + rows.length, 0);
}

/**
 * A stalled link between the regions, played by freezing (SIGSTOP) B's WAL receiver and
 * MirrorMaker 2: A goes on acknowledging writes that B does not get. Returns the frozen pids.
 */
async function freezeLink(): Promise<number[]> {
  const [receiver] = await sql<{ pid: number }>(
    b.servers,
    'postgres',
    'SELECT pid FROM pg_stat_wal_receiver',
  );
  const mirror = Number((await readFile(join(b.home, 'mm2/mm2.pid'), 'utf8')).trim());
  const pids = [receiver?.pid, mirror].filter((pid): pid is number => Boolean(pid));
  for (const pid of pids) process.kill(pid, 'SIGSTOP');
  return pids;
}

/**
 * After the kill: the link's frozen ends go. SIGTERM before SIGCONT, so that the WAL receiver dies
 * without reading what its socket buffered (what a cut link never delivers); the standby starts a
 * new one. MirrorMaker is killed by the runbook's next step.
 */
function thawLink(pids: readonly number[]): void {
  for (const pid of pids) {
    process.kill(pid, 'SIGTERM');
    process.kill(pid, 'SIGCONT');
  }
}

/** Samples replication (WAL) and mirror lag of A into B every 500 ms until stopped. */
function sampleLag(adminA: Admin, adminB: Admin): { stop: () => Promise<LagSample[]> } {
  const samples: LagSample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const [wal, source] = await Promise.all([walLag(a.servers), topicOffsets(adminA)]);
        samples.push({
          at: Date.now(),
          walBytes: wal?.bytes ?? null,
          replayMs: wal?.replayMs ?? null,
          mirrorRecords: await mirrorBehind(source, adminB),
        });
      } catch {
        // a sample lost to the kill
      }
      await delay(500);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

async function wipeRegions(): Promise<void> {
  for (const r of [a, b]) {
    await step(r, 'kill').catch(() => undefined);
    // Data only: resolved jars and built binaries stay for the next run.
    for (const dir of ['postgres', 'redis', 'kafka/data', 'clickhouse', 'mm2/mm2.pid'])
      await rm(join(r.home, dir), { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await mkdir(outDir, { recursive: true });
  log(`${rate} stories/s, ${steadyS} s per stretch; region A on 19xxx, region B on 19xxx + 100`);
  await wipeRegions();

  // --- set-up: A active, B passive ------------------------------------------------------------
  await servers(a, 'up', ...SERVERS);
  await step(b, 'standby', String(a.ports.postgres), 'region_b');
  await servers(b, 'up', 'postgres', 'redis', 'kafka', 'clickhouse');
  const appsA = await RegionApps.create(a, 1, running);
  await appsA.start(...WRITERS, 'analytics-ingest');
  await appsA.start('api-gateway');
  // After A's topics and groups exist: MirrorMaker translates a group's offsets only for records
  // it mirrored after it first saw the group.
  await step(b, 'mm2-up', String(a.ports.kafka), MIRRORED_TOPICS);
  const appsB = await RegionApps.create(b, 1, running);
  await appsB.start('analytics-ingest');
  const adminA = kafkaAdmin(a.servers);
  const adminB = kafkaAdmin(b.servers);
  await Promise.all([adminA.connect(), adminB.connect()]);
  target = appsA.gatewayUrl;
  const { register } = await firstAdmin(call, `${DRILL_RUN}-admin@example.com`, appsA.envs['auth-service']);
  const customers: User[] = [];
  for (let i = 0; i < 4; i++) customers.push(await register({ roles: ['customer', 'staff'] }));
  await until(
    async () => (await adminB.listGroups()).groups.some((g) => g.groupId === groups.notifications),
    30_000,
  );

  // --- failover ---------------------------------------------------------------------------------
  const load = new SteadyLoad(call, customers, {
    ratePerSecond: rate,
    fulfil: { paymentSecret: DEVELOPMENT_PAYMENT_WEBHOOK_SECRET },
  });
  load.start();
  mark('traffic on A');
  const lag = sampleLag(adminA, adminB);
  await delay(steadyS * 1_000 - stallMs);
  const frozen = stallMs > 0 ? await freezeLink() : [];
  if (frozen.length) {
    mark(`link A→B frozen for ${stallMs} ms`);
    await delay(stallMs);
  }
  // The moment A stops answering: its apps die first, its servers a few milliseconds later.
  const killAt = Date.now();
  await appsA.stop('SIGKILL');
  await step(a, 'kill');
  mark('A killed: SIGKILL to every process', killAt);
  thawLink(frozen);
  const lagSamples = await lag.stop();
  await adminA.disconnect();

  await step(b, 'mm2-down', '--now');
  mark('mirror stopped');
  await step(b, 'promote');
  mark('B PostgreSQL promoted');
  await servers(b, 'up', 'postgres', 'mongo');
  const republished = await republishOutboxTail(b, killAt - REPUBLISH_MARGIN_MS);
  mark(`outbox tail marked for republishing (${republished} events)`);
  await appsB.start(...WRITERS);
  mark('B apps ready');
  await appsB.start('api-gateway');
  target = appsB.gatewayUrl;
  const openedAt = mark('B gateway open: traffic moved');
  const backlog = await topicOffsets(adminB);
  await until(async () => firstSuccessAfter(answers, killAt) !== null, GOALS.writesS * 2_000);
  const writesAt = firstSuccessAfter(answers, killAt);
  const caughtUpAt = await until(
    () => groupsReached(adminB, appsB.analyticsGroup, backlog),
    GOALS.caughtUpS * 2_000,
  );
  if (caughtUpAt) mark('B consumers caught up');
  await delay(Math.max(0, openedAt + steadyS * 1_000 - Date.now()));
  const failoverLoad = await load.stop();
  mark("traffic paused: B's books, A's data read");
  const booksB = await books(b);

  // --- RPO: read A's own data once its PostgreSQL is back (crash recovery, on its own) ---------------
  await servers(a, 'up', 'postgres');
  const eventsInA = await outboxEvents(a.servers);
  await servers(a, 'down', 'postgres');
  const ordersInB = new Set((await orderRecords(stores, b.servers)).map((r) => r.orderId));
  const loss = failoverLoss({
    killAt,
    acknowledged: load
      .outcomes()
      .filter((s) => s.orderId && s.acknowledgedAt !== null)
      .map((s) => ({ orderId: s.orderId as string, acknowledgedAt: s.acknowledgedAt as number })),
    ordersInB,
    eventsInA: eventsInA.filter((e) => e.createdAt <= killAt),
    eventsInB: new Set((await outboxEvents(b.servers)).map((e) => e.id)),
    safeAgeMs: GOALS.safeAgeMs,
  });
  log(`RPO: ${JSON.stringify(loss)}`);

  // --- failback: A returns as the passive side, then a planned switchover --------------------------
  const load2 = new SteadyLoad(call, customers, {
    ratePerSecond: rate,
    fulfil: { paymentSecret: DEVELOPMENT_PAYMENT_WEBHOOK_SECRET },
  });
  load2.start();
  mark('traffic on B; A returns as passive');
  // A's PostgreSQL follows B from the fork on; its Kafka log and its ClickHouse (derived from that
  // log) hold a history B does not share, so they are rebuilt from B's.
  await step(a, 'rewind', String(b.ports.postgres), 'region_a');
  await step(a, 'wipe', 'kafka');
  await step(a, 'wipe', 'clickhouse');
  await servers(a, 'up', 'postgres', 'redis', 'kafka', 'clickhouse');
  await step(a, 'mm2-up', String(b.ports.kafka), MIRRORED_TOPICS);
  const appsA2 = await RegionApps.create(a, 2, running);
  await appsA2.start('analytics-ingest');
  const adminA2 = kafkaAdmin(a.servers);
  await adminA2.connect();
  const inB = await topicOffsets(adminB);
  await until(async () => (await mirrorBehind(inB, adminA2)) === 0, 180_000);
  const mirroredInA = await topicOffsets(adminA2);
  const analyticsTopics = groupTopics(appsA2.analyticsGroup)[appsA2.analyticsGroup] as string[];
  const warmAt = await until(
    () => reached(adminA2, appsA2.analyticsGroup, analyticsTopics, mirroredInA),
    180_000,
  );
  if (warmAt) mark('A in sync: mirrored, replayed, rebuilt');
  await delay(Math.max(0, (steadyS * 1_000) / 2));

  const switchoverAt = mark('switchover: B gateway closed');
  target = '';
  await appsB.stop('SIGTERM', ['api-gateway']);
  // The writers publish what their outboxes hold, the consumers read it; then B stops.
  await delay(2_000);
  const drained = await topicOffsets(adminB);
  await until(() => groupsReached(adminB, appsB.analyticsGroup, drained), 60_000);
  await appsB.stop('SIGTERM');
  const switchover = {
    walReplayed: (await until(() => replayed(b.servers, a.servers), 60_000)) !== null,
    topicsMirrored:
      (await until(async () => (await mirrorBehind(await topicOffsets(adminB), adminA2)) === 0, 60_000)) !==
      null,
    // MirrorMaker writes B's idle groups' translated offsets into A's groups every second.
    offsetsSynced:
      (await until(
        async () => groupsReached(adminA2, appsA2.analyticsGroup, await topicOffsets(adminA2)),
        60_000,
      )) !== null,
  };
  log(`switchover: ${JSON.stringify(switchover)}`);
  await step(a, 'mm2-down');
  await step(a, 'promote');
  await servers(a, 'up', 'postgres', 'mongo');
  mark('A PostgreSQL promoted');
  await appsA2.start(...WRITERS);
  await appsA2.start('api-gateway');
  target = appsA2.gatewayUrl;
  const backAt = mark('A gateway open: traffic moved back');
  await delay((steadyS * 1_000) / 2);
  const failbackLoad = await load2.stop();
  const settled = await topicOffsets(adminA2);
  await until(() => groupsReached(adminA2, appsA2.analyticsGroup, settled), 120_000);
  const booksA = await books(a);
  await Promise.all([adminA2.disconnect(), adminB.disconnect()]);

  // Lost on failback: anything B held (or A took since) that A's books lack, beyond the failover's loss.
  const missingAtFailover = new Set([
    ...booksB.accounting.analytics.missing,
    ...booksB.accounting.notifications.missing,
  ]);
  const eventsLostOnFailback = [
    ...booksA.accounting.analytics.missing,
    ...booksA.accounting.notifications.missing,
  ].filter((id) => !missingAtFailover.has(id)).length;
  const ordersInA = new Set((await orderRecords(stores, a.servers)).map((r) => r.orderId));
  const ordersLostOnFailback = [...load.outcomes(), ...load2.outcomes()].filter(
    (s) =>
      s.orderId &&
      !ordersInA.has(s.orderId) &&
      (ordersInB.has(s.orderId) || (s.acknowledgedAt ?? 0) > killAt),
  ).length;

  // --- report -------------------------------------------------------------------------------------
  const secondsSince = (from: number, to: number | null) =>
    to === null ? null : Math.round((to - from) / 100) / 10;
  const beforeKill = lagSamples.filter((s) => s.at <= killAt);
  const report: DrillReport = {
    rate,
    steadyS,
    linkStallMs: stallMs,
    republished,
    goals: GOALS,
    replicationAtKill: {
      last: beforeKill.at(-1) ?? null,
      maxWalBytes: Math.max(0, ...beforeKill.map((s) => s.walBytes ?? 0)),
      maxMirrorRecords: Math.max(0, ...beforeKill.map((s) => s.mirrorRecords)),
      samples: beforeKill.length,
    },
    rpo: loss,
    rto: {
      killToWritesAcceptedS: secondsSince(killAt, writesAt),
      killToGatewayOpenS: secondsSince(killAt, openedAt),
      killToConsumersCaughtUpS: secondsSince(killAt, caughtUpAt),
    },
    regionB: storeFigures(booksB),
    failback: {
      switchover,
      closedToReopenedS: secondsSince(switchoverAt, backAt),
      eventsLost: eventsLostOnFailback,
      ordersLost: ordersLostOnFailback,
      regionA: storeFigures(booksA),
    },
    load: { failover: failoverLoad, failback: failbackLoad },
    steps: marks.map((m) => ({ atS: secondsSince(marks[0]?.at ?? started, m.at) ?? 0, label: m.label })),
  };
  const startAt = marks[0]?.at ?? started;
  await writeFile(join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const markdown = drillReportMarkdown(report);
  await writeFile(join(outDir, 'report.md'), markdown);
  await writeFile(
    join(outDir, 'failover.svg'),
    drillPlotSvg(
      perSecond(answers, startAt),
      marks,
      startAt,
      `Failover drill: ${rate} stories/s through the gateway`,
    ),
  );
  process.stdout.write(`\n${markdown}\n`);
  const missed = missedGoals(report);
  if (missed.length) {
    log(`goals missed: ${missed.join('; ')}`);
    process.exitCode = 1;
  } else log(`every goal met; ${join(outDir, 'report.md')}, failover.svg`);
}

main()
  .catch((error: unknown) => {
    log(`drill failed: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    if (!keep) {
      await Promise.all(running.map((app) => app.kill('SIGTERM')));
      for (const r of [a, b]) {
        await step(r, 'mm2-down').catch(() => undefined);
        await servers(r, 'down', ...SERVERS).catch(() => undefined);
      }
    }
    // A failed step can leave Kafka admin clients connected: they must not keep the drill alive.
    process.exit();
  });
