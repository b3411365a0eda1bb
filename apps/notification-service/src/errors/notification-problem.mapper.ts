import { isMongoUnavailable } from '@platform/mongo';
import { problemMapper } from '@platform/service-edge';
import { InvalidRequest, NotificationApiError, NotificationNotFound } from './notification.errors';

/** The one mapping of notification-service's errors to RFC 9457 problems (ObservabilityOptions.mapError). */
export const mapNotificationError = problemMapper({
  unavailable: [{ when: isMongoUnavailable, store: 'the notification store' }],
  errors: [
    [InvalidRequest, 400, 'Invalid request'],
    [NotificationNotFound, 404, 'Not found'],
    [NotificationApiError, 500, 'Internal error'],
  ],
});
