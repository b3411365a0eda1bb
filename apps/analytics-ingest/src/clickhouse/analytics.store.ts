import type { ClickHouseClient } from '@clickhouse/client';
import { Inject, Injectable } from '@nestjs/common';
import { CLICKHOUSE } from './clickhouse.module';
import { ANALYTICS_INGEST_CONFIG, type AnalyticsIngestConfig } from '../config/analytics-ingest.config';
import type { EventRow } from './event-row';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Writes event rows and answers the analytics queries, all computed in ClickHouse. */
@Injectable()
export class AnalyticsStore {
  private readonly table: string;

  constructor(
    @Inject(CLICKHOUSE) private readonly client: ClickHouseClient,
    @Inject(ANALYTICS_INGEST_CONFIG) config: AnalyticsIngestConfig,
  ) {
    this.table = `${config.ANALYTICS_CLICKHOUSE_DATABASE}.events`;
  }

  async insert(rows: EventRow[]): Promise<void> {
    await this.client.insert({ table: this.table, values: rows, format: 'JSONEachRow' });
  }

  /** Orders placed per minute in [from, to). */
  async ordersPerMinute(fromMs: number, toMs: number): Promise<{ minute: string; orders: number }[]> {
    const rows = await this.rows<{ bucket: string; n: string }>(
      `SELECT intDiv(occurred_at_ms, ${MINUTE_MS}) AS bucket, count() AS n FROM ${this.table} FINAL
        WHERE type = 'OrderPlaced' AND ${range(fromMs, toMs)} GROUP BY bucket ORDER BY bucket`,
    );
    return rows.map((r) => ({
      minute: new Date(Number(r.bucket) * MINUTE_MS).toISOString(),
      orders: Number(r.n),
    }));
  }

  /** Revenue (payments) per UTC day and currency in [from, to), in minor units. */
  async revenue(
    fromMs: number,
    toMs: number,
  ): Promise<{ day: string; currency: string; amountMinor: number; payments: number }[]> {
    const rows = await this.rows<{ bucket: string; currency: string; amount: string; n: string }>(
      `SELECT intDiv(occurred_at_ms, ${DAY_MS}) AS bucket, currency, sum(amount_minor) AS amount, count() AS n
         FROM ${this.table} FINAL
        WHERE type = 'OrderPaid' AND ${range(fromMs, toMs)} GROUP BY bucket, currency ORDER BY bucket, currency`,
    );
    return rows.map((r) => ({
      day: new Date(Number(r.bucket) * DAY_MS).toISOString().slice(0, 10),
      currency: r.currency,
      amountMinor: Number(r.amount),
      payments: Number(r.n),
    }));
  }

  /** Events per type in [from, to). */
  async countsByType(fromMs: number, toMs: number): Promise<{ type: string; events: number }[]> {
    const rows = await this.rows<{ type: string; n: string }>(
      `SELECT type, count() AS n FROM ${this.table} FINAL WHERE ${range(fromMs, toMs)} GROUP BY type ORDER BY type`,
    );
    return rows.map((r) => ({ type: r.type, events: Number(r.n) }));
  }

  /** occurredAt of the newest event ingested, in epoch ms; null when none. */
  async newestOccurredAtMs(): Promise<number | null> {
    const [row] = await this.rows<{ newest: string; n: string }>(
      `SELECT max(occurred_at_ms) AS newest, count() AS n FROM ${this.table}`,
    );
    return row && Number(row.n) > 0 ? Number(row.newest) : null;
  }

  private async rows<T>(query: string): Promise<T[]> {
    const result = await this.client.query({ query, format: 'JSONEachRow' });
    return result.json<T>();
  }
}

/** A time range as SQL; both bounds are integers the API validated, never text from a client. */
function range(fromMs: number, toMs: number): string {
  if (!Number.isSafeInteger(fromMs) || !Number.isSafeInteger(toMs))
    throw new RangeError('range bounds must be integers');
  return `occurred_at_ms >= ${fromMs} AND occurred_at_ms < ${toMs}`;
}
