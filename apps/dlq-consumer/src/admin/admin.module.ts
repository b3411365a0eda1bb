import { Module } from '@nestjs/common';
import { gatewayIdentityProvider } from '@platform/identity';
import { DLQ_CONSUMER_CONFIG, type DlqConsumerConfig } from '../config/dlq-consumer.config';
import { LagModule } from '../lag/lag.module';
import { QuarantineModule } from '../quarantine/quarantine.module';
import { ReplayModule } from '../replay/replay.module';
import { AdminGuard } from './admin.guard';
import { DlqController } from './dlq.controller';

/** The admins' HTTP API over quarantine, replay and lag: inspect, group, explain, replay, discard, lag. */
@Module({
  imports: [QuarantineModule, ReplayModule, LagModule],
  controllers: [DlqController],
  providers: [
    AdminGuard,
    gatewayIdentityProvider(
      DLQ_CONSUMER_CONFIG,
      'dlq',
      (c: DlqConsumerConfig) => c.GATEWAY_IDENTITY_PUBLIC_KEYS,
    ),
  ],
})
export class AdminModule {}
