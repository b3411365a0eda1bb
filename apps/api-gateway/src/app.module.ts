import { Module } from '@nestjs/common';
import { API_GATEWAY_CONFIG, type ApiGatewayConfig } from './config/api-gateway.config';
import { AuthModule } from './auth/auth.module';
import { DlqConsoleModule } from './console/dlq-console.module';
import { McpModule } from './mcp/mcp.module';
import { ProxyModule } from './proxy/proxy.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RoutingModule } from './routing/routing.module';

/**
 * api-gateway: the single public entry. Capabilities are imported here; ProxyModule's middleware
 * runs them as one request pipeline.
 */
@Module({})
export class AppModule {
  /** The app with its validated config available for injection. */
  static with(config: ApiGatewayConfig) {
    return {
      module: AppModule,
      global: true,
      imports: [RoutingModule, AuthModule, RateLimitModule, ProxyModule, McpModule, DlqConsoleModule],
      providers: [{ provide: API_GATEWAY_CONFIG, useValue: config }],
      exports: [API_GATEWAY_CONFIG],
    };
  }
}
