import { assertIdentifier } from '@platform/postgres';

/** Where one service keeps its outbox: a table and the NOTIFY channel its inserts wake relays on. */
export interface OutboxTable {
  /** Table name, e.g. `outbox` (one outbox per service database). */
  table: string;
  /** LISTEN/NOTIFY channel; defaults to `<table>_inserted`. */
  channel?: string;
}

/** The channel a table's inserts notify on. */
export function channelOf(outbox: OutboxTable): string {
  return assertIdentifier(outbox.channel ?? `${outbox.table}_inserted`);
}

/**
 * DDL of an outbox table, for the owning app's migration to run (`up` in order, `down` to undo).
 * `id` is the publishing order. A statement-level trigger NOTIFYs the channel; Postgres delivers
 * it only when the inserting transaction commits, so a woken relay always finds the rows.
 */
export function outboxSchemaSql(outbox: OutboxTable): { up: string[]; down: string[] } {
  const t = assertIdentifier(outbox.table);
  const channel = channelOf(outbox);
  return {
    up: [
      `CREATE TABLE ${t} (
        id bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        aggregate_key text NOT NULL,
        event_type text NOT NULL,
        envelope jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`,
      // The relay only ever reads unsent rows: a partial index stays as small as the backlog.
      `CREATE INDEX ${t}_unsent_idx ON ${t} (id) WHERE sent_at IS NULL`,
      ...notifyTrigger(t, channel).create,
    ],
    down: [`DROP TABLE ${t}`, `DROP FUNCTION ${t}_notify()`],
  };
}

function notifyTrigger(table: string, channel: string): { create: string[]; drop: string[] } {
  return {
    create: [
      `CREATE FUNCTION ${table}_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('${channel}', ''); RETURN NULL; END $$`,
      `CREATE TRIGGER ${table}_notify AFTER INSERT ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${table}_notify()`,
    ],
    drop: [`DROP TRIGGER ${table}_notify ON ${table}`, `DROP FUNCTION ${table}_notify()`],
  };
}

/**
 * DDL that replaces the insert trigger's NOTIFY by the writer's own announcement
 * (`OutboxRelay.announce()` after each commit). A transaction that NOTIFYs takes a database-wide
 * lock from its commit until it ends, WAL flush included, so notifying commits run one at a
 * time; a high-rate writer drops the trigger and announces after committing instead, coalesced,
 * outside its transactions. Relays keep the fallback poll for an announcement lost in a crash.
 */
export function outboxAnnouncedByWriterSql(outbox: OutboxTable): { up: string[]; down: string[] } {
  const trigger = notifyTrigger(assertIdentifier(outbox.table), channelOf(outbox));
  return { up: trigger.drop, down: trigger.create };
}

/**
 * DDL that lets a RetentionPurge find sent rows without scanning the table: an index on
 * `sent_at` of sent rows. A separate step so that apps whose first migration already ran
 * `outboxSchemaSql` add it in a migration of their own.
 */
export function outboxRetentionIndexSql(outbox: OutboxTable): { up: string[]; down: string[] } {
  const t = assertIdentifier(outbox.table);
  return {
    up: [`CREATE INDEX ${t}_sent_idx ON ${t} (sent_at) WHERE sent_at IS NOT NULL`],
    down: [`DROP INDEX ${t}_sent_idx`],
  };
}

/**
 * DDL that lets a relay hold back one key whose row keeps failing to publish (a record the broker
 * refuses, an event type without a topic) while every other key flows: the row's attempts, when
 * to try it next and the last error. Rows of the key after it wait behind it, so its order holds.
 */
export function outboxRetrySql(outbox: OutboxTable): { up: string[]; down: string[] } {
  const t = assertIdentifier(outbox.table);
  return {
    up: [
      `ALTER TABLE ${t} ADD COLUMN attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN next_attempt_at timestamptz, ADD COLUMN last_error text`,
      // Only the few rows that failed are in it: the relay's "is this key held back?" probe.
      `CREATE INDEX ${t}_held_idx ON ${t} (aggregate_key, next_attempt_at)
        WHERE sent_at IS NULL AND next_attempt_at IS NOT NULL`,
    ],
    down: [
      `DROP INDEX ${t}_held_idx`,
      `ALTER TABLE ${t} DROP COLUMN attempts, DROP COLUMN next_attempt_at, DROP COLUMN last_error`,
    ],
  };
}

/**
 * DDL that keeps the writer's trace context with each row (W3C `traceparent`), so the relay
 * publishes under the request that wrote it and consumers continue the same trace.
 */
export function outboxTraceSql(outbox: OutboxTable): { up: string[]; down: string[] } {
  const t = assertIdentifier(outbox.table);
  return {
    up: [`ALTER TABLE ${t} ADD COLUMN trace_parent text`],
    down: [`ALTER TABLE ${t} DROP COLUMN trace_parent`],
  };
}
