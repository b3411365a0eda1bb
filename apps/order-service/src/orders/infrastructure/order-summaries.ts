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

/** Where a page ends: the last order's placement time and id (the list's keyset). */
export interface ListPosition {
  placedAt: string;
  orderId: string;
}

interface SummaryRow {
  order_id: string;
  status: string;
  currency: string;
  total_minor: string;
  version: number;
  placed_at: Date;
}

/**
 * Reads order_summaries with keyset pagination on (placed_at, order_id): values a rebuild
 * reproduces, so a cursor stays valid across a rebuild's swap.
 */
@Injectable()
export class OrderSummaries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async ofCustomer(customerId: string, limit: number, after?: ListPosition): Promise<OrderSummaryPage> {
    const rows = (await this.dataSource.query(
      `SELECT order_id, status, currency, total_minor, version, placed_at FROM order_summaries
        WHERE customer_id = $1 AND ($2::timestamptz IS NULL OR (placed_at, order_id) < ($2::timestamptz, $3::text))
        ORDER BY placed_at DESC, order_id DESC LIMIT $4`,
      [customerId, after?.placedAt ?? null, after?.orderId ?? null, limit + 1],
    )) as SummaryRow[];
    const page = rows.slice(0, limit).map((row) => ({
      id: row.order_id,
      status: row.status,
      currency: row.currency,
      totalMinor: Number(row.total_minor),
      version: row.version,
      placedAt: row.placed_at.toISOString(),
    }));
    const last = page.at(-1);
    return {
      items: page,
      nextCursor:
        rows.length > limit && last ? encodeCursor({ placedAt: last.placedAt, orderId: last.id }) : null,
    };
  }
}

/** Cursors are opaque to clients, so the keyset can change without breaking them. */
export const encodeCursor = (position: ListPosition) =>
  Buffer.from(`p:${position.placedAt}|${position.orderId}`).toString('base64url');

const CURSOR = /^p:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([\w-]{1,64})$/;

/** The position a cursor names, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): ListPosition | undefined {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2] || Number.isNaN(Date.parse(match[1]))) return undefined;
  return { placedAt: match[1], orderId: match[2] };
}
