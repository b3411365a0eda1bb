import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Answers of requests sent with an Idempotency-Key, per caller. */
export class IdempotencyKeys1764000000001 implements MigrationInterface {
  name = 'IdempotencyKeys1764000000001';

  async up(runner: QueryRunner): Promise<void> {
    // response_status NULL: the first request with the key is still running.
    await runner.query(`CREATE TABLE idempotency_keys (
      caller_id text NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      response_status integer,
      response_body jsonb,
      response_headers jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (caller_id, key)
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE idempotency_keys');
  }
}
