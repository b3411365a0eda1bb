import { text } from '@platform/contracts';
import { z } from 'zod';
import { emailField } from '../domain/email';
import { passwordField } from '../domain/password';

/**
 * POST /auth/register. Passwords: 12-128 code points, anything else is the user's choice (NIST
 * 800-63B). The display name is shown to others: no controls (PostgreSQL cannot store NUL) and no
 * bidirectional overrides, 1-100 code points after trimming.
 */
export const registerBodySchema = z.strictObject({
  email: emailField,
  password: passwordField(12),
  displayName: text({ max: 100 }).optional(),
});

export type RegisterBody = z.infer<typeof registerBodySchema>;

/** What registration answers, whether the email was new or known: nothing to tell them apart. */
export const REGISTRATION_ACCEPTED = {
  status: 'accepted',
  detail: 'If this address can be registered, the account is created; an email to it says what happened.',
} as const;

export type RegistrationAccepted = typeof REGISTRATION_ACCEPTED;
