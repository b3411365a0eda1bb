import { tracing } from './instrument';
import { startConsumerGroups } from '@platform/messaging';
import { bootstrapHttpApp } from '@platform/observability';
import { AppModule } from './app.module';
import { loadDlqConsumerConfig } from './config/dlq-consumer.config';
import { mapDlqError } from './errors/dlq-problem.mapper';

const config = loadDlqConsumerConfig();
void bootstrapHttpApp(AppModule.with(config), {
  serviceName: 'dlq-consumer',
  port: config.DLQ_HTTP_PORT,
  metricsPort: config.DLQ_METRICS_PORT,
  host: config.HTTP_HOST,
  logLevel: config.LOG_LEVEL,
  tracing,
  drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
  mapError: mapDlqError,
  // A hybrid app: its consumer group runs as a Nest microservice beside the HTTP server.
  configure: startConsumerGroups,
});
