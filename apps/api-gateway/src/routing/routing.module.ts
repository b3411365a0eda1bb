import { Module } from '@nestjs/common';
import { ConfigError } from '@platform/observability';
import { API_GATEWAY_CONFIG, type ApiGatewayConfig } from '../config/api-gateway.config';
import { DEFAULT_ROUTES, RouteTable } from './route-table';

/** The route table of the config (GATEWAY_ROUTES or the default), checked against the rate-limit classes. */
@Module({
  providers: [
    {
      provide: RouteTable,
      inject: [API_GATEWAY_CONFIG],
      useFactory: (config: ApiGatewayConfig) => {
        const routes = config.GATEWAY_ROUTES ?? DEFAULT_ROUTES;
        const unknown = routes.filter((r) => !(r.rateLimit in config.GATEWAY_RATE_LIMITS));
        if (unknown.length > 0) {
          throw new ConfigError(
            unknown.map(
              (r) =>
                `GATEWAY_ROUTES: route ${r.prefix} names rate-limit class "${r.rateLimit}", not in GATEWAY_RATE_LIMITS`,
            ),
          );
        }
        return new RouteTable(routes);
      },
    },
  ],
  exports: [RouteTable],
})
export class RoutingModule {}
