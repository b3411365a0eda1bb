/**
 * analytics-ingest's table and row mapping, duplicated for the analytics benchmark's baselines
 * (a tool may not import an app): `analyticsTable` is apps/analytics-ingest/src/clickhouse/schema.ts,
 * `analyticsRow` is toEventRow of apps/analytics-ingest/src/clickhouse/event-row.ts. The bench
 * checks the copy on every run: the baseline's `SHOW CREATE TABLE` and rows must equal the app's
 * (`sameTable`, `ROW_CHECKSUM`), so a change in the app fails the run instead of skewing it.
 */
import type { DomainEvent } from '@platform/contracts';

/** One row of `<database>.events`, as analytics-ingest writes it. */
export interface AnalyticsRow {
  event_id: string;
  type: string;
  version: number;
  topic: string;
  aggregate_id: string;
  aggregate_version: number;
  occurred_at_ms: number;
  ingested_at_ms: number;
  currency: string;
  amount_minor: number;
  payload: string;
}

/** A decoded event as analytics-ingest's row: money lifted out of the payload, `.retry` topics folded. */
export function analyticsRow(event: DomainEvent, topic: string, now = Date.now()): AnalyticsRow {
  const money =
    event.type === 'OrderPlaced'
      ? { currency: event.payload.currency, amount: event.payload.totalMinor }
      : event.type === 'OrderPaid'
        ? { currency: event.payload.currency, amount: event.payload.amountMinor }
        : { currency: '', amount: 0 };
  return {
    event_id: event.id,
    type: event.type,
    version: event.version,
    topic: topic.endsWith('.retry') ? topic.slice(0, -'.retry'.length) : topic,
    aggregate_id: event.aggregateId,
    aggregate_version: event.aggregateVersion,
    occurred_at_ms: Date.parse(event.occurredAt),
    ingested_at_ms: now,
    currency: money.currency,
    amount_minor: money.amount,
    payload: JSON.stringify(event.payload),
  };
}

/** The statements that make analytics-ingest's database and `events` table under `database`. */
export function analyticsTable(database: string): string[] {
  return [
    `CREATE DATABASE IF NOT EXISTS ${database}`,
    `CREATE TABLE IF NOT EXISTS ${database}.events (
      event_id String, type String, version UInt16, topic String, aggregate_id String,
      aggregate_version UInt32, occurred_at_ms UInt64, ingested_at_ms UInt64, currency String,
      amount_minor Int64, payload String,
      occurred_at DateTime MATERIALIZED toDateTime(intDiv(occurred_at_ms, 1000))
    ) ENGINE = ReplacingMergeTree(ingested_at_ms) PARTITION BY toYYYYMM(occurred_at) ORDER BY (type, event_id)`,
  ];
}

/**
 * A checksum of a table's rows over every column but `ingested_at_ms` (a clock reading): equal
 * for two tables that hold the same events written the same way. Select it `FROM <db>.events FINAL`.
 */
export const ROW_CHECKSUM =
  'count() AS n, sum(cityHash64(event_id, type, version, topic, aggregate_id, aggregate_version, ' +
  'occurred_at_ms, currency, amount_minor, payload)) AS checksum';

/**
 * Whether two `SHOW CREATE TABLE` answers describe the same table, the database names aside
 * (each table lives in a database of its own).
 */
export function sameTable(
  a: { statement: string; database: string },
  b: { statement: string; database: string },
): boolean {
  const normalised = ({ statement, database }: { statement: string; database: string }) =>
    statement.split(`${database}.`).join('<database>.').replace(/\s+/g, ' ').trim();
  return normalised(a) === normalised(b);
}
