/**
 * When each watched order's OrderPlaced row becomes visible in analytics-ingest's ClickHouse table,
 * observed by polling: every `pollMs` one query asks which of the orders still awaited have a row,
 * and the moment its answer arrives is the order's `seenMs`. That is an upper bound of the
 * visibility time, late by at most one pause and one query (`queryMs` keeps how long each query
 * took).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { setTimeout as delay } from 'node:timers/promises';

/** One order's row as ClickHouse has it, and when the bench first saw it (epoch ms, this clock). */
export interface SeenRow {
  eventId: string;
  occurredMs: number;
  ingestedMs: number;
  seenMs: number;
}

interface Row {
  aggregate_id: string;
  event_id: string;
  occurred_at_ms: string;
  ingested_at_ms: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class VisibilityTracker {
  readonly seen = new Map<string, SeenRow>();
  /** How long each query took, ms. */
  readonly queryMs: number[] = [];
  private readonly awaited = new Set<string>();
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly clickhouse: ClickHouseClient,
    private readonly database: string,
    private readonly pollMs: number,
  ) {}

  /** Starts awaiting the row of an accepted order. */
  watch(orderId: string): void {
    // Ids are spliced into the query (ClickHouse 18.16 has no query parameters): UUIDs only.
    if (!UUID.test(orderId)) throw new Error(`order id ${orderId} is not a UUID`);
    this.awaited.add(orderId);
  }

  start(): void {
    this.running = true;
    this.loop = this.poll();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.rethrow();
  }

  /** Resolves once every watched order was seen; false if some were still awaited at `timeoutMs`. */
  async drained(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.awaited.size > 0 && Date.now() < deadline) {
      this.rethrow();
      await delay(this.pollMs);
    }
    return this.awaited.size === 0;
  }

  private rethrow(): void {
    if (this.failure !== undefined) throw new Error('polling ClickHouse failed', { cause: this.failure });
  }

  private async poll(): Promise<void> {
    while (this.running && this.failure === undefined) {
      if (this.awaited.size > 0) await this.pollOnce().catch((error: unknown) => (this.failure = error));
      await delay(this.pollMs);
    }
  }

  private async pollOnce(): Promise<void> {
    const started = performance.now();
    const ids = [...this.awaited].map((id) => `'${id}'`).join(',');
    const result = await this.clickhouse.query({
      query: `SELECT aggregate_id, event_id, occurred_at_ms, ingested_at_ms FROM ${this.database}.events
              WHERE type = 'OrderPlaced' AND aggregate_id IN (${ids})`,
      format: 'JSONEachRow',
    });
    const rows = await result.json<Row>();
    const seenMs = Date.now();
    this.queryMs.push(performance.now() - started);
    for (const row of rows) {
      if (!this.awaited.delete(row.aggregate_id)) continue; // a duplicate before the merge
      this.seen.set(row.aggregate_id, {
        eventId: row.event_id,
        occurredMs: Number(row.occurred_at_ms),
        ingestedMs: Number(row.ingested_at_ms),
        seenMs,
      });
    }
  }
}
