/** What a handler knows about the record it handles, beyond the event itself. */
export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Readonly<Record<string, string>>;
  groupId: string;
  /** 1 on the first try, 2 on the first retry, ... */
  attempt: number;
  /** Aborted when the runtime gives the message back (shutdown, rebalance): stop early if you can. */
  signal: AbortSignal;
}

/** A function that handles one decoded event; throw to fail (see RetriableError, PermanentError). */
export type EventHandlerFn<E = unknown> = (event: E, context: MessageContext) => Promise<void>;

/** A record's raw key and headers, for decoders that keep bytes as they are (the DLQ app). */
export interface RawRecordParts {
  key: Buffer | null;
  headers: Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;
}

/**
 * Turns a record's value into an event with a `type`, or throws: every throw is permanent
 * (the bytes will not change on a retry) and sends the record to the DLQ at once.
 */
export type MessageDecoder<E extends { type: string } = { type: string }> = (
  value: Buffer | null,
  record: RawRecordParts,
) => E;

/**
 * A function that handles a batch of decoded events of one type, in offset order per partition,
 * `records[i]` being where `events[i]` came from. Its effect must be all or nothing (one insert,
 * one transaction) or idempotent: a batch that throws is retried whole, and then split (see
 * BatchProcessor), so part of it may be applied again.
 */
export type BatchHandlerFn<E = unknown> = (events: E[], records: readonly MessageContext[]) => Promise<void>;

/** How batches of one handler are cut. */
export interface BatchOptions {
  /** Most records in one handler call. */
  maxRecords: number;
  /**
   * How long the first records of a call wait for more, from other partitions, before the call
   * starts: 0 calls the handler once per partition's fetched records, at once.
   */
  maxWaitMs: number;
}

export const defaultBatchOptions: BatchOptions = { maxRecords: 1_000, maxWaitMs: 0 };

/** A batch handler with its batch bounds. */
export interface BatchHandler<E = unknown> {
  handle: BatchHandlerFn<E>;
  options: BatchOptions;
}
