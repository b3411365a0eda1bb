import { Module } from '@nestjs/common';
import { QuarantineMetrics } from './infrastructure/quarantine.metrics';
import { QuarantineStore } from './infrastructure/quarantine.store';
import { DeadLetterHandler } from './messaging/dead-letter.handler';

/** Quarantine: every `*.dlq` record kept in MongoDB, grouped by fingerprint, and its metrics. */
@Module({
  providers: [QuarantineStore, QuarantineMetrics, DeadLetterHandler],
  exports: [QuarantineStore, QuarantineMetrics],
})
export class QuarantineModule {}
