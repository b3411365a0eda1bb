import { Module } from '@nestjs/common';
import { ConsumerLagReader } from './consumer-lag.reader';

/** Consumer lag: how far every consumer group of the cluster is behind, for admins triaging. */
@Module({
  providers: [ConsumerLagReader],
  exports: [ConsumerLagReader],
})
export class LagModule {}
