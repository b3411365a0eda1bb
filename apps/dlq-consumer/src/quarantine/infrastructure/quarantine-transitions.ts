import { Injectable } from '@nestjs/common';
import { storable } from '../domain/dead-letter';
import type { HistoryEntry, QuarantineRecord } from './quarantine.model';
import { QuarantineCollections } from './quarantine-collections';

/**
 * The bookkeeping of replays and discards: which entries of a group to replay, moving an entry
 * out of quarantine, and lines of history. Updates of one entry run one at a time with the
 * store's (see QuarantineCollections.serially); ids and free text go through `storable`.
 */
@Injectable()
export class QuarantineTransitions {
  constructor(private readonly collections: QuarantineCollections) {}

  /** Ids of the quarantined entries of a group, oldest first (the order a replay should keep). */
  async idsOfGroup(fingerprint: string, limit: number): Promise<string[]> {
    const rows = await this.collections.model
      .find({ fingerprint, status: 'quarantined' }, { _id: 1 })
      .sort({ quarantinedAt: 1, _id: 1 })
      .limit(limit)
      .lean<{ _id: string }[]>();
    return rows.map((row) => row._id);
  }

  /**
   * Moves a quarantined entry to `status`, with a line of history; null when it is not quarantined
   * (or, given `failures`, when it failed again since: its new failure wins over the move).
   * Answers the entry without its bytes, which a move never changes.
   */
  async leave(
    id: string,
    status: 'replayed' | 'discarded',
    line: HistoryEntry,
    failures?: number,
  ): Promise<QuarantineRecord | null> {
    return this.collections.serially(id, () =>
      this.collections.model
        .findOneAndUpdate(
          { _id: storable(id), status: 'quarantined', ...(failures === undefined ? {} : { failures }) },
          { $set: { status, updatedAt: line.at }, $push: { history: storableLine(line) } },
          { returnDocument: 'after' },
        )
        .lean<QuarantineRecord>(),
    );
  }

  /** Adds a line of history without changing the status (a replay that could not be written). */
  async note(id: string, line: HistoryEntry): Promise<void> {
    await this.collections.serially(id, () =>
      this.collections.model.updateOne(
        { _id: storable(id) },
        { $push: { history: storableLine(line) }, $set: { updatedAt: line.at } },
      ),
    );
  }
}

/** A history line whose free text (who, through which client, why) can be stored. */
function storableLine(line: HistoryEntry): HistoryEntry {
  return {
    ...line,
    ...(line.by === undefined ? {} : { by: storable(line.by) }),
    ...(line.clientId === undefined ? {} : { clientId: storable(line.clientId) }),
    ...(line.detail === undefined ? {} : { detail: storable(line.detail) }),
  };
}
