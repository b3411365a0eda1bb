// Reads what a scenario's accounting balances: the services' outboxes (what they accepted and
// published), the order read model, ClickHouse, the notifications and the quarantine.
import { infraEnv, type InfraEnv } from '@platform/testing';
import type { Admin } from 'kafkajs';
import mongoose from 'mongoose';
import { Client } from 'pg';
import type { Effects, QuarantinedRecord, SourceEvent } from './accounting';
import type { Stores } from '../whole-system.spec-helper';

// Each reader takes the servers to read (default: the suite's); the failover drill reads two regions.
const pgUrl = (servers: InfraEnv, database: string) =>
  servers.postgresUrl.replace(/\/[^/]*$/, `/${database}`);

export async function query<T>(database: string, sql: string, servers: InfraEnv = infraEnv): Promise<T[]> {
  const pg = new Client({ connectionString: pgUrl(servers, database) });
  await pg.connect();
  try {
    return (await pg.query(sql)).rows as T[];
  } finally {
    await pg.end();
  }
}

/** Every event auth-service and order-service wrote to their outboxes. */
export async function acceptedEvents(stores: Stores, servers: InfraEnv = infraEnv): Promise<SourceEvent[]> {
  const sql = 'SELECT event_id::text AS id, event_type AS type FROM outbox';
  const [identity, orders] = await Promise.all([
    query<SourceEvent>(stores.auth, sql, servers),
    query<SourceEvent>(stores.orders, sql, servers),
  ]);
  return [...identity, ...orders];
}

/** What order-service's own stores say about each order: events and the read model's row. */
export interface OrderRecord {
  orderId: string;
  eventsVersion: number;
  summaryVersion: number | null;
}

/** Every order in the event store, with the version its read-model row has (null: no row). */
export async function orderRecords(stores: Stores, servers: InfraEnv = infraEnv): Promise<OrderRecord[]> {
  const rows = await query<{ order_id: string; events_version: number; summary_version: number | null }>(
    stores.orders,
    `SELECT e.aggregate_id AS order_id, max(e.version) AS events_version, s.version AS summary_version
       FROM order_events e LEFT JOIN order_summaries s ON s.order_id = e.aggregate_id
      GROUP BY e.aggregate_id, s.version`,
    servers,
  );
  return rows.map((r) => ({
    orderId: r.order_id,
    eventsVersion: Number(r.events_version),
    summaryVersion: r.summary_version === null ? null : Number(r.summary_version),
  }));
}

/** Runs one ClickHouse query over HTTP and returns its JSONEachRow rows. */
export async function clickhouse<T>(sql: string, servers: InfraEnv = infraEnv): Promise<T[]> {
  const res = await fetch(
    `${servers.clickhouseUrl}/?query=${encodeURIComponent(`${sql} FORMAT JSONEachRow`)}`,
    {
      headers: {
        'x-clickhouse-user': servers.clickhouseUser,
        'x-clickhouse-key': servers.clickhousePassword,
      },
      signal: AbortSignal.timeout(10_000),
    },
  );
  const text = await res.text();
  if (!res.ok) throw new Error(`ClickHouse ${res.status}: ${text}`);
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

/** ClickHouse, the notifications and the quarantine of one run. */
export async function readEffects(
  stores: Stores,
  servers: InfraEnv = infraEnv,
): Promise<Effects & { analyticsRows: number }> {
  const [final, raw] = await Promise.all([
    clickhouse<{ event_id: string; n: string }>(
      `SELECT event_id, count() AS n FROM ${stores.analytics}.events FINAL GROUP BY event_id`,
      servers,
    ),
    clickhouse<{ n: string }>(`SELECT count() AS n FROM ${stores.analytics}.events`, servers),
  ]);
  const notifications = new Map<string, number>();
  for (const doc of await mongoFind<{ sourceEventId: string }>(
    stores.notifications,
    'notifications',
    { sourceEventId: 1 },
    servers,
  ))
    notifications.set(doc.sourceEventId, (notifications.get(doc.sourceEventId) ?? 0) + 1);
  const quarantine = await mongoFind<{
    eventId: string | null;
    consumerGroup: string | null;
    originalTopic: string;
    key: { buffer: Uint8Array } | Buffer | null; // BSON Binary as read
  }>(stores.dlq, 'quarantine', { eventId: 1, consumerGroup: 1, originalTopic: 1, key: 1 }, servers);
  const quarantined: QuarantinedRecord[] = quarantine.map((q) => ({
    eventId: q.eventId,
    consumerGroup: q.consumerGroup,
    originalTopic: q.originalTopic,
    key: q.key ? Buffer.from(Buffer.isBuffer(q.key) ? q.key : q.key.buffer).toString() : null,
  }));
  return {
    analytics: new Map(final.map((r) => [r.event_id, Number(r.n)])),
    analyticsRows: Number(raw[0]?.n ?? 0),
    notifications,
    quarantined,
  };
}

async function mongoFind<T>(
  database: string,
  collection: string,
  projection: Record<string, 1>,
  servers: InfraEnv,
): Promise<T[]> {
  const connection = await mongoose
    .createConnection(servers.mongoUrl, { dbName: database, serverSelectionTimeoutMS: 5_000 })
    .asPromise();
  try {
    const db = connection.db;
    if (!db) throw new Error(`no database handle for ${database}`);
    return (await db.collection(collection).find({}, { projection }).toArray()) as T[];
  } finally {
    await connection.close();
  }
}

/** Whether `groupId` has committed, on every partition of `topic`, at least up to `ends`. */
export async function committedPast(
  admin: Admin,
  groupId: string,
  topic: string,
  ends: readonly { partition: number; high: string }[],
): Promise<boolean> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  return ends.every((end) => Number(end.high) === 0 || (at.get(end.partition) ?? -1) >= Number(end.high));
}
