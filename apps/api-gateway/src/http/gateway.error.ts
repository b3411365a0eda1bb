import { problemMapper } from '@platform/service-edge';

/** Stable codes of the gateway's own refusals (clients and dashboards rely on them). */
export type GatewayErrorCode =
  | 'GATEWAY.UNAUTHENTICATED'
  | 'GATEWAY.FORBIDDEN'
  | 'GATEWAY.RATE_LIMITED'
  | 'GATEWAY.BODY_TOO_LARGE'
  | 'GATEWAY.BAD_PATH'
  | 'GATEWAY.METHOD_NOT_ALLOWED'
  | 'GATEWAY.UPSTREAM_UNREACHABLE'
  | 'GATEWAY.UPSTREAM_TIMEOUT'
  | 'GATEWAY.UPSTREAM_FAILED'
  | 'GATEWAY.CIRCUIT_OPEN'
  | 'GATEWAY.OVERLOADED'
  | 'GATEWAY.AUTH_UNAVAILABLE';

/**
 * A request the gateway answers itself. Headers (`Retry-After`, `WWW-Authenticate`) are set on
 * the response before throwing; the observability filter writes the problem body.
 */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';

  constructor(
    readonly status: number,
    readonly code: GatewayErrorCode,
    readonly title: string,
    detail: string,
    /** Whether the same request may succeed later (Redis back, circuit closed). */
    readonly retriable = false,
  ) {
    super(detail);
  }
}

/** ObservabilityOptions.mapError of the gateway: its refusals carry their own status and title. */
export const gatewayProblemOf = problemMapper({
  errors: [[GatewayError, (error: GatewayError) => ({ status: error.status, title: error.title })]],
});
