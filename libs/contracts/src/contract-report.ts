import type { z } from 'zod';
import { knownVersionsOf, versionsOf } from './catalog';
import { ContractError, type ContractErrorCode } from './contract-error';
import { compiledEnvelopeSchema } from './envelope';
import { decodeEvent } from './event-codec';

/** One thing wrong with a message: the path of the field (`payload.lines.0.sku`) and what. */
export interface ContractIssue {
  path: string;
  message: string;
}

/** How raw message bytes stand against the contracts: which event they claim to be, and whether they are one. */
export interface ContractReport {
  /** The envelope's `type`, when the bytes are JSON that names one. */
  eventType: string | null;
  /** The envelope's `version`, when it names an integer one. */
  version: number | null;
  /** The versions of `eventType` this build reads, oldest first; empty for an unknown type. */
  knownVersions: readonly number[];
  /** Null when the bytes decode as the consumers decode them; else the violation. */
  violation: { code: ContractErrorCode; reason: string; issues: ContractIssue[] } | null;
}

/**
 * Checks raw bytes (and their record key) as a consumer's `decodeEvent` would, and says what it
 * found field by field: for tooling that explains a dead letter (the DLQ app), not for consumers,
 * which only need decodeEvent's verdict. The verdict is decodeEvent's own; the issues come from
 * the schema that refused the bytes.
 */
export function contractReportOf(raw: Buffer | null, key: Buffer | string | null): ContractReport {
  const json = parseJson(raw);
  const claimed = json.ok ? claimedEvent(json.value) : { eventType: null, version: null };
  const report = { ...claimed, knownVersions: claimed.eventType ? knownVersionsOf(claimed.eventType) : [] };
  try {
    decodeEvent(raw, { key });
    return { ...report, violation: null };
  } catch (error) {
    if (!(error instanceof ContractError)) throw error;
    const issues = (json.ok ? schemaIssues(json.value) : null) ?? issuesOfReason(error.reason);
    return { ...report, violation: { code: error.code, reason: error.reason, issues } };
  }
}

function parseJson(raw: Buffer | null): { ok: true; value: unknown } | { ok: false } {
  if (raw === null || raw.length === 0) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

function claimedEvent(value: unknown): { eventType: string | null; version: number | null } {
  const { type, version } = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  return {
    eventType: typeof type === 'string' ? type.slice(0, 100) : null,
    version: typeof version === 'number' && Number.isInteger(version) ? version : null,
  };
}

/**
 * The issues of the schema that refuses `value`: the envelope's, else its payload's at the
 * version it names. Null when both pass (an unknown event, a key or an upcast that does not fit:
 * decodeEvent's reason says those).
 */
function schemaIssues(value: unknown): ContractIssue[] | null {
  const envelope = compiledEnvelopeSchema.safeParse(value);
  if (!envelope.success) return issuesOf(envelope.error);
  const entry = versionsOf(envelope.data.type)?.get(envelope.data.version);
  const payload = entry?.payload.safeParse(envelope.data.payload);
  return payload && !payload.success ? issuesOf(payload.error, 'payload') : null;
}

function issuesOf(error: z.ZodError, prefix?: string): ContractIssue[] {
  return error.issues.map((issue) => {
    const path = prefix === undefined ? issue.path : [prefix, ...issue.path];
    return { path: path.length ? path.map(String).join('.') : '(root)', message: issue.message };
  });
}

/** A ContractError's reason (`path: problem`, one per field, `; ` apart) as issues. */
function issuesOfReason(reason: string): ContractIssue[] {
  return reason.split('; ').map((part) => {
    const colon = part.indexOf(': ');
    return colon === -1
      ? { path: '(root)', message: part }
      : { path: part.slice(0, colon), message: part.slice(colon + 2) };
  });
}
