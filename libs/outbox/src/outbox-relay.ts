import type { EventEnvelope } from '@platform/contracts';
import { Client, Pool, type PoolClient } from 'pg';
import type { Registry } from 'prom-client';
import { startRowPublishSpan } from './outbox-trace';
import { OutboxMetrics } from './outbox.metrics';
import { assertIdentifier } from '@platform/postgres';
import { channelOf, type OutboxTable } from './outbox.schema';
import { relayBackoffMs } from './relay-backoff';

/** Where the relay reports what it could not do; pino's signature. */
export interface OutboxLogger {
  error(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** Relay settings; times in ms. */
export interface OutboxRelayOptions extends OutboxTable {
  /** The service's database (the one holding the outbox table). */
  connectionString: string;
  /**
   * Publishes events in the given order and resolves once the broker has them all; each event's
   * record carries the `traceparent` at the same index (null: none), continuing its writer's trace.
   */
  publish: (events: EventEnvelope[], traceParents: (string | null)[]) => Promise<unknown>;
  /** Rows per publish. Default 200. */
  batchSize?: number;
  /**
   * Keys are hashed into this many shards; a relay's batch takes every shard no other relay holds
   * (advisory locks until its commit), so several relays can run and share the shards while each
   * key's events leave in order. Default 8.
   */
  shards?: number;
  /** Fallback poll when no NOTIFY arrives (lost connection, missed wake-up). Default 1000 ms. */
  pollIntervalMs?: number;
  /** Backoff after a failed publish: doubling from initial to max. Defaults 200 ms, 10 s. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /**
   * Backoff of one row the broker keeps refusing (its key waits, others flow), doubling from
   * `backoffInitialMs` up to this. Default 5 minutes. Such a row is never dropped.
   */
  rowBackoffMaxMs?: number;
  /** The app's Prometheus registry: backlog, oldest unsent age, published and failures. */
  registry?: Registry;
  logger?: OutboxLogger;
}

const silent: OutboxLogger = { error: () => undefined, warn: () => undefined };

interface OutboxRow {
  id: string;
  aggregate_key: string;
  attempts: number;
  envelope: EventEnvelope;
  trace_parent: string | null;
}

/**
 * Whether a publish failed for every record alike (no connection, timeouts, leader moves: kafkajs
 * marks these retriable, also as the cause of its retries-exceeded error) rather than for
 * something in the records (too large, invalid, no topic for the event type).
 */
export function isBrokerWide(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { retriable?: unknown }).retriable === true) return true;
  }
  return false;
}

/**
 * Publishes an outbox table to Kafka: at-least-once, in `id` order per key. Each batch is one
 * transaction: take the advisory locks of the free shards, read their oldest unsent rows with
 * `SELECT ... FOR UPDATE SKIP LOCKED`, publish them in one send, mark them sent and commit. A relay that dies after publishing and before the
 * commit leaves the rows unsent, so they are published again (a duplicate, never a loss):
 * consumers deduplicate by event id. Woken by LISTEN/NOTIFY, with a fallback poll.
 */
export class OutboxRelay {
  private readonly pool: Pool;
  private readonly table: string;
  private readonly channel: string;
  private readonly batchSize: number;
  private readonly shards: number;
  private readonly pollIntervalMs: number;
  private readonly logger: OutboxLogger;
  private readonly metrics: OutboxMetrics | undefined;
  private listener: Client | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private announcing = false;
  private announceAgain = false;

  constructor(private readonly options: OutboxRelayOptions) {
    this.table = assertIdentifier(options.table);
    this.channel = channelOf(options);
    this.batchSize = options.batchSize ?? 200;
    this.shards = options.shards ?? 8;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.logger = options.logger ?? silent;
    // Two connections: one for the batches, one spare for metrics scrapes.
    this.pool = new Pool({ connectionString: options.connectionString, max: 2 });
    this.pool.on('error', (error) => this.logger.warn({ err: error }, 'outbox pool connection failed'));
    this.metrics = options.registry
      ? new OutboxMetrics(options.registry, this.table, () => this.backlog())
      : undefined;
  }

  /** Starts relaying in the background; resolves once it listens for wake-ups. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.listen().catch((error: unknown) =>
      this.logger.warn({ err: error, table: this.table }, 'outbox LISTEN failed, polling until it works'),
    );
    this.loop = this.run();
  }

  /** Finishes the batch in flight, then closes every connection. Idempotent. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = undefined;
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
    if (!this.pool.ended) await this.pool.end();
  }

  /**
   * Publishes one batch of what is unsent now from the shards no other relay holds; returns how
   * many rows it published. Used by the loop, and by tests that drive the relay step by step.
   */
  async relayOnce(): Promise<number> {
    const client = await this.pool.connect();
    // A checked-out client is no longer watched by the pool: a server restart while the batch
    // waits for the broker would emit an 'error' nobody handles and kill the process (found by
    // the fault suite). Keep it here; the batch's next query fails, the loop backs off, and the
    // broken client is destroyed instead of going back to the pool.
    let lost: Error | undefined;
    const onError = (error: Error) => {
      lost = error;
      this.logger.warn({ err: error, table: this.table }, 'outbox batch connection lost');
    };
    client.on('error', onError);
    try {
      return await this.relayBatch(client);
    } finally {
      client.off('error', onError);
      client.release(lost);
    }
  }

  /**
   * Says that outbox rows were committed: wakes this relay at once and, with a NOTIFY on the
   * table's channel, the relays of other instances. For writers of a table without the notify
   * trigger (`outboxAnnouncedByWriterSql`); call after the commit. Coalesced: at most one NOTIFY
   * in flight and one queued, whatever the commit rate.
   */
  announce(): void {
    this.wake();
    if (this.pool.ended) return;
    if (this.announcing) {
      this.announceAgain = true;
      return;
    }
    this.announcing = true;
    this.pool
      .query('SELECT pg_notify($1, NULL)', [this.channel])
      .catch((error: unknown) => this.logger.warn({ err: error, table: this.table }, 'outbox NOTIFY failed'))
      .finally(() => {
        this.announcing = false;
        if (this.announceAgain && this.running) {
          this.announceAgain = false;
          this.announce();
        }
      });
  }

  /** Unsent rows, the age of the oldest and how many are held back, for metrics and tests. */
  async backlog(): Promise<{ count: number; oldestAgeSeconds: number; held: number }> {
    const { rows } = await this.pool.query<{ count: string; age: number | null; held: string }>(
      `SELECT count(*) AS count, extract(epoch FROM now() - min(created_at))::float8 AS age,
              count(*) FILTER (WHERE next_attempt_at > now()) AS held
       FROM ${this.table} WHERE sent_at IS NULL`,
    );
    return {
      count: Number(rows[0]?.count ?? 0),
      oldestAgeSeconds: rows[0]?.age ?? 0,
      held: Number(rows[0]?.held ?? 0),
    };
  }

  private async relayBatch(client: PoolClient): Promise<number> {
    // A mark-as-sent lost in a crash only republishes (at-least-once), so the commit need not
    // wait for the WAL flush: one fsync less per batch.
    await client.query('BEGIN; SET LOCAL synchronous_commit TO off');
    try {
      // Every shard no other relay holds, in one round trip; held until COMMIT.
      const { rows: owned } = await client.query<{ shard: number }>(
        `SELECT s AS shard FROM generate_series(0, $2::int - 1) AS s
          WHERE pg_try_advisory_xact_lock(hashtext($1), s)`,
        [this.table, this.shards],
      );
      if (owned.length === 0) {
        await client.query('ROLLBACK');
        return 0;
      }
      // Oldest first, skipping keys held back after a failure (their later rows wait too).
      const { rows } = await client.query<OutboxRow>(
        `SELECT id, aggregate_key, attempts, envelope, trace_parent FROM ${this.table} o
         WHERE sent_at IS NULL AND mod(abs(hashtext(aggregate_key)::bigint), $1) = ANY($2::int[])
           AND NOT EXISTS (
             SELECT 1 FROM ${this.table} held
              WHERE held.sent_at IS NULL AND held.next_attempt_at IS NOT NULL
                AND held.aggregate_key = o.aggregate_key AND held.next_attempt_at > now())
         ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED`,
        [this.shards, owned.map((row) => row.shard), this.batchSize],
      );
      let sent = rows;
      if (rows.length > 0) {
        try {
          await this.publishRows(rows);
        } catch (error) {
          // The broker (or the way to it) is down: the whole relay backs off, rows stay as they are.
          if (isBrokerWide(error)) throw error;
          const isolated = await this.isolate(rows);
          sent = isolated.sent;
          for (const { row, error: rowError } of isolated.failed) await this.holdBack(client, row, rowError);
        }
        if (sent.length > 0) {
          await client.query(
            `UPDATE ${this.table} SET sent_at = clock_timestamp(), next_attempt_at = NULL WHERE id = ANY($1::bigint[])`,
            [sent.map((row) => row.id)],
          );
        }
      }
      await client.query('COMMIT');
      this.metrics?.recordPublished(sent.length);
      return sent.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /**
   * After a batch the broker refused for a reason of its records: publishes it key by key, and a
   * failing key row by row, so every key but the failing ones goes out; a failing key stops at
   * its first failing row. Rows published here are marked sent with the rest.
   */
  private async isolate(
    rows: OutboxRow[],
  ): Promise<{ sent: OutboxRow[]; failed: { row: OutboxRow; error: unknown }[] }> {
    const byKey = new Map<string, OutboxRow[]>();
    for (const row of rows) byKey.set(row.aggregate_key, [...(byKey.get(row.aggregate_key) ?? []), row]);
    const sent: OutboxRow[] = [];
    const failed: { row: OutboxRow; error: unknown }[] = [];
    for (const keyRows of byKey.values()) {
      try {
        await this.publishRows(keyRows);
        sent.push(...keyRows);
        continue;
      } catch (error) {
        if (isBrokerWide(error)) throw error;
      }
      for (const row of keyRows) {
        try {
          await this.publishRows([row]);
          sent.push(row);
        } catch (error) {
          if (isBrokerWide(error)) throw error;
          failed.push({ row, error });
          break;
        }
      }
    }
    return { sent, failed };
  }

  /** Publishes rows in order, each in a span under the trace of the request that wrote it. */
  private async publishRows(rows: OutboxRow[]): Promise<void> {
    const spans = rows.map((row) => startRowPublishSpan(row.envelope, row.trace_parent));
    try {
      await this.options.publish(
        rows.map((row) => row.envelope),
        spans.map((span) => span.traceParent),
      );
    } catch (error) {
      for (const span of spans) span.end(error);
      throw error;
    }
    for (const span of spans) span.end();
  }

  /** Holds a failing row (and so its key) back until its next attempt. */
  private async holdBack(client: PoolClient, row: OutboxRow, error: unknown): Promise<void> {
    const attempts = row.attempts + 1;
    const delayMs = relayBackoffMs(attempts, {
      initialMs: this.options.backoffInitialMs ?? 200,
      maxMs: this.options.rowBackoffMaxMs ?? 300_000,
    });
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await client.query(
      `UPDATE ${this.table} SET attempts = $2, next_attempt_at = now() + $3 * interval '1 millisecond',
         last_error = $4 WHERE id = $1`,
      [row.id, attempts, delayMs, message.slice(0, 2_000)],
    );
    this.metrics?.recordHeldBack();
    this.logger.error(
      { err: error, table: this.table, key: row.aggregate_key, outboxId: row.id, attempts, delayMs },
      'outbox row refused, its key waits while the others flow',
    );
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      if (!this.listener) await this.listen().catch(() => undefined);
      try {
        const published = await this.relayOnce();
        failures = 0;
        if (published > 0) continue; // there may be more: drain before sleeping
        await this.sleep(this.pollIntervalMs);
      } catch (error) {
        failures += 1;
        this.metrics?.recordFailure();
        const delayMs = relayBackoffMs(failures, {
          initialMs: this.options.backoffInitialMs ?? 200,
          maxMs: this.options.backoffMaxMs ?? 10_000,
        });
        this.logger.error(
          { err: error, table: this.table, failures, delayMs },
          'outbox relay failed, backing off',
        );
        await this.sleep(delayMs);
      }
    }
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.options.connectionString });
    client.on('notification', () => this.wake());
    // A dropped LISTEN connection degrades to polling; the loop reconnects it.
    client.on('error', (error) => {
      this.logger.warn({ err: error, table: this.table }, 'outbox LISTEN connection lost');
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
    });
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
    if (!this.running) {
      await client.end();
      return;
    }
    this.listener = client;
  }

  private wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Sleeps until `ms` pass or a NOTIFY (or stop) arrives; a wake-up during a batch is not lost. */
  private async sleep(ms: number): Promise<void> {
    if (this.woken || !this.running) {
      this.woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeUp = undefined;
    this.woken = false;
  }
}
