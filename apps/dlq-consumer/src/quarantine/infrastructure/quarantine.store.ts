import { Inject, Injectable, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import { PINO_LOGGER } from '@platform/observability';
import type { Logger } from 'pino';
import { storable, type DeadLetter } from '../domain/dead-letter';
import type { HistoryEntry, QuarantineBytes, QuarantineEntry, QuarantineRecord } from './quarantine.model';
import { QuarantineCollections } from './quarantine-collections';

/** What recording a dead letter did. */
export type RecordOutcome = 'quarantined' | 'failed-again' | 'duplicate';

/**
 * The store of quarantined records: records a dead letter, and gives one entry back whole.
 * Recording is idempotent by the failed record's coordinates (a redelivered dead letter finds its
 * entry), and a replay that fails again returns to the entry it came from, with one more line of
 * history, instead of becoming a new one.
 *
 * Every text it matches from outside (ids) goes through `storable`, as the stored fields did:
 * FerretDB v1 keeps strings in PostgreSQL jsonb, which refuses NUL, so a NUL in a query parameter
 * would otherwise be a server error instead of a search for the `␀` it was stored as.
 *
 * Value and headers are written to quarantine_bytes before the entry (see QuarantineCollections).
 */
@Injectable()
export class QuarantineStore implements OnApplicationBootstrap {
  constructor(
    private readonly collections: QuarantineCollections,
    @Optional() @Inject(PINO_LOGGER) private readonly logger?: Logger,
  ) {}

  /** Moves inline bytes in the background: the app serves meanwhile, and reads both layouts. */
  onApplicationBootstrap(): void {
    void this.moveInlineBytes().catch((error: unknown) =>
      this.logger?.error(
        { err: error },
        'moving quarantined bytes to quarantine_bytes failed; entries stay readable, the next start goes on',
      ),
    );
  }

  /**
   * Entries quarantined by a version that kept the bytes inline (and, during a rolling update,
   * still writes them so): moves them, a hundred at a time, bytes first, so a move that dies
   * halfway leaves every entry whole and the next start goes on. Idempotent: instances starting
   * together do no harm. Reads do not wait for it (`get` takes inline bytes too).
   */
  async moveInlineBytes(): Promise<number> {
    const entries = this.collections.model.collection;
    const moved = new Set<string>();
    for (;;) {
      const rows = await entries
        .find({ value: { $exists: true } }, { projection: { value: 1, headers: 1 } })
        .limit(100)
        .toArray();
      if (rows.length === 0) return moved.size;
      // An entry coming back means its unset did not take: stop rather than loop.
      if (rows.some((row) => moved.has(String(row._id)))) {
        throw new Error(`entry ${String(rows[0]?._id)} still holds its bytes after they were moved`);
      }
      for (const row of rows) {
        moved.add(String(row._id));
        await this.collections.bytes.collection
          .updateOne(
            { _id: row._id },
            { $setOnInsert: { value: row['value'] ?? null, headers: row['headers'] ?? [] } },
            { upsert: true },
          )
          .catch(ignoreDuplicate);
        await entries.updateOne({ _id: row._id }, { $unset: { value: '', headers: '' } });
      }
    }
  }

  async record(letter: DeadLetter, now = new Date()): Promise<RecordOutcome> {
    const dlq = `${letter.dlq.topic}:${letter.dlq.partition}:${letter.dlq.offset}`;
    const failure = {
      errorClass: letter.errorClass,
      errorCode: letter.errorCode,
      errorMessage: letter.errorMessage,
      reason: letter.reason,
      attempts: letter.attempts,
      lastFailureAt: letter.lastFailureAt,
      traceId: letter.traceId,
      fingerprint: letter.fingerprint,
    };
    const detail = `${letter.errorClass}: ${letter.errorMessage}`.slice(0, 1_000);
    // Text fields come from headers already made storable; bytes stay bytes.
    if (letter.replayOf) {
      const replayOf = letter.replayOf;
      const result = await this.collections.serially(replayOf, () =>
        this.collections.model.updateOne(
          { _id: replayOf, 'history.dlq': { $ne: dlq } },
          {
            $set: { ...failure, status: 'quarantined', updatedAt: now },
            $inc: { failures: 1 },
            $push: { history: { at: now, action: 'failed-again', dlq, detail } satisfies HistoryEntry },
          },
        ),
      );
      if (result.matchedCount === 1) return 'failed-again';
      if (await this.collections.model.exists({ _id: letter.replayOf })) return 'duplicate';
      // The entry it came from is gone (discarded and purged): quarantine it on its own.
    }
    try {
      // Bytes first: an entry is never listed without them. A redelivery finds both there.
      await this.collections.bytes
        .create({ _id: letter.id, value: letter.value, headers: letter.headers })
        .catch(ignoreDuplicate);
      await this.collections.model.create({
        ...failure,
        _id: letter.id,
        status: 'quarantined',
        topic: letter.topic,
        originalTopic: letter.originalTopic,
        partition: letter.partition,
        offset: letter.offset,
        key: letter.key,
        consumerGroup: letter.consumerGroup,
        eventType: letter.eventType,
        eventId: letter.eventId,
        firstFailureAt: letter.firstFailureAt,
        provenanceComplete: letter.provenanceComplete,
        dlq: letter.dlq,
        failures: 1,
        quarantinedAt: now,
        updatedAt: now,
        history: [{ at: now, action: 'quarantined', dlq, detail }],
      });
      return 'quarantined';
    } catch (error) {
      if ((error as { code?: unknown }).code === 11000) return 'duplicate';
      throw error;
    }
  }

  /**
   * One entry whole, bytes included: from quarantine_bytes, or from the entry itself when an
   * earlier version wrote it inline and it has not been moved yet.
   */
  async get(id: string): Promise<QuarantineEntry | null> {
    const [entry, bytes] = await Promise.all([
      this.collections.model.findById(storable(id)).lean<QuarantineRecord & Partial<QuarantineBytes>>(),
      this.collections.bytes.findById(storable(id)).lean<QuarantineBytes>(),
    ]);
    if (!entry) return null;
    const { value, headers, ...rest } = entry;
    return {
      ...rest,
      value: bytes ? bytes.value : (value ?? null),
      headers: bytes?.headers ?? headers ?? [],
    };
  }
}

/** Lets a duplicate-key error pass (the document is there already: another writer was first). */
function ignoreDuplicate(error: unknown): void {
  if ((error as { code?: unknown }).code !== 11000) throw error;
}
