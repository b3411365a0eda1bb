import { z } from 'zod';
import { entityIdSchema } from '../common-fields';
import { defineEvent } from '../event-definition';

/**
 * A job for the notification workers: deliver one rendered template to one user. The id of the
 * event that caused it makes delivery idempotent: one source event, one notification.
 */
export const notificationRequestedV1 = defineEvent({
  type: 'NotificationRequested',
  version: 1,
  payload: z.object({
    notificationId: entityIdSchema,
    userId: entityIdSchema,
    channel: z.enum(['email', 'webhook']),
    /** Template name in kebab case, e.g. `order-confirmed`. */
    template: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'must be a kebab-case template name'),
    /** Values the template renders; their shape is the template's contract, not the topic's. */
    data: z.record(z.string(), z.unknown()),
    sourceEventId: z.string().min(1).max(64),
  }),
});

/** Payload of NotificationRequested v1. */
export type NotificationRequestedV1 = z.infer<typeof notificationRequestedV1.payload>;
