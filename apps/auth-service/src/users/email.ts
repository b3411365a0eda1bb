import { z } from 'zod';

/** Emails are compared and stored trimmed and lowercase, so `A@x.io ` and `a@x.io` are one account. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** An email as a body field: normalised first, then checked; at most 254 characters (RFC 5321). */
export const emailField = z.string().max(320).transform(normaliseEmail).pipe(z.email().max(254));
