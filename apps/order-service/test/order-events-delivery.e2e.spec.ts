import {
  decodeEnvelope,
  DEVELOPMENT_PAYMENT_WEBHOOK_SECRET,
  paymentCallbackRequest,
  Topics,
  type EventEnvelope,
} from '@platform/contracts';
import { EventProducer } from '@platform/messaging';
import {
  OutboxRelay,
  OutboxRelayHost,
  processedEventsSchemaSql,
  recordProcessed,
  type OutboxRecord,
} from '@platform/outbox';
import { eventually, infraEnv, tailTopic, uniqueName } from '@platform/testing';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Pool } from 'pg';
import { ORDER_OUTBOX } from '../src/outbox/order-outbox.table';
import { DEVELOPMENT_GATEWAY_IDENTITY_KEYS, GatewayIdentitySigner, identityPlugin } from '@platform/identity';
import { startOrderApp, type OrderApp } from './order-app.spec-helper';

let orders: OrderApp;
/** The payment provider has no account: the gateway forwards its callback with an anonymous identity. */
const anonymousViaGateway = identityPlugin(
  new GatewayIdentitySigner(DEVELOPMENT_GATEWAY_IDENTITY_KEYS.signingKey),
  'orders',
  undefined,
);
let db: Pool;
const consumers: Consumer[] = [];
const kafka = new Kafka({
  clientId: uniqueName('delivery'),
  brokers: infraEnv.kafkaBrokers,
  logLevel: logLevel.NOTHING,
});

beforeAll(async () => {
  orders = await startOrderApp();
  db = new Pool({ connectionString: orders.config.ORDER_DATABASE_URL, max: 4 });
});
afterAll(async () => {
  await Promise.all(consumers.map((c) => c.disconnect()));
  await db?.end();
  await orders?.close();
});

const lines = [{ sku: 'BOOK-1', quantity: 1 }]; // 1250 EUR at the catalog's price

interface Received {
  partition: number;
  key: string | undefined;
  event: EventEnvelope;
}

/** Reads order.events from now on (start it before acting), keeping the records `keep` wants. */
async function readOrderEvents(
  keep: (event: EventEnvelope) => boolean,
  onEvent?: (r: Received) => Promise<void>,
) {
  const received: Received[] = [];
  const consumer = await tailTopic(kafka, Topics.orderEvents.name, async ({ partition, message }) => {
    const event = decodeEnvelope(message.value);
    if (!keep(event)) return;
    const record = { partition, key: message.key?.toString(), event };
    received.push(record);
    await onEvent?.(record);
  });
  consumers.push(consumer);
  return received;
}

/** Placed by the customer, confirmed and shipped by staff, paid through the provider's callback. */
async function lifecycle(userId: string): Promise<string> {
  const staff = orders.as({ userId: 'staff-1', roles: ['staff'] });
  const placed = await orders
    .http()
    .post('/orders')
    .use(orders.as({ userId, roles: ['customer'] }))
    .send({ lines })
    .expect(201);
  const id = placed.body.id as string;
  await orders.http().post(`/orders/${id}/confirm`).use(staff).send({}).expect(200);
  const paid = paymentCallbackRequest(
    { orderId: id, amountMinor: 1250, currency: 'EUR' },
    DEVELOPMENT_PAYMENT_WEBHOOK_SECRET,
  );
  await orders
    .http()
    .post('/payments/callbacks')
    .use(anonymousViaGateway)
    .set(paid.headers)
    .send(paid.body)
    .expect(200);
  await orders.http().post(`/orders/${id}/ship`).use(staff).send({}).expect(200);
  return id;
}

describe('order events on Kafka, in order', () => {
  it('arrive in stream order per order, each order in one partition, across the 12 partitions', async () => {
    expect(Topics.orderEvents.partitions).toBe(12);
    const all = await readOrderEvents(() => true);
    const ids = await Promise.all(Array.from({ length: 40 }, () => lifecycle(uniqueName('customer'))));
    const ours = new Set(ids);
    const received = () => all.filter((r) => ours.has(r.event.aggregateId));
    await eventually(
      () => {
        if (received().length < ids.length * 4)
          throw new Error(`${received().length} of ${ids.length * 4} received`);
      },
      { timeoutMs: 30_000 },
    );

    const partitions = new Set<number>();
    for (const id of ids) {
      const ofOrder = received().filter((r) => r.event.aggregateId === id);
      expect(ofOrder.map((r) => r.event.aggregateVersion)).toEqual([1, 2, 3, 4]);
      expect(ofOrder.map((r) => r.event.type)).toEqual([
        'OrderPlaced',
        'OrderConfirmed',
        'OrderPaid',
        'OrderShipped',
      ]);
      expect(new Set(ofOrder.map((r) => r.partition)).size).toBe(1);
      expect(new Set(ofOrder.map((r) => r.key))).toEqual(new Set([id]));
      partitions.add(ofOrder[0]?.partition ?? -1);
    }
    expect(partitions.size).toBeGreaterThan(6);
  });
});

describe('a relay that dies between publish and mark-as-sent', () => {
  it('leaves the rows unsent, the next relay republishes them, and a deduping consumer applies each event once', async () => {
    // The app's own relay would publish first; this test plays the relays itself.
    await orders.app.get(OutboxRelayHost).relay.stop();
    const producer = orders.app.get(EventProducer);
    const relayOptions = {
      ...ORDER_OUTBOX,
      connectionString: orders.config.ORDER_DATABASE_URL,
      batchSize: 50,
    };
    const publish = (records: OutboxRecord[]) => producer.publishTraced(records);

    const ids = new Set(
      await Promise.all(Array.from({ length: 5 }, () => lifecycle(uniqueName('customer')))),
    );
    // A consumer whose effect and processed-event record share one transaction, reading from now.
    for (const sql of processedEventsSchemaSql('test_processed_events').up) await db.query(sql);
    await db.query('CREATE TABLE test_effects (event_id uuid NOT NULL, order_id text NOT NULL)');
    const received = await readOrderEvents(
      (event) => ids.has(event.aggregateId),
      async ({ event }) => {
        const client = await db.connect();
        try {
          await client.query('BEGIN');
          if (await recordProcessed(client, 'test_processed_events', event.id)) {
            await client.query('INSERT INTO test_effects (event_id, order_id) VALUES ($1, $2)', [
              event.id,
              event.aggregateId,
            ]);
          }
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      },
    );
    let publishedBeforeDying = 0;
    const dying = new OutboxRelay({
      ...relayOptions,
      publish: async (records) => {
        await publish(records);
        publishedBeforeDying += records.length;
        // Retriable: the whole batch fails, as when the process dies; not one record refused.
        throw Object.assign(
          new Error('relay died after the broker acknowledged, before marking the rows sent'),
          {
            retriable: true,
          },
        );
      },
    });
    await expect(dying.relayOnce()).rejects.toThrow('relay died');
    await dying.stop();
    expect(publishedBeforeDying).toBeGreaterThan(0);

    const next = new OutboxRelay({ ...relayOptions, publish });
    expect((await next.backlog()).count).toBe(20); // nothing was marked sent
    expect(await next.relayOnce()).toBe(20);
    expect((await next.backlog()).count).toBe(0);
    await next.stop();

    await eventually(
      () => {
        const expected = 20 + publishedBeforeDying;
        if (received.length < expected) throw new Error(`${received.length} of ${expected} records received`);
      },
      { timeoutMs: 30_000 },
    );

    expect(received).toHaveLength(20 + publishedBeforeDying); // the dying relay's batch went out twice
    expect(new Set(received.map((r) => r.event.id)).size).toBe(20);
    const { rows } = await db.query<{ events: string; effects: string }>(
      'SELECT count(DISTINCT event_id) AS events, count(*) AS effects FROM test_effects',
    );
    expect(rows[0]).toEqual({ events: '20', effects: '20' });
  });
});
