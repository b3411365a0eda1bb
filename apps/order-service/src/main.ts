import { tracing } from './instrument';
import { bootstrapHttpApp } from '@platform/observability';
import { AppModule } from './app.module';
import { loadOrderServiceConfig } from './config/order-service.config';
import { mapOrderError } from './errors/order-problem.mapper';
import { migrate } from './cli/migrate.command';
import { keepRawJsonBodies } from './payments/http/raw-json-body';
import { rebuildReadModel } from './cli/rebuild-read-model.command';

const config = loadOrderServiceConfig();
const command = process.argv[2];
if (command === 'rebuild-read-model') {
  void tracing.shutdown().then(() => rebuildReadModel(config));
} else if (command === 'migrate') {
  void tracing.shutdown().then(() => migrate(config));
} else if (command !== undefined) {
  // A mistyped command in a Job must fail, not start a server that never exits.
  process.stderr.write(
    `unknown command "${command}": expected migrate, rebuild-read-model or none (serve)\n`,
  );
  process.exitCode = 2;
} else {
  void bootstrapHttpApp(AppModule.with(config), {
    serviceName: 'order-service',
    port: config.ORDER_HTTP_PORT,
    metricsPort: config.ORDER_METRICS_PORT,
    host: config.HTTP_HOST,
    logLevel: config.LOG_LEVEL,
    tracing,
    drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
    mapError: mapOrderError,
    configure: keepRawJsonBodies,
  });
}
