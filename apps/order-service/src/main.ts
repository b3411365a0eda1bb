import { tracing } from './instrument';
import { bootstrapHttpApp } from '@platform/observability';
import { AppModule } from './app.module';
import { loadOrderServiceConfig } from './config/order-service.config';
import { mapOrderError } from './errors/order-problem.mapper';

const config = loadOrderServiceConfig();
void bootstrapHttpApp(AppModule.with(config), {
  serviceName: 'order-service',
  port: config.ORDER_HTTP_PORT,
  logLevel: config.LOG_LEVEL,
  tracing,
  drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
  mapError: mapOrderError,
});
