/** Throughput of a consumer: records counted, timed from the first to the `target`-th. */
import { setTimeout as delay } from 'node:timers/promises';

/** Counts records and times the span from the first to the `target`-th. */
export class RateClock {
  private count = 0;
  private first = 0;
  private last = 0;

  constructor(private readonly target: number) {}

  /** `n` more records handled. */
  tick(n: number): void {
    if (this.count === 0) this.first = performance.now();
    this.count += n;
    if (this.count >= this.target && this.last === 0) this.last = performance.now();
  }

  /** Resolves once `target` records were counted; throws after `timeoutMs`. */
  async reached(timeoutMs = 600_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.count < this.target) {
      if (Date.now() > deadline) throw new Error(`only ${this.count} of ${this.target} records arrived`);
      await delay(20);
    }
  }

  /** Records per second from the first to the `target`-th. */
  perSecond(): number {
    return this.count / ((this.last - this.first) / 1000);
  }
}
