import { causeChain } from '@platform/service-edge';

/** Socket errors that say ClickHouse cannot be reached right now, whatever the query was. */
const OUTAGE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Whether `error` (or its cause) means ClickHouse is unreachable rather than that the query was
 * wrong: a refused or dropped connection, or the client's own request timeout (`Timeout error.`,
 * a server that accepts but does not answer). A query error of ClickHouse itself (a
 * `ClickHouseError` with a server code) is not one: that is a bug to see as a 500.
 */
export function isClickHouseUnavailable(error: unknown): boolean {
  return causeChain(error).some((e) => {
    const { code, message } = e as { code?: unknown; message?: unknown };
    return (
      (typeof code === 'string' && OUTAGE_CODES.has(code)) ||
      message === 'Timeout error.' ||
      message === 'socket hang up'
    );
  });
}
