import { tracing } from './instrument';
import { bootstrapHttpApp } from '@platform/observability';
import { AppModule } from './app.module';
import { bootstrapAdmin } from './cli/bootstrap-admin.command';
import { loadAuthServiceConfig } from './config/auth-service.config';
import { mapAuthError } from './errors/auth-problem.mapper';
import { configureHttp } from './http/configure-http';
import { migrate } from './cli/migrate.command';

const config = loadAuthServiceConfig();
const command = process.argv[2];
if (command === 'migrate') {
  void tracing.shutdown().then(() => migrate(config));
} else if (command === 'bootstrap-admin') {
  void tracing.shutdown().then(() => bootstrapAdmin(config, process.argv[3]));
} else if (command !== undefined) {
  // A mistyped command in a Job must fail, not start a server that never exits.
  process.stderr.write(
    `unknown command "${command}": expected migrate, bootstrap-admin <email> or none (serve)\n`,
  );
  process.exitCode = 2;
} else {
  void bootstrapHttpApp(AppModule.with(config), {
    serviceName: 'auth-service',
    port: config.AUTH_HTTP_PORT,
    metricsPort: config.AUTH_METRICS_PORT,
    host: config.HTTP_HOST,
    logLevel: config.LOG_LEVEL,
    tracing,
    drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
    mapError: mapAuthError,
    configure: (app) => configureHttp(app, config),
  });
}
