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

export class EmailTaken extends AuthError {
  override readonly name = 'EmailTaken';
  readonly code = 'AUTH.EMAIL_TAKEN';
  readonly status = 409;
  readonly title = 'Email already registered';
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
