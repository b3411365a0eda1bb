import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** One order in a customer's list. */
export interface OrderSummary {
  id: string;
  status: string;
  currency: string;
  totalMinor: number;
  version: number;
  placedAt: string;
}

/** A page of a customer's orders, newest first; `nextCursor` is null on the last page. */
export interface OrderSummaryPage {
  items: OrderSummary[];
  nextCursor: string | null;
}

interface SummaryRow {
  seq: string;
  order_id: string;
  status: string;
  currency: string;
  total_minor: string;
  version: number;
  placed_at: Date;
}

/** Reads order_summaries with keyset pagination: a cursor is the position after the last item. */
@Injectable()
export class OrderSummaries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async ofCustomer(customerId: string, limit: number, after?: bigint): Promise<OrderSummaryPage> {
    const rows = (await this.dataSource.query(
      `SELECT seq, order_id, status, currency, total_minor, version, placed_at FROM order_summaries
        WHERE customer_id = $1 AND ($2::bigint IS NULL OR seq < $2::bigint)
        ORDER BY seq DESC LIMIT $3`,
      [customerId, after === undefined ? null : after.toString(), limit + 1],
    )) as SummaryRow[];
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => ({
        id: row.order_id,
        status: row.status,
        currency: row.currency,
        totalMinor: Number(row.total_minor),
        version: row.version,
        placedAt: row.placed_at.toISOString(),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(BigInt(last.seq)) : null,
    };
  }
}

/** Cursors are opaque to clients, so the keyset can change without breaking them. */
export const encodeCursor = (seq: bigint) => Buffer.from(`s:${seq}`).toString('base64url');

/** The position a cursor names, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): bigint | undefined {
  const match = /^s:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match?.[1] ? BigInt(match[1]) : undefined;
}
