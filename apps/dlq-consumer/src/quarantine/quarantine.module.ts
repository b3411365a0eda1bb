import { Module } from '@nestjs/common';
import { GroupExplainer } from './application/group-explainer';
import { QuarantineCollections } from './infrastructure/quarantine-collections';
import { QuarantineMetrics } from './infrastructure/quarantine.metrics';
import { QuarantineQueries } from './infrastructure/quarantine.queries';
import { QuarantineStore } from './infrastructure/quarantine.store';
import { QuarantineTransitions } from './infrastructure/quarantine-transitions';
import { DeadLetterHandler } from './messaging/dead-letter.handler';

/** Quarantine: every `*.dlq` record kept in MongoDB, grouped by fingerprint and explained, and its metrics. */
@Module({
  controllers: [DeadLetterHandler],
  providers: [
    QuarantineCollections,
    QuarantineStore,
    QuarantineQueries,
    QuarantineTransitions,
    QuarantineMetrics,
    GroupExplainer,
  ],
  exports: [QuarantineStore, QuarantineQueries, QuarantineTransitions, QuarantineMetrics, GroupExplainer],
})
export class QuarantineModule {}
