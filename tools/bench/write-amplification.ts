/**
 * What a load writes in PostgreSQL, per command: WAL bytes and rows (inserted, updated, deleted).
 *
 * - WAL of the run's database: the records between the load's start and end LSN (pg_walinspect)
 *   that touch a relation of that database, plus every record of the transactions that did
 *   (their commit records). Other databases of the cluster (a running system, another benchmark)
 *   are left out, so this figure holds on a shared server.
 * - WAL of the cluster: pg_stat_wal's wal_bytes over the load, minus the rate the cluster wrote
 *   just before it while the app was idle (a baseline of `idleMs`): close to the figure above
 *   only when nothing else writes steadily.
 * - Rows: pg_stat_user_tables' n_tup_ins/upd/del of the run's database. A backend reports its
 *   counts at most once a second, and an idle one up to 10 s after its last transaction (PG 15's
 *   PGSTAT_IDLE_INTERVAL), and the relay marks rows sent after the load: a load is measured until
 *   the counts have not moved for `quietMs`.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Client } from 'pg';

/** What one load wrote, per command. */
export interface WritesPerCommand {
  /** WAL bytes of the run's database's records and transactions (pg_walinspect). */
  walBytes: number;
  /** pg_stat_wal's wal_bytes minus the idle baseline. */
  clusterWalBytes: number;
  inserted: number;
  updated: number;
  deleted: number;
}

interface Snapshot {
  lsn: string;
  clusterWal: number;
  tuples: { inserted: number; updated: number; deleted: number };
  at: number;
}

/** Measures the writes of loads on one database; `close()` when done. */
export class WriteMeter {
  /** Nothing has been written since the last measure settled (this meter's own loads only). */
  private quiet = false;

  private constructor(
    private readonly db: Client,
    private readonly databaseOid: number,
    private readonly idleMs: number,
    private readonly quietMs: number,
  ) {}

  /** Connects to `databaseUrl` (superuser: pg_walinspect reads the WAL) and installs pg_walinspect there. */
  static async open(databaseUrl: string, { idleMs = 2_000, quietMs = 11_000 } = {}): Promise<WriteMeter> {
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_walinspect');
    const { rows } = await db.query<{ oid: number }>(
      'SELECT oid::int AS oid FROM pg_database WHERE datname = current_database()',
    );
    return new WriteMeter(db, (rows[0] as { oid: number }).oid, idleMs, quietMs);
  }

  /**
   * Runs `load` (which answers how many commands it completed) and says what each command wrote.
   * Waits `idleMs` before it for the cluster's baseline, and after it until the row counts settle.
   */
  async measure<T>(
    load: () => Promise<T>,
    commandsOf: (result: T) => number,
  ): Promise<[T, WritesPerCommand]> {
    if (!this.quiet) await this.settled();
    const idle = await this.snapshot();
    await delay(this.idleMs);
    const before = await this.snapshot();
    const result = await load();
    const after = await this.settled();
    this.quiet = true;
    const commands = Math.max(1, commandsOf(result));
    const idleRate = (before.clusterWal - idle.clusterWal) / (before.at - idle.at);
    const clusterWal = after.clusterWal - before.clusterWal - idleRate * (after.at - before.at);
    const walBytes = await this.databaseWal(before.lsn, after.lsn);
    return [
      result,
      {
        walBytes: Math.round(walBytes / commands),
        clusterWalBytes: Math.round(Math.max(0, clusterWal) / commands),
        inserted: round2((after.tuples.inserted - before.tuples.inserted) / commands),
        updated: round2((after.tuples.updated - before.tuples.updated) / commands),
        deleted: round2((after.tuples.deleted - before.tuples.deleted) / commands),
      },
    ];
  }

  async close(): Promise<void> {
    await this.db.end();
  }

  /** Polls until the row counts have not moved for `quietMs` (at most 3 times that), then snapshots. */
  private async settled(): Promise<Snapshot> {
    let last = await this.snapshot();
    let movedAt = last.at;
    const deadline = last.at + 3 * this.quietMs;
    for (;;) {
      await delay(1_000);
      const now = await this.snapshot();
      const same =
        now.tuples.inserted === last.tuples.inserted &&
        now.tuples.updated === last.tuples.updated &&
        now.tuples.deleted === last.tuples.deleted;
      if (!same) movedAt = now.at;
      if (now.at - movedAt >= this.quietMs || now.at > deadline) return now;
      last = now;
    }
  }

  private async snapshot(): Promise<Snapshot> {
    const { rows } = await this.db.query<{
      lsn: string;
      wal: string;
      ins: string;
      upd: string;
      del: string;
    }>(
      `SELECT pg_current_wal_flush_lsn()::text AS lsn, (SELECT wal_bytes FROM pg_stat_wal)::text AS wal,
              coalesce(sum(n_tup_ins), 0)::text AS ins, coalesce(sum(n_tup_upd), 0)::text AS upd,
              coalesce(sum(n_tup_del), 0)::text AS del
         FROM pg_stat_user_tables`,
    );
    const row = rows[0] as { lsn: string; wal: string; ins: string; upd: string; del: string };
    return {
      lsn: row.lsn,
      clusterWal: Number(row.wal),
      tuples: { inserted: Number(row.ins), updated: Number(row.upd), deleted: Number(row.del) },
      at: Date.now(),
    };
  }

  /** Bytes of the WAL records in [from, to) that touch this database, with their transactions'. */
  private async databaseWal(from: string, to: string): Promise<number> {
    const { rows } = await this.db.query<{ bytes: string }>(
      `WITH r AS (
         SELECT xid::text AS xid, record_length, block_ref ~ ('rel \\d+/' || $3 || '/') AS ours
           FROM pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn)
       ), xids AS (SELECT DISTINCT xid FROM r WHERE ours AND xid <> '0')
       SELECT coalesce(sum(record_length), 0)::text AS bytes
         FROM r WHERE ours OR xid IN (SELECT xid FROM xids)`,
      [from, to, String(this.databaseOid)],
    );
    return Number((rows[0] as { bytes: string }).bytes);
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;
