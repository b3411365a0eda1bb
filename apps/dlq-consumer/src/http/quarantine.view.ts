import { bytesOf } from '../quarantine/bytes';
import type { QuarantineEntry } from '../quarantine/quarantine.model';
import type { QuarantineSummary } from '../quarantine/quarantine.store';

/** An entry in a list: provenance and failure, no bytes. */
export function summaryView(entry: QuarantineSummary) {
  return {
    id: entry._id,
    status: entry.status,
    topic: entry.topic,
    originalTopic: entry.originalTopic,
    partition: entry.partition,
    offset: entry.offset,
    key: entry.key ? textOrNull(bytesOf(entry.key) as Buffer) : null,
    consumerGroup: entry.consumerGroup,
    eventType: entry.eventType,
    eventId: entry.eventId,
    error: {
      class: entry.errorClass,
      code: entry.errorCode,
      message: entry.errorMessage,
      reason: entry.reason,
      attempts: entry.attempts,
      firstFailureAt: entry.firstFailureAt,
      lastFailureAt: entry.lastFailureAt,
    },
    traceId: entry.traceId,
    fingerprint: entry.fingerprint,
    failures: entry.failures,
    quarantinedAt: entry.quarantinedAt,
    updatedAt: entry.updatedAt,
  };
}

/**
 * One entry whole: the value as base64 (the exact bytes) and, when it is UTF-8 text, as text
 * too (JSON parsed when it parses), its headers and its history.
 */
export function entryView(entry: QuarantineEntry) {
  const value = bytesOf(entry.value);
  const text = value ? textOrNull(value) : null;
  return {
    ...summaryView(entry),
    value: {
      base64: value ? value.toString('base64') : null,
      text,
      json: text === null ? null : parseJson(text),
      bytes: value?.length ?? 0,
    },
    keyBase64: bytesOf(entry.key)?.toString('base64') ?? null,
    headers: entry.headers.map(({ name, value }) => {
      const bytes = bytesOf(value) ?? Buffer.alloc(0);
      const text = textOrNull(bytes);
      return text === null ? { name, base64: bytes.toString('base64') } : { name, value: text };
    }),
    provenanceComplete: entry.provenanceComplete,
    dlq: entry.dlq,
    history: entry.history,
  };
}

/** The bytes as text when they are printable UTF-8 (no NUL); null otherwise (use base64). */
function textOrNull(bytes: Buffer): string | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.includes('\u0000') ? null : text;
  } catch {
    return null;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
