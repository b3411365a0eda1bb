import { causeChain } from '@platform/service-edge';

/** Methods whose repetition has the effect of one call (RFC 9110 §9.2.2). */
const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Upstream answers that mean "not now" rather than "no": worth one more try elsewhere/later. */
export const RETRIABLE_STATUSES: ReadonlySet<number> = new Set([502, 503]);

// undici/Node codes of a request that never reached the upstream's application.
const CONNECT_ERRORS: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/**
 * Whether a request may be sent again. The gateway streams bodies, so a body once sent cannot be
 * replayed: only idempotent requests without a body are retried.
 */
export function mayRetry(method: string, hasBody: boolean): boolean {
  return !hasBody && IDEMPOTENT.has(method);
}

/** The upstream was not reached (refused, reset, unroutable): the call had no effect. */
export function isConnectError(error: unknown): boolean {
  return causeChain(error).some((e) => {
    const { code } = e as { code?: unknown };
    return typeof code === 'string' && CONNECT_ERRORS.has(code);
  });
}

/** Exponential backoff with full jitter: attempt 1 waits up to base, 2 up to 2×base, … */
export function backoffMs(attempt: number, baseMs: number, random = Math.random): number {
  return Math.round(random() * baseMs * 2 ** (attempt - 1));
}
