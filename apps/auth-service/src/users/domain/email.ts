import { text } from '@platform/contracts';
import { z } from 'zod';

/** Emails are compared and stored trimmed and lowercase, so `A@x.io ` and `a@x.io` are one account. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * An email as a body field: well-formed text without controls first (so a lone surrogate or a
 * 100 kB value is refused by name, cheaply), then normalised and checked; at most 254 characters
 * (RFC 5321).
 */
export const emailField = text({ max: 320 }).transform(normaliseEmail).pipe(z.email().max(254));
