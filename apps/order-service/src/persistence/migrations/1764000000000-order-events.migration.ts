import { outboxSchemaSql } from '@platform/outbox';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ORDER_OUTBOX } from '../../outbox/order-outbox.table';

/** The order event store (append-only) and the outbox. */
export class OrderEvents1764000000000 implements MigrationInterface {
  name = 'OrderEvents1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE order_events (
      position bigserial PRIMARY KEY,
      event_id text NOT NULL,
      aggregate_id text NOT NULL,
      version integer NOT NULL CHECK (version >= 1),
      type text NOT NULL,
      schema_version integer NOT NULL,
      payload jsonb NOT NULL,
      metadata jsonb NOT NULL,
      occurred_at timestamptz NOT NULL
    )`);
    // The constraint, not a check in code, decides a race between two writers of one order.
    await runner.query(
      `ALTER TABLE order_events ADD CONSTRAINT order_events_stream_key UNIQUE (aggregate_id, version)`,
    );
    await runner.query(`CREATE UNIQUE INDEX order_events_event_id_key ON order_events (event_id)`);
    // Append-only: the store is the history, so rows are never changed or removed.
    await runner.query(`CREATE FUNCTION order_events_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'order_events is append-only'; END $$ LANGUAGE plpgsql`);
    await runner.query(`CREATE TRIGGER order_events_append_only BEFORE UPDATE OR DELETE ON order_events
      FOR EACH ROW EXECUTE FUNCTION order_events_append_only()`);
    for (const sql of outboxSchemaSql(ORDER_OUTBOX).up) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const sql of outboxSchemaSql(ORDER_OUTBOX).down) await runner.query(sql);
    await runner.query('DROP TABLE order_events');
    await runner.query('DROP FUNCTION order_events_append_only()');
  }
}
