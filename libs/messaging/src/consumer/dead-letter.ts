import type { ConsumedRecord, RecordHeaders } from '../client/kafka-client';
import { dlqTopicOf, Headers } from '@platform/contracts';
import { causeChain } from '@platform/service-edge';
import { errorClassOf } from '../errors';

/** Header names of a dead-lettered record's provenance (defined once, in the contracts). */
export const DlqHeaders = {
  originalTopic: Headers.originalTopic,
  originalPartition: Headers.originalPartition,
  originalOffset: Headers.originalOffset,
  originalKey: Headers.originalKey,
  consumerGroup: Headers.consumerGroup,
  errorClass: Headers.errorClass,
  errorCode: Headers.errorCode,
  errorMessage: Headers.errorMessage,
  errorCauses: Headers.errorCauses,
  attempts: Headers.attempts,
  firstFailureAt: Headers.firstFailureAt,
  lastFailureAt: Headers.lastFailureAt,
  traceId: Headers.traceId,
  reason: Headers.deadLetterReason,
  valueOmittedBytes: Headers.valueOmittedBytes,
} as const;

/** Why a message was dead-lettered: unreadable, a permanent error, or retries exhausted. */
export type DeadLetterReason = 'decode' | 'permanent' | 'exhausted';

/** What the runtime knows about a failure when it gives up on a message. */
export interface Failure {
  topic: string;
  partition: number;
  message: ConsumedRecord;
  groupId: string;
  error: unknown;
  reason: DeadLetterReason;
  attempts: number;
  firstFailureAt: Date;
  lastFailureAt: Date;
  traceId: string | undefined;
}

// Error messages can be huge (a stack, a payload echo); Kafka headers should stay small.
const MAX_ERROR_MESSAGE_CHARS = 2_000;
const MAX_CAUSE_MESSAGE_CHARS = 500;

/**
 * The record written to `<topic>.dlq`: the original key, value and headers unchanged (a replay
 * must deliver the very bytes that failed) plus provenance headers naming the consumer group,
 * since a failure belongs to one group and only that group must see the replay.
 */
export function deadLetterRecord(failure: Failure): DeadLetterRecord {
  const { message } = failure;
  const errorMessage = failure.error instanceof Error ? failure.error.message : String(failure.error);
  const headers: RecordHeaders = {
    ...message.headers,
    [DlqHeaders.originalTopic]: failure.topic,
    [DlqHeaders.originalPartition]: String(failure.partition),
    [DlqHeaders.originalOffset]: message.offset,
    [DlqHeaders.consumerGroup]: failure.groupId,
    [DlqHeaders.errorClass]: errorClassOf(failure.error),
    [DlqHeaders.errorMessage]: errorMessage.slice(0, MAX_ERROR_MESSAGE_CHARS),
    [DlqHeaders.attempts]: String(failure.attempts),
    [DlqHeaders.firstFailureAt]: failure.firstFailureAt.toISOString(),
    [DlqHeaders.lastFailureAt]: failure.lastFailureAt.toISOString(),
    [DlqHeaders.reason]: failure.reason,
  };
  if (failure.traceId) headers[DlqHeaders.traceId] = failure.traceId;
  if (message.key !== null) headers[DlqHeaders.originalKey] = message.key;
  const code = codeOf(failure.error);
  if (code !== undefined) headers[DlqHeaders.errorCode] = code;
  const causes = causeChain(failure.error).slice(1);
  if (causes.length > 0) headers[DlqHeaders.errorCauses] = JSON.stringify(causes.map(describeCause));
  return { topic: dlqTopicOf(baseTopicOf(failure.topic)), key: message.key, value: message.value, headers };
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** One cause as the x-error-causes header lists it: small, since headers should stay small. */
function describeCause(cause: unknown): { class: string; code?: string; message: string } {
  const message = cause instanceof Error ? cause.message : String(cause);
  const code = codeOf(cause);
  return {
    class: errorClassOf(cause),
    ...(code === undefined ? {} : { code }),
    message: message.slice(0, MAX_CAUSE_MESSAGE_CHARS),
  };
}

/**
 * The dead letter of `failure` without the record's value and original headers, for a record
 * too large for the DLQ topic once its provenance is added: no retry would make it fit, and
 * holding it would stop its partition for good. Provenance, key and error still reach the
 * quarantine; the bytes stay in the original topic at the original offset until its retention.
 */
export function reducedDeadLetterRecord(failure: Failure): DeadLetterRecord {
  const { message } = failure;
  const bare: ConsumedRecord = { ...message, value: null, headers: {} };
  const record = deadLetterRecord({ ...failure, message: bare });
  record.headers[DlqHeaders.valueOmittedBytes] = String(message.value?.length ?? 0);
  return record;
}

/** A record as written to `<topic>.dlq`. */
export interface DeadLetterRecord {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeaders;
}

/** `orders.events.retry` -> `orders.events`: a message failing again after a replay goes to the same DLQ. */
export function baseTopicOf(topic: string): string {
  return topic.endsWith('.retry') ? topic.slice(0, -'.retry'.length) : topic;
}
