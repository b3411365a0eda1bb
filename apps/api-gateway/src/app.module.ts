import { Module } from '@nestjs/common';
import { API_GATEWAY_CONFIG, type ApiGatewayConfig } from './config/api-gateway.config';
import { DlqConsoleModule } from './console/dlq-console.module';
import { GatewayModule } from './gateway.module';

/** api-gateway: the single public entry. Capabilities are imported here. */
@Module({})
export class AppModule {
  /** The app with its validated config available for injection. */
  static with(config: ApiGatewayConfig) {
    return {
      module: AppModule,
      global: true,
      imports: [GatewayModule, DlqConsoleModule],
      providers: [{ provide: API_GATEWAY_CONFIG, useValue: config }],
      exports: [API_GATEWAY_CONFIG],
    };
  }
}
