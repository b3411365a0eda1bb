import { problemMapper } from '@platform/service-edge';
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
export const mapAnalyticsError = problemMapper({
  // A query while ClickHouse is away: 503 with Retry-After, not a 500 (ingest waits it out too).
  unavailable: [{ when: isClickHouseUnavailable, store: 'ClickHouse' }],
  errors: [
    [InvalidAnalyticsQuery, 400, 'Invalid query parameters'],
    [AdminOnly, 403, 'Forbidden'],
  ],
});
