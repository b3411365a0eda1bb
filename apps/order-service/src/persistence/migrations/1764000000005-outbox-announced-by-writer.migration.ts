import { outboxAnnouncedByWriterSql } from '@platform/outbox';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ORDER_OUTBOX } from '../../outbox/order-outbox.table';

/**
 * Drops the outbox's NOTIFY trigger: every order command would otherwise commit one at a time
 * behind Postgres's notify lock. The event store announces committed rows to the relays instead.
 */
export class OutboxAnnouncedByWriter1764000000005 implements MigrationInterface {
  name = 'OutboxAnnouncedByWriter1764000000005';

  async up(runner: QueryRunner): Promise<void> {
    for (const sql of outboxAnnouncedByWriterSql(ORDER_OUTBOX).up) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const sql of outboxAnnouncedByWriterSql(ORDER_OUTBOX).down) await runner.query(sql);
  }
}
