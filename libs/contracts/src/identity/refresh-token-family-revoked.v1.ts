import { z } from 'zod';
import { entityIdSchema } from '../common-fields';
import { defineEvent } from '../event-definition';

/**
 * Every refresh token of one family stopped working. `reuse-detected` is the security case: a
 * rotated token came back, so someone holds a stolen copy. Adding a reason is a new version,
 * because a consumer on the old schema would reject the new value.
 */
export const refreshTokenFamilyRevokedV1 = defineEvent({
  type: 'RefreshTokenFamilyRevoked',
  version: 1,
  payload: z.object({
    userId: entityIdSchema,
    familyId: entityIdSchema,
    reason: z.enum(['reuse-detected', 'logout', 'logout-all', 'password-changed', 'admin-action']),
  }),
});

/** Payload of RefreshTokenFamilyRevoked v1. */
export type RefreshTokenFamilyRevokedV1 = z.infer<typeof refreshTokenFamilyRevokedV1.payload>;
