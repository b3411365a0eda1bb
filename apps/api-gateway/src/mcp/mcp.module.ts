import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MetricsModule } from '../metrics/metrics.module';
import { SERVICE_APIS } from '../openapi/service-apis';
import { ProxyModule } from '../proxy/proxy.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { RouteTable } from '../routing/route-table';
import { RoutingModule } from '../routing/routing.module';
import { EventCatalogResources } from './event-catalog.resources';
import { McpToolRunner } from './mcp-tool.runner';
import { McpHandler } from './mcp.handler';
import { ToolCatalog } from './tool-catalog';
import { ToolInvoker } from './tool-invoker';

/**
 * The MCP endpoint (/mcp) and its OAuth protected-resource metadata: tools derived from the route
 * table and the services' API specs, run through the proxy's pipeline; the event catalog as
 * resources; the DLQ triage prompt. McpHandler is mounted by setUpGatewayHttp after ProxyHandler.
 */
@Module({
  imports: [RoutingModule, AuthModule, RateLimitModule, MetricsModule, ProxyModule],
  providers: [
    {
      provide: ToolCatalog,
      inject: [RouteTable],
      useFactory: (routes: RouteTable) => ToolCatalog.derive(routes, SERVICE_APIS),
    },
    { provide: EventCatalogResources, useFactory: () => new EventCatalogResources() },
    ToolInvoker,
    McpToolRunner,
    McpHandler,
  ],
  exports: [McpHandler],
})
export class McpModule {}
