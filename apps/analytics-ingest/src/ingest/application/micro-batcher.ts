/** When a batch is written: at `maxRows`, or `maxWaitMs` after its first row, whichever comes first. */
export interface MicroBatcherOptions<R> {
  maxRows: number;
  maxWaitMs: number;
  /** Writes one batch; resolves once the store acknowledged it. */
  write: (rows: R[]) => Promise<void>;
  /** Told the size and duration of every write that succeeded or failed. */
  observe?: (rows: number, seconds: number, ok: boolean) => void;
}

interface Pending<R> {
  row: R;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Collects rows from many concurrent callers and writes them in batches. `add` resolves only
 * when the batch holding the row is acknowledged (and rejects when its write failed), so a
 * consumer that commits an offset after `add` resolves never commits a row the store does not
 * have. Batches are written one at a time, in order.
 */
export class MicroBatcher<R> {
  private buffer: Pending<R>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: MicroBatcherOptions<R>) {}

  add(row: R): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.buffer.push({ row, resolve, reject });
      // `void`: the flush never rejects, write() settles each row's own promise with the outcome.
      if (this.buffer.length >= this.options.maxRows) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), this.options.maxWaitMs);
    });
  }

  /** Writes what is buffered now; resolves when every batch started so far is done. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length > 0) {
      this.writing = this.writing.then(() => this.write(batch));
    }
    return this.writing;
  }

  get buffered(): number {
    return this.buffer.length;
  }

  private async write(batch: Pending<R>[]): Promise<void> {
    const started = performance.now();
    try {
      await this.options.write(batch.map((p) => p.row));
      this.options.observe?.(batch.length, (performance.now() - started) / 1000, true);
      for (const p of batch) p.resolve();
    } catch (error) {
      this.options.observe?.(batch.length, (performance.now() - started) / 1000, false);
      for (const p of batch) p.reject(error);
    }
  }
}
