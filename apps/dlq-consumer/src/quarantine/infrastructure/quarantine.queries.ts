import { Injectable } from '@nestjs/common';
import type { QueryFilter } from 'mongoose';
import type { ListPosition } from '@platform/mongo';
import { storable } from '../domain/dead-letter';
import type { QuarantineEntry, QuarantineRecord, QuarantineStatus } from './quarantine.model';
import { QuarantineCollections } from './quarantine-collections';

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

/** Everything the entries of one fingerprint say together, of every status. */
export interface FingerprintFacts {
  fingerprint: string;
  count: number;
  byStatus: Record<QuarantineStatus, number>;
  firstSeen: Date;
  lastSeen: Date;
  topics: string[];
  consumerGroups: string[];
  eventTypes: string[];
  /** The newest entry: the sample an explanation reads the bytes of. */
  newestId: string;
}

/** An entry without its bytes and history, for lists. */
export type QuarantineSummary = Omit<QuarantineRecord, 'history'>;

/**
 * What admins and dashboards ask of the quarantine: pages of entries, the kinds of failure with
 * their counts, and per-topic sizes for metrics. Every filter text goes through `storable`
 * (FerretDB v1 refuses NUL in jsonb; see QuarantineStore). None reads the bytes.
 */
@Injectable()
export class QuarantineQueries {
  constructor(private readonly collections: QuarantineCollections) {}

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
    const rows = await this.collections.model
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
    const rows = this.collections.model
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
   * What the entries of `fingerprint` (any status) say together; null when there are none. One
   * read of a few small fields per entry, folded here, for the reasons `groups` gives.
   */
  async fingerprintFacts(fingerprint: string): Promise<FingerprintFacts | null> {
    const rows = this.collections.model
      .find({ fingerprint: storable(fingerprint) }, FACT_FIELDS)
      .lean<FactRow[]>()
      .cursor({ batchSize: 1_000 });
    let facts: FingerprintFacts | null = null;
    const topics = new Set<string>();
    const groups = new Set<string>();
    const types = new Set<string>();
    for await (const row of rows as AsyncIterable<FactRow>) {
      topics.add(row.topic);
      if (row.consumerGroup) groups.add(row.consumerGroup);
      if (row.eventType) types.add(row.eventType);
      if (!facts) {
        facts = {
          fingerprint,
          count: 0,
          byStatus: { quarantined: 0, replayed: 0, discarded: 0 },
          firstSeen: row.quarantinedAt,
          lastSeen: row.quarantinedAt,
          topics: [],
          consumerGroups: [],
          eventTypes: [],
          newestId: row._id,
        };
      }
      facts.count += 1;
      facts.byStatus[row.status] += 1;
      if (row.quarantinedAt < facts.firstSeen) facts.firstSeen = row.quarantinedAt;
      if (
        row.quarantinedAt > facts.lastSeen ||
        (row.quarantinedAt.getTime() === facts.lastSeen.getTime() && row._id > facts.newestId)
      ) {
        facts.lastSeen = row.quarantinedAt;
        facts.newestId = row._id;
      }
    }
    if (!facts) return null;
    return {
      ...facts,
      topics: [...topics].sort(),
      consumerGroups: [...groups].sort(),
      eventTypes: [...types].sort(),
    };
  }

  /**
   * Quarantined entries per topic and the oldest one's time, for metrics: one read of two fields
   * per entry (see `groups` for why not an aggregate).
   */
  async stats(): Promise<{ topic: string; count: number; oldest: Date }[]> {
    const byTopic = new Map<string, { topic: string; count: number; oldest: Date }>();
    const rows = this.collections.model
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

/** What `fingerprintFacts` reads of an entry. */
type FactRow = Pick<
  QuarantineRecord,
  '_id' | 'status' | 'quarantinedAt' | 'topic' | 'eventType' | 'consumerGroup'
>;

const FACT_FIELDS = {
  status: 1,
  quarantinedAt: 1,
  topic: 1,
  eventType: 1,
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
