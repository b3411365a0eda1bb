import { z } from 'zod';
import { emailField } from '../users/email';

/** POST /auth/login. The password is only bounded: its rules are checked at registration. */
export const loginBodySchema = z.strictObject({
  email: emailField,
  password: z.string().min(1).max(128),
});

/** POST /auth/refresh. */
export const refreshBodySchema = z.strictObject({
  refreshToken: z.string().min(1).max(256),
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
