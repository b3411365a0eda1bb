import { Module, type DynamicModule } from '@nestjs/common';
import { Topics } from '@platform/contracts';
import { MessagingModule } from '@platform/messaging';
import { ClickHouseModule } from './clickhouse/clickhouse.module';
import { ANALYTICS_INGEST_CONFIG, type AnalyticsIngestConfig } from './config/analytics-ingest.config';
import { decodeAnyEvent } from './ingest/messaging/event.handler';
import { IngestModule } from './ingest/ingest.module';
import { QueriesModule } from './queries/queries.module';

/**
 * The domain topics analytics reads: every business event. Their owners create them; until they
 * exist, the group waits and /health/ready says for which (docs/messaging.md, "Starting").
 */
export const ANALYTICS_TOPICS = [Topics.identityEvents.name, Topics.orderEvents.name];

/** analytics-ingest: the analytics write path (Kafka -> ClickHouse, one insert per batch) and its queries. */
@Module({})
export class AppModule {
  static with(config: AnalyticsIngestConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        MessagingModule.forRoot({
          clientId: 'analytics-ingest',
          brokers: config.KAFKA_BROKERS,
          client: config.KAFKA_CLIENT,
          replicationFactor: config.KAFKA_REPLICATION_FACTOR,
          consumerGroups: [
            {
              name: 'ingest',
              groupId: config.ANALYTICS_CONSUMER_GROUP,
              topics: ANALYTICS_TOPICS,
              decode: decodeAnyEvent,
              consumer: {
                fromBeginning: config.ANALYTICS_FROM_BEGINNING,
                // One ClickHouse insert per call of the batch handler (EventIngestHandler).
                batch: {
                  maxRecords: config.ANALYTICS_BATCH_MAX_ROWS,
                  maxWaitMs: config.ANALYTICS_BATCH_MAX_WAIT_MS,
                },
                // Fetch ahead of the running insert by about two batches per partition, then pause.
                maxInFlightPerPartition: config.ANALYTICS_BATCH_MAX_ROWS * 2,
                // ClickHouse down (DependencyUnavailableError): retried as long as it lasts, never
                // dead-lettered; rows it refuses are split out to the DLQ after these attempts.
                retry: { maxAttempts: 3, initialBackoffMs: 500, maxBackoffMs: 15_000 },
              },
            },
          ],
        }),
        ClickHouseModule,
        IngestModule,
        QueriesModule,
      ],
      providers: [{ provide: ANALYTICS_INGEST_CONFIG, useValue: config }],
      exports: [ANALYTICS_INGEST_CONFIG],
    };
  }
}
