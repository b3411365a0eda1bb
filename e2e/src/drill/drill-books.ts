// The failover drill's figures as pure functions of what it recorded and what the stores hold:
// what region A had acknowledged that region B lost (RPO), when B took writes and caught up (RTO),
// and the per-second timeline the plot draws.

/** An order the load generator saw acknowledged, and when (epoch ms). */
export interface AcknowledgedOrder {
  orderId: string;
  acknowledgedAt: number;
}

/** An event a service accepted (its outbox row), and when it was written (epoch ms). */
export interface AcceptedEvent {
  id: string;
  createdAt: number;
}

export interface FailoverLossInput {
  killAt: number;
  /** Orders acknowledged by region A (before the kill). */
  acknowledged: readonly AcknowledgedOrder[];
  /** Order ids present in B's event store after promotion. */
  ordersInB: ReadonlySet<string>;
  /** Events A's services had accepted by the kill (their outboxes, read from A's data afterwards). */
  eventsInA: readonly AcceptedEvent[];
  /** Event ids present in B's outboxes after promotion. */
  eventsInB: ReadonlySet<string>;
  /** Orders acknowledged longer ago than this before the kill must never be lost (goal: 5 s). */
  safeAgeMs?: number;
}

export interface FailoverLoss {
  ordersAcknowledged: number;
  ordersLost: number;
  /** Lost although acknowledged more than `safeAgeMs` before the kill: must be 0. */
  ordersLostOlderThanSafeAge: number;
  eventsAccepted: number;
  eventsLost: number;
  /** How far back before the kill the loss reaches: kill time minus the oldest lost event's (0: none). */
  rpoSeconds: number;
  /** A few lost order ids, for the report. */
  lostOrderIds: string[];
}

/** What B kept of what A had acknowledged at the moment it was killed. */
export function failoverLoss(input: FailoverLossInput): FailoverLoss {
  const safeAgeMs = input.safeAgeMs ?? 5_000;
  const acknowledged = input.acknowledged.filter((o) => o.acknowledgedAt <= input.killAt);
  const lostOrders = acknowledged.filter((o) => !input.ordersInB.has(o.orderId));
  const lostEvents = input.eventsInA.filter((e) => !input.eventsInB.has(e.id));
  const oldest = Math.min(
    ...lostEvents.map((e) => e.createdAt),
    ...lostOrders.map((o) => o.acknowledgedAt),
    input.killAt,
  );
  return {
    ordersAcknowledged: acknowledged.length,
    ordersLost: lostOrders.length,
    ordersLostOlderThanSafeAge: lostOrders.filter((o) => input.killAt - o.acknowledgedAt > safeAgeMs).length,
    eventsAccepted: input.eventsInA.length,
    eventsLost: lostEvents.length,
    rpoSeconds: Math.max(0, (input.killAt - oldest) / 1_000),
    lostOrderIds: lostOrders.slice(0, 5).map((o) => o.orderId),
  };
}

/** One answer the load generator got (status 0: no answer), and when. */
export interface Answer {
  at: number;
  status: number;
}

/** One second of the drill: answers that succeeded and answers that did not. */
export interface DrillSecond {
  second: number;
  ok: number;
  errors: number;
}

/** Buckets answers into whole seconds since `startAt`, every second up to the last answer present. */
export function perSecond(answers: readonly Answer[], startAt: number): DrillSecond[] {
  const seconds: DrillSecond[] = [];
  for (const answer of answers) {
    const second = Math.floor((answer.at - startAt) / 1_000);
    if (second < 0) continue;
    while (seconds.length <= second) seconds.push({ second: seconds.length, ok: 0, errors: 0 });
    const bucket = seconds[second] as DrillSecond;
    if (answer.status >= 200 && answer.status < 300) bucket.ok += 1;
    else bucket.errors += 1;
  }
  return seconds;
}

/** The first answer at or after `from` that succeeded (epoch ms), or null. */
export function firstSuccessAfter(answers: readonly Answer[], from: number): number | null {
  let first: number | null = null;
  for (const answer of answers)
    if (
      answer.at >= from &&
      answer.status >= 200 &&
      answer.status < 300 &&
      (first === null || answer.at < first)
    )
      first = answer.at;
  return first;
}

/** A moment of the drill to mark on the plot (the kill, each runbook step). */
export interface Mark {
  at: number;
  label: string;
}

/**
 * The drill as an SVG chart: successful answers and errors per second, a vertical line at every
 * mark with its label. Self-contained, no fonts or scripts from elsewhere.
 */
export function drillPlotSvg(
  seconds: readonly DrillSecond[],
  marks: readonly Mark[],
  startAt: number,
  title: string,
): string {
  const width = 960;
  const height = 420;
  const pad = { left: 50, right: 20, top: 40, bottom: 150 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const maxT = Math.max(1, seconds.length, ...marks.map((m) => (m.at - startAt) / 1_000));
  const maxY = Math.max(1, ...seconds.map((s) => Math.max(s.ok, s.errors)));
  const x = (t: number) => pad.left + (t / maxT) * plotW;
  const y = (v: number) => pad.top + plotH - (v / maxY) * plotH;
  const escape = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const line = (values: number[], color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${values
      .map((v, i) => `${x(i + 0.5).toFixed(1)},${y(v).toFixed(1)}`)
      .join(' ')}"/>`;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${pad.left}" y="20" font-size="14">${escape(title)}</text>`,
    `<rect x="${pad.left}" y="${pad.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#ccc"/>`,
    ...ticks.map(
      (f) =>
        `<text x="${pad.left - 6}" y="${(y(f * maxY) + 4).toFixed(1)}" text-anchor="end">${Math.round(f * maxY)}</text>` +
        `<text x="${x(f * maxT).toFixed(1)}" y="${pad.top + plotH + 14}" text-anchor="middle">${Math.round(f * maxT)} s</text>`,
    ),
    line(
      seconds.map((s) => s.ok),
      '#2ca02c',
    ),
    line(
      seconds.map((s) => s.errors),
      '#d62728',
    ),
    ...marks.map((mark, i) => {
      const px = x((mark.at - startAt) / 1_000);
      // Labels stack below the axis, each on its own row, so close steps stay readable; past the
      // middle they end at their line instead of starting there.
      const row = pad.top + plotH + 30 + (i % 8) * 14;
      const anchor = px > pad.left + plotW / 2 ? ' text-anchor="end"' : '';
      return (
        `<line x1="${px.toFixed(1)}" y1="${pad.top}" x2="${px.toFixed(1)}" y2="${row - 10}" stroke="#555" stroke-dasharray="3 3"/>` +
        `<text x="${px.toFixed(1)}" y="${row}" fill="#333"${anchor}>${escape(mark.label)}</text>`
      );
    }),
    `<text x="${width - pad.right}" y="20" text-anchor="end"><tspan fill="#2ca02c">answers/s: success</tspan>` +
      `<tspan fill="#d62728" dx="12">error or no answer (retried with its key)</tspan></text>`,
    '</svg>',
    '',
  ].join('\n');
}

/** Replication (WAL) and mirror lag of the active region into the passive one at one moment. */
export interface LagSample {
  at: number;
  /** WAL bytes the standby had not replayed (null: no standby connected). */
  walBytes: number | null;
  replayMs: number | null;
  /** Records the passive region's Kafka lacked. */
  mirrorRecords: number;
}

interface StoreFigures {
  expected: number;
  inEffectOnce: number;
  missing: number;
  duplicated: number;
  unknown: number;
}

type RegionFigures = { analytics: StoreFigures & { rowsBeforeDedup: number }; notifications: StoreFigures };

/** Everything one drill measured, as report.json holds it. */
export interface DrillReport {
  rate: number;
  steadyS: number;
  /** How long the link between the regions was frozen before the kill (ms; 0: not at all). */
  linkStallMs: number;
  /** Outbox rows B sent again after promotion (the runbook's margin before the kill). */
  republished: number;
  goals: { writesS: number; caughtUpS: number; safeAgeMs: number };
  replicationAtKill: {
    last: LagSample | null;
    maxWalBytes: number;
    maxMirrorRecords: number;
    samples: number;
  };
  rpo: FailoverLoss;
  rto: {
    killToWritesAcceptedS: number | null;
    killToGatewayOpenS: number | null;
    killToConsumersCaughtUpS: number | null;
  };
  regionB: RegionFigures;
  failback: {
    switchover: { walReplayed: boolean; topicsMirrored: boolean; offsetsSynced: boolean };
    closedToReopenedS: number | null;
    eventsLost: number;
    ordersLost: number;
    regionA: RegionFigures;
  };
  load: {
    failover: { stories: number; failedRequests: number; statuses: Record<string, number> };
    failback: { stories: number; failedRequests: number; statuses: Record<string, number> };
  };
  steps: { atS: number; label: string }[];
}

/** The goals a drill missed, each in a sentence; empty when it met them all. */
export function missedGoals(report: DrillReport): string[] {
  const { goals, rto, rpo, regionB, failback } = report;
  const late = (value: number | null, goal: number) => value === null || value > goal;
  const when = (value: number | null) => (value === null ? 'never' : `${value} s after the kill`);
  const duplicated = (r: RegionFigures) => r.analytics.duplicated + r.notifications.duplicated;
  return [
    late(rto.killToWritesAcceptedS, goals.writesS)
      ? `B accepted writes ${when(rto.killToWritesAcceptedS)} (goal ${goals.writesS} s)`
      : '',
    late(rto.killToConsumersCaughtUpS, goals.caughtUpS)
      ? `B's consumers caught up ${when(rto.killToConsumersCaughtUpS)} (goal ${goals.caughtUpS} s)`
      : '',
    rpo.ordersLostOlderThanSafeAge
      ? `${rpo.ordersLostOlderThanSafeAge} orders acknowledged over ${goals.safeAgeMs / 1_000} s before the kill were lost`
      : '',
    duplicated(regionB) ? `${duplicated(regionB)} events in effect more than once in B` : '',
    regionB.analytics.missing + regionB.notifications.missing
      ? `${regionB.analytics.missing + regionB.notifications.missing} events B holds never took effect in B`
      : '',
    duplicated(failback.regionA)
      ? `${duplicated(failback.regionA)} events in effect more than once in A after failback`
      : '',
    failback.eventsLost || failback.ordersLost
      ? `failback lost ${failback.eventsLost} events and ${failback.ordersLost} orders`
      : '',
    report.load.failover.failedRequests + report.load.failback.failedRequests
      ? `${report.load.failover.failedRequests + report.load.failback.failedRequests} requests never succeeded within their retry budget`
      : '',
  ].filter(Boolean);
}

/** The figures as a markdown summary (report.md; docs/scaling.md quotes one). */
export function drillReportMarkdown(report: DrillReport): string {
  const s = (value: number | null) => (value === null ? 'never' : `${value} s`);
  const { rpo, rto, regionB, failback, replicationAtKill: lag } = report;
  const store = (name: string, f: StoreFigures) =>
    `| ${name} | ${f.expected} | ${f.inEffectOnce} | ${f.missing} | ${f.duplicated} | ${f.unknown} |`;
  return [
    `# Failover drill: ${report.rate} stories/s, ${report.steadyS} s per stretch` +
      (report.linkStallMs ? `, link frozen ${report.linkStallMs} ms before the kill` : ''),
    '',
    '| figure | value | goal |',
    '| --- | --- | --- |',
    `| replication lag at the kill (last sample) | WAL ${lag.last?.walBytes ?? '?'} bytes (${lag.last?.replayMs ?? '?'} ms), mirror ${lag.last?.mirrorRecords ?? '?'} records | |`,
    `| orders acknowledged by A before the kill | ${rpo.ordersAcknowledged} | |`,
    `| RPO: orders lost | ${rpo.ordersLost} (${rpo.ordersLostOlderThanSafeAge} older than ${report.goals.safeAgeMs / 1_000} s) | 0 older than ${report.goals.safeAgeMs / 1_000} s |`,
    `| RPO: events lost / accepted by A | ${rpo.eventsLost} / ${rpo.eventsAccepted} | at most the lag |`,
    `| RPO: seconds | ${rpo.rpoSeconds} | |`,
    `| RTO: kill → B's gateway open | ${s(rto.killToGatewayOpenS)} | |`,
    `| RTO: kill → B accepts writes | ${s(rto.killToWritesAcceptedS)} | ${report.goals.writesS} s |`,
    `| RTO: kill → B's consumers caught up | ${s(rto.killToConsumersCaughtUpS)} | ${report.goals.caughtUpS} s |`,
    `| events B's outboxes sent again after promotion | ${report.republished} (analytics rows before dedup in B: ${regionB.analytics.rowsBeforeDedup}) | |`,
    `| failback: gateway closed → reopened in A | ${s(failback.closedToReopenedS)} | |`,
    `| failback: events / orders lost | ${failback.eventsLost} / ${failback.ordersLost} | 0 / 0 |`,
    `| requests that never succeeded (retried with their key) | ${report.load.failover.failedRequests + report.load.failback.failedRequests} | 0 |`,
    '',
    '| store (events) | expected | in effect once | missing | duplicated | unknown |',
    '| --- | --- | --- | --- | --- | --- |',
    store('B analytics (ClickHouse)', regionB.analytics),
    store('B notifications', regionB.notifications),
    store('A analytics after failback', failback.regionA.analytics),
    store('A notifications after failback', failback.regionA.notifications),
    '',
    'Steps (seconds since the traffic started):',
    '',
    ...report.steps.map((step) => `- ${step.atS} s: ${step.label}`),
    '',
  ].join('\n');
}
