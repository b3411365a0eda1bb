/** Every error auth-service answers a client with: a stable code and the HTTP status it maps to. */
export abstract class AuthError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  abstract readonly title: string;
}

/** A request body that breaks its schema; `errors` names each field. */
export class InvalidBody extends AuthError {
  override readonly name = 'InvalidBody';
  readonly code = 'AUTH.INVALID_BODY';
  readonly status = 400;
  readonly title = 'Invalid request body';
  constructor(readonly errors: { path: string; message: string }[]) {
    super('the request body is invalid');
  }
}

/** The route is for admins; the caller's roles (from the gateway's identity) lack `admin`. */
export class AdminOnly extends AuthError {
  override readonly name = 'AdminOnly';
  readonly code = 'AUTH.ADMIN_ONLY';
  readonly status = 403;
  readonly title = 'Admin role required';
}

export class UserNotFound extends AuthError {
  override readonly name = 'UserNotFound';
  readonly code = 'AUTH.USER_NOT_FOUND';
  readonly status = 404;
  readonly title = 'No such user';
}

/** An admin tried to take its own admin role: refused so that the last admin cannot lock everyone out. */
export class OwnAdminRole extends AuthError {
  override readonly name = 'OwnAdminRole';
  readonly code = 'AUTH.OWN_ADMIN_ROLE';
  readonly status = 409;
  readonly title = 'An admin cannot remove its own admin role';
}

/** `bootstrap-admin` runs once: an admin exists, so further admins are granted through the API. */
export class AdminAlreadyExists extends AuthError {
  override readonly name = 'AdminAlreadyExists';
  readonly code = 'AUTH.ADMIN_EXISTS';
  readonly status = 409;
  readonly title = 'An admin exists already';
}

/** Unknown email or wrong password: deliberately the same error, so accounts cannot be probed. */
export class InvalidCredentials extends AuthError {
  override readonly name = 'InvalidCredentials';
  readonly code = 'AUTH.INVALID_CREDENTIALS';
  readonly status = 401;
  readonly title = 'Invalid credentials';
}

export class InvalidAccessToken extends AuthError {
  override readonly name = 'InvalidAccessToken';
  readonly code = 'AUTH.INVALID_ACCESS_TOKEN';
  readonly status = 401;
  readonly title = 'Missing, invalid, expired or revoked access token';
}

/** Unknown, expired or revoked refresh token. */
export class InvalidRefreshToken extends AuthError {
  override readonly name = 'InvalidRefreshToken';
  readonly code = 'AUTH.INVALID_REFRESH_TOKEN';
  readonly status = 401;
  readonly title = 'Invalid refresh token';
}

/** A rotated refresh token came back: someone holds a copy, so the whole family was revoked. */
export class RefreshTokenReused extends AuthError {
  override readonly name = 'RefreshTokenReused';
  readonly code = 'AUTH.REFRESH_REUSED';
  readonly status = 401;
  readonly title = 'Refresh token reused; session revoked';
}

export class TooManyAttempts extends AuthError {
  override readonly name = 'TooManyAttempts';
  readonly code = 'AUTH.TOO_MANY_ATTEMPTS';
  readonly status = 429;
  readonly title = 'Too many failed login attempts';
  constructor(readonly retryAfterSeconds: number) {
    super(`too many failed login attempts; retry in ${retryAfterSeconds} s`);
  }
}
