import {
  drillPlotSvg,
  drillReportMarkdown,
  failoverLoss,
  firstSuccessAfter,
  missedGoals,
  perSecond,
  type DrillReport,
} from './drill-books';

const killAt = 100_000;

describe('what a failover lost', () => {
  const base = {
    killAt,
    acknowledged: [
      { orderId: 'old', acknowledgedAt: killAt - 30_000 },
      { orderId: 'recent', acknowledgedAt: killAt - 800 },
      { orderId: 'after', acknowledgedAt: killAt + 5_000 },
    ],
    ordersInB: new Set(['old', 'recent']),
    eventsInA: [
      { id: 'e1', createdAt: killAt - 30_000 },
      { id: 'e2', createdAt: killAt - 800 },
    ],
    eventsInB: new Set(['e1', 'e2']),
  };

  it('is nothing when B holds every order and event A had, and ignores orders acknowledged after the kill', () => {
    expect(failoverLoss(base)).toEqual({
      ordersAcknowledged: 2,
      ordersLost: 0,
      ordersLostOlderThanSafeAge: 0,
      eventsAccepted: 2,
      eventsLost: 0,
      rpoSeconds: 0,
      lostOrderIds: [],
    });
  });

  it('counts a lost recent order and event, and reaches back to the oldest of them in seconds', () => {
    const loss = failoverLoss({ ...base, ordersInB: new Set(['old']), eventsInB: new Set(['e1']) });
    expect(loss).toMatchObject({
      ordersLost: 1,
      ordersLostOlderThanSafeAge: 0,
      eventsLost: 1,
      rpoSeconds: 0.8,
    });
    expect(loss.lostOrderIds).toEqual(['recent']);
  });

  it('flags an order acknowledged longer than the safe age before the kill as lost beyond the goal', () => {
    const loss = failoverLoss({ ...base, ordersInB: new Set(['recent']) });
    expect(loss).toMatchObject({ ordersLost: 1, ordersLostOlderThanSafeAge: 1, rpoSeconds: 30 });
  });
});

describe('the drill timeline', () => {
  const answers = [
    { at: 1_000, status: 201 },
    { at: 1_500, status: 0 },
    { at: 3_200, status: 503 },
    { at: 3_900, status: 200 },
  ];

  it('buckets answers into seconds, successes apart from errors and no answer, with empty seconds kept', () => {
    expect(perSecond(answers, 1_000)).toEqual([
      { second: 0, ok: 1, errors: 1 },
      { second: 1, ok: 0, errors: 0 },
      { second: 2, ok: 1, errors: 1 },
    ]);
  });

  it('finds the first success at or after a moment', () => {
    expect(firstSuccessAfter(answers, 1_100)).toBe(3_900);
    expect(firstSuccessAfter(answers, 4_000)).toBeNull();
  });

  it('draws both series and a labelled line per mark, escaping the labels', () => {
    const svg = drillPlotSvg(
      perSecond(answers, 1_000),
      [{ at: 2_000, label: 'A killed <SIGKILL>' }],
      1_000,
      'drill',
    );
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('A killed &#60;SIGKILL&#62;');
    expect(svg.match(/<line /g)).toHaveLength(1);
  });
});

describe('the goals of a drill', () => {
  const clean = { expected: 10, inEffectOnce: 10, missing: 0, duplicated: 0, unknown: 0 };
  const report: DrillReport = {
    rate: 4,
    steadyS: 30,
    linkStallMs: 0,
    republished: 3,
    goals: { writesS: 60, caughtUpS: 120, safeAgeMs: 5_000 },
    replicationAtKill: { last: null, maxWalBytes: 0, maxMirrorRecords: 0, samples: 0 },
    rpo: failoverLoss({
      killAt,
      acknowledged: [],
      ordersInB: new Set(),
      eventsInA: [],
      eventsInB: new Set(),
    }),
    rto: { killToWritesAcceptedS: 20, killToGatewayOpenS: 19, killToConsumersCaughtUpS: 30 },
    regionB: { analytics: { ...clean, rowsBeforeDedup: 10 }, notifications: clean },
    failback: {
      switchover: { walReplayed: true, topicsMirrored: true, offsetsSynced: true },
      closedToReopenedS: 15,
      eventsLost: 0,
      ordersLost: 0,
      regionA: { analytics: { ...clean, rowsBeforeDedup: 12 }, notifications: clean },
    },
    load: {
      failover: { stories: 100, failedRequests: 0, statuses: {} },
      failback: { stories: 100, failedRequests: 0, statuses: {} },
    },
    steps: [{ atS: 0, label: 'traffic on A' }],
  };

  it('are all met by a drill within every bound', () => {
    expect(missedGoals(report)).toEqual([]);
    expect(drillReportMarkdown(report)).toContain('| RTO: kill → B accepts writes | 20 s | 60 s |');
  });

  it('are missed by late writes, consumers that never caught up, a duplicate and a failback loss', () => {
    const missed = missedGoals({
      ...report,
      rto: { ...report.rto, killToWritesAcceptedS: 61, killToConsumersCaughtUpS: null },
      regionB: { ...report.regionB, notifications: { ...clean, duplicated: 1, missing: 1 } },
      failback: { ...report.failback, eventsLost: 2 },
    });
    expect(missed).toEqual([
      'B accepted writes 61 s after the kill (goal 60 s)',
      "B's consumers caught up never (goal 120 s)",
      '1 events in effect more than once in B',
      '1 events B holds never took effect in B',
      'failback lost 2 events and 0 orders',
    ]);
  });
});
