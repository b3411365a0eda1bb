/** Failures counted in one fixed window, and how long until that window ends. */
export interface WindowCount {
  count: number;
  /** Milliseconds until the counter expires; <= 0 when it has none (no failures yet). */
  ttlMs: number;
}

export type ThrottleDecision = { blocked: false } | { blocked: true; retryAfterSeconds: number };

/**
 * Whether a login may be attempted, given the failures of the account and of the client IP.
 * Blocked while either reached its limit; the caller waits for the later window to end, since
 * both must clear before an attempt is allowed. Never less than one second.
 */
export function decideThrottle(
  account: WindowCount,
  ip: WindowCount,
  limits: { perAccount: number; perIp: number },
): ThrottleDecision {
  const waits = [
    account.count >= limits.perAccount ? account.ttlMs : undefined,
    ip.count >= limits.perIp ? ip.ttlMs : undefined,
  ].filter((ms): ms is number => ms !== undefined);
  if (waits.length === 0) return { blocked: false };
  return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil(Math.max(...waits) / 1000)) };
}
