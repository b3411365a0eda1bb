interface Waiting<T> {
  items: readonly T[];
  resolve: (error: unknown) => void;
}

/**
 * Joins the batches that partitions submit within `maxWaitMs` into one call of at most
 * `maxRecords` items (a batch is never cut: one that would overflow the call waits for the next),
 * and gives every submitter the call's outcome: undefined, or the error it ended with. With
 * `maxWaitMs` 0 every batch is a call of its own, at once.
 *
 * A call's failure is every submitter's failure, so a submitter retries alone (see
 * BatchProcessor): one poison record never keeps failing its neighbours from other partitions.
 */
export class BatchCoalescer<T> {
  private waiting: Waiting<T>[] = [];
  private count = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly maxRecords: number,
    private readonly maxWaitMs: number,
    /** Makes one call; resolves to its error, or undefined. Never rejects. */
    private readonly call: (items: T[]) => Promise<unknown>,
  ) {}

  /** Resolves to the outcome of the call that carried `items`: undefined, or its error. */
  submit(items: readonly T[]): Promise<unknown> {
    if (this.waiting.length > 0 && this.count + items.length > this.maxRecords) this.flush();
    return new Promise<unknown>((resolve) => {
      this.waiting.push({ items, resolve });
      this.count += items.length;
      if (this.count >= this.maxRecords || this.maxWaitMs === 0) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs);
    });
  }

  /** Starts a call with everything waiting now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const waiting = this.waiting;
    if (waiting.length === 0) return;
    this.waiting = [];
    this.count = 0;
    const items =
      waiting.length === 1 ? [...(waiting[0] as Waiting<T>).items] : waiting.flatMap((w) => w.items);
    void this.call(items).then((error) => {
      for (const w of waiting) w.resolve(error);
    });
  }
}
