import { infraEnv, reach, uniqueName } from '@platform/testing';
import mongoose, { type Connection } from 'mongoose';
import type { InboxPosition } from './inbox-cursor';
import type { NotificationDoc } from './notification.model';
import { NotificationStore, type InboxFilter, type NewNotification } from './notification.store';

const START = Date.parse('2026-12-06T10:00:00.000Z');

/** Notification `i` of `userId`, `i` seconds after START, on `channel`. */
const notification = (
  userId: string,
  i: number,
  channel: 'email' | 'webhook' = 'email',
): NewNotification => ({
  _id: `${userId}-n${i}-${channel}`,
  userId,
  channel,
  template: 'order-confirmed',
  data: { i },
  title: `Notification ${i}`,
  body: 'body',
  sourceEventId: `${userId}-event-${i}`,
  sourceEventType: 'OrderConfirmed',
  correlationId: 'correlation',
  createdAt: new Date(START + i * 1_000),
});

describe('NotificationStore inbox pages on the Mongo-compatible store', () => {
  let connection: Connection;
  let store: NotificationStore;

  /** Every item of the listing, following `next` to the end; and how many requests it took. */
  const listAll = async (userId: string, limit: number, filter: InboxFilter = {}, from?: InboxPosition) => {
    const ids: string[] = [];
    let position: InboxPosition | null = from ?? {};
    let requests = 0;
    while (position && requests < 100) {
      const page: { items: NotificationDoc[]; next: InboxPosition | null } = await store.inbox(
        userId,
        filter,
        limit,
        position,
      );
      expect(page.items.length).toBeLessThanOrEqual(limit);
      ids.push(...page.items.map((n) => n._id));
      position = page.next;
      requests += 1;
    }
    return { ids, requests };
  };

  beforeAll(async () => {
    connection = await reach('MongoDB', infraEnv.mongoUrl, () =>
      mongoose.createConnection(infraEnv.mongoUrl, { dbName: uniqueName('notification_store') }).asPromise(),
    );
    // Pages of 3, at most 2 read per request: a dozen notifications cross several pages.
    store = new NotificationStore(connection, { pageSize: 3, pagesPerRead: 2 });
    await store.onModuleInit();
    await store.legacyPagesAssigned;
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('lists every notification once, newest first, across pages and requests', async () => {
    const userId = uniqueName('user');
    for (let i = 0; i < 8; i++) await store.createPending([notification(userId, i)]);
    await store.createPending([notification(uniqueName('someone-else'), 99)]);
    const newestFirst = Array.from({ length: 8 }, (_, i) => `${userId}-n${7 - i}-email`);

    for (const limit of [1, 2, 3, 5, 100]) {
      expect({ limit, ...(await listAll(userId, limit)) }).toEqual({
        limit,
        ids: newestFirst,
        requests: expect.any(Number),
      });
    }
    // A request reads at most 2 of the 3 pages: all 8 take two requests even at limit 100.
    const first = await store.inbox(userId, {}, 100);
    expect(first.items.map((n) => n._id)).toEqual(newestFirst.slice(0, 5));
    expect(first.next).toEqual({ page: 0 });
    expect((await store.inbox(userId, {}, 100, first.next ?? {})).next).toBeNull();
  });

  it('filters by channel and read state, coming short of the limit rather than reading every page', async () => {
    const userId = uniqueName('user');
    for (let i = 0; i < 9; i++)
      await store.createPending([notification(userId, i, i === 1 ? 'webhook' : 'email')]);
    await store.setRead(userId, `${userId}-n4-email`, true);

    const webhook = await store.inbox(userId, { channel: 'webhook' }, 10);
    expect(webhook).toEqual({ items: [], next: { page: 0 } });
    expect((await listAll(userId, 10, { channel: 'webhook' })).ids).toEqual([`${userId}-n1-webhook`]);
    const unread = await listAll(userId, 2, { unread: true });
    expect(unread.ids).toHaveLength(8);
    expect(unread.ids).not.toContain(`${userId}-n4-email`);

    expect(await store.markAllRead(userId)).toBe(8);
    expect((await listAll(userId, 10, { unread: true })).ids).toEqual([]);
  });

  it("never lists another user's notifications, whatever page a cursor names", async () => {
    const owner = uniqueName('user');
    const other = uniqueName('user');
    for (let i = 0; i < 4; i++) await store.createPending([notification(owner, i)]);
    await store.createPending([notification(other, 0)]);

    expect(await store.inbox(other, {}, 10, { page: 1 })).toEqual({
      items: [expect.objectContaining({ userId: other })],
      next: null,
    });
    expect((await store.inbox(uniqueName('nobody'), {}, 10)).items).toEqual([]);
  });

  it('counts a redelivery and a burst of parallel notifications without losing or repeating one', async () => {
    const userId = uniqueName('user');
    const batch = Array.from({ length: 12 }, (_, i) => notification(userId, i));
    await Promise.all(batch.map((n) => store.createPending([n])));
    expect(await store.createPending(batch.slice(0, 4))).toBe(0);

    const { ids } = await listAll(userId, 4);
    expect(ids.sort()).toEqual(batch.map((n) => n._id).sort());
  });

  it('goes on from a cursor made before inbox pages (a position, no page)', async () => {
    const userId = uniqueName('user');
    for (let i = 0; i < 7; i++) await store.createPending([notification(userId, i)]);
    const after = { at: new Date(START + 4_000), id: `${userId}-n4-email` };

    expect((await listAll(userId, 2, {}, { after })).ids).toEqual(
      [3, 2, 1, 0].map((i) => `${userId}-n${i}-email`),
    );
  });

  it('gives notifications written before inbox pages a page at start, oldest first', async () => {
    const userId = uniqueName('user');
    await store.createPending([notification(userId, 10)]);
    const legacy = Array.from({ length: 5 }, (_, i) => notification(userId, i)).map((n) => ({
      ...n,
      status: 'delivered',
      attempts: 1,
      lastError: null,
      deliveredAt: n.createdAt,
      readAt: null,
    }));
    await connection.collection<{ _id: string }>('notifications').insertMany(legacy);
    expect((await listAll(userId, 10)).ids).toEqual([`${userId}-n10-email`]);

    const restarted = new NotificationStore(connection, { pageSize: 3, pagesPerRead: 2 });
    await restarted.onModuleInit();
    expect(await restarted.legacyPagesAssigned).toBe(5);
    store = restarted;
    const { ids } = await listAll(userId, 10);
    expect(ids.sort()).toEqual([...legacy.map((n) => n._id), `${userId}-n10-email`].sort());
    const pages = await connection
      .collection<{ _id: string; inboxPage?: string }>('notifications')
      .find({ userId }, { sort: { createdAt: 1 } })
      .toArray();
    expect(pages.map((n) => n.inboxPage)).toEqual([
      `${userId}:0`, // n0..n4 came after n10 (count 1), so they follow it
      `${userId}:0`,
      `${userId}:1`,
      `${userId}:1`,
      `${userId}:1`,
      `${userId}:0`,
    ]);
  });

  it('pages a long history from before inbox pages without holding up the store', async () => {
    const userId = uniqueName('user');
    const legacy = Array.from({ length: 120 }, (_, i) => ({
      ...notification(userId, i),
      status: 'delivered',
      attempts: 1,
      lastError: null,
      deliveredAt: null,
      readAt: null,
    }));
    await connection.collection<{ _id: string }>('notifications').insertMany(legacy);

    const restarted = new NotificationStore(connection, { pageSize: 3, pagesPerRead: 2 });
    await restarted.onModuleInit();
    expect(await restarted.legacyPagesAssigned).toBe(120);
    expect((await restarted.inbox(userId, {}, 5)).items.map((n) => n._id)).toEqual(
      [119, 118, 117, 116, 115].map((i) => `${userId}-n${i}-email`),
    );
    await restarted.onModuleDestroy();
  });

  // FerretDB pushes only equality filters down to PostgreSQL: the page key is one, and its GIN
  // index (tools/infra/ferretdb/gin-indexes.sql) serves it, so a page costs the same at any history.
  it("reads a page from an index, not from the user's whole history", async () => {
    const userId = uniqueName('user');
    await store.createPending(Array.from({ length: 300 }, (_, i) => notification(userId, i)));
    const plan = JSON.stringify(
      await connection
        .model('Notification')
        .find({ inboxPage: `${userId}:0`, userId })
        .sort({ createdAt: -1, _id: -1 })
        .explain(),
    );
    // FerretDB reports PostgreSQL's plan, MongoDB its own stages: either way, by the page key.
    expect(plan).toMatch(/"Index Cond":"[^"]*'inboxPage'|"indexName":"inboxPage_/);
    expect(plan).not.toMatch(/Seq Scan|COLLSCAN/);
  });
});
