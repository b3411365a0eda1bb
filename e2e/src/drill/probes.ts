// What the failover drill reads from a region's servers while it runs: outboxes, replication and
// mirror lag, consumer group progress. Each probe answers for the servers it is given.
import { allTopicNames } from '@platform/contracts';
import type { InfraEnv } from '@platform/testing';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { setTimeout as delay } from 'node:timers/promises';
import { query } from '../faults/stores.spec-helper';
import type { AcceptedEvent } from './drill-books';
import { stores } from './region-apps';

/** One query against a database of the given servers (the fault suite's reader, region first). */
export const sql = <T>(servers: InfraEnv, database: string, text: string): Promise<T[]> =>
  query<T>(database, text, servers);

/** Every event the two writing services accepted, and when (their outboxes). */
export async function outboxEvents(servers: InfraEnv): Promise<AcceptedEvent[]> {
  const text =
    'SELECT event_id::text AS id, (extract(epoch FROM created_at) * 1000)::bigint AS at FROM outbox';
  const rows = (
    await Promise.all([
      sql<{ id: string; at: string }>(servers, stores.auth, text),
      sql<{ id: string; at: string }>(servers, stores.orders, text),
    ])
  ).flat();
  return rows.map((r) => ({ id: r.id, createdAt: Number(r.at) }));
}

export function kafkaAdmin(servers: InfraEnv): Admin {
  return new Kafka({
    clientId: 'failover-drill',
    brokers: [...servers.kafkaBrokers],
    logLevel: logLevel.NOTHING,
  }).admin();
}

/** Low and high offsets of every partition of the system's topics, by `topic:partition`. */
export type TopicOffsets = Map<string, { low: number; high: number }>;

export async function topicOffsets(admin: Admin): Promise<TopicOffsets> {
  const offsets: TopicOffsets = new Map();
  for (const topic of allTopicNames())
    for (const p of await admin.fetchTopicOffsets(topic).catch(() => []))
      offsets.set(`${topic}:${p.partition}`, { low: Number(p.low), high: Number(p.high) });
  return offsets;
}

/**
 * Whether `groupId` has read, on every partition of `topics`, everything `ends` says was there:
 * "caught up with the backlog of that moment", which holds under steady traffic (a lag of exactly
 * 0 rarely does). A partition the group never committed on counts from its first record.
 */
export async function reached(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
  ends: TopicOffsets,
): Promise<boolean> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  for (const { topic, partitions } of committed)
    for (const { partition, offset } of partitions) {
      const end = ends.get(`${topic}:${partition}`);
      if (!end || end.high === end.low) continue;
      if ((Number(offset) < 0 ? end.low : Number(offset)) < end.high) return false;
    }
  return true;
}

/** Records the mirror's copy of the source's topics still lacks (record counts: offsets differ). */
export async function mirrorBehind(source: TopicOffsets, mirror: Admin): Promise<number> {
  const copy = await topicOffsets(mirror);
  let missing = 0;
  for (const [key, p] of source) {
    const c = copy.get(key);
    missing += Math.max(0, p.high - p.low - (c ? c.high - c.low : 0));
  }
  return missing;
}

/** The standby's distance from its primary: WAL bytes not yet replayed, and the replay lag. */
export async function walLag(primary: InfraEnv): Promise<{ bytes: number; replayMs: number } | null> {
  const [row] = await sql<{ bytes: string; ms: string }>(
    primary,
    'postgres',
    `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::text AS bytes,
            coalesce(extract(epoch FROM replay_lag) * 1000, 0)::text AS ms
       FROM pg_stat_replication ORDER BY backend_start DESC LIMIT 1`,
  );
  return row ? { bytes: Number(row.bytes), replayMs: Math.round(Number(row.ms)) } : null;
}

/** Whether the standby has replayed everything its primary has written. */
export async function replayed(primary: InfraEnv, standby: InfraEnv): Promise<boolean> {
  const [{ lsn }] = await sql<{ lsn: string }>(
    primary,
    'postgres',
    'SELECT pg_current_wal_lsn()::text AS lsn',
  );
  const [{ bytes }] = await sql<{ bytes: string }>(
    standby,
    'postgres',
    `SELECT pg_wal_lsn_diff('${lsn}', pg_last_wal_replay_lsn())::text AS bytes`,
  );
  return Number(bytes) <= 0;
}

/** Polls `check` every 500 ms until it holds: the time it first held, or null at the deadline. */
export async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return Date.now();
    } catch {
      // a server still starting: ask again
    }
    await delay(500);
  }
  return null;
}
