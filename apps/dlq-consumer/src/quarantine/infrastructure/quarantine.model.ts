import { Schema, type Connection, type Model } from 'mongoose';
import type { DeadLetter } from '../domain/dead-letter';

export type QuarantineStatus = 'quarantined' | 'replayed' | 'discarded';

/** One thing that happened to an entry: quarantined, replayed (by whom, outcome), failed again, discarded. */
export interface HistoryEntry {
  at: Date;
  action: 'quarantined' | 'replayed' | 'replay-failed' | 'failed-again' | 'discarded';
  /** The admin's user id (replayed, replay-failed, discarded). */
  by?: string;
  /** The OAuth client the admin acted through (an MCP agent), when the gateway named one. */
  clientId?: string;
  detail?: string;
  /** The dead letter that brought it here (quarantined, failed-again): makes redelivery harmless. */
  dlq?: string;
}

/** Who replays or discards: an admin, through an OAuth client (an agent) or not. */
export interface Actor {
  userId: string;
  clientId?: string;
}

/** The fields of a history line that name `actor`. */
export function actedBy(actor: Actor): Pick<HistoryEntry, 'by' | 'clientId'> {
  return actor.clientId === undefined ? { by: actor.userId } : { by: actor.userId, clientId: actor.clientId };
}

/**
 * A quarantined poison message: the dead letter as read (bytes, provenance, failure, fingerprint),
 * with its status and history. Stored in two collections: `quarantine` holds everything but the
 * value and headers (what lists, groups and filters read), `quarantine_bytes` holds those under the
 * same id, so a list or a count never loads a poison value of a megabyte.
 */
export interface QuarantineEntry extends Omit<DeadLetter, 'id' | 'replayOf'> {
  _id: string;
  status: QuarantineStatus;
  /** Times it reached the DLQ: 1, plus one per replay that failed again. */
  failures: number;
  quarantinedAt: Date;
  updatedAt: Date;
  history: HistoryEntry[];
}

/** What `quarantine` stores of an entry: all of it but the bytes. */
export type QuarantineRecord = Omit<QuarantineEntry, 'value' | 'headers'>;

/** What `quarantine_bytes` stores of an entry: the value and headers exactly as read. */
export type QuarantineBytes = Pick<QuarantineEntry, '_id' | 'value' | 'headers'>;

const schema = new Schema<QuarantineRecord>(
  {
    _id: { type: String, required: true },
    status: { type: String, required: true, enum: ['quarantined', 'replayed', 'discarded'] },
    topic: { type: String, required: true },
    originalTopic: { type: String, required: true },
    partition: { type: Number, required: true },
    offset: { type: String, required: true },
    key: { type: Buffer, default: null },
    consumerGroup: { type: String, default: null },
    eventType: { type: String, default: null },
    eventId: { type: String, default: null },
    errorClass: { type: String, required: true },
    errorCode: { type: String, default: null },
    errorMessage: { type: String, default: '' },
    reason: { type: String, required: true },
    attempts: { type: Number, required: true },
    firstFailureAt: { type: Date, default: null },
    lastFailureAt: { type: Date, default: null },
    traceId: { type: String, default: null },
    fingerprint: { type: String, required: true },
    provenanceComplete: { type: Boolean, required: true },
    dlq: { _id: false, topic: String, partition: Number, offset: String },
    failures: { type: Number, required: true },
    quarantinedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    history: [
      { _id: false, at: Date, action: String, by: String, clientId: String, detail: String, dlq: String },
    ],
  },
  { versionKey: false, collection: 'quarantine' },
);
// The list (newest first, by status), the groups (by fingerprint) and the filters.
schema.index({ status: 1, quarantinedAt: -1, _id: -1 });
schema.index({ fingerprint: 1, status: 1 });
schema.index({ topic: 1, status: 1 });

const bytesSchema = new Schema<QuarantineBytes>(
  {
    _id: { type: String, required: true },
    value: { type: Buffer, default: null },
    headers: [{ _id: false, name: String, value: Buffer }],
  },
  { versionKey: false, collection: 'quarantine_bytes' },
);

/** The quarantine collection's model on `connection`; call `init()` to build the indexes. */
export function quarantineModel(connection: Connection): Model<QuarantineRecord> {
  return connection.models['Quarantine'] ?? connection.model<QuarantineRecord>('Quarantine', schema);
}

/** The model of the entries' bytes on `connection`. */
export function quarantineBytesModel(connection: Connection): Model<QuarantineBytes> {
  return (
    connection.models['QuarantineBytes'] ?? connection.model<QuarantineBytes>('QuarantineBytes', bytesSchema)
  );
}
