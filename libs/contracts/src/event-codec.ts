import { knownVersionsOf, latestDefinitionOf, type DomainEvent, type EventType, versionsOf } from './catalog';
import { EventPayloadError, UnknownEventError } from './contract-error';
import {
  compiledEnvelopeSchema,
  decodeEnvelope,
  describeIssues,
  EnvelopeDecodeError,
  type EventEnvelope,
} from './envelope';
import { topicOfEvent } from './topic-registry';

/**
 * Reads raw message bytes as a typed event at its latest version: envelope, then the payload
 * against the schema of its own type and version, then upcasting. Given the `record` it came in,
 * its key must be the event's `aggregateId` too: an event filed under another key sits in
 * another entity's partition, out of its own entity's order. Throws a ContractError (never
 * retriable): EnvelopeDecodeError, UnknownEventError or EventPayloadError.
 */
export function decodeEvent(
  raw: Buffer | string | null,
  record?: { key: Buffer | string | null },
): DomainEvent {
  const event = toLatest(decodeEnvelope(raw));
  if (record !== undefined) checkRecordKey(event, record.key);
  return event;
}

function checkRecordKey(event: DomainEvent, key: Buffer | string | null): void {
  const text = key === null ? null : key.toString();
  if (text !== event.aggregateId) {
    const reason = `record key: must equal aggregateId (${JSON.stringify(event.aggregateId)}), got ${JSON.stringify(text)}`;
    throw new EnvelopeDecodeError(reason);
  }
}

/**
 * The checks of `decodeEvent` for an envelope already in memory, e.g. before producing it or
 * when it comes from an outbox row. Old versions are upcast; the result is the latest version.
 */
export function validateEvent(envelope: EventEnvelope): DomainEvent {
  const result = compiledEnvelopeSchema.safeParse(envelope);
  if (!result.success) throw new EnvelopeDecodeError(describeIssues(result.error));
  return toLatest(result.data);
}

function toLatest(envelope: EventEnvelope): DomainEvent {
  const { type, version } = envelope;
  const versions = versionsOf(type);
  if (!versions) throw new UnknownEventError(type, version, `unknown event type "${type}"`);
  const entry = versions.get(version);
  if (!entry) {
    const known = knownVersionsOf(type).join(', ');
    throw new UnknownEventError(type, version, `${type} has no version ${version} (known: ${known})`);
  }
  const parsed = entry.payload.safeParse(envelope.payload);
  if (!parsed.success) throw new EventPayloadError(type, version, describeIssues(parsed.error, 'payload'));

  // versionsOf() found the type, so it is an EventType.
  const latest = latestDefinitionOf(type as EventType);
  let payload = parsed.data;
  if (entry.toLatest) {
    // The upcaster's types prove the shape, not the refinements (such as the order total):
    // check the result so a bad upcast is a dead letter, not a wrong read model.
    const upcast = entry.latestPayload.safeParse(entry.toLatest(payload));
    if (!upcast.success) {
      const reason = `after upcasting to v${latest.version}: ${describeIssues(upcast.error, 'payload')}`;
      throw new EventPayloadError(type, version, reason);
    }
    payload = upcast.data;
  }
  checkKey(envelope, type as EventType, payload);
  // Both callers pass a copy fresh from zod, never the caller's object, so it is safe to reuse.
  envelope.version = latest.version;
  envelope.payload = payload;
  return envelope as DomainEvent;
}

/** The record key is `aggregateId`; an event filed under another entity would break per-key order. */
function checkKey(envelope: EventEnvelope, type: EventType, payload: unknown): void {
  const field = topicOfEvent(type).key.payloadField;
  const value = (payload as Record<string, unknown>)[field];
  if (value !== envelope.aggregateId) {
    const reason = `aggregateId: must equal payload.${field} (${JSON.stringify(value)}), got ${JSON.stringify(envelope.aggregateId)}`;
    throw new EventPayloadError(type, envelope.version, reason);
  }
}
