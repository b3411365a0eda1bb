import { outboxRetrySql } from '@platform/outbox';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ORDER_OUTBOX } from '../../outbox/order-outbox.table';

/** Lets the relay hold back an order whose event the broker refuses while the others flow. */
export class OutboxRetry1764000000006 implements MigrationInterface {
  name = 'OutboxRetry1764000000006';

  async up(runner: QueryRunner): Promise<void> {
    for (const sql of outboxRetrySql(ORDER_OUTBOX).up) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const sql of outboxRetrySql(ORDER_OUTBOX).down) await runner.query(sql);
  }
}
