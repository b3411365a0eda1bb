import { Schema, type Connection, type Model } from 'mongoose';

export type Channel = 'email' | 'webhook';
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One notification: one source event, one user, one channel. */
export interface NotificationDoc {
  /** Derived from (sourceEventId, channel): the same event always makes the same id. */
  _id: string;
  userId: string;
  /**
   * `<userId>:<n>`: the inbox page the notification is listed on, counted per user in creation
   * order ({@link InboxHeadDoc}). An equality key, so FerretDB can push a page's query down to
   * PostgreSQL; absent on notifications written before pages, until the store assigns one at start.
   */
  inboxPage?: string;
  channel: Channel;
  template: string;
  data: Record<string, unknown>;
  title: string;
  body: string;
  sourceEventId: string;
  sourceEventType: string;
  correlationId: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  readAt: Date | null;
}

/** Who a user is, as far as notifications care (from UserRegistered). */
export interface RecipientDoc {
  _id: string;
  email: string;
  displayName: string | null;
}

/** Which user an order belongs to (from OrderPlaced): later order events carry only the order id. */
export interface OrderOwnerDoc {
  _id: string;
  userId: string;
}

/** How many notifications a user has had: where their inbox's newest page is. */
export interface InboxHeadDoc {
  /** The user id. */
  _id: string;
  count: number;
}

const notificationSchema = new Schema<NotificationDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    inboxPage: { type: String },
    channel: { type: String, required: true, enum: ['email', 'webhook'] },
    template: { type: String, required: true },
    data: { type: Schema.Types.Mixed, default: {} },
    title: { type: String, required: true },
    body: { type: String, required: true },
    sourceEventId: { type: String, required: true },
    sourceEventType: { type: String, required: true },
    correlationId: { type: String, required: true },
    status: { type: String, required: true, enum: ['pending', 'delivered', 'failed'] },
    attempts: { type: Number, required: true },
    lastError: { type: String, default: null },
    createdAt: { type: Date, required: true },
    deliveredAt: { type: Date, default: null },
    readAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'notifications', minimize: false },
);
// Exactly-once effect: a redelivered event finds its notification instead of making another.
notificationSchema.index({ sourceEventId: 1, channel: 1 }, { unique: true });
// The inbox: a page of a user's notifications, newest first.
notificationSchema.index({ inboxPage: 1, createdAt: -1, _id: -1 });
// A user's notifications (mark all read), newest first.
notificationSchema.index({ userId: 1, createdAt: -1, _id: -1 });

const recipientSchema = new Schema<RecipientDoc>(
  {
    _id: { type: String, required: true },
    email: { type: String, required: true },
    displayName: { type: String, default: null },
  },
  { versionKey: false, collection: 'recipients' },
);

const orderOwnerSchema = new Schema<OrderOwnerDoc>(
  { _id: { type: String, required: true }, userId: { type: String, required: true } },
  { versionKey: false, collection: 'order_owners' },
);

const inboxHeadSchema = new Schema<InboxHeadDoc>(
  { _id: { type: String, required: true }, count: { type: Number, required: true } },
  { versionKey: false, collection: 'inbox_heads' },
);

const modelOn = <T>(connection: Connection, name: string, schema: Schema<T>): Model<T> =>
  (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);

/** The app's models on `connection`; call `init()` on each to build its indexes. */
export function notificationModels(connection: Connection) {
  return {
    notifications: modelOn(connection, 'Notification', notificationSchema),
    recipients: modelOn(connection, 'Recipient', recipientSchema),
    orderOwners: modelOn(connection, 'OrderOwner', orderOwnerSchema),
    inboxHeads: modelOn(connection, 'InboxHead', inboxHeadSchema),
  };
}
