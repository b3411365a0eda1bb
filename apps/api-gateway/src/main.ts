import { tracing } from './instrument';
import { bootstrapHttpApp } from '@platform/observability';
import { AppModule } from './app.module';
import { loadApiGatewayConfig } from './config/api-gateway.config';

const config = loadApiGatewayConfig();
void bootstrapHttpApp(AppModule.with(config), {
  serviceName: 'api-gateway',
  port: config.GATEWAY_HTTP_PORT,
  logLevel: config.LOG_LEVEL,
  tracing,
});
