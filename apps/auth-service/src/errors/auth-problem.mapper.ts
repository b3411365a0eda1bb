import { isPostgresUnavailable } from '@platform/postgres';
import { problemMapper } from '@platform/service-edge';
import { AuthError, TooManyAttempts } from './auth.errors';

/** The one mapping of auth-service's errors to RFC 9457 problems (ObservabilityOptions.mapError). */
export const mapAuthError = problemMapper({
  unavailable: [{ when: isPostgresUnavailable, store: 'the identity store' }],
  // Auth's errors carry their own status and title (auth.errors.ts).
  errors: [
    [
      TooManyAttempts,
      (error: TooManyAttempts) => ({
        status: error.status,
        title: error.title,
        retryAfterSeconds: error.retryAfterSeconds,
      }),
    ],
    [AuthError, (error: AuthError) => ({ status: error.status, title: error.title })],
  ],
});
