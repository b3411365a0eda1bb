/** Tunables of one breaker; times in ms. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** Failure ratio over the last `window` outcomes that opens it (once `window` calls were seen). */
  failureRatio: number;
  window: number;
  /** How long an open circuit refuses before letting one probe through. */
  openMs: number;
  now?: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Per-upstream circuit breaker. closed: calls pass, outcomes are counted; open: calls are refused
 * at once (no upstream call) until `openMs` has passed; half-open: exactly one probe passes, its
 * success closes the circuit, its failure opens it again. Synchronous and allocation-free per call.
 */
export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private consecutiveFailures = 0;
  private openedAt = 0;
  private probeInFlight = false;
  // Outcomes of the last `window` calls as a ring (1 = failure), for the failure ratio.
  private readonly outcomes: Uint8Array;
  private cursor = 0;
  private seen = 0;
  private failuresInWindow = 0;
  private readonly now: () => number;

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly onStateChange: (state: CircuitState) => void = () => undefined,
  ) {
    this.outcomes = new Uint8Array(options.window);
    this.now = options.now ?? Date.now;
  }

  get current(): CircuitState {
    return this.state;
  }

  /**
   * Whether a call may go upstream now. In half-open it admits one probe; every admitted call
   * must be followed by exactly one `success()` or `failure()`.
   */
  tryAcquire(): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open') {
      if (this.now() - this.openedAt < this.options.openMs) return false;
      this.transition('half-open');
    }
    if (this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  /** Milliseconds until an open circuit lets a probe through (0 when not open). */
  retryAfterMs(): number {
    return this.state === 'open' ? Math.max(0, this.openedAt + this.options.openMs - this.now()) : 0;
  }

  success(): void {
    this.consecutiveFailures = 0;
    if (this.state === 'half-open') {
      this.probeInFlight = false;
      this.resetWindow();
      this.transition('closed');
      return;
    }
    this.record(0);
  }

  failure(): void {
    if (this.state === 'half-open') {
      this.probeInFlight = false;
      this.open();
      return;
    }
    this.consecutiveFailures += 1;
    this.record(1);
    const ratioExceeded =
      this.seen >= this.options.window &&
      this.failuresInWindow / this.options.window >= this.options.failureRatio;
    if (this.consecutiveFailures >= this.options.failureThreshold || ratioExceeded) this.open();
  }

  private record(outcome: 0 | 1): void {
    this.failuresInWindow += outcome - (this.outcomes[this.cursor] as number);
    this.outcomes[this.cursor] = outcome;
    this.cursor = (this.cursor + 1) % this.options.window;
    if (this.seen < this.options.window) this.seen += 1;
  }

  private resetWindow(): void {
    this.outcomes.fill(0);
    this.cursor = 0;
    this.seen = 0;
    this.failuresInWindow = 0;
  }

  private open(): void {
    this.openedAt = this.now();
    this.consecutiveFailures = 0;
    this.resetWindow();
    this.transition('open');
  }

  private transition(state: CircuitState): void {
    if (this.state === state) return;
    this.state = state;
    this.onStateChange(state);
  }
}
