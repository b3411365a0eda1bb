import { tracing } from './instrument';
import { bootstrapHttpApp } from '@platform/observability';
import { AppModule } from './app.module';
import { loadOrderServiceConfig } from './config/order-service.config';
import { mapOrderError } from './errors/order-problem.mapper';
import { rebuildReadModel } from './read-model/rebuild-read-model.command';

const config = loadOrderServiceConfig();
if (process.argv[2] === 'rebuild-read-model') {
  void tracing.shutdown().then(() => rebuildReadModel(config));
} else {
  void bootstrapHttpApp(AppModule.with(config), {
    serviceName: 'order-service',
    port: config.ORDER_HTTP_PORT,
    logLevel: config.LOG_LEVEL,
    tracing,
    drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
    mapError: mapOrderError,
  });
}
