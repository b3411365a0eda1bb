import { Inject, Injectable } from '@nestjs/common';
import { createEvent, validateEvent, type DomainEvent, type EventEnvelope } from '@platform/contracts';
import { currentCorrelationId } from '@platform/observability';
import { appendToOutbox } from '@platform/outbox';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ORDER_OUTBOX } from '../../outbox/order-outbox.table';
import type { OrderEvent } from '../domain/order.events';
import { evolveAll } from '../domain/order.evolve';
import type { OrderState } from '../domain/order.state';
import { projectOrderSummaries } from './order-summary.projection';
import { VersionConflict } from './version-conflict';

/** An order as its stream says: the fold of its events and the version of the last one (0: none). */
export interface LoadedOrder {
  state: OrderState;
  version: number;
}

interface EventRow {
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
 * and updates the order_summaries read model.
 */
@Injectable()
export class OrderEventStore {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Reads an order's stream, upcasting old event versions, and folds it into its state. */
  async load(orderId: string): Promise<LoadedOrder> {
    const rows = (await this.dataSource.query(
      `SELECT event_id, aggregate_id, version, type, schema_version, payload, metadata, occurred_at
         FROM order_events WHERE aggregate_id = $1 ORDER BY version`,
      [orderId],
    )) as EventRow[];
    const events = rows.map((row) => toOrderEvent(validateEvent(toEnvelope(row))));
    return { state: evolveAll(events), version: rows.at(-1)?.version ?? 0 };
  }

  /**
   * Appends `events` after `expectedVersion` and returns the new version. Throws VersionConflict
   * when the stream is elsewhere, including when a concurrent writer commits the same version
   * first (the unique (aggregate_id, version) constraint decides that race).
   */
  async append(orderId: string, expectedVersion: number, events: readonly OrderEvent[]): Promise<number> {
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
      await this.dataSource.transaction(async (manager) => {
        const [current] = (await manager.query(
          'SELECT coalesce(max(version), 0)::int AS version FROM order_events WHERE aggregate_id = $1',
          [orderId],
        )) as { version: number }[];
        const actual = current?.version ?? 0;
        if (actual !== expectedVersion) throw new VersionConflict(orderId, expectedVersion, actual);
        await insertEvents(manager, envelopes);
        // After the events: a second writer of this order waits on the stream key above and
        // fails, so outbox rows of one order are inserted (and committed) in version order.
        await appendToOutbox(manager, ORDER_OUTBOX.table, envelopes);
        await projectOrderSummaries(
          manager,
          events.map((event, i) => ({ event, envelope: envelopes[i] as EventEnvelope })),
        );
      });
    } catch (error) {
      if (isStreamKeyViolation(error)) throw new VersionConflict(orderId, expectedVersion);
      throw error;
    }
    return expectedVersion + events.length;
  }
}

async function insertEvents(
  manager: { query(sql: string, parameters?: unknown[]): Promise<unknown> },
  envelopes: readonly EventEnvelope[],
): Promise<void> {
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
  await manager.query(
    `INSERT INTO order_events (event_id, aggregate_id, version, type, schema_version, payload, metadata, occurred_at)
     VALUES ${values.join(', ')}`,
    parameters,
  );
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
