import { IdentityHeaderError } from '@platform/identity';
import { dependencyUnavailable, type Problem } from '@platform/observability';
import { isPostgresUnavailable } from '@platform/postgres';
import { AuthError, InvalidBody, TooManyAttempts } from './auth.errors';

/** The one mapping of auth-service's errors to RFC 9457 problems (ObservabilityOptions.mapError). */
export function mapAuthError(error: unknown): Problem | undefined {
  if (error instanceof IdentityHeaderError) {
    return { status: 401, title: 'Unauthenticated', code: error.code, detail: error.message };
  }
  if (isPostgresUnavailable(error)) return dependencyUnavailable('the identity store');
  if (!(error instanceof AuthError)) return undefined;
  const problem: Problem = {
    status: error.status,
    title: error.title,
    code: error.code,
    detail: error.message,
  };
  if (error instanceof InvalidBody) problem['errors'] = error.errors;
  if (error instanceof TooManyAttempts) problem['retryAfterSeconds'] = error.retryAfterSeconds;
  return problem;
}
