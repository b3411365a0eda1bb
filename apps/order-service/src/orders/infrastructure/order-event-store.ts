import { Injectable } from '@nestjs/common';
import { createEvent, validateEvent, type DomainEvent, type EventEnvelope } from '@platform/contracts';
import { currentCorrelationId } from '@platform/observability';
import { appendToOutbox } from '@platform/outbox';
import { randomUUID } from 'node:crypto';
import { ORDER_OUTBOX } from '../../outbox/order-outbox.table';
import { UnitOfWork } from '../../persistence/unit-of-work';
import type { OrderEvent } from '../domain/order.events';
import { evolveAll } from '../domain/order.evolve';
import type { OrderState } from '../domain/order.state';
import { READ_MODEL_LOCK } from './read-model.lock';
import { ORDER_SUMMARIES, summaryOf, upsertOrderSummaries } from './order-summary.projection';
import { VersionConflict } from './version-conflict';

/** An order as its stream says: the fold of its events and the version of the last one (0: none). */
export interface LoadedOrder {
  state: OrderState;
  version: number;
  /** When it was placed (occurredAt of OrderPlaced); absent before. */
  placedAt?: string;
}

/** The stream before its first event. */
export const NEW_ORDER: LoadedOrder = { state: { status: 'none' }, version: 0 };

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
 * The append-only store of order events in Postgres. Each append is one transaction that also
 * writes the events' envelopes to the outbox, so what is published is exactly what is stored,
 * and updates the order_summaries read model (and the table a rebuild is filling, if one runs).
 */
@Injectable()
export class OrderEventStore {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** Reads an order's stream, upcasting old event versions, and folds it into its state. */
  async load(orderId: string): Promise<LoadedOrder> {
    const rows = (await this.unitOfWork.runner().query(
      `SELECT event_id, aggregate_id, version, type, schema_version, payload, metadata, occurred_at
         FROM order_events WHERE aggregate_id = $1 ORDER BY version`,
      [orderId],
    )) as EventRow[];
    const events = rows.map(orderEventOf);
    const placedAt = rows[0]?.occurred_at.toISOString();
    return {
      state: evolveAll(events),
      version: rows.at(-1)?.version ?? 0,
      ...(placedAt ? { placedAt } : {}),
    };
  }

  /**
   * Appends `events` to the order as `base` loaded it and returns the new version. Throws
   * VersionConflict when the stream has moved past `base`, including when a concurrent writer
   * commits the same version first (the unique (aggregate_id, version) constraint decides that race).
   */
  async append(orderId: string, base: LoadedOrder, events: readonly OrderEvent[]): Promise<number> {
    const expectedVersion = base.version;
    if (events.length === 0) return expectedVersion;
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
    try {
      await this.unitOfWork.run(async (manager) => {
        // Shared with every append; a rebuild takes it exclusively for an instant to start and
        // to swap, so each append sees the table being rebuilt from start to swap.
        const [current] = (await manager.query(
          `SELECT coalesce(max(version), 0)::int AS version, pg_advisory_xact_lock_shared($2, $3) AS shared
             FROM order_events WHERE aggregate_id = $1`,
          [orderId, READ_MODEL_LOCK.space, READ_MODEL_LOCK.cut],
        )) as { version: number }[];
        const actual = current?.version ?? 0;
        if (actual !== expectedVersion) throw new VersionConflict(orderId, expectedVersion, actual);
        const building = await insertEvents(manager, envelopes);
        // After the events: a second writer of this order waits on the stream key above and
        // fails, so outbox rows of one order are inserted (and committed) in version order.
        await appendToOutbox(manager, ORDER_OUTBOX.table, envelopes);
        const first = envelopes[0] as EventEnvelope;
        const last = envelopes.at(-1) as EventEnvelope;
        const summary = summaryOf(
          evolveAll(events, base.state),
          last.aggregateVersion,
          base.placedAt ?? first.occurredAt,
          last.occurredAt,
        );
        if (summary) {
          for (const table of building ? [ORDER_SUMMARIES, building] : [ORDER_SUMMARIES]) {
            await upsertOrderSummaries(manager, table, [summary]);
          }
        }
      });
    } catch (error) {
      if (isStreamKeyViolation(error)) throw new VersionConflict(orderId, expectedVersion);
      throw error;
    }
    return expectedVersion + events.length;
  }
}

/** Inserts the events; answers the read-model table a rebuild is filling, if any. */
async function insertEvents(
  manager: { query(sql: string, parameters?: unknown[]): Promise<unknown> },
  envelopes: readonly EventEnvelope[],
): Promise<string | null> {
  const values: string[] = [];
  const parameters: unknown[] = [];
  for (const e of envelopes) {
    const n = parameters.length;
    values.push(
      `($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}::jsonb, $${n + 7}::jsonb, $${n + 8})`,
    );
    parameters.push(
      e.id,
      e.aggregateId,
      e.aggregateVersion,
      e.type,
      e.version,
      JSON.stringify(e.payload),
      JSON.stringify({ correlationId: e.correlationId, causationId: e.causationId }),
      e.occurredAt,
    );
  }
  // One round trip; the read of order_read_model runs after the lock above was granted.
  const [state] = (await manager.query(
    `WITH appended AS (
       INSERT INTO order_events (event_id, aggregate_id, version, type, schema_version, payload, metadata, occurred_at)
       VALUES ${values.join(', ')} RETURNING 1)
     SELECT building FROM order_read_model WHERE name = '${ORDER_SUMMARIES}'`,
    parameters,
  )) as { building: string | null }[];
  return state?.building ?? null;
}

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
