import type { HttpApiSpec } from '@platform/contracts';
import { ROLES } from '@platform/identity';
import { z } from 'zod';

const email = z.email().max(254);
const codePoints = 'length in Unicode code points; well-formed Unicode only (no lone UTF-16 surrogate)';
const displayName = z
  .string()
  .min(1)
  .max(100)
  .describe(`${codePoints}; no control or bidirectional-override characters`);

/**
 * The bodies of auth-service's public endpoints as the gateway documents them. auth-service
 * validates them; these only describe them (kept loose where the service may add fields), with
 * its bounds: `npm run fuzz:http` found a documented 8-character password refused with a 400.
 */
export const authBodies = {
  '/auth/register': z.object({
    email,
    password: z.string().min(12).max(128).describe(`${codePoints}; any other character is allowed`),
    displayName: displayName.optional(),
  }),
  '/auth/login': z.object({ email, password: z.string().min(1).max(128).describe(codePoints) }),
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

/**
 * What registration answers, for a new email and for a known one alike (202): nothing tells
 * them apart. The account of a new email can sign in at once; the owner of a known one gets an
 * email saying someone tried to register with it.
 */
export const registrationAcceptedSchema = z.object({
  status: z.literal('accepted'),
  detail: z.string(),
});

const user = z.object({
  id: z.uuid(),
  email,
  roles: z.array(z.enum(ROLES)),
  displayName: z.string().nullable(),
  createdAt: z.string(),
});

/** auth-service's admin API behind the gateway's `/users` route (admin role, checked by both). */
export const usersHttpApi: HttpApiSpec = {
  prefix: '/users',
  operations: [
    {
      method: 'GET',
      path: '/users/{id}',
      operationId: 'getUser',
      summary: 'One user, as an admin sees it',
      params: { id: 'user id (UUID)' },
      responses: {
        200: { description: 'the user', body: user },
        403: { description: 'AUTH.ADMIN_ONLY' },
        404: { description: 'AUTH.USER_NOT_FOUND' },
      },
    },
    {
      method: 'PUT',
      path: '/users/{id}/roles',
      operationId: 'setUserRoles',
      summary: "Set a user's roles",
      description:
        'Replaces the whole set. In force at the gateway within a second: the user’s tokens issued before are ' +
        'refused (401), the next login or refresh carries the new roles. An admin cannot remove its own admin role.',
      params: { id: 'user id (UUID)' },
      body: z.object({ roles: z.array(z.enum(ROLES)).max(ROLES.length).describe('each role at most once') }),
      responses: {
        200: { description: 'the user with its new roles', body: user },
        400: { description: 'AUTH.INVALID_BODY, with every invalid field in `errors`' },
        403: { description: 'AUTH.ADMIN_ONLY' },
        404: { description: 'AUTH.USER_NOT_FOUND' },
        409: { description: 'AUTH.OWN_ADMIN_ROLE: an admin cannot remove its own admin role' },
      },
    },
  ],
};
