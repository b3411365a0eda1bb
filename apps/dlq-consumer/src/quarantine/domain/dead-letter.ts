import { Headers } from '@platform/contracts';
import { fingerprintOf } from './fingerprint';

/** Why a record was dead-lettered (the runtime's x-dead-letter-reason), or unknown. */
export type DeadLetterReason = 'decode' | 'permanent' | 'exhausted' | 'unknown';

/** Where a dead letter was read: its record in a `*.dlq` topic. */
export interface DlqCoordinates {
  topic: string;
  partition: number;
  offset: string;
}

/** A dead letter as the quarantine stores it: the record, its provenance, its failure. */
export interface DeadLetter {
  /**
   * Idempotency key: the failed record's coordinates and the group it failed in,
   * `topic:partition:offset@group` (URL-safe). Two groups failing on one record are two failures,
   * each replayed to its own group.
   */
  id: string;
  dlq: DlqCoordinates;
  /** The topic the failing group read it from: the live topic, or its `.retry` after a replay. */
  originalTopic: string;
  /** The live topic: replays go to `<topic>.retry`. */
  topic: string;
  partition: number;
  offset: string;
  /** The record's key, value and headers (provenance included), byte for byte. */
  key: Buffer | null;
  value: Buffer | null;
  headers: RawHeader[];
  consumerGroup: string | null;
  eventType: string | null;
  eventId: string | null;
  errorClass: string;
  errorCode: string | null;
  errorMessage: string;
  reason: DeadLetterReason;
  attempts: number;
  firstFailureAt: Date | null;
  lastFailureAt: Date | null;
  traceId: string | null;
  /** The quarantine entry this record was replayed from, when it failed again after a replay. */
  replayOf: string | null;
  fingerprint: string;
  /** False when provenance headers were missing (a record written to the DLQ by hand). */
  provenanceComplete: boolean;
}

/** One header, its value as the bytes it was. */
export interface RawHeader {
  name: string;
  value: Buffer;
}

const REASONS = new Set(['decode', 'permanent', 'exhausted']);

/** Text for fields shown and searched: NUL, which some stores refuse in strings, becomes ␀. */
export const storable = (text: string): string => text.split(String.fromCharCode(0)).join('\u2400');

/**
 * Reads a dead letter's provenance from its headers (see `Headers` in the contracts). Never
 * throws: a record with missing or broken provenance is still quarantined, keyed by where it
 * was found, so nothing is lost for want of a header.
 */
export function readDeadLetter(
  dlq: DlqCoordinates,
  key: Buffer | null,
  value: Buffer | null,
  rawHeaders: readonly RawHeader[],
): DeadLetter {
  const headers: Record<string, string> = {};
  for (const { name, value: bytes } of rawHeaders) headers[name] = storable(bytes.toString('utf8'));
  const originalTopic = headers[Headers.originalTopic];
  const partition = Number(headers[Headers.originalPartition]);
  const offset = headers[Headers.originalOffset];
  const provenanceComplete =
    !!originalTopic && Number.isInteger(partition) && partition >= 0 && !!offset && /^\d+$/.test(offset);
  const liveTopic = dlq.topic.endsWith('.dlq') ? dlq.topic.slice(0, -'.dlq'.length) : dlq.topic;
  const from = provenanceComplete ? originalTopic : liveTopic;
  const topic = from.endsWith('.retry') ? from.slice(0, -'.retry'.length) : from;
  const body = peek(value);
  const eventType = headers[Headers.eventType] ?? body.type;
  const errorClass = headers[Headers.errorClass] ?? 'Unknown';
  const errorMessage = headers[Headers.errorMessage] ?? '';
  const reason = headers[Headers.deadLetterReason];
  const attempts = Number(headers[Headers.attempts]);
  return {
    id: provenanceComplete
      ? `${originalTopic}:${partition}:${offset}@${headers[Headers.consumerGroup] ?? '-'}`
      : `${dlq.topic}:${dlq.partition}:${dlq.offset}@-`,
    dlq,
    originalTopic: from,
    topic,
    partition: provenanceComplete ? partition : dlq.partition,
    offset: provenanceComplete ? offset : dlq.offset,
    key: rawHeaders.find((h) => h.name === Headers.originalKey)?.value ?? key,
    value,
    headers: [...rawHeaders],
    consumerGroup: headers[Headers.consumerGroup] ?? null,
    eventType: eventType ? storable(eventType) : null,
    eventId: body.id ? storable(body.id) : null,
    errorClass,
    errorCode: headers[Headers.errorCode] ?? null,
    errorMessage,
    reason: reason && REASONS.has(reason) ? (reason as DeadLetterReason) : 'unknown',
    attempts: Number.isInteger(attempts) && attempts > 0 ? attempts : 1,
    firstFailureAt: dateOf(headers[Headers.firstFailureAt]),
    lastFailureAt: dateOf(headers[Headers.lastFailureAt]),
    traceId: headers[Headers.traceId] ?? null,
    replayOf: headers[Headers.replayOf] ?? null,
    fingerprint: fingerprintOf({ errorClass, errorMessage, topic, eventType: eventType ?? null }),
    provenanceComplete,
  };
}

/** The envelope's type and id when the value is JSON that has them; undecodable values have none. */
function peek(value: Buffer | null): { type?: string; id?: string } {
  if (!value || value.length > 1_000_000) return {};
  try {
    const parsed = JSON.parse(value.toString('utf8')) as { type?: unknown; id?: unknown };
    return {
      ...(typeof parsed?.type === 'string' ? { type: parsed.type.slice(0, 100) } : {}),
      ...(typeof parsed?.id === 'string' ? { id: parsed.id.slice(0, 100) } : {}),
    };
  } catch {
    return {};
  }
}

function dateOf(value: string | undefined): Date | null {
  const ms = value ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** Headers a replay leaves out: the failure they describe is the one being replayed. */
export const PROVENANCE_HEADERS: ReadonlySet<string> = new Set([
  Headers.originalTopic,
  Headers.originalPartition,
  Headers.originalOffset,
  Headers.originalKey,
  Headers.consumerGroup,
  Headers.errorClass,
  Headers.errorCode,
  Headers.errorMessage,
  Headers.errorCauses,
  Headers.attempts,
  Headers.firstFailureAt,
  Headers.lastFailureAt,
  Headers.traceId,
  Headers.deadLetterReason,
  Headers.targetGroup,
  Headers.replayOf,
  Headers.attempt,
]);
