import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import type { ApiGatewayConfig } from '../config/api-gateway.config';
import { McpHandler } from '../mcp/mcp.handler';
import { buildOpenApiDocument } from '../openapi/openapi.document';
import { ProxyHandler } from '../proxy/http/proxy.handler';
import { RouteTable } from '../routing/route-table';

/**
 * Express-level setup of the gateway, run between creation and listen (bootstrapHttpApp's
 * `configure`, and the tests): security headers, CORS by config, the proxy (ProxyHandler, mounted
 * here so that it runs before the middlewares and routes Nest adds when it starts), the MCP endpoint
 * (McpHandler, /mcp and its OAuth metadata), and the
 * OpenAPI document at /openapi.json with Swagger UI at /docs. The app itself is created without body parsers
 * (`bodyParser: false`): the gateway streams bodies through and must never read them.
 */
export function setUpGatewayHttp(app: NestExpressApplication, config: ApiGatewayConfig): void {
  app.use(helmet());
  if (config.GATEWAY_CORS_ORIGINS) {
    app.enableCors({ origin: config.GATEWAY_CORS_ORIGINS, credentials: true, maxAge: 600 });
  }
  app.use(app.get(ProxyHandler).middleware);
  // After the proxy, which strips forged identity headers from every request: /mcp and its metadata.
  app.use(app.get(McpHandler).middleware);
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app.get(RouteTable)), {
    jsonDocumentUrl: 'openapi.json',
    raw: ['json'],
  });
}
