import { createEvent, decodeEvent, type DomainEvent } from '@platform/contracts';
import { randomUUID } from 'node:crypto';
import { analyticsRow, analyticsTable, sameTable } from './analytics-rows';

// The analytics bench's baselines write analytics-ingest's rows; these are the rules of
// apps/analytics-ingest/src/clickhouse/event-row.ts that the copy has to keep.
const orderId = randomUUID();
const decoded = (event: DomainEvent) => decodeEvent(JSON.stringify(event));
const placed = decoded(
  createEvent({
    type: 'OrderPlaced',
    aggregateId: orderId,
    aggregateVersion: 1,
    correlationId: randomUUID(),
    causationId: null,
    payload: {
      orderId,
      customerId: 'customer-1',
      lines: [{ sku: 'BOOK-1', quantity: 2, unitPriceMinor: 1250 }],
      currency: 'EUR',
      totalMinor: 2500,
    },
  }),
);
const paid = decoded(
  createEvent({
    type: 'OrderPaid',
    aggregateId: orderId,
    aggregateVersion: 3,
    correlationId: randomUUID(),
    causationId: null,
    payload: { orderId, paymentReference: 'psp-1', amountMinor: 2500, currency: 'USD' },
  }),
);
const shipped = decoded(
  createEvent({
    type: 'OrderShipped',
    aggregateId: orderId,
    aggregateVersion: 4,
    correlationId: randomUUID(),
    causationId: null,
    payload: { orderId },
  }),
);

describe("analytics-ingest's row, as the analytics bench writes it", () => {
  it('lifts the total and currency out of an OrderPlaced, and keeps the event whole as JSON', () => {
    const row = analyticsRow(placed, 'order.events', 1_000);

    expect(row).toEqual({
      event_id: placed.id,
      type: 'OrderPlaced',
      version: placed.version,
      topic: 'order.events',
      aggregate_id: orderId,
      aggregate_version: 1,
      occurred_at_ms: Date.parse(placed.occurredAt),
      ingested_at_ms: 1_000,
      currency: 'EUR',
      amount_minor: 2500,
      payload: JSON.stringify(placed.payload),
    });
  });

  it("takes an OrderPaid's captured amount, and no money from events that move none", () => {
    expect(analyticsRow(paid, 'order.events')).toMatchObject({ currency: 'USD', amount_minor: 2500 });
    expect(analyticsRow(shipped, 'order.events')).toMatchObject({ currency: '', amount_minor: 0 });
  });

  it('files a record retried from the .retry topic under its own topic', () => {
    expect(analyticsRow(placed, 'order.events.retry').topic).toBe('order.events');
  });
});

describe("the baseline's table against the app's", () => {
  const create = (database: string) => analyticsTable(database)[1] ?? '';

  it('is the same table in another database', () => {
    expect(
      sameTable({ statement: create('a'), database: 'a' }, { statement: create('b'), database: 'b' }),
    ).toBe(true);
  });

  it('is another table when a column differs', () => {
    const other = create('b').replace('currency String', 'currency LowCardinality(String)');
    expect(sameTable({ statement: create('a'), database: 'a' }, { statement: other, database: 'b' })).toBe(
      false,
    );
  });
});
