import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { MONGO_CONNECTION, type ListPosition } from '@platform/mongo';
import type { Connection, mongo, QueryFilter } from 'mongoose';
import {
  notificationModels,
  type Channel,
  type NotificationDoc,
  type RecipientDoc,
} from './notification.model';

/** A notification about to be created: everything but its delivery state. */
export type NewNotification = Omit<
  NotificationDoc,
  'status' | 'attempts' | 'lastError' | 'deliveredAt' | 'readAt'
>;

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
export class NotificationStore implements OnModuleInit {
  private readonly models: ReturnType<typeof notificationModels>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.models = notificationModels(connection);
  }

  async onModuleInit(): Promise<void> {
    await Promise.all(Object.values(this.models).map((model) => model.init()));
  }

  /**
   * Creates the notifications that do not exist yet; an existing one (same source event and
   * channel, so the same derived id: a redelivery) is left as it is. Returns how many were new.
   * Plain inserts whose duplicates are refused by the unique `_id`, not upserts: an upsert is a
   * lookup and then a write, and on FerretDB each is a round trip to PostgreSQL.
   */
  async createPending(notifications: readonly NewNotification[]): Promise<number> {
    if (notifications.length === 0) return 0;
    return this.insertNew(
      this.models.notifications.collection,
      notifications.map((n) => ({
        ...n,
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

  /** The user's notifications, newest first, `limit` per page after `after`. */
  async inbox(
    userId: string,
    filter: InboxFilter,
    limit: number,
    after?: ListPosition,
  ): Promise<{ items: NotificationDoc[]; next: ListPosition | null }> {
    const query: QueryFilter<NotificationDoc> = { userId };
    if (filter.unread) query.readAt = null;
    if (filter.channel) query.channel = filter.channel;
    if (after) {
      query.$or = [{ createdAt: { $lt: after.at } }, { createdAt: after.at, _id: { $lt: after.id } }];
    }
    const rows = await this.models.notifications
      .find(query)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean<NotificationDoc[]>();
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items, next: rows.length > limit && last ? { at: last.createdAt, id: last._id } : null };
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
