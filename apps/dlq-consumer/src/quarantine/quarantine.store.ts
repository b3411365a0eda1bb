import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Connection, QueryFilter, Model } from 'mongoose';
import { MONGO_CONNECTION, type ListPosition } from '@platform/mongo';
import { storable, type DeadLetter } from './dead-letter';
import {
  quarantineModel,
  type HistoryEntry,
  type QuarantineEntry,
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
export type QuarantineSummary = Omit<QuarantineEntry, 'value' | 'headers' | 'history'>;

/**
 * The quarantine collection. Recording is idempotent by the failed record's coordinates (a
 * redelivered dead letter finds its entry), and a replay that fails again returns to the entry it
 * came from, with one more line of history, instead of becoming a new one.
 *
 * Every text it matches or writes from outside (filters, ids, a discard's reason) goes through
 * `storable`, as the stored fields did: FerretDB v1 keeps strings in PostgreSQL jsonb, which
 * refuses NUL, so a NUL in a query parameter would otherwise be a server error instead of a
 * search for the `␀` it was stored as.
 */
@Injectable()
export class QuarantineStore implements OnModuleInit {
  readonly model: Model<QuarantineEntry>;
  // Updates of one entry from this process, one at a time. A replay's "replayed" line and the
  // "failed-again" of its dead letter can arrive within milliseconds; MongoDB applies each update
  // atomically, but FerretDB v1 (the native store) rewrites the whole document and can lose one.
  private readonly entryLocks = new Map<string, Promise<unknown>>();

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.model = quarantineModel(connection);
  }

  async onModuleInit(): Promise<void> {
    await this.model.init();
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
      await this.model.create({
        ...failure,
        _id: letter.id,
        status: 'quarantined',
        topic: letter.topic,
        originalTopic: letter.originalTopic,
        partition: letter.partition,
        offset: letter.offset,
        key: letter.key,
        value: letter.value,
        headers: letter.headers,
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
      .find(query, { value: 0, headers: 0, history: 0 })
      .sort({ quarantinedAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean<QuarantineSummary[]>();
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items, next: rows.length > limit && last ? { at: last.quarantinedAt, id: last._id } : null };
  }

  /**
   * Kinds of failure with their counts, largest first (at most 200). Counted with `$sum` only,
   * the one `$group` accumulator FerretDB v1 has; each group's oldest and newest entry is one
   * indexed lookup. A group emptied between the two (a replay or discard meanwhile) is left out.
   */
  async groups(filter: QuarantineFilter): Promise<QuarantineGroup[]> {
    const match = this.query(filter);
    const counts = await this.model.aggregate<{ _id: string; count: number }>([
      { $match: match },
      { $group: { _id: '$fingerprint', count: { $sum: 1 } } },
      { $sort: { count: -1, _id: 1 } },
      { $limit: 200 },
    ]);
    const groups = await Promise.all(
      counts.map(async ({ _id: fingerprint, count }): Promise<QuarantineGroup | null> => {
        const [oldest, newest] = await Promise.all(
          [1, -1].map((order) =>
            this.model
              .findOne({ ...match, fingerprint }, { value: 0, headers: 0, history: 0 })
              .sort({ quarantinedAt: order as 1 | -1, _id: order as 1 | -1 })
              .lean<QuarantineSummary>(),
          ),
        );
        // Replayed or discarded between the count and this lookup: the group is gone.
        if (!oldest) return null;
        const first = oldest;
        return {
          fingerprint,
          count,
          topic: first.topic,
          eventType: first.eventType,
          errorClass: first.errorClass,
          errorMessage: first.errorMessage,
          consumerGroup: first.consumerGroup,
          oldest: first.quarantinedAt,
          newest: (newest ?? first).quarantinedAt,
        };
      }),
    );
    return groups.filter((group) => group !== null);
  }

  async get(id: string): Promise<QuarantineEntry | null> {
    return this.model.findById(storable(id)).lean<QuarantineEntry>();
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
   */
  async leave(
    id: string,
    status: 'replayed' | 'discarded',
    line: HistoryEntry,
    failures?: number,
  ): Promise<QuarantineEntry | null> {
    return this.serially(id, () =>
      this.model
        .findOneAndUpdate(
          { _id: storable(id), status: 'quarantined', ...(failures === undefined ? {} : { failures }) },
          { $set: { status, updatedAt: line.at }, $push: { history: storableLine(line) } },
          { new: true },
        )
        .lean<QuarantineEntry>(),
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

  /** Quarantined entries per topic and the oldest one's time, for metrics. */
  async stats(): Promise<{ topic: string; count: number; oldest: Date }[]> {
    const counts = await this.model.aggregate<{ _id: string; count: number }>([
      { $match: { status: 'quarantined' } },
      { $group: { _id: '$topic', count: { $sum: 1 } } },
    ]);
    return Promise.all(
      counts.map(async ({ _id: topic, count }) => {
        const oldest = await this.model
          .findOne({ status: 'quarantined', topic }, { quarantinedAt: 1 })
          .sort({ quarantinedAt: 1 })
          .lean<{ quarantinedAt: Date }>();
        return { topic, count, oldest: oldest?.quarantinedAt ?? new Date() };
      }),
    );
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

/** A history line whose free text (who, why) can be stored. */
function storableLine(line: HistoryEntry): HistoryEntry {
  return {
    ...line,
    ...(line.by === undefined ? {} : { by: storable(line.by) }),
    ...(line.detail === undefined ? {} : { detail: storable(line.detail) }),
  };
}
