import { z } from 'zod';
import type { HttpApiSpec } from './http-api';

const booleanFlag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Query of the caller's inbox (notification-service validates with it). */
export const notificationsListQuerySchema = z.object({
  unread: booleanFlag.optional().describe('true: only notifications not read yet'),
  channel: z.enum(['email', 'webhook']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(400).optional().describe('nextCursor of the previous page'),
});
export type NotificationsListQuery = z.infer<typeof notificationsListQuerySchema>;

export const notificationReadBodySchema = z.object({
  read: z.boolean().describe('true marks the notification read (its first read time is kept), false unread'),
});
export type NotificationReadBody = z.infer<typeof notificationReadBodySchema>;

/** Notification ids are UUIDs (derived from the source event and the channel). */
export const notificationIdSchema = z.uuid();

const notification = z.object({
  id: z.string(),
  channel: z.enum(['email', 'webhook']),
  template: z.string(),
  title: z.string(),
  body: z.string(),
  sourceEventType: z.string(),
  delivery: z.object({
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.int(),
    deliveredAt: z.string().nullable(),
    lastError: z.string().nullable(),
  }),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

const ID = { id: 'notification id (UUID)' };

/** notification-service's inbox API, behind the gateway's `/notifications` route (any signed-in user). */
export const notificationsHttpApi: HttpApiSpec = {
  prefix: '/notifications',
  operations: [
    {
      method: 'GET',
      path: '/notifications',
      operationId: 'listNotifications',
      summary: "The caller's notifications, newest first",
      description:
        'One notification per source event and channel. Pass nextCursor back for the next page until it is null; ' +
        'a filtered page (unread, channel) may hold fewer than limit items, even none, and still have a nextCursor.',
      query: notificationsListQuerySchema,
      responses: {
        200: {
          description: 'a page',
          body: z.object({ items: z.array(notification), nextCursor: z.string().nullable() }),
        },
        400: { description: 'NOTIFICATIONS.INVALID_REQUEST, with every invalid parameter in `errors`' },
      },
    },
    {
      method: 'GET',
      path: '/notifications/{id}',
      operationId: 'getNotification',
      summary: 'One notification of the caller',
      params: ID,
      responses: {
        200: { description: 'the notification', body: notification },
        404: { description: "NOTIFICATIONS.NOT_FOUND: no such notification of the caller's" },
      },
    },
    {
      method: 'PATCH',
      path: '/notifications/{id}',
      operationId: 'markNotification',
      summary: 'Mark a notification read or unread',
      params: ID,
      body: notificationReadBodySchema,
      responses: {
        200: { description: 'the notification, updated', body: notification },
        400: { description: 'NOTIFICATIONS.INVALID_REQUEST' },
        404: { description: "NOTIFICATIONS.NOT_FOUND: no such notification of the caller's" },
      },
    },
    {
      method: 'POST',
      path: '/notifications/read-all',
      operationId: 'markAllNotificationsRead',
      summary: 'Mark every unread notification of the caller read',
      responses: {
        200: { description: 'how many changed', body: z.object({ updated: z.int() }) },
      },
    },
  ],
};
