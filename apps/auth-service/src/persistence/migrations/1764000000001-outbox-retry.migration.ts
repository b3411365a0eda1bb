import { outboxRetrySql } from '@platform/outbox';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { IDENTITY_OUTBOX } from '../../outbox/identity-outbox.table';

/** Lets the relay hold back a user whose event the broker refuses while the others flow. */
export class OutboxRetry1764000000001 implements MigrationInterface {
  name = 'OutboxRetry1764000000001';

  async up(runner: QueryRunner): Promise<void> {
    for (const sql of outboxRetrySql(IDENTITY_OUTBOX).up) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const sql of outboxRetrySql(IDENTITY_OUTBOX).down) await runner.query(sql);
  }
}
