import { Module } from '@nestjs/common';
import { AnalyticsStore } from '../clickhouse/analytics.store';
import { IngestMetrics } from './infrastructure/ingest.metrics';
import { EventIngestHandler } from './messaging/event.handler';

/**
 * Ingest: business events from Kafka into ClickHouse, one insert per batch. It owns the events
 * table's store; queries read through it.
 */
@Module({
  controllers: [EventIngestHandler],
  providers: [AnalyticsStore, IngestMetrics],
  exports: [AnalyticsStore, IngestMetrics],
})
export class IngestModule {}
