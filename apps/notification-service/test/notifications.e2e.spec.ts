import { Topics } from '@platform/contracts';
import { DlqHeaders, EventProducer } from '@platform/messaging';
import { eventually, tailTopic, uniqueName } from '@platform/testing';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { webhookSignature } from '../src/delivery/infrastructure/webhook.channel';
import {
  eventOf,
  startNotificationApp,
  WEBHOOK_SECRET,
  WebhookReceiver,
  type NotificationApp,
} from './notification-app.spec-helper';

type Item = {
  id: string;
  channel: string;
  template: string;
  title: string;
  body: string;
  delivery: { status: string; attempts: number; lastError: string | null };
  readAt: string | null;
};

describe('notification-service on real Kafka and FerretDB', () => {
  const receiver = new WebhookReceiver();
  let notifications: NotificationApp;
  let producer: EventProducer;

  const inbox = async (userId: string, query = ''): Promise<Item[]> => {
    const res = await notifications
      .http()
      .get(`/notifications?limit=100${query}`)
      .use(notifications.as({ userId, roles: ['customer'] }))
      .expect(200);
    return res.body.items as Item[];
  };

  /** A registered user; resolves once their welcome notifications exist (the groups consume). */
  const register = async (displayName?: string): Promise<{ userId: string; email: string }> => {
    const userId = uniqueName('user');
    const email = `${userId}@example.com`;
    await producer.publishEvents([
      eventOf('UserRegistered', userId, 1, {
        userId,
        email,
        registeredAt: new Date().toISOString(),
        ...(displayName ? { displayName } : {}),
      }),
    ]);
    await eventually(async () => (await inbox(userId)).length === 2, { timeoutMs: 20_000 });
    return { userId, email };
  };

  const placeOrder = async (userId: string): Promise<string> => {
    const orderId = randomUUID();
    await producer.publishEvents([
      eventOf('OrderPlaced', orderId, 1, {
        orderId,
        customerId: userId,
        lines: [{ sku: 'BOOK-1', quantity: 1, unitPriceMinor: 1_500 }],
        currency: 'EUR',
        totalMinor: 1_500,
      }),
    ]);
    return orderId;
  };

  beforeAll(async () => {
    notifications = await startNotificationApp(await receiver.start());
    producer = notifications.app.get(EventProducer);
    // The events group starts at the end of the topics: wait until it has its partitions.
    await eventually(
      async () => {
        const userId = uniqueName('warmup');
        await producer.publishEvents([
          eventOf('UserRegistered', userId, 1, {
            userId,
            email: `${userId}@example.com`,
            registeredAt: new Date().toISOString(),
          }),
        ]);
        await eventually(async () => (await inbox(userId)).length > 0, { timeoutMs: 3_000 });
      },
      { timeoutMs: 60_000 },
    );
  }, 120_000);

  afterAll(async () => {
    await notifications?.close();
    await receiver.stop();
  });

  beforeEach(() => {
    receiver.behaviour = { status: 204, delayMs: 0 };
  });

  it('welcomes a user and tells them about their order by email and signed webhook, once per event', async () => {
    const { userId, email } = await register('Ada');
    const orderId = await placeOrder(userId);
    const confirmed = eventOf('OrderConfirmed', orderId, 2, { orderId });
    await producer.publishEvents([confirmed]);

    await eventually(
      async () => {
        const items = await inbox(userId);
        return items.length === 4 && items.every((i) => i.delivery.status === 'delivered');
      },
      { timeoutMs: 30_000 },
    );
    const items = await inbox(userId);
    expect(items.map((i) => `${i.template}/${i.channel}`).sort()).toEqual([
      'order-confirmed/email',
      'order-confirmed/webhook',
      'welcome/email',
      'welcome/webhook',
    ]);
    expect(items.find((i) => i.template === 'welcome')?.body).toBe('Hello Ada, your account is ready.');

    // The webhook: one signed call per notification, the signature over timestamp and body.
    const calls = receiver.callsFor(userId);
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      const timestamp = call.headers['x-signature-timestamp'] as string;
      expect(call.headers['x-signature']).toBe(webhookSignature(WEBHOOK_SECRET, timestamp, call.body));
      expect(items.map((i) => i.id)).toContain(call.headers['x-notification-id']);
    }

    // The email: one .eml file per notification, addressed to the user.
    const emailIds = items.filter((i) => i.channel === 'email').map((i) => i.id);
    const files = await readdir(notifications.mailDir);
    for (const id of emailIds) {
      expect(files).toContain(`${id}.eml`);
      const mail = await readFile(join(notifications.mailDir, `${id}.eml`), 'utf8');
      expect(mail).toContain(`To: Ada <${email}>`);
      expect(mail).toContain(`Message-ID: <${id}@notifications.platform>`);
    }

    // The same event delivered again, then a new one behind it on the same partition: when the
    // new one's notifications exist, the duplicate has been handled, and it changed nothing.
    await producer.publishEvents([confirmed]);
    await producer.publishEvents([
      eventOf('OrderShipped', orderId, 3, { orderId, carrier: 'DHL', trackingNumber: 'T-1' }),
    ]);
    await eventually(
      async () => (await inbox(userId)).filter((i) => i.delivery.status === 'delivered').length === 6,
      { timeoutMs: 30_000 },
    );
    const after = await inbox(userId);
    expect(after.filter((i) => i.template === 'order-confirmed')).toHaveLength(2);
    expect(after.find((i) => i.template === 'order-shipped')?.body).toBe(
      `Your order ${orderId} is on its way with DHL (tracking number T-1).`,
    );
    const confirmedCalls = receiver
      .callsFor(userId)
      .filter((call) => (JSON.parse(call.body) as { template: string }).template === 'order-confirmed');
    expect(confirmedCalls).toHaveLength(1);
  });

  it('retries a webhook that is down until it answers, and quarantines one it rejects', async () => {
    const { userId } = await register();
    const kafka = new Kafka({
      clientId: 'notification-dlq-tail',
      brokers: notifications.config.KAFKA_BROKERS,
      logLevel: logLevel.WARN,
    });
    const deadLetters: { key: string; headers: Record<string, string> }[] = [];
    const tail: Consumer = await tailTopic(kafka, Topics.notificationJobs.dlq, ({ message }) => {
      const headers = Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
      );
      deadLetters.push({ key: String(message.key), headers });
    });
    try {
      receiver.behaviour = { status: 503, delayMs: 0 };
      const down = await placeOrder(userId);
      await producer.publishEvents([eventOf('OrderConfirmed', down, 2, { orderId: down })]);
      const webhookOf = async (template: string) =>
        (await inbox(userId)).find((i) => i.template === template && i.channel === 'webhook');
      await eventually(async () => ((await webhookOf('order-confirmed'))?.delivery.attempts ?? 0) >= 2, {
        timeoutMs: 20_000,
      });
      const pending = await webhookOf('order-confirmed');
      expect(pending?.delivery).toMatchObject({ status: 'pending' });
      expect(pending?.delivery.lastError).toMatch(/ChannelDown: webhook .* answered 503/);

      receiver.behaviour = { status: 200, delayMs: 0 };
      await eventually(async () => (await webhookOf('order-confirmed'))?.delivery.status === 'delivered', {
        timeoutMs: 20_000,
      });

      receiver.behaviour = { status: 410, delayMs: 0 };
      const rejected = await placeOrder(userId);
      await producer.publishEvents([
        eventOf('OrderCancelled', rejected, 2, {
          orderId: rejected,
          reason: 'out of stock',
          cancelledBy: 'merchant',
        }),
      ]);
      await eventually(async () => (await webhookOf('order-cancelled'))?.delivery.status === 'failed', {
        timeoutMs: 20_000,
      });
      const failed = await webhookOf('order-cancelled');
      expect(failed?.delivery.attempts).toBe(1);
      // Only the rejected delivery's letter: on a slow machine the 503 phase may also exhaust the
      // retries of another webhook of this user, whose letter (ChannelDown, exhausted) is right too.
      const rejectedLetter = () =>
        deadLetters.find((d) => d.key === userId && d.headers[DlqHeaders.errorClass] === 'DeliveryRejected');
      await eventually(() => rejectedLetter() !== undefined, { timeoutMs: 20_000 });
      const letter = rejectedLetter();
      expect(letter?.headers).toMatchObject({
        [DlqHeaders.consumerGroup]: notifications.config.NOTIFICATION_WORKER_GROUP,
        [DlqHeaders.errorClass]: 'DeliveryRejected',
        [DlqHeaders.reason]: 'permanent',
      });
      // The email of the same event went out regardless: channels fail on their own.
      expect(
        (await inbox(userId)).find((i) => i.template === 'order-cancelled' && i.channel === 'email'),
      ).toMatchObject({ delivery: { status: 'delivered' } });
    } finally {
      await tail.disconnect();
    }
  });

  it('keeps consuming events while a slow webhook holds the workers', async () => {
    const { userId } = await register();
    receiver.behaviour = { status: 204, delayMs: 800 };
    const orders = await Promise.all(Array.from({ length: 8 }, () => placeOrder(userId)));
    await producer.publishEvents(orders.map((orderId) => eventOf('OrderConfirmed', orderId, 2, { orderId })));

    // 16 notifications recorded (8 events x 2 channels) long before 8 webhook calls of 800 ms each.
    await eventually(async () => (await inbox(userId, '&channel=webhook')).length === 9, {
      timeoutMs: 20_000,
    });
    const webhookCalls = receiver.callsFor(userId).length;
    expect(webhookCalls).toBeLessThan(9);
    await eventually(async () => (await inbox(userId)).every((i) => i.delivery.status === 'delivered'), {
      timeoutMs: 30_000,
    });
  });

  it('skips a job whose notification this deployment never recorded', async () => {
    const userId = uniqueName('user');
    const orphanId = randomUUID();
    await producer.publish(Topics.notificationJobs.name, [
      eventOf('NotificationRequested', userId, 1, {
        notificationId: orphanId,
        userId,
        channel: 'webhook',
        template: 'welcome',
        data: {},
        sourceEventId: randomUUID(),
      }),
    ]);
    // Then the user's real welcome, on the same key behind it: once that is delivered, the orphan
    // has been handled, and it went nowhere.
    await producer.publishEvents([
      eventOf('UserRegistered', userId, 1, {
        userId,
        email: `${userId}@example.com`,
        registeredAt: new Date().toISOString(),
      }),
    ]);
    await eventually(
      async () => (await inbox(userId)).filter((i) => i.delivery.status === 'delivered').length === 2,
      { timeoutMs: 20_000 },
    );
    expect(receiver.callsFor(userId).map((call) => call.headers['x-notification-id'])).not.toContain(
      orphanId,
    );
    expect(receiver.callsFor(userId)).toHaveLength(1);
  });

  it("serves the caller's inbox: pages, unread filter, read flags, and nothing of anyone else's", async () => {
    const { userId } = await register();
    const orderId = await placeOrder(userId);
    await producer.publishEvents([eventOf('OrderConfirmed', orderId, 2, { orderId })]);
    // Delivered first: on FerretDB the worker's update and a read flag set at the same instant can
    // overwrite each other (docs/architecture.md, "Where we differ"); read flags are tested here.
    await eventually(
      async () => {
        const items = await inbox(userId);
        return items.length === 4 && items.every((i) => i.delivery.status === 'delivered');
      },
      { timeoutMs: 20_000 },
    );
    const me = notifications.as({ userId, roles: ['customer'] });
    const stranger = notifications.as({ userId: uniqueName('stranger'), roles: ['customer'] });

    const first = await notifications.http().get('/notifications?limit=3').use(me).expect(200);
    expect(first.body.items).toHaveLength(3);
    const second = await notifications
      .http()
      .get(`/notifications?limit=3&cursor=${first.body.nextCursor as string}`)
      .use(me)
      .expect(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const all = [...first.body.items, ...second.body.items] as Item[];
    expect(new Set(all.map((i) => i.id)).size).toBe(4);
    // Newest first: the order's notifications before the welcome.
    expect(all.map((i) => i.template).slice(0, 2)).toEqual(['order-confirmed', 'order-confirmed']);

    // Every field of the contract is there, null included.
    expect(all[0]).toEqual({
      id: expect.any(String),
      channel: expect.stringMatching(/^(email|webhook)$/),
      template: 'order-confirmed',
      title: 'Order confirmed',
      body: `Your order ${orderId} is confirmed and being prepared.`,
      sourceEventType: 'OrderConfirmed',
      delivery: expect.objectContaining({ status: expect.any(String), lastError: null }),
      createdAt: expect.any(String),
      readAt: null,
    });
    const one = all[0] as Item;
    const read = await notifications
      .http()
      .patch(`/notifications/${one.id}`)
      .use(me)
      .send({ read: true })
      .expect(200);
    expect(read.body.readAt).toEqual(expect.any(String));
    expect((await inbox(userId, '&unread=true')).map((i) => i.id)).not.toContain(one.id);
    const again = await notifications
      .http()
      .patch(`/notifications/${one.id}`)
      .use(me)
      .send({ read: true })
      .expect(200);
    expect(again.body.readAt).toBe(read.body.readAt);

    await notifications.http().get(`/notifications/${one.id}`).use(stranger).expect(404);
    await notifications
      .http()
      .patch(`/notifications/${one.id}`)
      .use(stranger)
      .send({ read: true })
      .expect(404);
    const readAll = await notifications.http().post('/notifications/read-all').use(me).expect(200);
    expect(readAll.body).toEqual({ updated: 3 });
    expect(await inbox(userId, '&unread=true')).toEqual([]);

    const bad = await notifications
      .http()
      .get('/notifications?limit=0&channel=sms&cursor=x')
      .use(me)
      .expect(400);
    expect(bad.body).toMatchObject({ code: 'NOTIFICATIONS.INVALID_REQUEST' });
    expect((bad.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['channel', 'limit']);
    const badCursor = await notifications.http().get('/notifications?cursor=x').use(me).expect(400);
    expect(badCursor.body.errors).toEqual([{ path: 'cursor', message: 'not a cursor of this list' }]);
    const badBody = await notifications
      .http()
      .patch(`/notifications/${one.id}`)
      .use(me)
      .send({ read: 'yes' })
      .expect(400);
    expect(badBody.body.errors[0].path).toBe('read');
    await notifications.http().get('/notifications/not-a-uuid').use(me).expect(400);
    await notifications.http().get('/notifications').expect(401);
  });
});
