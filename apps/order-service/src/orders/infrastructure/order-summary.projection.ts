import type { OrderState } from '../domain/order.state';

/** The live read model behind GET /orders; a rebuild fills a fresh copy and swaps it in. */
export const ORDER_SUMMARIES = 'order_summaries';

/** The live table, or the fresh copy a rebuild fills; checked because it is spliced into SQL. */
export function readModelTable(name: string): string {
  if (name !== ORDER_SUMMARIES && !/^order_summaries_r\d{1,16}$/.test(name)) {
    throw new Error(`"${name}" is not an order read-model table`);
  }
  return name;
}

/** One row of order_summaries: a pure function of an order's stream, so a replay reproduces it. */
export interface OrderSummaryRow {
  orderId: string;
  customerId: string;
  status: string;
  currency: string;
  totalMinor: number;
  /** The stream version the row reflects: the projection's position in this order's stream. */
  version: number;
  /** occurredAt of OrderPlaced. */
  placedAt: string;
  /** occurredAt of the last event. */
  updatedAt: string;
}

/** The summary of an order after `version` events; undefined before OrderPlaced. */
export function summaryOf(
  state: OrderState,
  version: number,
  placedAt: string,
  updatedAt: string,
): OrderSummaryRow | undefined {
  if (state.status === 'none') return undefined;
  const { orderId, customerId, status, currency, totalMinor } = state;
  return { orderId, customerId, status, currency, totalMinor, version, placedAt, updatedAt };
}

/**
 * SQL that writes `rows` summaries into `table` from parameters `$first`.. (8 per row, in the
 * order of {@link summaryParameters}), each only over an older version of its order: applying a
 * row twice, or after a newer one, changes nothing. That makes the inline projection, the
 * rebuild's backfill and the copies a rebuild receives safe to interleave in any order. `where`
 * gates the write (usable as a data-modifying CTE).
 */
export function upsertSummariesSql(table: string, rows: number, first = 1, where = 'true'): string {
  const values: string[] = [];
  for (let i = 0; i < rows; i++) {
    const n = first + i * 8;
    values.push(
      `($${n}::text, $${n + 1}::text, $${n + 2}::text, $${n + 3}::text, $${n + 4}::bigint, $${n + 5}::int, $${n + 6}::timestamptz, $${n + 7}::timestamptz)`,
    );
  }
  return `INSERT INTO ${readModelTable(table)} AS s (order_id, customer_id, status, currency, total_minor, version, placed_at, updated_at)
    SELECT * FROM (VALUES ${values.join(', ')}) AS v WHERE ${where}
    ON CONFLICT (order_id) DO UPDATE SET status = excluded.status, version = excluded.version,
      updated_at = excluded.updated_at
    WHERE s.version < excluded.version`;
}

/** The parameters of one row of {@link upsertSummariesSql}. */
export function summaryParameters(row: OrderSummaryRow): unknown[] {
  return [
    row.orderId,
    row.customerId,
    row.status,
    row.currency,
    row.totalMinor,
    row.version,
    row.placedAt,
    row.updatedAt,
  ];
}

/** Writes summaries into `table` (see {@link upsertSummariesSql}). */
export async function upsertOrderSummaries(
  executor: { query(sql: string, parameters?: unknown[]): Promise<unknown> },
  table: string,
  rows: readonly OrderSummaryRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await executor.query(upsertSummariesSql(table, rows.length), rows.flatMap(summaryParameters));
}
