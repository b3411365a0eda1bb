import { setTimeout as delay } from 'node:timers/promises';

/**
 * Spaces replays out to at most `perSecond`, across every request of this instance: replaying a
 * large group must not flood the consumers that failed on it the first time.
 */
export class ReplayRate {
  private nextFreeAt = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<unknown> = delay,
  ) {}

  /** Resolves when the next replay may go. */
  async take(): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.nextFreeAt);
    this.nextFreeAt = at + 1_000 / this.perSecond;
    if (at > now) await this.sleep(at - now);
  }
}
