import { z } from 'zod';
import { emailField } from '../../users/domain/email';
import { passwordField } from '../../users/domain/password';

/**
 * POST /auth/login. The password is only bounded (and must be encodable): its rules are checked
 * at registration, and older accounts may predate them.
 */
export const loginBodySchema = z.strictObject({
  email: emailField,
  password: passwordField(1),
});

/** POST /auth/refresh: a token as issued (32 random bytes, base64url). */
export const refreshBodySchema = z.strictObject({
  refreshToken: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a refresh token as issued (base64url)'),
});

export type LoginBody = z.infer<typeof loginBodySchema>;
export type RefreshBody = z.infer<typeof refreshBodySchema>;

/** Tokens handed to a client after login or refresh. */
export interface TokenPair {
  tokenType: 'Bearer';
  accessToken: string;
  /** Seconds. */
  expiresIn: number;
  refreshToken: string;
  /** Seconds. */
  refreshExpiresIn: number;
}
