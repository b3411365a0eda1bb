import type { ConsumedRecord } from '../client/kafka-client';
import type { BatchProcessor } from './batch-processor';
import { OffsetTracker } from './offset-tracker';
import { settledWithin, type CommitListener } from './partition-worker';

/**
 * Runs one assigned partition for batch handlers: the records fetched so far, in offset order,
 * up to the handlers' largest batch at a time, one batch after the other. A batch that waits for a
 * retry holds the whole partition (per-key order holds because order does); other partitions keep
 * flowing. The commit position moves over records as they are done, so a batch split after a
 * failure commits the halves that succeeded.
 */
export class BatchWorker {
  private readonly tracker = new OffsetTracker();
  private queue: ConsumedRecord[] = [];
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly processor: BatchProcessor,
    private readonly onCommittable: CommitListener,
  ) {}

  /** Records fetched and not yet done. */
  get inFlight(): number {
    return this.tracker.inFlight;
  }

  get commitPosition(): number {
    return this.tracker.commitPosition;
  }

  /** Queues a fetched batch, in offset order. */
  enqueue(messages: readonly ConsumedRecord[]): void {
    if (this.abort.signal.aborted) return;
    for (const message of messages) this.tracker.track(Number(message.offset));
    for (const message of messages) this.queue.push(message);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  /** Stops taking records and aborts waits; a handler call already running finishes. */
  stop(): void {
    this.abort.abort();
  }

  /** Resolves when the running batch has stopped, or after `timeoutMs`. */
  settled(timeoutMs: number): Promise<boolean> {
    return settledWithin(async () => {
      while (this.running) await this.running;
    }, timeoutMs);
  }

  private async drain(): Promise<void> {
    const { signal } = this.abort;
    const max = this.processor.maxRecords;
    while (this.queue.length > 0 && !signal.aborted) {
      const batch = this.queue.length <= max ? this.queue : this.queue.slice(0, max);
      this.queue = this.queue.length <= max ? [] : this.queue.slice(max);
      const outcome = await this.processor.process(this.topic, this.partition, batch, signal, (records) =>
        this.complete(records),
      );
      if (outcome === 'given-back') break;
    }
  }

  private complete(records: readonly ConsumedRecord[]): void {
    let position: number | undefined;
    for (const record of records) position = this.tracker.complete(Number(record.offset)) ?? position;
    if (position !== undefined && !this.abort.signal.aborted) this.onCommittable(this.tracker.commitPosition);
  }
}
