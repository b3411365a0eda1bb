/**
 * Bounds how many handlers run at once across all partitions, so that a burst of keys cannot
 * open more database connections than the pool has. FIFO, so no key starves.
 */
export class Semaphore {
  // A queue read from `head`: Array#shift copies the whole array once it is large, which with
  // thousands of waiters (a micro-batching consumer) made every release O(n).
  private waiters: (() => void)[] = [];
  private head = 0;
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

  /** Tasks waiting for a permit. */
  get waiting(): number {
    return this.waiters.length - this.head;
  }

  // A permit passes straight to the next waiter, so a freed slot can't be taken out of turn.
  private readonly release = (): void => {
    if (this.head < this.waiters.length) {
      const next = this.waiters[this.head] as () => void;
      this.head += 1;
      // Drop the consumed front now and then, so the array does not grow without end.
      if (this.head >= 1_024 && this.head * 2 >= this.waiters.length) {
        this.waiters = this.waiters.slice(this.head);
        this.head = 0;
      }
      next();
    } else {
      this.available += 1;
    }
  };
}
