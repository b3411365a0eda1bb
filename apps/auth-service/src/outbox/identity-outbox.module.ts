import { Module } from '@nestjs/common';
import { OUTBOX_RELAY_OPTIONS, OutboxRelayHost, type OutboxRelayHostOptions } from '@platform/outbox';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../config/auth-service.config';
import { IDENTITY_OUTBOX } from './identity-outbox.table';

/** The relay of auth-service's outbox: every identity event goes to identity.events. */
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
  ],
  exports: [OutboxRelayHost],
})
export class IdentityOutboxModule {}
