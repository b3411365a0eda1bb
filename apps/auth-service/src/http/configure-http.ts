import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AuthServiceConfig } from '../config/auth-service.config';

/**
 * HTTP settings of the app, shared by main.ts and the tests: a small body limit (413 above it:
 * nothing here needs more than a few hundred bytes) and which proxies may name the client IP,
 * which the per-IP login throttle relies on.
 */
export function configureHttp(app: NestExpressApplication, config: AuthServiceConfig): void {
  app.useBodyParser('json', { limit: config.AUTH_MAX_BODY_SIZE });
  app.set('trust proxy', config.AUTH_TRUST_PROXY);
}
