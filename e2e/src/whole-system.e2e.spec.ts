import { createEvent, encodeEnvelope, Headers, Topics, type DomainEvent } from '@platform/contracts';
import { eventually, infraEnv } from '@platform/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARDS_DIR, startPrometheus, type RunningPrometheus } from './prometheus.spec-helper';
import { APPS, startSystem, type RunningSystem, type User } from './whole-system.spec-helper';

type Inbox = { items: { id: string; template: string; channel: string; body: string }[] };
type DlqEntry = {
  id: string;
  key: string | null;
  status: string;
  originalTopic: string;
  consumerGroup: string | null;
  eventType: string | null;
  eventId: string | null;
  fingerprint: string;
  error: { class: string; reason: string };
};

/** The trace backend (Jaeger, started by `npm run infra:up`, natively or under compose). */
const otlpEndpoint = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] || 'http://127.0.0.1:4318';
const jaegerUrl = process.env['JAEGER_QUERY_URL'] || 'http://127.0.0.1:16686';

// The whole journey a user and an operator make, across the six built apps as real processes,
// with a real Prometheus scraping them: what the README promises, end to end.
describe('the whole system through the gateway (six built apps, real servers)', () => {
  let system: RunningSystem;
  let prometheus: RunningPrometheus;
  let producer: Producer;
  let admin: User;
  let ada: User;
  let staff: User;

  beforeAll(async () => {
    system = await startSystem({ OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint });
    prometheus = await startPrometheus(APPS.map((app) => `127.0.0.1:${system.metricsPorts[app]}`));
    // Counters must be scraped before the traffic: rate() needs the value they started from.
    await eventually(async () => expect(await prometheus.query('up == 1')).toHaveLength(APPS.length), {
      timeoutMs: 30_000,
    });
    producer = new Kafka({
      clientId: 'e2e-journey',
      brokers: infraEnv.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    [admin, ada, staff] = await Promise.all([
      system.register({ roles: ['customer', 'admin'] }),
      system.register(),
      system.register({ roles: ['staff'] }),
    ]);
  }, 180_000);

  afterAll(async () => {
    await producer?.disconnect();
    await prometheus?.stop();
    const codes = await system?.stop();
    // Every app drained and exited cleanly on SIGTERM.
    expect(codes).toEqual([0, 0, 0, 0, 0, 0]);
  });

  const inbox = async (user: User) =>
    (await (await system.call('/notifications?limit=100', { token: user.token })).json()) as Inbox;
  const eventCounts = async () => {
    const res = await system.call('/analytics/event-counts', { token: admin.token });
    const body = (await res.json()) as { items: { type: string; events: number }[] };
    return Object.fromEntries(body.items.map((i) => [i.type, i.events]));
  };
  const publish = (event: DomainEvent) =>
    producer.send({
      topic: Topics.orderEvents.name,
      messages: [
        {
          key: event.aggregateId,
          value: encodeEnvelope(event),
          headers: { [Headers.eventType]: event.type, [Headers.eventVersion]: String(event.version) },
        },
      ],
    });
  const dlqEntries = async (query: string) => {
    const res = await system.call(`/admin/dlq/messages?${query}`, { token: admin.token });
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: DlqEntry[] }).items;
  };

  it('registers, orders, notifies, counts, and quarantines then replays a poison message', async () => {
    // A customer's order, placed once per Idempotency-Key and confirmed by staff with If-Match.
    // notification-service and analytics-ingest start reading at the topics' end and join their
    // groups within seconds of starting: an order placed before they read is not theirs to see.
    const order = async (): Promise<string> => {
      const placed = await system.call('/orders', {
        method: 'POST',
        token: ada.token,
        headers: { 'idempotency-key': randomUUID() },
        body: { lines: [{ sku: 'BOOK-1', quantity: 2 }] },
      });
      expect(placed.status).toBe(201);
      const { id } = (await placed.json()) as { id: string };
      const confirmed = await system.call(`/orders/${id}/confirm`, {
        method: 'POST',
        token: staff.token,
        headers: { 'if-match': '"1"' },
        body: {},
      });
      expect(confirmed.status).toBe(200);
      return id;
    };
    await eventually(
      async () => {
        const id = await order();
        await eventually(
          async () => {
            expect((await inbox(ada)).items.map((i) => i.body).join('\n')).toContain(id);
            expect(await eventCounts()).toMatchObject({ OrderConfirmed: expect.any(Number) });
          },
          { timeoutMs: 8_000 },
        );
      },
      { timeoutMs: 90_000 },
    );
    // The customer sees their order; the admin sees it counted; a customer may not ask analytics.
    const orders = (await (await system.call('/orders', { token: ada.token })).json()) as {
      items: unknown[];
    };
    expect(orders.items.length).toBeGreaterThan(0);
    expect((await system.call('/analytics/event-counts', { token: ada.token })).status).toBe(403);
    const freshness = (await (await system.call('/analytics/freshness', { token: admin.token })).json()) as {
      freshnessSeconds: number | null;
    };
    expect(freshness.freshnessSeconds).not.toBeNull();

    // A confirmation for an order notification-service never saw placed: it cannot tell whose it
    // is, so it dead-letters it, and dlq-consumer quarantines it with full provenance.
    const orderId = randomUUID();
    const orphan = createEvent({
      type: 'OrderConfirmed',
      aggregateId: orderId,
      aggregateVersion: 2,
      correlationId: randomUUID(),
      causationId: null,
      payload: { orderId },
    });
    await publish(orphan);
    const entry = await eventually(
      async () => {
        const found = (await dlqEntries('topic=order.events&type=OrderConfirmed')).find(
          (e) => e.eventId === orphan.id,
        );
        if (!found) throw new Error('not quarantined yet');
        return found;
      },
      { timeoutMs: 30_000 },
    );
    expect(entry).toMatchObject({
      status: 'quarantined',
      originalTopic: 'order.events',
      consumerGroup: system.groups.notifications,
      error: { class: 'PermanentError', reason: 'permanent' },
    });
    const groups = (await (
      await system.call('/admin/dlq/groups?topic=order.events', { token: admin.token })
    ).json()) as {
      items: { fingerprint: string; count: number }[];
    };
    expect(groups.items.find((g) => g.fingerprint === entry.fingerprint)?.count).toBeGreaterThanOrEqual(1);

    // The cause fixed (its OrderPlaced arrives), the operator replays it to the group that failed:
    // the notification is made, once. (Until the fix is read, a replay fails again and the entry
    // comes back to quarantine; it is replayed again then.)
    await publish(
      createEvent({
        type: 'OrderPlaced',
        aggregateId: orderId,
        aggregateVersion: 1,
        correlationId: orphan.correlationId,
        causationId: null,
        payload: {
          orderId,
          customerId: ada.userId,
          lines: [{ sku: 'MUG-1', quantity: 1, unitPriceMinor: 900 }],
          currency: 'EUR',
          totalMinor: 900,
        },
      }),
    );
    const path = `/admin/dlq/messages/${encodeURIComponent(entry.id)}`;
    await eventually(
      async () => {
        const current = (await (await system.call(path, { token: admin.token })).json()) as DlqEntry;
        if (current.status === 'quarantined') {
          const replayed = await system.call(`${path}/replay`, { method: 'POST', token: admin.token });
          expect(replayed.status).toBe(200);
        }
        await eventually(
          async () =>
            expect((await inbox(ada)).items.filter((i) => i.body.includes(orderId))).toHaveLength(1),
          { timeoutMs: 5_000 },
        );
      },
      { timeoutMs: 60_000 },
    );
    expect(((await (await system.call(path, { token: admin.token })).json()) as DlqEntry).status).toBe(
      'replayed',
    );

    // Bytes that are no event at all: every group dead-letters them; the operator discards them.
    const key = `poison-${randomUUID()}`;
    await producer.send({ topic: Topics.orderEvents.name, messages: [{ key, value: 'not an event' }] });
    const poison = await eventually(
      async () => {
        const found = (await dlqEntries('topic=order.events')).filter((e) => e.key === key);
        expect(found.every((e) => e.error.reason === 'decode')).toBe(true);
        expect(found.map((e) => e.consumerGroup)).toEqual(
          expect.arrayContaining([system.groups.notifications, system.groups.analytics]),
        );
        return found;
      },
      { timeoutMs: 30_000 },
    );
    for (const e of poison) {
      const discarded = await system.call(`/admin/dlq/messages/${encodeURIComponent(e.id)}/discard`, {
        method: 'POST',
        token: admin.token,
        body: { reason: 'not an event: a test writing bytes by hand' },
      });
      expect(discarded.status).toBe(200);
    }
    expect(await dlqEntries('topic=order.events&status=discarded')).toHaveLength(poison.length);
  });

  it("answers every dashboard panel's query with series from the running system", async () => {
    // The alert and SLO rules loaded and evaluate without error. and evaluate without error.
    const rules = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as {
      data: { groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[] };
    };
    const broken = rules.data.groups.flatMap((g) =>
      g.rules.filter((r) => r.health === 'err').map((r) => `${g.name}/${r.name}: ${r.lastError}`),
    );
    expect(broken).toEqual([]);
    expect(rules.data.groups.map((g) => g.name)).toEqual(
      expect.arrayContaining(['http', 'messaging', 'outbox', 'dlq', 'analytics', 'slo-gateway-availability']),
    );

    const dashboards = readdirSync(DASHBOARDS_DIR).filter((file) => file.endsWith('.json'));
    expect(dashboards.length).toBeGreaterThanOrEqual(5);
    const queries = dashboards.flatMap((file) => {
      const dashboard = JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as {
        panels: { title: string; targets?: { expr: string }[] }[];
        templating: { list: { name: string; query: { query: string } }[] };
      };
      const panels = dashboard.panels.flatMap((panel) =>
        (panel.targets ?? []).map((t) => ({ where: `${file} / ${panel.title}`, expr: t.expr })),
      );
      // A variable's label_values(metric, label) must find the label on the metric.
      const variables = dashboard.templating.list.map((v) => {
        const [, metric, label] = /^label_values\((\w+), (\w+)\)$/.exec(v.query.query) ?? [];
        return { where: `${file} / variable ${v.name}`, expr: `count by (${label}) (${metric})` };
      });
      return [...panels, ...variables];
    });
    expect(queries.length).toBeGreaterThan(50);
    // Grafana's variables, as "All" and its automatic rate window.
    const expand = (expr: string) => expr.replaceAll('$__rate_interval', '2m').replace(/\$\w+/g, '.+');
    const empty: string[] = [];
    await eventually(
      async () => {
        empty.length = 0;
        for (const { where, expr } of queries) {
          const result = await prometheus.query(expand(expr)); // throws when it does not parse
          if (result.length === 0) empty.push(`${where}: ${expr}`);
        }
        expect(empty).toEqual([]);
      },
      { timeoutMs: 60_000, intervalMs: 2_000 },
    );
  });

  it('follows one request under one trace id, and links the analytics batch that holds it', async () => {
    // The client starts the trace, as a traced frontend or another service would.
    const traceId = randomBytes(16).toString('hex');
    const placed = await system.call('/orders', {
      method: 'POST',
      token: ada.token,
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      body: { lines: [{ sku: 'PEN-1', quantity: 3 }] },
    });
    expect(placed.status).toBe(201);

    type JaegerSpan = {
      spanID: string;
      operationName: string;
      processID: string;
      references?: { refType: string; traceID: string; spanID: string }[];
    };
    type JaegerTrace = { spans: JaegerSpan[]; processes: Record<string, { serviceName: string }> };
    const found = await eventually(
      async () => {
        const res = await fetch(`${jaegerUrl}/api/traces/${traceId}`);
        expect(res.status).toBe(200);
        const [trace] = ((await res.json()) as { data: JaegerTrace[] }).data;
        const services = new Set(trace?.spans.map((span) => trace.processes[span.processID]?.serviceName));
        expect([...services]).toEqual(
          expect.arrayContaining(['api-gateway', 'order-service', 'notification-service']),
        );
        return trace as JaegerTrace;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    const operations = found.spans.map((span) => span.operationName);
    expect(operations).toContain('outbox relay publish');
    expect(operations).toContain('order.events process');
    // analytics-ingest handles events in batches: one span per batch, in a trace of its own,
    // linked to the trace of every record it holds (OpenTelemetry links; Jaeger's FOLLOWS_FROM).
    await eventually(
      async () => {
        const res = await fetch(`${jaegerUrl}/api/traces?service=analytics-ingest&lookback=1h&limit=200`);
        expect(res.status).toBe(200);
        const traces = ((await res.json()) as { data: JaegerTrace[] }).data;
        const linked = traces
          .flatMap((trace) => trace.spans)
          .filter((span) =>
            span.references?.some((ref) => ref.traceID === traceId && ref.refType === 'FOLLOWS_FROM'),
          );
        expect(linked.length).toBeGreaterThan(0);
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
  });
});
