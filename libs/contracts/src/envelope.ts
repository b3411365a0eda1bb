import { z } from 'zod';
import { compiledSchema } from './compiled-schema';
import { ContractError } from './contract-error';

/**
 * The envelope every event travels in. The payload is validated separately, by the schema
 * of its `type` and `version`, so that a consumer can still say which event it failed to read.
 */
export const eventEnvelopeSchema = z.object({
  /** Unique and sortable by creation time (a ULID or a UUIDv7). */
  id: z.string().min(1).max(64),
  /** PascalCase event name, e.g. `OrderPlaced`. */
  type: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'must be a PascalCase event name'),
  /** Schema version of the payload; a breaking change is a new version, never an edit in place. */
  version: z.number().int().min(1),
  /** ISO-8601 instant with an offset. */
  occurredAt: z.iso.datetime({ offset: true }),
  /** The entity the event belongs to; also the Kafka record key. */
  aggregateId: z.string().min(1).max(128),
  /** Position of the event in its aggregate's stream, starting at 1. */
  aggregateVersion: z.number().int().min(1),
  correlationId: z.string().min(1).max(128),
  /** Id of the message or request that caused this event; null for a root cause. */
  causationId: z.string().min(1).max(128).nullable(),
  payload: z.unknown(),
});

/** The envelope schema as the codec runs it: the same checks and errors, compiled once. */
export const compiledEnvelopeSchema = compiledSchema(eventEnvelopeSchema);

/** An event as it travels, before its payload has been checked against its own schema. */
export type EventEnvelope<P = unknown> = Omit<z.infer<typeof eventEnvelopeSchema>, 'payload'> & {
  payload: P;
};

/** Why a message could not be read as an event: a permanent failure, never worth a retry. */
export class EnvelopeDecodeError extends ContractError {
  override readonly name = 'EnvelopeDecodeError';
  override readonly code = 'CONTRACTS.INVALID_ENVELOPE';

  constructor(reason: string) {
    super(reason, `invalid event envelope: ${reason}`);
  }
}

/**
 * Parses raw message bytes (UTF-8 JSON) into an envelope, or throws an EnvelopeDecodeError
 * whose reason names every field that is wrong.
 */
export function decodeEnvelope(raw: Buffer | string | null): EventEnvelope {
  if (raw === null || raw.length === 0) throw new EnvelopeDecodeError('empty message value');
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (err) {
    throw new EnvelopeDecodeError(`not JSON (${(err as Error).message})`);
  }
  const result = compiledEnvelopeSchema.safeParse(json);
  if (!result.success) throw new EnvelopeDecodeError(describeIssues(result.error));
  return result.data;
}

/** Serialises an envelope for the wire. */
export function encodeEnvelope(envelope: EventEnvelope): Buffer {
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}

/**
 * One line per problem, each prefixed by the path of the offending field. `prefix` roots the
 * paths where the schema checked only part of a message (`payload` gives `payload.lines.0.sku`).
 */
export function describeIssues(error: z.ZodError, prefix?: string): string {
  return error.issues
    .map((issue) => {
      const path = prefix === undefined ? issue.path : [prefix, ...issue.path];
      return `${path.length ? path.map(String).join('.') : '(root)'}: ${issue.message}`;
    })
    .join('; ');
}
