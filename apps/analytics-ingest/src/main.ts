import { tracing } from './instrument';
import { startConsumerGroups } from '@platform/messaging';
import { bootstrapHttpApp } from '@platform/observability';
import { AppModule } from './app.module';
import { loadAnalyticsIngestConfig } from './config/analytics-ingest.config';
import { mapAnalyticsError } from './errors/analytics.errors';

const config = loadAnalyticsIngestConfig();
void bootstrapHttpApp(AppModule.with(config), {
  serviceName: 'analytics-ingest',
  port: config.ANALYTICS_HTTP_PORT,
  metricsPort: config.ANALYTICS_METRICS_PORT,
  host: config.HTTP_HOST,
  logLevel: config.LOG_LEVEL,
  tracing,
  drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
  mapError: mapAnalyticsError,
  // A hybrid app: its consumer group runs as a Nest microservice beside the HTTP server.
  configure: startConsumerGroups,
});
