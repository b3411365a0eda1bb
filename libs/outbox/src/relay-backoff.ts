/** Delay before retry `attempt` (1-based) of a failed publish: doubling, capped, with ±20 % jitter. */
export function relayBackoffMs(
  attempt: number,
  { initialMs, maxMs }: { initialMs: number; maxMs: number },
  random: () => number = Math.random,
): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  // Jitter spreads the retries of several relays that failed on the same broker outage.
  return Math.round(base * (0.8 + 0.4 * random()));
}
