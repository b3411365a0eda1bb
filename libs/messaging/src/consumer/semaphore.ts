/**
 * Bounds how many handlers run at once across all partitions, so that a burst of keys cannot
 * open more database connections than the pool has. FIFO, so no key starves.
 */
export class Semaphore {
  private readonly waiters: (() => void)[] = [];
  private available: number;

  constructor(permits: number) {
    this.available = permits;
  }

  /** Runs `task` when a permit is free, and frees it when the task settles. */
  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.available > 0) {
      this.available -= 1;
      return task().finally(this.release);
    }
    return new Promise<void>((resolve) => this.waiters.push(resolve)).then(() =>
      task().finally(this.release),
    );
  }

  // A permit passes straight to the next waiter, so a freed slot can't be taken out of turn.
  private readonly release = (): void => {
    const next = this.waiters.shift();
    if (next) next();
    else this.available += 1;
  };
}
