import { Module } from '@nestjs/common';
import { QuarantineModule } from '../quarantine/quarantine.module';
import { Replayer } from './application/replayer';

/** Replay: sends quarantined records back to the group that failed them, at a bounded rate. */
@Module({
  imports: [QuarantineModule],
  providers: [Replayer],
  exports: [Replayer],
})
export class ReplayModule {}
