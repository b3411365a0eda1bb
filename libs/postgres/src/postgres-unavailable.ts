/**
 * SQLSTATEs that say the server cannot serve this connection now, whatever the statement was:
 * class 08 (connection exceptions), admin or crash shutdown, starting up, too many connections.
 */
const OUTAGE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Socket errors of a server that is not there (restarting, failing over). */
const OUTAGE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/**
 * Whether `error` (a pg error, or TypeORM's QueryFailedError around one, or either as a cause)
 * means PostgreSQL is unreachable rather than that the statement was wrong. HTTP edges answer
 * such failures with 503 (`dependencyUnavailable`), consumers wait them out.
 */
export function isPostgresUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0 && seen.size < 8) {
    const e = pending.shift() as { code?: unknown; driverError?: unknown; cause?: unknown } | null;
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const code = typeof e.code === 'string' ? e.code : '';
    if (code.startsWith('08') || OUTAGE_SQLSTATES.has(code) || OUTAGE_SOCKET_CODES.has(code)) return true;
    pending.push(e.driverError, e.cause);
  }
  return false;
}
