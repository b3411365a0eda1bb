import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AuthServiceConfig } from '../config/auth-service.config';
import { OAuthServer } from '../oauth/oauth-server';

/**
 * HTTP settings of the app, shared by main.ts and the tests: the OAuth server's endpoints first
 * (oidc-provider reads its own bodies), then a small body limit (413 above it: nothing here needs
 * more than a few hundred bytes). No `trust proxy`: the client's address comes from the gateway's
 * signed identity (GatewayGuard), never from X-Forwarded-For.
 */
export function configureHttp(app: NestExpressApplication, config: AuthServiceConfig): void {
  app.use(app.get(OAuthServer).middleware);
  app.useBodyParser('json', { limit: config.AUTH_MAX_BODY_SIZE });
  // The OAuth sign-in form (InteractionController).
  app.useBodyParser('urlencoded', { limit: config.AUTH_MAX_BODY_SIZE, extended: false });
}
