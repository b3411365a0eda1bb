import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Makes order_summaries rebuildable: its keyset becomes (placed_at, order_id), which a replay of
 * the store reproduces (a serial would not, and cursors would break at a swap), and
 * order_read_model says which fresh table a rebuild is filling, if any.
 */
export class ReadModelRebuilds1764000000003 implements MigrationInterface {
  name = 'ReadModelRebuilds1764000000003';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE order_summaries DROP COLUMN seq'); // drops its index too
    await runner.query(
      `CREATE INDEX order_summaries_customer_idx ON order_summaries (customer_id, placed_at DESC, order_id DESC)`,
    );
    // Where each order starts, in store order: the rebuild pages through orders with it.
    await runner.query('CREATE INDEX order_events_first_idx ON order_events (position) WHERE version = 1');
    // building: the table a running rebuild fills (appends write to it too); NULL when none runs.
    await runner.query(`CREATE TABLE order_read_model (
      name text PRIMARY KEY,
      building text,
      rebuilt_at timestamptz,
      rebuilt_orders bigint
    )`);
    await runner.query(`INSERT INTO order_read_model (name) VALUES ('order_summaries')`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE order_read_model');
    await runner.query('DROP INDEX order_events_first_idx');
    await runner.query('DROP INDEX order_summaries_customer_idx');
    await runner.query('ALTER TABLE order_summaries ADD COLUMN seq bigserial UNIQUE');
    await runner.query(
      'CREATE INDEX order_summaries_customer_idx ON order_summaries (customer_id, seq DESC)',
    );
  }
}
