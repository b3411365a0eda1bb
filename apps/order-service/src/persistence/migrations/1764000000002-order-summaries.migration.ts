import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The read model behind GET /orders: one row per order, kept by the store's inline projection. */
export class OrderSummaries1764000000002 implements MigrationInterface {
  name = 'OrderSummaries1764000000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE order_summaries (
      seq bigserial UNIQUE,
      order_id text PRIMARY KEY,
      customer_id text NOT NULL,
      status text NOT NULL,
      currency text NOT NULL,
      total_minor bigint NOT NULL,
      version integer NOT NULL,
      placed_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    // A customer's orders, newest first: the keyset the cursor walks.
    await runner.query(
      `CREATE INDEX order_summaries_customer_idx ON order_summaries (customer_id, seq DESC)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE order_summaries');
  }
}
