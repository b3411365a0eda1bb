import { IdentityHeaderError } from '@platform/identity';
import { isMongoUnavailable } from '@platform/mongo';
import { dependencyUnavailable, type Problem } from '@platform/observability';
import { InvalidRequest, NotificationApiError, NotificationNotFound } from './notification.errors';

/** The one mapping of notification-service's errors to RFC 9457 problems (ObservabilityOptions.mapError). */
export function mapNotificationError(error: unknown): Problem | undefined {
  if (error instanceof IdentityHeaderError) {
    return { status: 401, title: 'Unauthenticated', code: error.code, detail: error.message };
  }
  if (isMongoUnavailable(error)) return dependencyUnavailable('the notification store');
  if (!(error instanceof NotificationApiError)) return undefined;
  if (error instanceof InvalidRequest) {
    return {
      status: 400,
      title: 'Invalid request',
      code: error.code,
      detail: error.message,
      errors: error.errors,
    };
  }
  if (error instanceof NotificationNotFound) {
    return { status: 404, title: 'Not found', code: error.code, detail: error.message };
  }
  return { status: 500, title: 'Internal error', code: error.code, detail: error.message };
}
