import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { MONGO_CONNECTION } from '@platform/mongo';
import type { Connection, mongo, QueryFilter } from 'mongoose';
import type { InboxPosition } from './inbox-cursor';
import {
  notificationModels,
  type Channel,
  type InboxHeadDoc,
  type NotificationDoc,
  type RecipientDoc,
} from './notification.model';

/** A notification about to be created: everything but its delivery state and inbox page. */
export type NewNotification = Omit<
  NotificationDoc,
  'status' | 'attempts' | 'lastError' | 'deliveredAt' | 'readAt' | 'inboxPage'
>;

/** How the inbox is cut into pages; the defaults unless a test provides {@link INBOX_OPTIONS}. */
export interface InboxOptions {
  /** Notifications per page of a user's inbox (every page but the newest is full). */
  pageSize: number;
  /** At most this many pages are read for one request: a filtered listing may come short. */
  pagesPerRead: number;
}

export const INBOX_OPTIONS = Symbol('INBOX_OPTIONS');
const DEFAULT_INBOX: InboxOptions = { pageSize: 50, pagesPerRead: 4 };

const pageKey = (userId: string, page: number) => `${userId}:${page}`;

/**
 * Updates per command when pages are assigned. FerretDB v1 keeps the query of every statement of
 * an `update` command open, each on a PostgreSQL connection of its pool of 50, until the command
 * ends: one bulk write of 50 updates took all of them and hung FerretDB for every client.
 */
const UPDATES_PER_COMMAND = 16;

/** Filters of a user's inbox. */
export interface InboxFilter {
  unread?: boolean;
  channel?: Channel;
}

const DUPLICATE_KEY = 11000;

const isDuplicateKeyOnly = (error: unknown): boolean => {
  const e = error as { code?: number; writeErrors?: { code?: number }[] };
  if (e.code === DUPLICATE_KEY) return true;
  return Array.isArray(e.writeErrors) && e.writeErrors.every((w) => w.code === DUPLICATE_KEY);
};

/**
 * The app's MongoDB collections: notifications (unique per source event and channel), the
 * recipients and order owners the event handlers learn, and the inbox queries.
 */
@Injectable()
export class NotificationStore implements OnModuleInit, OnModuleDestroy {
  private readonly models: ReturnType<typeof notificationModels>;

  private readonly logger = new Logger(NotificationStore.name);
  private readonly inboxOptions: InboxOptions;
  private stopping = false;
  /** Settles with how many notifications from before inbox pages got one (started at init). */
  legacyPagesAssigned: Promise<number> = Promise.resolve(0);

  constructor(
    @Inject(MONGO_CONNECTION) connection: Connection,
    @Optional() @Inject(INBOX_OPTIONS) inboxOptions?: InboxOptions,
  ) {
    this.models = notificationModels(connection);
    this.inboxOptions = inboxOptions ?? DEFAULT_INBOX;
  }

  async onModuleInit(): Promise<void> {
    await Promise.all(Object.values(this.models).map((model) => model.init()));
    // In the background: until it is done, older notifications are missing from their inboxes,
    // which is better than an app that is not ready for minutes on a large collection.
    this.legacyPagesAssigned = this.assignInboxPages().then(
      (assigned) => {
        if (assigned > 0) this.logger.log(`listed ${assigned} notifications from before inbox pages`);
        return assigned;
      },
      (error: unknown) => {
        this.logger.error(`could not list notifications from before inbox pages: ${String(error)}`);
        return 0;
      },
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.legacyPagesAssigned;
  }

  /**
   * Creates the notifications that do not exist yet; an existing one (same source event and
   * channel, so the same derived id: a redelivery) is left as it is. Returns how many were new.
   * Plain inserts whose duplicates are refused by the unique `_id`, not upserts: an upsert is a
   * lookup and then a write, and on FerretDB each is a round trip to PostgreSQL.
   */
  async createPending(notifications: readonly NewNotification[]): Promise<number> {
    if (notifications.length === 0) return 0;
    const pages = await this.countIntoInboxes(notifications.map((n) => n.userId));
    return this.insertNew(
      this.models.notifications.collection,
      notifications.map((n, i) => ({
        ...n,
        inboxPage: pages[i],
        status: 'pending' as const,
        attempts: 0,
        lastError: null,
        deliveredAt: null,
        readAt: null,
      })),
    );
  }

  /** Inserts `docs`, skipping those whose `_id` (or other unique key) exists; how many were new. */
  private async insertNew(collection: mongo.Collection, docs: mongo.Document[]): Promise<number> {
    try {
      const result = await collection.insertMany(docs, { ordered: false });
      return result.insertedCount;
    } catch (error) {
      // A redelivery, or two deliveries racing: the unique index kept the first, which is the point.
      if (isDuplicateKeyOnly(error)) return (error as { insertedCount?: number }).insertedCount ?? 0;
      throw error;
    }
  }

  get(id: string): Promise<NotificationDoc | null> {
    return this.models.notifications.findById(id).lean<NotificationDoc>();
  }

  /** Delivered for good; a later duplicate job sees it and does nothing. */
  async markDelivered(id: string, attempts: number, at = new Date()): Promise<void> {
    await this.models.notifications.updateOne(
      { _id: id },
      { $set: { status: 'delivered', deliveredAt: at, attempts, lastError: null } },
    );
  }

  /** One failed attempt; `final` when no retry follows (the job goes to the DLQ). */
  async recordFailure(id: string, attempts: number, error: string, final: boolean): Promise<void> {
    await this.models.notifications.updateOne(
      { _id: id, status: { $ne: 'delivered' } },
      { $set: { attempts, lastError: error.slice(0, 1_000), ...(final ? { status: 'failed' } : {}) } },
    );
  }

  /**
   * One more notification for each of `userIds` (one entry per notification, in order): the inbox
   * page each is listed on. A redelivered event counts again and leaves its slot empty; on
   * FerretDB, whose `$inc` is not atomic, two notifications counted at once may share a number, so a
   * page may hold one more. Neither loses a notification: every one is on exactly one page.
   */
  private async countIntoInboxes(userIds: readonly string[]): Promise<string[]> {
    const added = new Map<string, number>();
    for (const userId of userIds) added.set(userId, (added.get(userId) ?? 0) + 1);
    const next = new Map<string, number>();
    await Promise.all(
      [...added].map(async ([userId, n]) => next.set(userId, (await this.countInto(userId, n)) - n)),
    );
    return userIds.map((userId) => {
      const number = next.get(userId) ?? 0;
      next.set(userId, number + 1);
      return pageKey(userId, Math.floor(number / this.inboxOptions.pageSize));
    });
  }

  /** Adds `n` to the user's count; the count after it. */
  private async countInto(userId: string, n: number): Promise<number> {
    const increment = () =>
      this.models.inboxHeads
        .findOneAndUpdate({ _id: userId }, { $inc: { count: n } }, { upsert: true, returnDocument: 'after' })
        .lean<InboxHeadDoc>();
    try {
      return (await increment())?.count ?? n;
    } catch (error) {
      // The user's first notifications, counted twice at once: both upserts inserted, one lost.
      if (!isDuplicateKeyOnly(error)) throw error;
      return (await increment())?.count ?? n;
    }
  }

  /**
   * Gives every notification without an inbox page (written before pages existed, or by an older
   * replica during a rolling deploy) one: each user's, oldest first, on the pages after theirs.
   * On MongoDB the inbox index finds them; on FerretDB this reads the collection once per start.
   * A user stopped half way (the app stopping) is counted again next time: slots stay empty.
   */
  private async assignInboxPages(): Promise<number> {
    const unpaged: QueryFilter<NotificationDoc> = { inboxPage: { $exists: false } };
    const userIds: string[] = await this.models.notifications.distinct('userId', unpaged);
    let assigned = 0;
    for (const userId of userIds) {
      if (this.stopping) break;
      const docs = await this.models.notifications
        .find({ ...unpaged, userId }, { _id: 1 })
        .sort({ createdAt: 1, _id: 1 })
        .lean<Pick<NotificationDoc, '_id'>[]>();
      if (docs.length === 0) continue;
      const pages = await this.countIntoInboxes(docs.map(() => userId));
      const updates = docs.map((doc, i) => ({
        updateOne: { filter: { _id: doc._id, ...unpaged }, update: { $set: { inboxPage: pages[i] } } },
      }));
      for (let start = 0; start < updates.length; start += UPDATES_PER_COMMAND) {
        await this.models.notifications.bulkWrite(updates.slice(start, start + UPDATES_PER_COMMAND), {
          ordered: false,
        });
      }
      assigned += docs.length;
    }
    return assigned;
  }

  /**
   * A page of the user's inbox from `from`: newest page first, newest first within a page, at most
   * `pagesPerRead` pages read, so every request costs a bounded number of small equality queries
   * (the only kind FerretDB pushes down to PostgreSQL; it sorts and limits in memory). A filtered
   * listing may come short of `limit` with a `next`: follow it until it is null.
   */
  async inbox(
    userId: string,
    filter: InboxFilter,
    limit: number,
    from: InboxPosition = {},
  ): Promise<{ items: NotificationDoc[]; next: InboxPosition | null }> {
    const head = await this.models.inboxHeads.findById(userId).lean<InboxHeadDoc>();
    if (!head || head.count <= 0) return { items: [], next: null };
    const newest = Math.floor((head.count - 1) / this.inboxOptions.pageSize);
    let page = Math.min(from.page ?? newest, newest);
    let after = from.after;
    const items: NotificationDoc[] = [];
    for (let read = 0; read < this.inboxOptions.pagesPerRead && page >= 0; read++) {
      const wanted = limit - items.length;
      const rows = await this.inboxPage(userId, page, filter, wanted + 1, after);
      items.push(...rows.slice(0, wanted));
      const last = items.at(-1);
      if (rows.length > wanted && last) {
        return { items, next: { page, after: { at: last.createdAt, id: last._id } } };
      }
      page -= 1;
      // A cursor from before pages keeps its position on every page; a paged one is done with it.
      if (from.page !== undefined) after = undefined;
      if (items.length === limit) break;
    }
    return { items, next: page >= 0 ? { page, ...(after ? { after } : {}) } : null };
  }

  private inboxPage(
    userId: string,
    page: number,
    filter: InboxFilter,
    limit: number,
    after?: InboxPosition['after'],
  ): Promise<NotificationDoc[]> {
    const query: QueryFilter<NotificationDoc> = { inboxPage: pageKey(userId, page), userId };
    if (filter.unread) query.readAt = null;
    if (filter.channel) query.channel = filter.channel;
    if (after) {
      query.$or = [{ createdAt: { $lt: after.at } }, { createdAt: after.at, _id: { $lt: after.id } }];
    }
    return this.models.notifications
      .find(query)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<NotificationDoc[]>();
  }

  /** The user's notification `id`, or null when there is none (or it is someone else's). */
  findOwn(userId: string, id: string): Promise<NotificationDoc | null> {
    return this.models.notifications.findOne({ _id: id, userId }).lean<NotificationDoc>();
  }

  /** Marks one of the user's notifications read (keeping the first read time) or unread. */
  setRead(userId: string, id: string, read: boolean, at = new Date()): Promise<NotificationDoc | null> {
    const filter = read ? { _id: id, userId, readAt: null } : { _id: id, userId };
    return this.models.notifications
      .findOneAndUpdate(filter, { $set: { readAt: read ? at : null } }, { returnDocument: 'after' })
      .lean<NotificationDoc>()
      .then(async (updated) => updated ?? this.findOwn(userId, id));
  }

  /** Marks every unread notification of the user read; returns how many changed. */
  async markAllRead(userId: string, at = new Date()): Promise<number> {
    const result = await this.models.notifications.updateMany(
      { userId, readAt: null },
      { $set: { readAt: at } },
    );
    return result.modifiedCount;
  }

  async saveRecipient(recipient: RecipientDoc): Promise<void> {
    const { _id, ...fields } = recipient;
    await this.models.recipients.updateOne({ _id }, { $set: fields }, { upsert: true });
  }

  recipient(userId: string): Promise<RecipientDoc | null> {
    return this.models.recipients.findById(userId).lean<RecipientDoc>();
  }

  /** An order's owner never changes: the first OrderPlaced seen wins, a redelivery is a no-op. */
  async saveOrderOwner(orderId: string, userId: string): Promise<void> {
    await this.insertNew(this.models.orderOwners.collection, [{ _id: orderId, userId }]);
  }

  async orderOwner(orderId: string): Promise<string | null> {
    const owner = await this.models.orderOwners.findById(orderId).lean();
    return owner?.userId ?? null;
  }
}
