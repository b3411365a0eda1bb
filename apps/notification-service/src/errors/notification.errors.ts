/** An error of the inbox API, with a stable code; mapped to a problem in notification-problem.mapper. */
export abstract class NotificationApiError extends Error {
  abstract readonly code: string;
}

export class NotificationNotFound extends NotificationApiError {
  override readonly name = 'NotificationNotFound';
  readonly code = 'NOTIFICATIONS.NOT_FOUND';
  constructor(id: string) {
    super(`no notification ${id} of the caller's`);
  }
}

/** Bad query parameters or body, with the path and message of each problem. */
export class InvalidRequest extends NotificationApiError {
  override readonly name = 'InvalidRequest';
  readonly code = 'NOTIFICATIONS.INVALID_REQUEST';
  constructor(readonly errors: { path: string; message: string }[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  }
}
