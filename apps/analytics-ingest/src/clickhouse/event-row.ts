import type { DomainEvent } from '@platform/contracts';

/** One row of analytics.events. */
export interface EventRow {
  event_id: string;
  type: string;
  version: number;
  topic: string;
  aggregate_id: string;
  aggregate_version: number;
  occurred_at_ms: number;
  ingested_at_ms: number;
  /** The money an event moves, where it moves some (placed: the total; paid: the amount). */
  currency: string;
  amount_minor: number;
  payload: string;
}

/** An event as a row; what analytics queries need is lifted out of the payload. */
export function toEventRow(event: DomainEvent, topic: string, now = Date.now()): EventRow {
  let currency = '';
  let amountMinor = 0;
  if (event.type === 'OrderPlaced') {
    currency = event.payload.currency;
    amountMinor = event.payload.totalMinor;
  } else if (event.type === 'OrderPaid') {
    currency = event.payload.currency;
    amountMinor = event.payload.amountMinor;
  }
  return {
    event_id: event.id,
    type: event.type,
    version: event.version,
    topic: topic.endsWith('.retry') ? topic.slice(0, -'.retry'.length) : topic,
    aggregate_id: event.aggregateId,
    aggregate_version: event.aggregateVersion,
    occurred_at_ms: Date.parse(event.occurredAt),
    ingested_at_ms: now,
    currency,
    amount_minor: amountMinor,
    payload: JSON.stringify(event.payload),
  };
}
