import { tracing } from './instrument';
import { startConsumerGroups } from '@platform/messaging';
import { bootstrapHttpApp } from '@platform/observability';
import { AppModule } from './app.module';
import { loadNotificationServiceConfig } from './config/notification-service.config';
import { mapNotificationError } from './errors/notification-problem.mapper';

const config = loadNotificationServiceConfig();
void bootstrapHttpApp(AppModule.with(config), {
  serviceName: 'notification-service',
  port: config.NOTIFICATION_HTTP_PORT,
  metricsPort: config.NOTIFICATION_METRICS_PORT,
  host: config.HTTP_HOST,
  logLevel: config.LOG_LEVEL,
  tracing,
  drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
  mapError: mapNotificationError,
  // A hybrid app: each consumer group of its roles runs as a Nest microservice beside the HTTP server.
  configure: startConsumerGroups,
});
