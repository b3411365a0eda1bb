import type { Pool, PoolClient } from 'pg';
import type { OutboxRow } from './outbox-batch.publisher';
import { relayBackoffMs } from './relay-backoff';

/** What an outbox's batches read and write: the table, how it is sharded, how much per batch. */
export interface OutboxClaimsOptions {
  table: string;
  shards: number;
  batchSize: number;
  /** Backoff of a refused row, doubling from initial to max. */
  rowBackoff: { initialMs: number; maxMs: number };
}

/**
 * The SQL of relay batches over one outbox table. A batch is one transaction: take the advisory
 * locks of the shards no other relay holds, read their oldest unsent rows with
 * `SELECT ... FOR UPDATE SKIP LOCKED`, then mark what went out as sent, or hold a refused row
 * (and so its key) back until its next attempt.
 */
export class OutboxClaims {
  constructor(private readonly options: OutboxClaimsOptions) {}

  /**
   * Begins the batch's transaction and claims its rows; `undefined` (transaction rolled back)
   * when every shard is held by another relay.
   */
  async claim(client: PoolClient): Promise<OutboxRow[] | undefined> {
    const { table, shards, batchSize } = this.options;
    // A mark-as-sent lost in a crash only republishes (at-least-once), so the commit need not
    // wait for the WAL flush: one fsync less per batch.
    await client.query('BEGIN; SET LOCAL synchronous_commit TO off');
    // Every shard no other relay holds, in one round trip; held until COMMIT.
    const { rows: owned } = await client.query<{ shard: number }>(
      `SELECT s AS shard FROM generate_series(0, $2::int - 1) AS s
        WHERE pg_try_advisory_xact_lock(hashtext($1), s)`,
      [table, shards],
    );
    if (owned.length === 0) {
      await client.query('ROLLBACK');
      return undefined;
    }
    // Oldest first, skipping keys held back after a failure (their later rows wait too).
    const { rows } = await client.query<OutboxRow>(
      `SELECT id, aggregate_key, attempts, envelope, trace_parent FROM ${table} o
       WHERE sent_at IS NULL AND mod(abs(hashtext(aggregate_key)::bigint), $1) = ANY($2::int[])
         AND NOT EXISTS (
           SELECT 1 FROM ${table} held
            WHERE held.sent_at IS NULL AND held.next_attempt_at IS NOT NULL
              AND held.aggregate_key = o.aggregate_key AND held.next_attempt_at > now())
       ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED`,
      [shards, owned.map((row) => row.shard), batchSize],
    );
    return rows;
  }

  /** Marks rows the broker has as sent, inside the batch's transaction. */
  async markSent(client: PoolClient, rows: OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    await client.query(
      `UPDATE ${this.options.table} SET sent_at = clock_timestamp(), next_attempt_at = NULL WHERE id = ANY($1::bigint[])`,
      [rows.map((row) => row.id)],
    );
  }

  /** Holds a refused row (and so its key) back until its next attempt; answers when that is. */
  async holdBack(
    client: PoolClient,
    row: OutboxRow,
    error: unknown,
  ): Promise<{ attempts: number; delayMs: number }> {
    const attempts = row.attempts + 1;
    const delayMs = relayBackoffMs(attempts, this.options.rowBackoff);
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await client.query(
      `UPDATE ${this.options.table} SET attempts = $2, next_attempt_at = now() + $3 * interval '1 millisecond',
         last_error = $4 WHERE id = $1`,
      [row.id, attempts, delayMs, message.slice(0, 2_000)],
    );
    return { attempts, delayMs };
  }

  /** Unsent rows, the age of the oldest and how many are held back. */
  async backlog(pool: Pool): Promise<{ count: number; oldestAgeSeconds: number; held: number }> {
    const { rows } = await pool.query<{ count: string; age: number | null; held: string }>(
      `SELECT count(*) AS count, extract(epoch FROM now() - min(created_at))::float8 AS age,
              count(*) FILTER (WHERE next_attempt_at > now()) AS held
       FROM ${this.options.table} WHERE sent_at IS NULL`,
    );
    return {
      count: Number(rows[0]?.count ?? 0),
      oldestAgeSeconds: rows[0]?.age ?? 0,
      held: Number(rows[0]?.held ?? 0),
    };
  }
}
