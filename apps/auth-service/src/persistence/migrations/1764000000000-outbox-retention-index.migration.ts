import { outboxRetentionIndexSql } from '@platform/outbox';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { IDENTITY_OUTBOX } from '../../outbox/identity-outbox.table';

/** The index the retention purge finds sent outbox rows by. */
export class OutboxRetentionIndex1764000000000 implements MigrationInterface {
  name = 'OutboxRetentionIndex1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const sql of outboxRetentionIndexSql(IDENTITY_OUTBOX).up) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const sql of outboxRetentionIndexSql(IDENTITY_OUTBOX).down) await runner.query(sql);
  }
}
