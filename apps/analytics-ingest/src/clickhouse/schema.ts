/**
 * The analytics schema: one row per event, deduplicated by `event_id` (ReplacingMergeTree; reads
 * use FINAL), so a redelivered batch never counts twice. Times are kept in epoch milliseconds and
 * bucketed with integer arithmetic, which neither the server's time zone nor its version changes;
 * `occurred_at` exists only to partition by month. Valid on ClickHouse 18.16 and current.
 */
export function schemaStatements(database: string): string[] {
  return [
    `CREATE DATABASE IF NOT EXISTS ${database}`,
    `CREATE TABLE IF NOT EXISTS ${database}.events (
      event_id String,
      type String,
      version UInt16,
      topic String,
      aggregate_id String,
      aggregate_version UInt32,
      occurred_at_ms UInt64,
      ingested_at_ms UInt64,
      currency String,
      amount_minor Int64,
      payload String,
      occurred_at DateTime MATERIALIZED toDateTime(intDiv(occurred_at_ms, 1000))
    ) ENGINE = ReplacingMergeTree(ingested_at_ms)
    PARTITION BY toYYYYMM(occurred_at)
    ORDER BY (type, event_id)`,
  ];
}
