import { Module } from '@nestjs/common';
import {
  OUTBOX_RELAY_OPTIONS,
  OutboxRelayHost,
  RETENTION_PURGE_OPTIONS,
  RetentionPurgeHost,
  type OutboxRelayHostOptions,
  type RetentionPurgeHostOptions,
} from '@platform/outbox';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../config/auth-service.config';
import { IDENTITY_OUTBOX } from './identity-outbox.table';

/**
 * The relay of auth-service's outbox (every identity event goes to identity.events), and the
 * purge of sent rows past their retention.
 */
@Module({
  providers: [
    {
      provide: OUTBOX_RELAY_OPTIONS,
      inject: [AUTH_SERVICE_CONFIG],
      useFactory: (config: AuthServiceConfig): OutboxRelayHostOptions => ({
        ...IDENTITY_OUTBOX,
        connectionString: config.AUTH_DATABASE_URL,
      }),
    },
    OutboxRelayHost,
    {
      provide: RETENTION_PURGE_OPTIONS,
      inject: [AUTH_SERVICE_CONFIG],
      useFactory: (config: AuthServiceConfig): RetentionPurgeHostOptions => ({
        connectionString: config.AUTH_DATABASE_URL,
        intervalMs: config.RETENTION_PURGE_INTERVAL_SECONDS * 1000,
        rules: [
          {
            table: IDENTITY_OUTBOX.table,
            column: 'sent_at',
            retentionMs: config.OUTBOX_RETENTION_HOURS * 3_600_000,
          },
        ],
      }),
    },
    RetentionPurgeHost,
  ],
  exports: [OutboxRelayHost, RetentionPurgeHost],
})
export class IdentityOutboxModule {}
