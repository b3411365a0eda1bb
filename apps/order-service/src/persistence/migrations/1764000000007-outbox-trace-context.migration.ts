import { outboxTraceSql } from '@platform/outbox';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ORDER_OUTBOX } from '../../outbox/order-outbox.table';

/** Keeps each row's trace context, so the relay publishes under the request that wrote it. */
export class OutboxTraceContext1764000000007 implements MigrationInterface {
  name = 'OutboxTraceContext1764000000007';

  async up(runner: QueryRunner): Promise<void> {
    for (const sql of outboxTraceSql(ORDER_OUTBOX).up) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const sql of outboxTraceSql(ORDER_OUTBOX).down) await runner.query(sql);
  }
}
