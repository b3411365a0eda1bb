import { Client } from 'pg';
import { Counter, type Registry } from 'prom-client';
import type { OutboxLogger } from './outbox-logger';
import { assertIdentifier } from '@platform/postgres';

/** Rows of `table` whose `column` is older than `retentionMs` are deleted; NULL keeps a row. */
export interface RetentionRule {
  table: string;
  /** A timestamptz column, e.g. `sent_at` of an outbox (unsent rows have NULL and stay). */
  column: string;
  retentionMs: number;
}

export interface RetentionPurgeOptions {
  /** The service's database. */
  connectionString: string;
  rules: readonly RetentionRule[];
  /** Time between purges. Default 5 minutes. */
  intervalMs?: number;
  /** Rows per DELETE, so no purge holds locks or bloats WAL in one huge statement. Default 5000. */
  batchSize?: number;
  registry?: Registry;
  logger?: OutboxLogger;
}

/** Advisory lock class of purges; the object is the hash of the table name. */
const PURGE_LOCK_SPACE = 0x7075_7267;

/**
 * Deletes what a service no longer needs on a schedule: sent outbox rows, processed-event records,
 * answered idempotency keys, each kept for its retention (long enough to debug and to dedupe a
 * late redelivery). Deletes go in batches; with several instances, one purges a table at a time
 * (advisory lock) and the others skip it. A failed purge is logged and tried at the next tick.
 */
export class RetentionPurge {
  private readonly rules: RetentionRule[];
  private readonly purged: Counter<'table'> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly options: RetentionPurgeOptions) {
    this.rules = options.rules.map((rule) => {
      if (!(rule.retentionMs > 0)) throw new RangeError(`retention of ${rule.table} must be above 0 ms`);
      return { ...rule, table: assertIdentifier(rule.table), column: assertIdentifier(rule.column) };
    });
    this.purged = options.registry
      ? new Counter({
          name: 'retention_purged_rows_total',
          help: 'Rows deleted after their retention (sent outbox rows, processed-event records, ...)',
          labelNames: ['table'],
          registers: [options.registry],
        })
      : undefined;
    for (const rule of this.rules) this.purged?.inc({ table: rule.table }, 0);
  }

  /** Purges every `intervalMs` (the first purge after one interval). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running ??= this.purgeOnce()
        .catch((error: unknown) => this.options.logger?.warn({ err: error }, 'retention purge failed'))
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs ?? 300_000);
    this.timer.unref();
  }

  /** Stops the schedule and waits for a purge in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Purges every table once; answers the rows deleted per table (skipped tables are absent). */
  async purgeOnce(): Promise<Record<string, number>> {
    const client = new Client({ connectionString: this.options.connectionString });
    // Between two deletes nothing queries on it: a dropped session must not become an unhandled
    // 'error' (it would kill the app); the next query fails and the purge is retried next time.
    client.on('error', (error) =>
      this.options.logger?.warn({ err: error }, 'retention purge connection lost'),
    );
    await client.connect();
    try {
      const deleted: Record<string, number> = {};
      for (const rule of this.rules) {
        const count = await this.purgeTable(client, rule);
        if (count !== undefined) deleted[rule.table] = count;
      }
      return deleted;
    } finally {
      await client.end();
    }
  }

  private async purgeTable(client: Client, rule: RetentionRule): Promise<number | undefined> {
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
      [PURGE_LOCK_SPACE, rule.table],
    );
    if (!rows[0]?.locked) return undefined;
    const batchSize = this.options.batchSize ?? 5_000;
    let total = 0;
    try {
      for (;;) {
        const result = await client.query(
          `DELETE FROM ${rule.table} WHERE ctid = ANY(ARRAY(
             SELECT ctid FROM ${rule.table}
              WHERE ${rule.column} < now() - $1 * interval '1 millisecond' LIMIT $2))`,
          [rule.retentionMs, batchSize],
        );
        const count = result.rowCount ?? 0;
        total += count;
        this.purged?.inc({ table: rule.table }, count);
        if (count < batchSize) return total;
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [PURGE_LOCK_SPACE, rule.table]);
    }
  }
}
