import { IdentityHeaderError } from '@platform/identity';
import { dependencyUnavailable, type Problem } from '@platform/observability';
import { isClickHouseUnavailable } from '../clickhouse/clickhouse-unavailable';

/** An error of the analytics API, with a stable code. */
export abstract class AnalyticsError extends Error {
  abstract readonly code: string;
}

export class AdminOnly extends AnalyticsError {
  override readonly name = 'AdminOnly';
  readonly code = 'ANALYTICS.ADMIN_ONLY';
  constructor() {
    super('the analytics API is for the admin role');
  }
}

export class InvalidAnalyticsQuery extends AnalyticsError {
  override readonly name = 'InvalidAnalyticsQuery';
  readonly code = 'ANALYTICS.INVALID_QUERY';
  constructor(readonly errors: { path: string; message: string }[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  }
}

/** The one mapping of analytics-ingest's errors to RFC 9457 problems. */
export function mapAnalyticsError(error: unknown): Problem | undefined {
  if (error instanceof IdentityHeaderError) {
    return { status: 401, title: 'Unauthenticated', code: error.code, detail: error.message };
  }
  if (error instanceof InvalidAnalyticsQuery) {
    return {
      status: 400,
      title: 'Invalid query parameters',
      code: error.code,
      detail: error.message,
      errors: error.errors,
    };
  }
  if (error instanceof AdminOnly)
    return { status: 403, title: 'Forbidden', code: error.code, detail: error.message };
  // A query while ClickHouse is away: 503 with Retry-After, not a 500 (ingest waits it out too).
  if (isClickHouseUnavailable(error)) return dependencyUnavailable('ClickHouse');
  return undefined;
}
