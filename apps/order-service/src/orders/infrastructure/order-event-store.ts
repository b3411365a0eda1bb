import { Injectable } from '@nestjs/common';
import { createEvent, validateEvent, type DomainEvent, type EventEnvelope } from '@platform/contracts';
import {
  ExpectedVersionConflict,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type StreamRead,
} from '@platform/event-sourcing';
import { currentCorrelationId } from '@platform/observability';
import { currentTraceParent, outboxInsertSql, OutboxRelayHost } from '@platform/outbox';
import { randomUUID } from 'node:crypto';
import { ORDER_OUTBOX } from '../../outbox/order-outbox.table';
import { PricesChanged } from '../application/prices-changed';
import { UnitOfWork } from '../../persistence/unit-of-work';
import type { OrderEvent } from '../domain/order.events';
import type { OrderState } from '../domain/order.state';
import {
  ORDER_SUMMARIES,
  summaryOf,
  summaryParameters,
  upsertSummariesSql,
} from './order-summary.projection';

/** A row of order_events. */
export interface EventRow {
  event_id: string;
  aggregate_id: string;
  version: number;
  type: string;
  schema_version: number;
  payload: unknown;
  metadata: { correlationId: string; causationId: string | null };
  occurred_at: Date;
}

const STREAM_KEY = 'order_events_stream_key';

/**
 * The append-only store of order events in Postgres, behind the EventStore port of
 * `@platform/event-sourcing`. Each append is one transaction that also writes the events'
 * envelopes to the outbox, so what is published is exactly what is stored, and updates the
 * order_summaries read model from the state the writer already folded (a rebuild in progress
 * copies it by trigger). An OrderPlaced is recorded only at the catalog's prices as of the append
 * (PricesChanged otherwise), so the writer may price from a catalog it read earlier. The relays
 * learn of new rows from `announce()` after the commit, not from a NOTIFY trigger.
 */
@Injectable()
export class OrderEventStore implements EventStore<OrderEvent, OrderState> {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: OutboxRelayHost,
  ) {}

  /**
   * Reads an order's stream, upcasting old event versions; `createdAt` is when it was placed
   * (occurredAt of OrderPlaced), which the read model keeps.
   */
  async readStream(orderId: string): Promise<StreamRead<OrderEvent>> {
    const rows = (await this.unitOfWork.runner().query(
      `SELECT event_id, aggregate_id, version, type, schema_version, payload, metadata, occurred_at
         FROM order_events WHERE aggregate_id = $1 ORDER BY version`,
      [orderId],
    )) as EventRow[];
    const createdAt = rows[0]?.occurred_at.toISOString();
    return {
      events: rows.map(orderEventOf),
      version: rows.at(-1)?.version ?? 0,
      ...(createdAt ? { createdAt } : {}),
    };
  }

  /**
   * Appends `events` after `expectedVersion`, with the order's summary as `stateAfter` says.
   * Throws ExpectedVersionConflict when the stream has moved past `expectedVersion`, including
   * when a concurrent writer commits the same version first (the unique (aggregate_id, version)
   * constraint decides that race), and PricesChanged when an OrderPlaced's lines are not at the
   * catalog's current prices (an unknown or inactive SKU included). Either way nothing is written.
   */
  async appendToStream(
    orderId: string,
    events: readonly OrderEvent[],
    { expectedVersion, stateAfter, createdAt }: AppendOptions<OrderState>,
  ): Promise<AppendResult> {
    if (events.length === 0) return { nextExpectedVersion: expectedVersion };
    const correlationId = currentCorrelationId() ?? randomUUID();
    const envelopes = events.map((event, i) =>
      createEvent({
        type: event.type,
        aggregateId: orderId,
        aggregateVersion: expectedVersion + 1 + i,
        payload: event.data,
        correlationId,
        causationId: null,
      } as Parameters<typeof createEvent>[0]),
    );
    const first = envelopes[0] as EventEnvelope;
    const last = envelopes.at(-1) as EventEnvelope;
    const summary = summaryOf(
      stateAfter,
      last.aggregateVersion,
      createdAt ?? first.occurredAt,
      last.occurredAt,
    );
    if (!summary)
      throw new Error(`order ${orderId} has no state after ${events.map((e) => e.type).join(', ')}`);
    let outcome: { version: number; prices_current: boolean } | undefined;
    try {
      [outcome] = (await this.unitOfWork
        .runner()
        .query(APPEND_SQL, [
          orderId,
          expectedVersion,
          JSON.stringify(envelopes),
          currentTraceParent(),
          ...summaryParameters(summary),
        ])) as { version: number; prices_current: boolean }[];
    } catch (error) {
      if (isStreamKeyViolation(error)) throw new ExpectedVersionConflict(orderId, expectedVersion);
      throw error;
    }
    const actual = outcome?.version ?? 0;
    if (actual !== expectedVersion) throw new ExpectedVersionConflict(orderId, expectedVersion, actual);
    if (!outcome?.prices_current) throw new PricesChanged(orderId);
    this.unitOfWork.afterCommit(() => this.outbox.relay.announce());
    return { nextExpectedVersion: expectedVersion + events.length };
  }
}

/**
 * One append as one statement (one round trip, atomic on its own or inside a unit of work): the
 * events, the same envelopes to the outbox and the order's summary, each gated on the stream
 * still being at the expected version and on every OrderPlaced line being at its catalog entry's
 * current price and currency (active); answers the version the stream was at and whether the
 * prices held. Two writers that both see the expected version collide on the stream key, and only
 * one commits. An order's outbox rows get their ids in version order, and a later version can
 * only be appended after the earlier one committed, so the relay publishes them in order.
 *
 * $1 order id, $2 expected version, $3 envelopes (JSON array), $4 the writer's traceparent, $5.. the summary.
 */
const APPEND_SQL = `
  WITH stream AS (
    SELECT coalesce(max(version), 0)::int AS version FROM order_events WHERE aggregate_id = $1
  ), prices AS (
    SELECT coalesce(bool_and(coalesce(c.active AND c.unit_price_minor = (l->>'unitPriceMinor')::bigint
                                      AND c.currency::text = e->'payload'->>'currency', false)), true) AS current
      FROM jsonb_array_elements($3::jsonb) AS e
     CROSS JOIN jsonb_array_elements(e->'payload'->'lines') AS l
      LEFT JOIN catalog_products c ON c.sku = l->>'sku'
     WHERE e->>'type' = 'OrderPlaced'
  ), gate AS (
    SELECT (SELECT version FROM stream) = $2 AND (SELECT current FROM prices) AS open
  ), appended AS (
    INSERT INTO order_events (event_id, aggregate_id, version, type, schema_version, payload, metadata, occurred_at)
    SELECT e->>'id', e->>'aggregateId', (e->>'aggregateVersion')::int, e->>'type', (e->>'version')::int,
           e->'payload', jsonb_build_object('correlationId', e->'correlationId', 'causationId', e->'causationId'),
           (e->>'occurredAt')::timestamptz
      FROM jsonb_array_elements($3::jsonb) AS e
     WHERE (SELECT open FROM gate)
    RETURNING 1
  ), published AS (
    ${outboxInsertSql(ORDER_OUTBOX.table, {
      envelopes: '$3',
      traceParent: '$4',
      where: '(SELECT open FROM gate)',
    })}
    RETURNING 1
  ), projected AS (
    ${upsertSummariesSql(ORDER_SUMMARIES, 1, 5, '(SELECT open FROM gate)')}
    RETURNING 1
  )
  SELECT (SELECT version FROM stream) AS version, (SELECT current FROM prices) AS prices_current`;

/** A stored row as the domain's event, upcast to the catalog's latest version. */
export function orderEventOf(row: EventRow): OrderEvent {
  return toOrderEvent(validateEvent(toEnvelope(row)));
}

function toEnvelope(row: EventRow): EventEnvelope {
  return {
    id: row.event_id,
    type: row.type,
    version: row.schema_version,
    occurredAt: row.occurred_at.toISOString(),
    aggregateId: row.aggregate_id,
    aggregateVersion: row.version,
    correlationId: row.metadata.correlationId,
    causationId: row.metadata.causationId,
    payload: row.payload,
  };
}

/** An event of the catalog, at its latest version, as the domain's OrderEvent. */
function toOrderEvent(event: DomainEvent): OrderEvent {
  switch (event.type) {
    case 'OrderPlaced':
      return { type: event.type, data: event.payload };
    case 'OrderConfirmed':
      return { type: event.type, data: event.payload };
    case 'OrderPaid':
      return { type: event.type, data: event.payload };
    case 'OrderShipped':
      return { type: event.type, data: event.payload };
    case 'OrderCancelled':
      return { type: event.type, data: event.payload };
    default:
      throw new Error(`order stream ${event.aggregateId} holds a ${event.type}, which is not an order event`);
  }
}

function isStreamKeyViolation(error: unknown): boolean {
  const e = error as {
    code?: string;
    constraint?: string;
    driverError?: { code?: string; constraint?: string };
  };
  const code = e.code ?? e.driverError?.code;
  const constraint = e.constraint ?? e.driverError?.constraint;
  return code === '23505' && constraint === STREAM_KEY;
}
