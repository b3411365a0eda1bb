import { Module } from '@nestjs/common';
import { gatewayIdentityProvider } from '@platform/identity';
import { ANALYTICS_INGEST_CONFIG, type AnalyticsIngestConfig } from '../config/analytics-ingest.config';
import { IngestModule } from '../ingest/ingest.module';
import { AdminGuard, AnalyticsController } from './analytics.controller';

/** Queries: the admins' analytics reads over ClickHouse; each answer also updates ingest freshness. */
@Module({
  imports: [IngestModule],
  controllers: [AnalyticsController],
  providers: [
    AdminGuard,
    gatewayIdentityProvider(
      ANALYTICS_INGEST_CONFIG,
      'analytics',
      (c: AnalyticsIngestConfig) => c.GATEWAY_IDENTITY_PUBLIC_KEYS,
    ),
  ],
})
export class QueriesModule {}
