import { tracing } from './instrument';
import { bootstrapHttpApp } from '@platform/observability';
import { AppModule } from './app.module';
import { loadApiGatewayConfig } from './config/api-gateway.config';
import { gatewayProblemOf } from './http/gateway.error';
import { setUpGatewayHttp } from './http/gateway-http.setup';

const config = loadApiGatewayConfig();
void bootstrapHttpApp(AppModule.with(config), {
  serviceName: 'api-gateway',
  port: config.GATEWAY_HTTP_PORT,
  metricsPort: config.GATEWAY_METRICS_PORT,
  host: config.HTTP_HOST,
  logLevel: config.LOG_LEVEL,
  tracing,
  drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
  bodyParser: false,
  mapError: gatewayProblemOf,
  configure: (app) => setUpGatewayHttp(app, config),
});
