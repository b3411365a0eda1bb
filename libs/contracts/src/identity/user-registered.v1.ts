import { z } from 'zod';
import { entityIdSchema, instantSchema } from '../common-fields';
import { defineEvent } from '../event-definition';

/** A new account exists; the welcome notification and the user count in analytics start here. */
export const userRegisteredV1 = defineEvent({
  type: 'UserRegistered',
  version: 1,
  payload: z.object({
    userId: entityIdSchema,
    email: z.email(),
    displayName: z.string().min(1).max(100).optional(),
    registeredAt: instantSchema,
  }),
});

/** Payload of UserRegistered v1. */
export type UserRegisteredV1 = z.infer<typeof userRegisteredV1.payload>;
