import { assertIdentifier } from '@platform/postgres';
import type { SqlExecutor } from './outbox.writer';

/**
 * DDL of a processed-events table (an inbox) for a Postgres consumer: one row per event it has
 * applied. `processed_at` is what a RetentionPurge rule on this table deletes by.
 */
export function processedEventsSchemaSql(table: string): { up: string[]; down: string[] } {
  const t = assertIdentifier(table);
  return {
    up: [
      `CREATE TABLE ${t} (
        event_id uuid PRIMARY KEY,
        processed_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX ${t}_processed_at_idx ON ${t} (processed_at)`,
    ],
    down: [`DROP TABLE ${t}`],
  };
}

/**
 * Records that `eventId` is being applied, inside the transaction that applies it: true the first
 * time, false when it was applied before (skip the effect). A redelivered or republished event
 * then has its effect once. Keep records longer than any redelivery can arrive late.
 */
export async function recordProcessed(
  executor: SqlExecutor,
  table: string,
  eventId: string,
): Promise<boolean> {
  const rows = (await executor.query(
    `INSERT INTO ${assertIdentifier(table)} (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id`,
    [eventId],
  )) as unknown[] | { rows: unknown[] };
  return (Array.isArray(rows) ? rows : rows.rows).length === 1;
}
