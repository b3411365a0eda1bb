import { z } from 'zod';
import { entityIdSchema, instantSchema } from '../common-fields';
import { defineEvent } from '../event-definition';

/**
 * Someone tried to register with the address of an existing account. Registration answers the
 * same as for a new address (so it cannot be used to find accounts); the owner learns of the
 * attempt by email instead. Keyed by the existing user's id; nothing in the account changed.
 */
export const registrationAttemptedV1 = defineEvent({
  type: 'RegistrationAttempted',
  version: 1,
  payload: z.object({
    userId: entityIdSchema,
    attemptedAt: instantSchema,
  }),
});

/** Payload of RegistrationAttempted v1. */
export type RegistrationAttemptedV1 = z.infer<typeof registrationAttemptedV1.payload>;
