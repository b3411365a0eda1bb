import { tracing } from './instrument';
import { bootstrapHttpApp } from '@platform/observability';
import { AppModule } from './app.module';
import { loadAuthServiceConfig } from './config/auth-service.config';
import { mapAuthError } from './errors/auth-problem.mapper';
import { configureHttp } from './http/configure-http';

const config = loadAuthServiceConfig();
void bootstrapHttpApp(AppModule.with(config), {
  serviceName: 'auth-service',
  port: config.AUTH_HTTP_PORT,
  logLevel: config.LOG_LEVEL,
  tracing,
  drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
  mapError: mapAuthError,
  configure: (app) => configureHttp(app, config),
});
