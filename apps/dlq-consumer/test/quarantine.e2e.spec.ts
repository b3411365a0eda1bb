import type { NestExpressApplication } from '@nestjs/platform-express';
import { createEvent, Headers, Topics, type DomainEvent } from '@platform/contracts';
import { EventProducer } from '@platform/messaging';
import { METRICS_REGISTRY } from '@platform/observability';
import { eventually, uniqueName } from '@platform/testing';
import type { Registry } from 'prom-client';
import { randomUUID } from 'node:crypto';
import { OrderProbe, startDlqApp, startProbeGroup, type DlqApp } from './dlq-app.spec-helper';

let dlq: DlqApp;
let failing: { app: NestExpressApplication; probe: OrderProbe };
let bystander: { app: NestExpressApplication; probe: OrderProbe };
const customerId = uniqueName('dlq_customer');
const admin = { userId: uniqueName('admin'), roles: ['customer', 'admin'] };
const failingGroup = uniqueName('probe_failing');
// Letters only: the fingerprint normalises digits away, and this run's group must be its own.
const poisonSku = `POISON-${Array.from({ length: 10 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`;
const bystanderGroup = uniqueName('probe_bystander');

beforeAll(async () => {
  dlq = await startDlqApp();
  [failing, bystander] = await Promise.all([startProbeGroup(failingGroup), startProbeGroup(bystanderGroup)]);
  for (const { probe } of [failing, bystander]) {
    probe.customerId = customerId;
    probe.poisonSku = poisonSku;
  }
  bystander.probe.fixed = true; // handles the poison fine: its failure is not this group's
  // The probe groups start at the end of order.events: once both handled a warm-up event, they
  // have their positions and will see everything published after it.
  const producer = dlq.app.get(EventProducer);
  await eventually(
    async () => {
      const warmUp = placed('WARM-UP');
      await producer.publishEvents([warmUp]);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      if (!failing.probe.handled.size || !bystander.probe.handled.size)
        throw new Error('probe groups not consuming yet');
    },
    { timeoutMs: 60_000 },
  );
}, 120_000);

afterAll(async () => {
  await failing?.app.close();
  await bystander?.app.close();
  await dlq?.close();
});

function placed(sku: string): DomainEvent {
  const orderId = randomUUID();
  return createEvent({
    type: 'OrderPlaced',
    aggregateId: orderId,
    aggregateVersion: 1,
    correlationId: randomUUID(),
    causationId: null,
    payload: {
      orderId,
      customerId,
      lines: [{ sku, quantity: 1, unitPriceMinor: 500 }],
      currency: 'EUR',
      totalMinor: 500,
    },
  });
}

interface Summary {
  id: string;
  status: string;
  consumerGroup: string;
  eventId: string | null;
  fingerprint: string;
  failures: number;
  partition: number;
  offset: string;
  originalTopic: string;
  error: { class: string; reason: string; message: string };
}

const list = async (query: Record<string, string>): Promise<Summary[]> => {
  const res = await dlq.http().get('/admin/dlq/messages').query(query).use(dlq.as(admin)).expect(200);
  return res.body.items as Summary[];
};

describe('the quarantine, on real Kafka and the Mongo-compatible store', () => {
  const poison = placed(poisonSku);
  const healthy = placed('BOOK-1');
  const garbage = Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22]);
  let entry: Summary;

  it('quarantines a poison message with its provenance, once per group that failed, bytes preserved', async () => {
    const producer = dlq.app.get(EventProducer);
    await producer.publishEvents([poison, healthy]);
    await producer.send(Topics.orderEvents.name, [{ key: customerId, value: garbage }]);

    entry = await eventually(
      async () => {
        const [found] = (await list({ type: 'OrderPlaced', topic: 'order.events' })).filter(
          (item) => item.eventId === poison.id,
        );
        if (!found) throw new Error('poison not quarantined yet');
        return found;
      },
      { timeoutMs: 60_000 },
    );
    expect(entry).toMatchObject({
      status: 'quarantined',
      consumerGroup: failingGroup,
      originalTopic: 'order.events',
      failures: 1,
      error: { class: 'PermanentError', reason: 'permanent', message: expect.stringContaining(poisonSku) },
    });
    expect(entry.id).toBe(`order.events:${entry.partition}:${entry.offset}@${failingGroup}`);

    // The undecodable record failed in both groups: two failures, each its group's.
    const undecodable = await eventually(
      async () => {
        const items = (await list({ topic: 'order.events' })).filter(
          (item) =>
            item.error.reason === 'decode' && [failingGroup, bystanderGroup].includes(item.consumerGroup),
        );
        if (items.length < 2) throw new Error(`${items.length} of 2 decode failures quarantined`);
        return items;
      },
      { timeoutMs: 60_000 },
    );
    const inspected = await dlq
      .http()
      .get(`/admin/dlq/messages/${encodeURIComponent(undecodable[0]?.id ?? '')}`)
      .use(dlq.as(admin))
      .expect(200);
    expect(Buffer.from(inspected.body.value.base64 as string, 'base64')).toEqual(garbage);
    expect(inspected.body.value.text).toBeNull();
    expect(inspected.body.headers).toEqual(
      expect.arrayContaining([{ name: Headers.deadLetterReason, value: 'decode' }]),
    );
  });

  it('groups by fingerprint with counts, and keeps one entry when the dead letter is delivered twice', async () => {
    const groups = await dlq
      .http()
      .get('/admin/dlq/groups')
      .query({ topic: 'order.events' })
      .use(dlq.as(admin))
      .expect(200);
    const group = (groups.body.items as { fingerprint: string; count: number; errorClass: string }[]).find(
      (g) => g.fingerprint === entry.fingerprint,
    );
    expect(group).toMatchObject({ count: 1, errorClass: 'PermanentError' });

    const full = await dlq
      .http()
      .get(`/admin/dlq/messages/${encodeURIComponent(entry.id)}`)
      .use(dlq.as(admin))
      .expect(200);
    const headers = Object.fromEntries(
      (full.body.headers as { name: string; value: string }[]).map((h) => [h.name, h.value]),
    );
    await dlq.app.get(EventProducer).send('order.events.dlq', [
      {
        key: full.body.key as string,
        value: Buffer.from(full.body.value.base64 as string, 'base64'),
        headers,
      },
    ]);
    const marker = placed('BOOK-2'); // a later dead letter on the same path, to know the copy was read
    await dlq.app.get(EventProducer).send('order.events.dlq', [
      {
        key: marker.aggregateId,
        value: Buffer.from(JSON.stringify(marker)),
        headers: { ...headers, [Headers.originalOffset]: '999999999' },
      },
    ]);
    await eventually(async () => {
      if (!(await list({ topic: 'order.events' })).some((item) => item.eventId === marker.id))
        throw new Error('marker not read');
    });
    expect(
      (await list({ fingerprint: entry.fingerprint })).filter((i) => i.eventId === poison.id),
    ).toHaveLength(1);
  });

  it('returns a replay that fails again to its entry with its history, not a loop', async () => {
    await dlq
      .http()
      .post(`/admin/dlq/messages/${encodeURIComponent(entry.id)}/replay`)
      .use(dlq.as(admin))
      .expect(200);
    const again = await eventually(
      async () => {
        const res = await dlq
          .http()
          .get(`/admin/dlq/messages/${encodeURIComponent(entry.id)}`)
          .use(dlq.as(admin));
        if (res.body.failures !== 2) throw new Error(`failures ${res.body.failures}`);
        return res.body as { status: string; history: { action: string; by?: string }[] };
      },
      { timeoutMs: 30_000 },
    );
    expect(again.status).toBe('quarantined');
    // The replay's line and its failure's may land in either order (a fast consumer fails the
    // replay before the replayer writes its line); the entry stays quarantined either way.
    const actions = again.history.map((h) => h.action);
    expect(actions[0]).toBe('quarantined');
    expect(actions.slice(1).sort()).toEqual(['failed-again', 'replayed']);
    expect(again.history.find((h) => h.action === 'replayed')?.by).toBe(admin.userId);
  });

  it('replays a group after its cause is fixed: handled exactly once, by the group that failed only', async () => {
    failing.probe.fixed = true;
    const res = await dlq
      .http()
      .post(`/admin/dlq/groups/${entry.fingerprint}/replay`)
      .use(dlq.as(admin))
      .expect(200);
    expect(res.body.done).toContain(entry.id);
    expect(res.body.failed).toEqual([]);

    await eventually(() => expect(failing.probe.handled.get(poison.id)).toBe(1), { timeoutMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // a second delivery would show by now
    expect(failing.probe.handled.get(poison.id)).toBe(1);
    expect(bystander.probe.handled.get(poison.id)).toBe(1); // from the original record, not the replay
    expect(failing.probe.handled.get(healthy.id)).toBe(1);
    const after = await dlq
      .http()
      .get(`/admin/dlq/messages/${encodeURIComponent(entry.id)}`)
      .use(dlq.as(admin))
      .expect(200);
    expect(after.body.status).toBe('replayed');
    await dlq
      .http()
      .post(`/admin/dlq/messages/${encodeURIComponent(entry.id)}/replay`)
      .use(dlq.as(admin))
      .expect(409);
  });

  it('discards with a reason, and answers bad requests with 4xx problems', async () => {
    const [undecodable] = (await list({ topic: 'order.events' })).filter(
      (i) => i.error.reason === 'decode' && i.consumerGroup === failingGroup,
    );
    const discarded = await dlq
      .http()
      .post(`/admin/dlq/messages/${encodeURIComponent(undecodable?.id ?? '')}/discard`)
      .use(dlq.as(admin))
      .send({ reason: 'garbage written by a test' })
      .expect(200);
    expect(discarded.body).toMatchObject({ status: 'discarded' });
    expect(discarded.body.history.at(-1)).toMatchObject({
      action: 'discarded',
      by: admin.userId,
      detail: 'garbage written by a test',
    });

    const customer = { userId: 'someone', roles: ['customer'] };
    expect((await dlq.http().get('/admin/dlq/messages').use(dlq.as(customer))).status).toBe(403);
    expect((await dlq.http().get('/admin/dlq/messages')).status).toBe(401);
    const bad = await dlq
      .http()
      .get('/admin/dlq/messages')
      .query({ limit: 0, from: 'yesterday' })
      .use(dlq.as(admin))
      .expect(400);
    expect(bad.body).toMatchObject({ code: 'DLQ.INVALID_REQUEST' });
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['from', 'limit']);
    await dlq.http().get('/admin/dlq/messages/nope:1:2@x').use(dlq.as(admin)).expect(404);
    await dlq
      .http()
      .post(`/admin/dlq/messages/${encodeURIComponent(undecodable?.id ?? '')}/discard`)
      .use(dlq.as(admin))
      .send({})
      .expect(400);
  });

  it('exposes quarantine size, age and replays as metrics', async () => {
    const text = await dlq.app.get<Registry>(METRICS_REGISTRY).metrics();
    const sample = (name: string, ...labels: string[]) =>
      new RegExp(`^${name}\\{${labels.map((l) => `(?=[^}]*${l})`).join('')}[^}]*\\} (\\d+(\\.\\d+)?)$`, 'm');
    expect(text).toMatch(sample('dlq_quarantined_total', 'topic="order.events"', 'outcome="quarantined"'));
    expect(text).toMatch(sample('dlq_quarantined_total', 'topic="order.events"', 'outcome="failed-again"'));
    expect(text).toMatch(sample('dlq_quarantined_messages', 'topic="order.events"'));
    expect(Number(sample('dlq_replays_total', 'outcome="published"').exec(text)?.[1])).toBeGreaterThanOrEqual(
      2,
    );
    expect(Number(sample('dlq_oldest_quarantined_age_seconds').exec(text)?.[1])).toBeGreaterThanOrEqual(0);
  });
});
