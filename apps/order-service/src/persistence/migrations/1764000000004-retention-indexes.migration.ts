import { outboxRetentionIndexSql } from '@platform/outbox';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ORDER_OUTBOX } from '../../outbox/order-outbox.table';

/** Indexes the retention purge deletes by: sent outbox rows, Idempotency-Keys by age. */
export class RetentionIndexes1764000000004 implements MigrationInterface {
  name = 'RetentionIndexes1764000000004';

  async up(runner: QueryRunner): Promise<void> {
    for (const sql of outboxRetentionIndexSql(ORDER_OUTBOX).up) await runner.query(sql);
    await runner.query('CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX idempotency_keys_created_at_idx');
    for (const sql of outboxRetentionIndexSql(ORDER_OUTBOX).down) await runner.query(sql);
  }
}
