import { z } from 'zod';
import { entityIdSchema } from '../common-fields';
import { defineEvent } from '../event-definition';

/** A login opened a session, i.e. a new refresh-token family. */
export const userLoggedInV1 = defineEvent({
  type: 'UserLoggedIn',
  version: 1,
  payload: z.object({
    userId: entityIdSchema,
    /** The refresh-token family this login started; it names the session until revoked. */
    familyId: entityIdSchema,
    /** As the gateway saw it. Kept as text: proxies and IPv4-mapped IPv6 vary too much to parse. */
    ip: z.string().min(1).max(64).optional(),
    userAgent: z.string().max(1024).optional(),
  }),
});

/** Payload of UserLoggedIn v1. */
export type UserLoggedInV1 = z.infer<typeof userLoggedInV1.payload>;
