import { z } from 'zod';
import { entityIdSchema } from '../common-fields';
import { defineEvent } from '../event-definition';

/** The user ended one session; other sessions of the same user stay valid. */
export const userLoggedOutV1 = defineEvent({
  type: 'UserLoggedOut',
  version: 1,
  payload: z.object({
    userId: entityIdSchema,
    familyId: entityIdSchema,
  }),
});

/** Payload of UserLoggedOut v1. */
export type UserLoggedOutV1 = z.infer<typeof userLoggedOutV1.payload>;
