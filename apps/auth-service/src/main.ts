import { tracing } from './instrument';
import { bootstrapHttpApp } from '@platform/observability';
import { AppModule } from './app.module';
import { loadAuthServiceConfig } from './config/auth-service.config';

const config = loadAuthServiceConfig();
void bootstrapHttpApp(AppModule.with(config), {
  serviceName: 'auth-service',
  port: config.AUTH_HTTP_PORT,
  logLevel: config.LOG_LEVEL,
  tracing,
});
