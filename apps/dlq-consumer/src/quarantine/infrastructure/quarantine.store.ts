import { Inject, Injectable, Optional, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { Connection, QueryFilter, Model } from 'mongoose';
import { MONGO_CONNECTION, type ListPosition } from '@platform/mongo';
import { PINO_LOGGER } from '@platform/observability';
import type { Logger } from 'pino';
import { storable, type DeadLetter } from '../domain/dead-letter';
import {
  quarantineBytesModel,
  quarantineModel,
  type HistoryEntry,
  type QuarantineBytes,
  type QuarantineEntry,
  type QuarantineRecord,
  type QuarantineStatus,
} from './quarantine.model';

/** What recording a dead letter did. */
export type RecordOutcome = 'quarantined' | 'failed-again' | 'duplicate';

/** Filters of the list and the groups. */
export interface QuarantineFilter {
  status?: QuarantineStatus;
  topic?: string;
  eventType?: string;
  fingerprint?: string;
  from?: Date;
  to?: Date;
}

/** One kind of failure in quarantine: its fingerprint, how many, since when. */
export interface QuarantineGroup {
  fingerprint: string;
  count: number;
  topic: string;
  eventType: string | null;
  errorClass: string;
  errorMessage: string;
  consumerGroup: string | null;
  oldest: Date;
  newest: Date;
}

/** An entry without its bytes and history, for lists. */
export type QuarantineSummary = Omit<QuarantineRecord, 'history'>;

/**
 * The quarantine collection. Recording is idempotent by the failed record's coordinates (a
 * redelivered dead letter finds its entry), and a replay that fails again returns to the entry it
 * came from, with one more line of history, instead of becoming a new one.
 *
 * Every text it matches or writes from outside (filters, ids, a discard's reason) goes through
 * `storable`, as the stored fields did: FerretDB v1 keeps strings in PostgreSQL jsonb, which
 * refuses NUL, so a NUL in a query parameter would otherwise be a server error instead of a
 * search for the `␀` it was stored as.
 *
 * An entry's value and headers live in a collection of their own (see QuarantineEntry), written
 * before the entry and read only when one entry is asked for whole: on FerretDB v1 a count, a
 * `$group` or a sorted page reads every matching document whole, and a quarantine holding a few
 * poison values of a megabyte made `/admin/dlq/groups` take seconds (`npm run bench:quarantine`).
 */
@Injectable()
export class QuarantineStore implements OnModuleInit, OnApplicationBootstrap {
  readonly model: Model<QuarantineRecord>;
  readonly bytes: Model<QuarantineBytes>;
  // Updates of one entry from this process, one at a time. A replay's "replayed" line and the
  // "failed-again" of its dead letter can arrive within milliseconds; MongoDB applies each update
  // atomically, but FerretDB v1 (the native store) rewrites the whole document and can lose one.
  private readonly entryLocks = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(MONGO_CONNECTION) connection: Connection,
    @Optional() @Inject(PINO_LOGGER) private readonly logger?: Logger,
  ) {
    this.model = quarantineModel(connection);
    this.bytes = quarantineBytesModel(connection);
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.model.init(), this.bytes.init()]);
  }

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
    const entries = this.model.collection;
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
        await this.bytes.collection
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
      const result = await this.serially(replayOf, () =>
        this.model.updateOne(
          { _id: replayOf, 'history.dlq': { $ne: dlq } },
          {
            $set: { ...failure, status: 'quarantined', updatedAt: now },
            $inc: { failures: 1 },
            $push: { history: { at: now, action: 'failed-again', dlq, detail } satisfies HistoryEntry },
          },
        ),
      );
      if (result.matchedCount === 1) return 'failed-again';
      if (await this.model.exists({ _id: letter.replayOf })) return 'duplicate';
      // The entry it came from is gone (discarded and purged): quarantine it on its own.
    }
    try {
      // Bytes first: an entry is never listed without them. A redelivery finds both there.
      await this.bytes
        .create({ _id: letter.id, value: letter.value, headers: letter.headers })
        .catch(ignoreDuplicate);
      await this.model.create({
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

  /** Entries matching `filter`, newest first, `limit` per page after `after`. */
  async list(
    filter: QuarantineFilter,
    limit: number,
    after?: ListPosition,
  ): Promise<{ items: QuarantineSummary[]; next: ListPosition | null }> {
    const query: QueryFilter<QuarantineEntry> = this.query(filter);
    if (after) {
      query.$or = [{ quarantinedAt: { $lt: after.at } }, { quarantinedAt: after.at, _id: { $lt: after.id } }];
    }
    const rows = await this.model
      .find(query, LIST_PROJECTION)
      .sort({ quarantinedAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean<QuarantineSummary[]>();
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items, next: rows.length > limit && last ? { at: last.quarantinedAt, id: last._id } : null };
  }

  /**
   * Kinds of failure with their counts, largest first (at most 200), each described by its
   * oldest entry. One read of the few fields it needs, folded here: FerretDB v1 (the native
   * store) has no `$min`/`$max`/`$first` in `$group` and sorts in its own process, reading every
   * matching document for any sorted query, so a count then two sorted lookups per group cost a
   * scan each (seconds for a few thousand entries); one scan of small documents is the least it
   * can do. Memory is one record per kind, not per entry.
   */
  async groups(filter: QuarantineFilter): Promise<QuarantineGroup[]> {
    const byFingerprint = new Map<string, QuarantineGroup & { oldestId: string }>();
    const rows = this.model
      .find(this.query(filter), GROUP_FIELDS)
      .lean<GroupRow[]>()
      .cursor({ batchSize: 1_000 });
    for await (const row of rows as AsyncIterable<GroupRow>) {
      const group = byFingerprint.get(row.fingerprint);
      if (!group) {
        byFingerprint.set(row.fingerprint, { ...describedBy(row), count: 1, newest: row.quarantinedAt });
        continue;
      }
      group.count += 1;
      if (before(row, group.oldest, group.oldestId)) Object.assign(group, describedBy(row));
      if (row.quarantinedAt > group.newest) group.newest = row.quarantinedAt;
    }
    return [...byFingerprint.values()]
      .sort((a, b) => b.count - a.count || (a.fingerprint < b.fingerprint ? -1 : 1))
      .slice(0, 200)
      .map(({ oldestId: _, ...group }) => group);
  }

  /**
   * One entry whole, bytes included: from quarantine_bytes, or from the entry itself when an
   * earlier version wrote it inline and it has not been moved yet.
   */
  async get(id: string): Promise<QuarantineEntry | null> {
    const [entry, bytes] = await Promise.all([
      this.model.findById(storable(id)).lean<QuarantineRecord & Partial<QuarantineBytes>>(),
      this.bytes.findById(storable(id)).lean<QuarantineBytes>(),
    ]);
    if (!entry) return null;
    const { value, headers, ...rest } = entry;
    return {
      ...rest,
      value: bytes ? bytes.value : (value ?? null),
      headers: bytes?.headers ?? headers ?? [],
    };
  }

  /** Ids of the quarantined entries of a group, oldest first (the order a replay should keep). */
  async idsOfGroup(fingerprint: string, limit: number): Promise<string[]> {
    const rows = await this.model
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
    return this.serially(id, () =>
      this.model
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
    await this.serially(id, () =>
      this.model.updateOne(
        { _id: storable(id) },
        { $push: { history: storableLine(line) }, $set: { updatedAt: line.at } },
      ),
    );
  }

  private serially<T>(id: string, update: () => Promise<T>): Promise<T> {
    const previous = this.entryLocks.get(id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(update);
    this.entryLocks.set(id, next);
    void next
      .catch(() => undefined)
      .finally(() => {
        if (this.entryLocks.get(id) === next) this.entryLocks.delete(id);
      });
    return next;
  }

  /**
   * Quarantined entries per topic and the oldest one's time, for metrics: one read of two fields
   * per entry (see `groups` for why not an aggregate).
   */
  async stats(): Promise<{ topic: string; count: number; oldest: Date }[]> {
    const byTopic = new Map<string, { topic: string; count: number; oldest: Date }>();
    const rows = this.model
      .find({ status: 'quarantined' }, { _id: 0, topic: 1, quarantinedAt: 1 })
      .lean<{ topic: string; quarantinedAt: Date }[]>()
      .cursor({ batchSize: 1_000 });
    for await (const row of rows as AsyncIterable<{ topic: string; quarantinedAt: Date }>) {
      const topic = byTopic.get(row.topic);
      if (!topic) byTopic.set(row.topic, { topic: row.topic, count: 1, oldest: row.quarantinedAt });
      else {
        topic.count += 1;
        if (row.quarantinedAt < topic.oldest) topic.oldest = row.quarantinedAt;
      }
    }
    return [...byTopic.values()];
  }

  private query(filter: QuarantineFilter): QueryFilter<QuarantineEntry> {
    const query: QueryFilter<QuarantineEntry> = {};
    if (filter.status) query.status = filter.status;
    if (filter.topic) query.topic = storable(filter.topic);
    if (filter.eventType) query.eventType = storable(filter.eventType);
    if (filter.fingerprint) query.fingerprint = storable(filter.fingerprint);
    if (filter.from || filter.to) {
      query.quarantinedAt = {
        ...(filter.from ? { $gte: filter.from } : {}),
        ...(filter.to ? { $lt: filter.to } : {}),
      };
    }
    return query;
  }
}

/** What a list leaves out: history, and inline bytes an entry may still hold (see moveInlineBytes). */
const LIST_PROJECTION = { history: 0, value: 0, headers: 0 } as const;

/** What `groups` reads of an entry. */
type GroupRow = Pick<
  QuarantineRecord,
  | '_id'
  | 'fingerprint'
  | 'quarantinedAt'
  | 'topic'
  | 'eventType'
  | 'errorClass'
  | 'errorMessage'
  | 'consumerGroup'
>;

const GROUP_FIELDS = {
  fingerprint: 1,
  quarantinedAt: 1,
  topic: 1,
  eventType: 1,
  errorClass: 1,
  errorMessage: 1,
  consumerGroup: 1,
} as const;

/** A group as its entry `row` describes it, `row` being its oldest so far. */
function describedBy(row: GroupRow) {
  return {
    fingerprint: row.fingerprint,
    topic: row.topic,
    eventType: row.eventType,
    errorClass: row.errorClass,
    errorMessage: row.errorMessage,
    consumerGroup: row.consumerGroup,
    oldest: row.quarantinedAt,
    oldestId: row._id,
  };
}

/** Whether `row` comes before the entry (`at`, `id`) in the list's order, oldest first. */
function before(row: GroupRow, at: Date, id: string): boolean {
  return row.quarantinedAt < at || (row.quarantinedAt.getTime() === at.getTime() && row._id < id);
}

/** Lets a duplicate-key error pass (the document is there already: another writer was first). */
function ignoreDuplicate(error: unknown): void {
  if ((error as { code?: unknown }).code !== 11000) throw error;
}

/** A history line whose free text (who, why) can be stored. */
function storableLine(line: HistoryEntry): HistoryEntry {
  return {
    ...line,
    ...(line.by === undefined ? {} : { by: storable(line.by) }),
    ...(line.detail === undefined ? {} : { detail: storable(line.detail) }),
  };
}
