import { Headers } from '@platform/contracts';
import { bytesOf } from '../quarantine/domain/bytes';
import { errorChainOf } from '../quarantine/domain/error-chain';
import type { QuarantineEntry } from '../quarantine/infrastructure/quarantine.model';
import type { QuarantineSummary } from '../quarantine/infrastructure/quarantine.queries';

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
 * too (JSON parsed when it parses), its headers and its history; then the same bytes decoded
 * once each (`decoded`, what a reader or an agent wants) and the provenance with the error chain.
 */
export function entryView(entry: QuarantineEntry) {
  const value = bytesOf(entry.value);
  const text = value ? textOrNull(value) : null;
  const json = text === null ? null : parseJson(text);
  const key = bytesOf(entry.key);
  return {
    ...summaryView(entry),
    value: {
      base64: value ? value.toString('base64') : null,
      text,
      json,
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
    decoded: {
      key: key ? decodedView(key) : null,
      value: value ? decodedView(value) : null,
      envelope: envelopeOf(entry, json),
    },
    provenance: {
      topic: entry.topic,
      originalTopic: entry.originalTopic,
      partition: entry.partition,
      offset: entry.offset,
      consumerGroup: entry.consumerGroup,
      attempts: entry.attempts,
      reason: entry.reason,
      errorChain: errorChainOf(entry, entry.headers),
      dlq: entry.dlq,
      complete: entry.provenanceComplete,
    },
  };
}

/** Bytes as readable as they are: JSON when they parse, else text, else base64. */
export function decodedView(bytes: Buffer) {
  const text = textOrNull(bytes);
  const json = text === null ? null : parseJson(text);
  if (json !== null) return { encoding: 'json' as const, json, bytes: bytes.length };
  if (text !== null) return { encoding: 'text' as const, text, bytes: bytes.length };
  return { encoding: 'base64' as const, base64: bytes.toString('base64'), bytes: bytes.length };
}

/**
 * The event the entry claims to be: its `x-event-type`/`x-event-version` headers, else the
 * envelope fields of a JSON value; null when neither names a type.
 */
function envelopeOf(entry: QuarantineEntry, json: unknown) {
  const body = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const header = (name: string) => {
    const bytes = bytesOf(entry.headers.find((h) => h.name === name)?.value);
    return bytes ? textOrNull(bytes) : null;
  };
  const type = header(Headers.eventType) ?? (typeof body['type'] === 'string' ? body['type'] : null);
  const versionText = header(Headers.eventVersion);
  const version =
    versionText !== null && /^\d{1,9}$/.test(versionText) ? Number(versionText) : body['version'];
  if (type === null) return null;
  return {
    type: type.slice(0, 100),
    version: typeof version === 'number' && Number.isInteger(version) ? version : null,
    id: typeof body['id'] === 'string' ? body['id'].slice(0, 100) : entry.eventId,
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

/**
 * Deeper than any event, far shallower than what overflows JSON.stringify's stack: poison can be
 * `[[[[...]]]]` thousands deep (`npm run fuzz:http` made the entry's answer a 500).
 */
const MAX_JSON_DEPTH = 64;

/** The text as JSON when it parses and nests at most MAX_JSON_DEPTH deep; null otherwise. */
function parseJson(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    return null;
  }
  return depthAtMost(parsed, MAX_JSON_DEPTH) ? parsed : null;
}

/** Whether `value` nests at most `limit` arrays or objects deep; iterative, so any depth is safe. */
function depthAtMost(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return false;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return true;
}
