import type { EventEnvelope } from '@platform/contracts';
import { causeChain } from '@platform/service-edge';
import { startRowPublishSpan } from './outbox-trace';

/** An unsent outbox row, as a batch claims it. */
export interface OutboxRow {
  id: string;
  aggregate_key: string;
  attempts: number;
  envelope: EventEnvelope;
  trace_parent: string | null;
}

/** An event to publish and the `traceparent` it continues (null: none). */
export interface OutboxRecord {
  event: EventEnvelope;
  traceParent: string | null;
}

/** Publishes records in the given order and resolves once the broker has them all. */
export type OutboxPublish = (records: OutboxRecord[]) => Promise<unknown>;

/** What became of a claimed batch: rows the broker has, and the first refused row of each failing key. */
export interface PublishedBatch {
  sent: OutboxRow[];
  failed: { row: OutboxRow; error: unknown }[];
}

/**
 * Whether a publish failed for every record alike (no connection, timeouts, leader moves: kafkajs
 * marks these retriable, also as the cause of its retries-exceeded error) rather than for
 * something in the records (too large, invalid, no topic for the event type).
 */
export function isBrokerWide(error: unknown): boolean {
  return causeChain(error).some((e) => (e as { retriable?: unknown }).retriable === true);
}

/**
 * Publishes the rows of a claimed batch, each in a span under the trace of the request that wrote
 * it. When the broker refuses the batch for a reason of its records, publishes it key by key, and
 * a failing key row by row, so every key but the failing ones goes out; a failing key stops at
 * its first failing row. A broker-wide failure is thrown: the whole relay backs off.
 */
export class OutboxBatchPublisher {
  constructor(private readonly publish: OutboxPublish) {}

  /** Publishes `rows` in order; answers which went out and which were refused. */
  async publishBatch(rows: OutboxRow[]): Promise<PublishedBatch> {
    try {
      await this.publishRows(rows);
      return { sent: rows, failed: [] };
    } catch (error) {
      if (isBrokerWide(error)) throw error;
      return this.isolate(rows);
    }
  }

  private async isolate(rows: OutboxRow[]): Promise<PublishedBatch> {
    const byKey = new Map<string, OutboxRow[]>();
    for (const row of rows) byKey.set(row.aggregate_key, [...(byKey.get(row.aggregate_key) ?? []), row]);
    const sent: OutboxRow[] = [];
    const failed: { row: OutboxRow; error: unknown }[] = [];
    for (const keyRows of byKey.values()) {
      try {
        await this.publishRows(keyRows);
        sent.push(...keyRows);
        continue;
      } catch (error) {
        if (isBrokerWide(error)) throw error;
      }
      for (const row of keyRows) {
        try {
          await this.publishRows([row]);
          sent.push(row);
        } catch (error) {
          if (isBrokerWide(error)) throw error;
          failed.push({ row, error });
          break;
        }
      }
    }
    return { sent, failed };
  }

  private async publishRows(rows: OutboxRow[]): Promise<void> {
    const spans = rows.map((row) => startRowPublishSpan(row.envelope, row.trace_parent));
    try {
      await this.publish(
        rows.map((row, i) => ({ event: row.envelope, traceParent: spans[i]?.traceParent ?? null })),
      );
    } catch (error) {
      for (const span of spans) span.end(error);
      throw error;
    }
    for (const span of spans) span.end();
  }
}
