import type { ConsumedRecord } from '../client/kafka-client';
import type { MessageProcessor } from './message-processor';
import { OffsetTracker } from './offset-tracker';

/** Called when the commit position of the partition moved. */
export type CommitListener = (position: number) => void;

/**
 * Runs one assigned partition: one FIFO queue per key, keys in parallel. A record waiting for a
 * retry holds only its own key; other keys of the partition keep flowing. The commit position
 * only moves over records that are done, whatever order they finish in.
 */
export class PartitionWorker {
  private readonly tracker = new OffsetTracker();
  private readonly queues = new Map<string, ConsumedRecord[]>();
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly processor: MessageProcessor,
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
    for (const message of messages) {
      this.tracker.track(Number(message.offset));
      // Records without a key have no order to keep: each gets a queue of its own.
      const key = message.key === null ? `\u0000${message.offset}` : message.key.toString('latin1');
      const queue = this.queues.get(key);
      if (queue) {
        queue.push(message);
        continue;
      }
      this.queues.set(key, [message]);
      const run: Promise<void> = this.drain(key).finally(() => this.running.delete(run));
      this.running.add(run);
    }
  }

  /**
   * Stops taking records and aborts waits (backoffs, a DLQ that is down); handlers already
   * running finish. Whatever is not done stays uncommitted and is redelivered to the next owner.
   */
  stop(): void {
    this.abort.abort();
  }

  /** Resolves when every running key queue has stopped, or after `timeoutMs`. */
  settled(timeoutMs: number): Promise<boolean> {
    return settledWithin(async () => {
      while (this.running.size > 0) await Promise.all([...this.running]);
    }, timeoutMs);
  }

  private async drain(key: string): Promise<void> {
    const queue = this.queues.get(key) as ConsumedRecord[];
    const { signal } = this.abort;
    while (queue.length > 0 && !signal.aborted) {
      const message = queue[0] as ConsumedRecord;
      const outcome = await this.processor.process(this.topic, this.partition, message, signal);
      if (outcome === 'given-back') break;
      queue.shift();
      const position = this.tracker.complete(Number(message.offset));
      if (position !== undefined && !signal.aborted) this.onCommittable(position);
    }
    this.queues.delete(key);
  }
}

/** Whether `work` ended within `timeoutMs` (true), or was still running then (false). */
export async function settledWithin(work: () => Promise<void>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([work().then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
