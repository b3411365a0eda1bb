import { createEvent, type DomainEvent } from '@platform/contracts';
import { EventProducer } from '@platform/messaging';
import { METRICS_REGISTRY } from '@platform/observability';
import { eventually, infraEnv, uniqueName } from '@platform/testing';
import type { Registry } from 'prom-client';
import { randomUUID } from 'node:crypto';
import { Outage, startAnalyticsApp, type AnalyticsApp } from './analytics-app.spec-helper';

const admin = { userId: 'admin-1', roles: ['customer', 'admin'] };

function placed(totalMinor: number, currency = 'EUR'): DomainEvent {
  const orderId = randomUUID();
  return createEvent({
    type: 'OrderPlaced',
    aggregateId: orderId,
    aggregateVersion: 1,
    correlationId: randomUUID(),
    causationId: null,
    payload: {
      orderId,
      customerId: uniqueName('c'),
      lines: [{ sku: 'BOOK-1', quantity: 1, unitPriceMinor: totalMinor }],
      currency,
      totalMinor,
    },
  });
}

function paid(order: DomainEvent & { type: 'OrderPlaced' }): DomainEvent {
  return createEvent({
    type: 'OrderPaid',
    aggregateId: order.aggregateId,
    aggregateVersion: 2,
    correlationId: randomUUID(),
    causationId: null,
    payload: {
      orderId: order.aggregateId,
      paymentReference: uniqueName('pay'),
      amountMinor: order.payload.totalMinor,
      currency: order.payload.currency,
    },
  });
}

/** Events of each type in the app's ClickHouse, duplicates collapsed. */
async function counts(analytics: AnalyticsApp): Promise<Record<string, number>> {
  const res = await analytics.http().get('/analytics/event-counts').use(analytics.as(admin)).expect(200);
  return Object.fromEntries(
    (res.body.items as { type: string; events: number }[]).map((i) => [i.type, i.events]),
  );
}

/** Waits until the app's group consumes: a warm-up event written to ClickHouse. */
async function warmUp(analytics: AnalyticsApp): Promise<number> {
  const producer = analytics.app.get(EventProducer);
  return eventually(
    async () => {
      await producer.publishEvents([placed(1)]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const placedCount = (await counts(analytics))['OrderPlaced'] ?? 0;
      if (placedCount === 0) throw new Error('not consuming yet');
      return placedCount;
    },
    { timeoutMs: 60_000 },
  );
}

describe('analytics-ingest on real Kafka and ClickHouse', () => {
  let analytics: AnalyticsApp;

  beforeAll(async () => {
    analytics = await startAnalyticsApp();
  }, 120_000);
  afterAll(() => analytics?.close());

  it('writes events in batches, collapses a duplicate delivery, and answers the queries', async () => {
    const before = await warmUp(analytics);
    const orders = [placed(1_000, 'EUR'), placed(2_500, 'EUR'), placed(700, 'USD')] as (DomainEvent & {
      type: 'OrderPlaced';
    })[];
    const payments = orders.map(paid);
    const producer = analytics.app.get(EventProducer);
    await producer.publishEvents([...orders, ...payments]);
    await producer.publishEvents([...orders, ...payments]); // the same records delivered twice

    await eventually(
      async () => expect(await counts(analytics)).toMatchObject({ OrderPlaced: before + 3, OrderPaid: 3 }),
      { timeoutMs: 30_000 },
    );
    const today = new Date().toISOString().slice(0, 10);
    const revenue = await analytics.http().get('/analytics/revenue').use(analytics.as(admin)).expect(200);
    expect(revenue.body.items).toEqual([
      { day: today, currency: 'EUR', amountMinor: 3_500, payments: 2 },
      { day: today, currency: 'USD', amountMinor: 700, payments: 1 },
    ]);
    const perMinute = await analytics
      .http()
      .get('/analytics/orders-per-minute')
      .use(analytics.as(admin))
      .expect(200);
    expect(perMinute.body.items.reduce((n: number, i: { orders: number }) => n + i.orders, 0)).toBe(
      before + 3,
    );
    const freshness = await analytics.http().get('/analytics/freshness').use(analytics.as(admin)).expect(200);
    expect(freshness.body.freshnessSeconds).toBeGreaterThanOrEqual(0);
    expect(freshness.body.freshnessSeconds).toBeLessThan(60);

    const metrics = { text: await analytics.app.get<Registry>(METRICS_REGISTRY).metrics() };
    expect(metrics.text).toMatch(/^analytics_freshness_seconds(\{[^}]*\})? \d/m);
    expect(metrics.text).toMatch(/^analytics_batch_rows_count(\{[^}]*\})? [1-9]/m);
  });

  it('answers bad queries and non-admins with 4xx problems', async () => {
    const bad = await analytics
      .http()
      .get('/analytics/revenue')
      .query({ from: '2026-11-25T10:00:00Z', to: '2026-11-24T10:00:00Z' })
      .use(analytics.as(admin))
      .expect(400);
    expect(bad.body).toMatchObject({ code: 'ANALYTICS.INVALID_QUERY', errors: [{ path: 'from' }] });
    await analytics
      .http()
      .get('/analytics/revenue')
      .query({ from: 'last week' })
      .use(analytics.as(admin))
      .expect(400);
    await analytics
      .http()
      .get('/analytics/revenue')
      .use(analytics.as({ userId: 'u', roles: ['customer'] }))
      .expect(403);
    await analytics.http().get('/analytics/revenue').expect(401);
  });
});

describe('analytics-ingest while ClickHouse is away', () => {
  let analytics: AnalyticsApp;
  const outage = new Outage(new URL(infraEnv.clickhouseUrl));

  beforeAll(async () => {
    await outage.up();
    analytics = await startAnalyticsApp(outage.url);
  }, 120_000);
  afterAll(async () => {
    await analytics?.close();
    await outage.down();
  });

  it('loses no event: consumption waits while ClickHouse is down (queries answer 503) and catches up when it is back', async () => {
    const before = await warmUp(analytics);
    const producer = analytics.app.get(EventProducer);
    const produced: DomainEvent[] = [];
    const send = async (n: number) => {
      const batch = Array.from({ length: n }, () => placed(100));
      await producer.publishEvents(batch);
      produced.push(...batch);
    };
    await send(50);
    await outage.down(); // mid-stream
    for (let i = 0; i < 5; i++) {
      await send(50);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const ready = await analytics.http().get('/health/ready');
    expect(ready.status).toBe(503);
    // A query meanwhile is told to come back, not answered with a server error.
    const query = await analytics.http().get('/analytics/event-counts').use(analytics.as(admin));
    expect(query.status).toBe(503);
    expect(query.body.code).toBe('SERVICE.DEPENDENCY_UNAVAILABLE');
    expect(query.headers['retry-after']).toBe('1');
    await outage.up();
    await send(50);

    await eventually(
      async () => expect((await counts(analytics))['OrderPlaced']).toBe(before + produced.length),
      { timeoutMs: 60_000 },
    );
    const metrics = { text: await analytics.app.get<Registry>(METRICS_REGISTRY).metrics() };
    expect(metrics.text).toMatch(/^analytics_batch_failures_total(\{[^}]*\})? [1-9]/m);
  });
});
