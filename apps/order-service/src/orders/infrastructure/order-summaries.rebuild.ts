import type { Pool, PoolClient } from 'pg';
import { evolveAll } from '../domain/order.evolve';
import { orderEventOf, type EventRow } from './order-event-store';
import {
  ORDER_SUMMARIES,
  readModelTable,
  summaryOf,
  upsertOrderSummaries,
  upsertSummariesSql,
  type OrderSummaryRow,
} from './order-summary.projection';
import { READ_MODEL_LOCK } from './read-model.lock';

/** What a rebuild did. */
export interface RebuildReport {
  /** The table that was filled and is now order_summaries. */
  table: string;
  orders: number;
  events: number;
  durationMs: number;
}

/** Another rebuild holds the lock; one at a time. */
export class RebuildAlreadyRunning extends Error {
  override readonly name = 'RebuildAlreadyRunning';
  constructor() {
    super('another read-model rebuild is running');
  }
}

const { space, rebuild } = READ_MODEL_LOCK;

/** The trigger (and its function) that copies live writes into the table being filled. */
const COPY_TRIGGER = 'order_summaries_copy';

/**
 * Replays the whole event store into a fresh copy of order_summaries and swaps it in, while the
 * app keeps serving reads and commands:
 *
 * 1. start: create the fresh table and a trigger on order_summaries that copies every row an
 *    append writes into it. Creating the trigger waits for the appends in flight (their write
 *    lock on order_summaries) and holds new ones until it commits, so every append is either
 *    committed before step 2 reads the store or copied by the trigger;
 * 2. backfill: page through orders in store order, fold each stream, upsert the rows. Rows win
 *    by version, so the backfill and the copies may meet in any order;
 * 3. swap: lock order_summaries, drop the trigger, rename the fresh table into place, then drop
 *    the old one.
 *
 * Appends pay nothing outside a rebuild. Reads see the old table until the swap, which blocks
 * reads and appends only for the renames. A rebuild
 * that dies leaves the old table serving; the next one drops what it left behind.
 */
export class OrderSummariesRebuild {
  constructor(
    private readonly pool: Pool,
    private readonly options: { batchSize?: number; swapLockTimeoutMs?: number } = {},
  ) {}

  async run(): Promise<RebuildReport> {
    const started = performance.now();
    const session = await this.pool.connect();
    try {
      const { rows } = await session.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1, $2) AS locked',
        [space, rebuild],
      );
      if (!rows[0]?.locked) throw new RebuildAlreadyRunning();
      try {
        const table = await this.start(session);
        const { orders, events } = await this.backfill(session, table);
        await this.swap(session, table, orders);
        return { table, orders, events, durationMs: Math.round(performance.now() - started) };
      } finally {
        await session.query('SELECT pg_advisory_unlock($1, $2)', [space, rebuild]);
      }
    } finally {
      session.release();
    }
  }

  private async start(session: PoolClient): Promise<string> {
    const table = `${ORDER_SUMMARIES}_r${Date.now()}`;
    await inTransaction(session, async () => {
      const { rows } = await session.query<{ building: string | null }>(
        'SELECT building FROM order_read_model WHERE name = $1 FOR UPDATE',
        [ORDER_SUMMARIES],
      );
      await dropCopyTrigger(session);
      const leftOver = rows[0]?.building;
      if (leftOver) await session.query(`DROP TABLE IF EXISTS ${readModelTable(leftOver)}`);
      await session.query(`CREATE TABLE ${table} (LIKE ${ORDER_SUMMARIES} INCLUDING ALL)`);
      await session.query(`CREATE FUNCTION ${COPY_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          ${upsertSummariesSql(table, 1, 1).replace(
            /\$(\d)::/g,
            (_, n: string) => `NEW.${SUMMARY_COLUMNS[Number(n) - 1]}::`,
          )};
          RETURN NULL;
        END $$`);
      await session.query(`CREATE TRIGGER ${COPY_TRIGGER} AFTER INSERT OR UPDATE ON ${ORDER_SUMMARIES}
        FOR EACH ROW EXECUTE FUNCTION ${COPY_TRIGGER}()`);
      await session.query('UPDATE order_read_model SET building = $2 WHERE name = $1', [
        ORDER_SUMMARIES,
        table,
      ]);
    });
    return table;
  }

  private async backfill(session: PoolClient, table: string): Promise<{ orders: number; events: number }> {
    const batchSize = this.options.batchSize ?? 500;
    let after = '0';
    let orders = 0;
    let events = 0;
    for (;;) {
      const { rows: firsts } = await session.query<{ position: string; aggregate_id: string }>(
        `SELECT position, aggregate_id FROM order_events WHERE version = 1 AND position > $1
          ORDER BY position LIMIT $2`,
        [after, batchSize],
      );
      const last = firsts.at(-1);
      if (!last) return { orders, events };
      after = last.position;
      const { rows } = await session.query<EventRow>(
        `SELECT event_id, aggregate_id, version, type, schema_version, payload, metadata, occurred_at
           FROM order_events WHERE aggregate_id = ANY($1) ORDER BY aggregate_id, version`,
        [firsts.map((row) => row.aggregate_id)],
      );
      const summaries = foldStreams(rows);
      await upsertOrderSummaries(session, table, summaries);
      orders += summaries.length;
      events += rows.length;
    }
  }

  private async swap(session: PoolClient, table: string, orders: number): Promise<void> {
    const retired = `${ORDER_SUMMARIES}_old${Date.now()}`;
    await inTransaction(session, async () => {
      // Bounded: a long query on the old table must not queue every reader behind the rename.
      await session.query(`SET LOCAL lock_timeout = ${this.options.swapLockTimeoutMs ?? 10_000}`);
      await session.query(`LOCK TABLE ${ORDER_SUMMARIES} IN ACCESS EXCLUSIVE MODE`);
      await dropCopyTrigger(session);
      await session.query(`ALTER TABLE ${ORDER_SUMMARIES} RENAME TO ${retired}`);
      await session.query(`ALTER TABLE ${table} RENAME TO ${ORDER_SUMMARIES}`);
      await session.query(
        'UPDATE order_read_model SET building = NULL, rebuilt_at = now(), rebuilt_orders = $2 WHERE name = $1',
        [ORDER_SUMMARIES, orders],
      );
    });
    await session.query(`DROP TABLE ${retired}`);
  }
}

/** The columns of order_summaries in the order of the upsert's parameters. */
const SUMMARY_COLUMNS = [
  'order_id',
  'customer_id',
  'status',
  'currency',
  'total_minor',
  'version',
  'placed_at',
  'updated_at',
] as const;

async function dropCopyTrigger(session: PoolClient): Promise<void> {
  await session.query(`DROP TRIGGER IF EXISTS ${COPY_TRIGGER} ON ${ORDER_SUMMARIES}`);
  await session.query(`DROP FUNCTION IF EXISTS ${COPY_TRIGGER}()`);
}

/** Folds rows sorted by (aggregate_id, version) into one summary per order. */
export function foldStreams(rows: readonly EventRow[]): OrderSummaryRow[] {
  const summaries: OrderSummaryRow[] = [];
  let start = 0;
  while (start < rows.length) {
    let end = start;
    while (end < rows.length && rows[end]?.aggregate_id === rows[start]?.aggregate_id) end++;
    const stream = rows.slice(start, end);
    const first = stream[0] as EventRow;
    const last = stream.at(-1) as EventRow;
    const summary = summaryOf(
      evolveAll(stream.map(orderEventOf)),
      last.version,
      first.occurred_at.toISOString(),
      last.occurred_at.toISOString(),
    );
    if (summary) summaries.push(summary);
    start = end;
  }
  return summaries;
}

async function inTransaction(client: PoolClient, work: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
