import { z } from 'zod';
import { entityIdSchema, instantSchema } from '../common-fields';
import { defineEvent } from '../event-definition';

/**
 * An admin (or the one-time bootstrap command) set a user's roles. Access tokens issued before
 * `changedAt` are refused at the gateway from then on (revocation list), so the new roles apply
 * from the next login or refresh. Roles are plain strings here: adding a role to the system must
 * not make old consumers reject the event.
 */
export const userRolesChangedV1 = defineEvent({
  type: 'UserRolesChanged',
  version: 1,
  payload: z.object({
    userId: entityIdSchema,
    roles: z.array(z.string().min(1).max(32)).max(16),
    previousRoles: z.array(z.string().min(1).max(32)).max(16),
    /** The admin who changed them; absent when the bootstrap command granted the first admin. */
    changedBy: entityIdSchema.optional(),
    changedAt: instantSchema,
  }),
});

/** Payload of UserRolesChanged v1. */
export type UserRolesChangedV1 = z.infer<typeof userRolesChangedV1.payload>;
