import { z } from 'zod';

const email = z.email().max(254);

/**
 * The bodies of auth-service's public endpoints as the gateway documents them. auth-service
 * validates them; these only describe them (kept loose where the service may add fields), with
 * its bounds: `npm run fuzz:http` found a documented 8-character password refused with a 400.
 */
export const authBodies = {
  '/auth/register': z.object({ email, password: z.string().min(12).max(128) }),
  '/auth/login': z.object({ email, password: z.string().min(1).max(128) }),
  '/auth/refresh': z.object({ refreshToken: z.string().min(1).max(256) }),
  '/auth/logout': z.object({ refreshToken: z.string().min(1) }).partial(),
} as const;

/** What login and refresh answer. */
export const tokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('seconds until the access token expires'),
});
