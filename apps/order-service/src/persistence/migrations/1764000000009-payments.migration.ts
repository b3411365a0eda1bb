import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What order-service knows of payments beyond OrderPaid, each row committed in the same
 * transaction as the OrderPaid it goes with (a crash leaves both or neither):
 * - payment_callbacks: the provider's callbacks applied, by its event id, so a redelivered
 *   callback finds its row and records nothing again;
 * - manual_payments: who among staff recorded a payment by hand, and why (the audit trail).
 */
export class Payments1764000000009 implements MigrationInterface {
  name = 'Payments1764000000009';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE payment_callbacks (
      event_id text PRIMARY KEY,
      order_id uuid NOT NULL,
      payment_id text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now()
    )`);
    await runner.query(`CREATE TABLE manual_payments (
      order_id uuid NOT NULL,
      payment_reference text NOT NULL,
      recorded_by text NOT NULL,
      reason text NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (order_id, payment_reference)
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE manual_payments');
    await runner.query('DROP TABLE payment_callbacks');
  }
}
