import { Module } from '@nestjs/common';
import { IdentityOutboxRelay } from './identity-outbox.relay';

/** The relay of auth-service's outbox to identity.events. */
@Module({ providers: [IdentityOutboxRelay], exports: [IdentityOutboxRelay] })
export class IdentityOutboxModule {}
