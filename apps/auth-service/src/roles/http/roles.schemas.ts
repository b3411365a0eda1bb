import { ROLES } from '@platform/identity';
import { z } from 'zod';

/** PUT /users/:id/roles: the user's whole set of roles (an empty set suspends the account's access). */
export const setRolesBodySchema = z.strictObject({
  roles: z
    .array(z.enum(ROLES))
    .max(ROLES.length)
    .refine((roles) => new Set(roles).size === roles.length, 'must not repeat a role'),
});

export type SetRolesBody = z.infer<typeof setRolesBodySchema>;

/** A user id in a path: the ids are UUIDs, so anything else names nobody (404, not a 500 from Postgres). */
export const userIdSchema = z.uuid();
