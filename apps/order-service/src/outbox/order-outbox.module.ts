import { Module } from '@nestjs/common';
import {
  OUTBOX_RELAY_OPTIONS,
  OutboxRelayHost,
  RETENTION_PURGE_OPTIONS,
  RetentionPurgeHost,
  type OutboxRelayHostOptions,
  type RetentionPurgeHostOptions,
} from '@platform/outbox';
import { ORDER_SERVICE_CONFIG, type OrderServiceConfig } from '../config/order-service.config';
import { ORDER_OUTBOX } from './order-outbox.table';

const HOUR_MS = 3_600_000;

/**
 * The relay of order-service's outbox (every order event goes to order.events), and the purge of
 * what is done with: sent outbox rows and answered Idempotency-Keys past their retention.
 */
@Module({
  providers: [
    {
      provide: OUTBOX_RELAY_OPTIONS,
      inject: [ORDER_SERVICE_CONFIG],
      useFactory: (config: OrderServiceConfig): OutboxRelayHostOptions => ({
        ...ORDER_OUTBOX,
        connectionString: config.ORDER_DATABASE_URL,
      }),
    },
    OutboxRelayHost,
    {
      provide: RETENTION_PURGE_OPTIONS,
      inject: [ORDER_SERVICE_CONFIG],
      useFactory: (config: OrderServiceConfig): RetentionPurgeHostOptions => ({
        connectionString: config.ORDER_DATABASE_URL,
        intervalMs: config.RETENTION_PURGE_INTERVAL_SECONDS * 1000,
        rules: [
          {
            table: ORDER_OUTBOX.table,
            column: 'sent_at',
            retentionMs: config.OUTBOX_RETENTION_HOURS * HOUR_MS,
          },
          {
            table: 'idempotency_keys',
            column: 'created_at',
            retentionMs: config.ORDER_IDEMPOTENCY_KEY_RETENTION_HOURS * HOUR_MS,
          },
        ],
      }),
    },
    RetentionPurgeHost,
  ],
  exports: [OutboxRelayHost, RetentionPurgeHost],
})
export class OrderOutboxModule {}
