/** Why a request was not authenticated; the label of `gateway_auth_failures_total`. */
export type AuthFailureReason =
  | 'missing'
  | 'malformed'
  | 'expired'
  | 'bad_signature'
  | 'alg_not_allowed'
  | 'unknown_kid'
  | 'invalid_claims'
  | 'revoked'
  | 'forbidden';

/** The caller's token is not acceptable: a 401 (or 403 for `forbidden`), never retried. */
export class AuthFailure extends Error {
  override readonly name = 'AuthFailure';

  constructor(readonly reason: AuthFailureReason) {
    super(
      reason === 'forbidden'
        ? 'the caller lacks the role this route requires'
        : `access token ${reason.replaceAll('_', ' ')}`,
    );
  }
}

/**
 * The token could not be checked (JWKS not fetchable, Redis down): a retriable 503. The gateway
 * fails closed here — letting an unchecked token through could admit a revoked session.
 */
export class AuthUnavailable extends Error {
  override readonly name = 'AuthUnavailable';
  readonly retriable = true;

  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what} unavailable, the token cannot be checked`, options);
  }
}

const JOSE_REASONS: Record<string, AuthFailureReason> = {
  ERR_JWT_EXPIRED: 'expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'bad_signature',
  ERR_JOSE_ALG_NOT_ALLOWED: 'alg_not_allowed',
  ERR_JOSE_NOT_SUPPORTED: 'alg_not_allowed',
  ERR_JWKS_NO_MATCHING_KEY: 'unknown_kid',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'unknown_kid',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'invalid_claims',
  ERR_JWS_INVALID: 'malformed',
  ERR_JWT_INVALID: 'malformed',
};

/** Sorts a jose error into a caller's fault (AuthFailure) or ours (AuthUnavailable). */
export function classifyJoseError(error: unknown): AuthFailure | AuthUnavailable {
  const code = (error as { code?: unknown })?.code;
  const reason = typeof code === 'string' ? JOSE_REASONS[code] : undefined;
  return reason ? new AuthFailure(reason) : new AuthUnavailable('signing keys', { cause: error });
}
