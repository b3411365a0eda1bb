import { infraEnv, reach, uniqueName } from '@platform/testing';
import { Client } from 'pg';
import { Registry } from 'prom-client';
import { randomUUID } from 'node:crypto';
import {
  outboxRetentionIndexSql,
  outboxSchemaSql,
  processedEventsSchemaSql,
  recordProcessed,
  RetentionPurge,
} from './index';

const database = uniqueName('purge_int');
const databaseUrl = infraEnv.postgresUrl.replace(/\/[^/]*$/, `/${database}`);
const HOUR = 3_600_000;
let admin: Client;
let db: Client;

beforeAll(async () => {
  admin = new Client({ connectionString: infraEnv.postgresUrl });
  await reach('PostgreSQL', infraEnv.postgresUrl, () => admin.connect());
  await admin.query(`CREATE DATABASE ${database}`);
  db = new Client({ connectionString: databaseUrl });
  await db.connect();
  for (const sql of [
    ...outboxSchemaSql({ table: 'outbox' }).up,
    ...outboxRetentionIndexSql({ table: 'outbox' }).up,
    ...processedEventsSchemaSql('processed_events').up,
  ]) {
    await db.query(sql);
  }
});

afterAll(async () => {
  await db?.end();
  await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin?.end();
});

/** An outbox row sent `sentHoursAgo` hours ago (null: not sent yet). */
async function outboxRow(sentHoursAgo: number | null): Promise<void> {
  await db.query(
    `INSERT INTO outbox (event_id, aggregate_key, event_type, envelope, sent_at)
     VALUES ($1, 'k', 'T', '{}', CASE WHEN $2::float8 IS NULL THEN NULL ELSE now() - $2::float8 * interval '1 hour' END)`,
    [randomUUID(), sentHoursAgo],
  );
}

const count = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]?.n);

describe('RetentionPurge', () => {
  it('deletes sent outbox rows and processed records past their retention, in batches, and nothing else', async () => {
    for (let i = 0; i < 7; i++) await outboxRow(200);
    await outboxRow(1);
    await outboxRow(null);
    await db.query(
      `INSERT INTO outbox (event_id, aggregate_key, event_type, envelope, created_at)
                    VALUES ($1, 'k', 'T', '{}', now() - interval '400 hours')`,
      [randomUUID()],
    );
    const old = randomUUID();
    expect(await recordProcessed(db, 'processed_events', old)).toBe(true);
    expect(await recordProcessed(db, 'processed_events', old)).toBe(false);
    await db.query(`UPDATE processed_events SET processed_at = now() - interval '30 hours'`);
    expect(await recordProcessed(db, 'processed_events', randomUUID())).toBe(true);
    const registry = new Registry();

    const purge = new RetentionPurge({
      connectionString: databaseUrl,
      rules: [
        { table: 'outbox', column: 'sent_at', retentionMs: 168 * HOUR },
        { table: 'processed_events', column: 'processed_at', retentionMs: 24 * HOUR },
      ],
      batchSize: 3,
      registry,
    });

    expect(await purge.purgeOnce()).toEqual({ outbox: 7, processed_events: 1 });
    // Left: the row sent an hour ago and the two unsent ones, however old.
    expect(await count('SELECT count(*) AS n FROM outbox')).toBe(3);
    expect(await count('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL')).toBe(2);
    expect(await count('SELECT count(*) AS n FROM processed_events')).toBe(1);
    expect(await registry.getSingleMetricAsString('retention_purged_rows_total')).toContain(
      'retention_purged_rows_total{table="outbox"} 7',
    );
    expect(await purge.purgeOnce()).toEqual({ outbox: 0, processed_events: 0 });
  });

  it('skips a table another instance is purging', async () => {
    const other = new Client({ connectionString: databaseUrl });
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock($1, hashtext('outbox'))`, [0x7075_7267]);
      const purge = new RetentionPurge({
        connectionString: databaseUrl,
        rules: [{ table: 'outbox', column: 'sent_at', retentionMs: HOUR }],
      });
      expect(await purge.purgeOnce()).toEqual({});
    } finally {
      await other.end();
    }
  });

  it('refuses a rule that would delete at once or names a table it cannot quote', () => {
    const connectionString = databaseUrl;
    expect(
      () =>
        new RetentionPurge({
          connectionString,
          rules: [{ table: 'outbox', column: 'sent_at', retentionMs: 0 }],
        }),
    ).toThrow('retention of outbox must be above 0 ms');
    expect(
      () =>
        new RetentionPurge({
          connectionString,
          rules: [{ table: 'outbox; drop', column: 'sent_at', retentionMs: 1 }],
        }),
    ).toThrow('not a plain lowercase SQL identifier');
  });
});
