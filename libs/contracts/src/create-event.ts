import { v7 as uuidv7 } from 'uuid';
import { latestVersionOf, type EventOf, type EventType, type PayloadOf } from './catalog';
import { validateEvent } from './event-codec';

/** What a producer knows about a new event; the builder adds id, version and time. */
export interface NewEvent<T extends EventType> {
  type: T;
  /** The entity id, which becomes the record key; must equal the payload's key field. */
  aggregateId: string;
  aggregateVersion: number;
  payload: PayloadOf<T>;
  correlationId: string;
  /** Id of the message or request that caused this event; null for a root cause. */
  causationId: string | null;
}

/** Sources of time and identity, replaceable in tests. */
export interface EventFactoryOptions {
  now?: () => Date;
  /** Must be unique and sortable by creation time; defaults to UUIDv7. */
  newId?: () => string;
}

/**
 * Builds a validated envelope at the latest version of `type`, with a UUIDv7 id and the current
 * time. Throws EventPayloadError when the payload breaks its schema, so a bad event fails in
 * the service that made it instead of in every consumer.
 */
export function createEvent<T extends EventType>(
  input: NewEvent<T>,
  options: EventFactoryOptions = {},
): EventOf<T> {
  return validateEvent({
    id: options.newId ? options.newId() : uuidv7(),
    type: input.type,
    version: latestVersionOf(input.type),
    occurredAt: (options.now ? options.now() : new Date()).toISOString(),
    aggregateId: input.aggregateId,
    aggregateVersion: input.aggregateVersion,
    correlationId: input.correlationId,
    causationId: input.causationId,
    payload: input.payload,
  }) as EventOf<T>;
}
