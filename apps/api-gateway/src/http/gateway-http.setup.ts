import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import type { ApiGatewayConfig } from '../config/api-gateway.config';
import { buildOpenApiDocument } from '../openapi/openapi.document';
import { RouteTable } from '../routing/route-table';

// Nest adds its JSON and urlencoded body parsers at init unless middleware of these names is
// already installed. A gateway streams bodies through and must never read them, so no-op
// stand-ins take the parsers' place (function names matter: Nest looks them up by name).
function jsonParser(_req: unknown, _res: unknown, next: () => void): void {
  next();
}
function urlencodedParser(_req: unknown, _res: unknown, next: () => void): void {
  next();
}

/**
 * Express-level setup of the gateway, run between creation and listen (bootstrapHttpApp's
 * `configure`, and the tests): no body parsing, security headers, CORS by config, and the
 * OpenAPI document at /openapi.json with Swagger UI at /docs.
 */
export function setUpGatewayHttp(app: NestExpressApplication, config: ApiGatewayConfig): void {
  app.use(jsonParser);
  app.use(urlencodedParser);
  app.use(helmet());
  if (config.GATEWAY_CORS_ORIGINS) {
    app.enableCors({ origin: config.GATEWAY_CORS_ORIGINS, credentials: true, maxAge: 600 });
  }
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app.get(RouteTable)), {
    jsonDocumentUrl: 'openapi.json',
    raw: ['json'],
  });
}
