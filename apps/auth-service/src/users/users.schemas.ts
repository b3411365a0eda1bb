import { z } from 'zod';
import { emailField } from './email';

/** POST /auth/register. Passwords: 12-128 characters, anything else is the user's choice (NIST 800-63B). */
export const registerBodySchema = z.strictObject({
  email: emailField,
  password: z.string().min(12).max(128),
  // PostgreSQL text cannot hold NUL: refused here (400), not by the insert (a 500 found by fuzzing).
  displayName: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL (U+0000)')
    .optional(),
});

export type RegisterBody = z.infer<typeof registerBodySchema>;
