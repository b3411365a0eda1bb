import { z } from 'zod';

/**
 * The bodies of auth-service's public endpoints as the gateway documents them. auth-service
 * validates them; these only describe them (kept loose where the service may add fields).
 */
export const authBodies = {
  '/auth/register': z.object({ email: z.email(), password: z.string().min(8).max(256) }),
  '/auth/login': z.object({ email: z.email(), password: z.string().min(1).max(256) }),
  '/auth/refresh': z.object({ refreshToken: z.string().min(1) }),
  '/auth/logout': z.object({ refreshToken: z.string().min(1) }).partial(),
} as const;

/** What login and refresh answer. */
export const tokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('seconds until the access token expires'),
});
