import { createEvent, Headers } from '@platform/contracts';
import { createKafkaClient, EventProducer } from '@platform/messaging';
import { uniqueName, withKafkaAdmin } from '@platform/testing';
import { randomUUID } from 'node:crypto';
import { startDlqApp, type DlqApp } from '../../test/dlq-app.spec-helper';
import { loadDlqConsumerConfig } from '../config/dlq-consumer.config';
import { LagUnavailable } from '../errors/dlq.errors';
import { ConsumerLagReader } from '../lag/consumer-lag.reader';
import { readDeadLetter } from '../quarantine/domain/dead-letter';
import { QuarantineStore } from '../quarantine/infrastructure/quarantine.store';

// The ops an on-call admin (or an agent acting for one) uses: explain a fingerprint, inspect an
// entry decoded, consumer lag, and replays and discards audited with the OAuth client.

let dlq: DlqApp;
const admin = { userId: uniqueName('admin'), roles: ['admin'] };
const agent = { ...admin, clientId: uniqueName('mcp_agent') };
/** Letters only: the fingerprint normalises digits away, and this run's groups must be its own. */
const word = () =>
  Array.from({ length: 12 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
const group = uniqueName('ops_probe');

beforeAll(async () => {
  dlq = await startDlqApp();
}, 120_000);

afterAll(async () => {
  await dlq?.close();
});

function orderPlaced(payload: Record<string, unknown> = {}) {
  const orderId = randomUUID();
  const event = createEvent({
    type: 'OrderPlaced',
    aggregateId: orderId,
    aggregateVersion: 1,
    correlationId: randomUUID(),
    causationId: null,
    payload: {
      orderId,
      customerId: 'customer-1',
      lines: [{ sku: 'BOOK-1', quantity: 1, unitPriceMinor: 500 }],
      currency: 'EUR',
      totalMinor: 500,
    },
  });
  return { ...event, payload: { ...event.payload, ...payload } };
}

/** Quarantines a dead letter as the runtime would have written it, and answers its entry id and fingerprint. */
async function quarantine(
  value: Buffer,
  key: string,
  failure: { errorClass: string; errorCode?: string; errorMessage: string; causes?: unknown[] },
): Promise<{ id: string; fingerprint: string }> {
  const offset = String(Math.floor(Math.random() * 1e9));
  const headers: Record<string, string> = {
    [Headers.originalTopic]: 'order.events',
    [Headers.originalPartition]: '0',
    [Headers.originalOffset]: offset,
    [Headers.originalKey]: key,
    [Headers.consumerGroup]: group,
    [Headers.errorClass]: failure.errorClass,
    [Headers.errorMessage]: failure.errorMessage,
    [Headers.attempts]: '1',
    [Headers.deadLetterReason]: 'permanent',
    ...(failure.errorCode ? { [Headers.errorCode]: failure.errorCode } : {}),
    ...(failure.causes ? { [Headers.errorCauses]: JSON.stringify(failure.causes) } : {}),
  };
  const letter = readDeadLetter(
    { topic: 'order.events.dlq', partition: 0, offset },
    Buffer.from(key),
    value,
    Object.entries(headers).map(([name, text]) => ({ name, value: Buffer.from(text) })),
  );
  expect(await dlq.app.get(QuarantineStore).record(letter)).toBe('quarantined');
  return { id: letter.id, fingerprint: letter.fingerprint };
}

const get = (path: string, caller: { userId: string; roles: string[] } = admin) =>
  dlq.http().get(path).use(dlq.as(caller));
const post = (path: string, caller: { userId: string; roles: string[]; clientId?: string }) =>
  dlq.http().post(path).use(dlq.as(caller));

describe('explaining a fingerprint', () => {
  it('names the contract a sample breaks, with the schema issues of its payload', async () => {
    const broken = orderPlaced({ lines: [], totalMinor: 1 });
    const { fingerprint } = await quarantine(Buffer.from(JSON.stringify(broken)), broken.aggregateId, {
      errorClass: 'EventPayloadError',
      errorCode: 'CONTRACTS.INVALID_PAYLOAD',
      errorMessage: `invalid OrderPlaced v2: payload.lines: too small ${word()}`,
    });

    const res = await get(`/admin/dlq/groups/${fingerprint}/explanation`).expect(200);
    expect(res.body).toMatchObject({
      fingerprint,
      count: 1,
      byStatus: { quarantined: 1, replayed: 0, discarded: 0 },
      topics: ['order.events'],
      consumerGroups: [group],
      eventTypes: ['OrderPlaced'],
      errorChain: [{ class: 'EventPayloadError', code: 'CONTRACTS.INVALID_PAYLOAD' }],
      sample: { eventType: 'OrderPlaced', eventVersion: 2, eventId: broken.id },
      contract: {
        verdict: 'contract-violation',
        eventType: 'OrderPlaced',
        version: 2,
        knownVersions: [1, 2],
        latestVersion: 2,
        code: 'CONTRACTS.INVALID_PAYLOAD',
      },
    });
    expect(res.body.contract.issues).toEqual(
      expect.arrayContaining([{ path: 'payload.lines', message: expect.any(String) }]),
    );
    expect(res.body.firstSeen).toBe(res.body.lastSeen);
  });

  it('says a sample that decodes is not a contract violation, and shows the causes recorded', async () => {
    const event = orderPlaced();
    const token = word();
    const causes = [{ class: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }];
    const first = await quarantine(Buffer.from(JSON.stringify(event)), event.aggregateId, {
      errorClass: 'PermanentError',
      errorMessage: `inventory ${token} refused order ${event.aggregateId}`,
      causes,
    });
    const again = orderPlaced();
    await quarantine(Buffer.from(JSON.stringify(again)), again.aggregateId, {
      errorClass: 'PermanentError',
      errorMessage: `inventory ${token} refused order ${again.aggregateId}`,
      causes,
    });

    const res = await get(`/admin/dlq/groups/${first.fingerprint}/explanation`).expect(200);
    expect(res.body).toMatchObject({
      count: 2,
      errorChain: [
        { class: 'PermanentError', code: null, message: expect.stringContaining(token) },
        { class: 'Error', code: 'ECONNREFUSED', message: causes[0]?.message },
      ],
      contract: { verdict: 'not-a-contract-violation', eventType: 'OrderPlaced', version: 2, issues: [] },
    });
    expect(res.body.contract.explanation).toMatch(/not from the message's contract/);
  });

  it('answers 404 for a fingerprint no entry has, and 400 for one that is not a fingerprint', async () => {
    const missing = await get('/admin/dlq/groups/0000000000000000/explanation').expect(404);
    expect(missing.body).toMatchObject({ code: 'DLQ.NOT_FOUND' });
    await get('/admin/dlq/groups/not-a-fingerprint/explanation').expect(400);
    await get('/admin/dlq/groups/0000000000000000/explanation', { userId: 'c', roles: ['customer'] }).expect(
      403,
    );
  });
});

describe('inspecting an entry', () => {
  it('answers the bytes decoded, the envelope, the provenance with its error chain, and the fingerprint', async () => {
    const event = orderPlaced();
    const { id, fingerprint } = await quarantine(Buffer.from(JSON.stringify(event)), event.aggregateId, {
      errorClass: 'PermanentError',
      errorMessage: `handler ${word()} failed`,
    });
    const res = await get(`/admin/dlq/messages/${encodeURIComponent(id)}`).expect(200);
    expect(res.body).toMatchObject({
      id,
      fingerprint,
      value: { json: { id: event.id } }, // the former shape stays
      decoded: {
        key: { encoding: 'text', text: event.aggregateId },
        value: { encoding: 'json', json: { id: event.id, type: 'OrderPlaced' } },
        envelope: { type: 'OrderPlaced', version: 2, id: event.id },
      },
      provenance: {
        topic: 'order.events',
        originalTopic: 'order.events',
        partition: 0,
        consumerGroup: group,
        attempts: 1,
        reason: 'permanent',
        errorChain: [{ class: 'PermanentError', code: null }],
        dlq: { topic: 'order.events.dlq' },
        complete: true,
      },
    });

    const garbage = await quarantine(Buffer.from([0xff, 0x00, 0x7b]), 'k', {
      errorClass: 'EnvelopeDecodeError',
      errorMessage: `invalid event envelope: not JSON ${word()}`,
    });
    const raw = await get(`/admin/dlq/messages/${encodeURIComponent(garbage.id)}`).expect(200);
    expect(raw.body.decoded).toEqual({
      key: { encoding: 'text', text: 'k', bytes: 1 },
      value: { encoding: 'base64', base64: '/wB7', bytes: 3 },
      envelope: null,
    });
  });
});

describe('replays and discards through an OAuth client', () => {
  it('records the admin and the client in the history of a replay and a discard, and only the admin without one', async () => {
    const replayed = orderPlaced();
    const toReplay = await quarantine(Buffer.from(JSON.stringify(replayed)), replayed.aggregateId, {
      errorClass: 'PermanentError',
      errorMessage: `replay me ${word()}`,
    });
    const res = await post(`/admin/dlq/messages/${encodeURIComponent(toReplay.id)}/replay`, agent).expect(
      200,
    );
    expect(res.body.status).toBe('replayed');
    expect(res.body.history.at(-1)).toMatchObject({
      action: 'replayed',
      by: agent.userId,
      clientId: agent.clientId,
    });
    const stored = await get(`/admin/dlq/messages/${encodeURIComponent(toReplay.id)}`).expect(200);
    expect(stored.body.history.at(-1)).toMatchObject({ by: agent.userId, clientId: agent.clientId });

    const discarded = orderPlaced();
    const toDiscard = await quarantine(Buffer.from(JSON.stringify(discarded)), discarded.aggregateId, {
      errorClass: 'PermanentError',
      errorMessage: `discard me ${word()}`,
    });
    const group = await post(`/admin/dlq/groups/${toDiscard.fingerprint}/discard`, agent)
      .send({ reason: 'triaged by the on-call assistant' })
      .expect(200);
    expect(group.body.done).toEqual([toDiscard.id]);
    const after = await get(`/admin/dlq/messages/${encodeURIComponent(toDiscard.id)}`).expect(200);
    expect(after.body.history.at(-1)).toMatchObject({
      action: 'discarded',
      by: agent.userId,
      clientId: agent.clientId,
      detail: 'triaged by the on-call assistant',
    });

    const byHand = orderPlaced();
    const plain = await quarantine(Buffer.from(JSON.stringify(byHand)), byHand.aggregateId, {
      errorClass: 'PermanentError',
      errorMessage: `discard by hand ${word()}`,
    });
    const manual = await post(`/admin/dlq/messages/${encodeURIComponent(plain.id)}/discard`, admin)
      .send({ reason: 'by hand' })
      .expect(200);
    expect(manual.body.history.at(-1)).not.toHaveProperty('clientId');
    expect(manual.body.history.at(-1)).toMatchObject({ by: admin.userId });
  });
});

describe('consumer lag', () => {
  it('is the end offset minus what a group committed, per partition and in all', async () => {
    const topic = uniqueName('ops_lag_topic');
    const lagging = uniqueName('ops_lag_group');
    const produced = 10;
    const committed = 4;
    await withKafkaAdmin((kafka) =>
      kafka.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }),
    );
    try {
      const records = Array.from({ length: produced }, (_, i) => ({ key: 'k', value: `m${i}` }));
      await dlq.app.get(EventProducer).send(topic, records);
      await withKafkaAdmin((kafka) =>
        kafka.setOffsets({
          groupId: lagging,
          topic,
          partitions: [{ partition: 0, offset: String(committed) }],
        }),
      );

      const one = await get('/admin/dlq/consumer-lag').query({ group: lagging }).expect(200);
      expect(one.body.groups).toEqual([
        {
          groupId: lagging,
          totalLag: produced - committed,
          partitions: [
            {
              topic,
              partition: 0,
              committedOffset: String(committed),
              endOffset: String(produced),
              lag: produced - committed,
            },
          ],
        },
      ]);
      expect(Date.parse(one.body.measuredAt)).not.toBeNaN();

      const all = await get('/admin/dlq/consumer-lag').expect(200);
      expect(all.body.groups).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ groupId: lagging, totalLag: produced - committed }),
        ]),
      );
      const nobody = await get('/admin/dlq/consumer-lag')
        .query({ group: uniqueName('no_group') })
        .expect(200);
      expect(nobody.body.groups).toEqual([expect.objectContaining({ totalLag: 0, partitions: [] })]);
    } finally {
      await withKafkaAdmin(async (kafka) => {
        await kafka.deleteGroups([lagging]).catch(() => undefined);
        await kafka.deleteTopics({ topics: [topic] }).catch(() => undefined);
      });
    }
  });

  it('answers DLQ.LAG_UNAVAILABLE when Kafka does not answer in time', async () => {
    const config = loadDlqConsumerConfig({ NODE_ENV: 'test', DLQ_LAG_TIMEOUT_MS: '300' });
    const unreachable = createKafkaClient('kafkajs', {
      clientId: 'lag-test',
      brokers: ['127.0.0.1:1'],
      quiet: true,
    });
    const reader = new ConsumerLagReader(unreachable, config);
    try {
      await expect(reader.read()).rejects.toBeInstanceOf(LagUnavailable);
      await expect(reader.read()).rejects.toMatchObject({ code: 'DLQ.LAG_UNAVAILABLE', retriable: true });
    } finally {
      await reader.onApplicationShutdown();
    }
  });
});
