import { Module } from '@nestjs/common';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from './config/auth-service.config';

/** auth-service: users, password hashes, tokens and revocation. Capabilities are imported here. */
@Module({})
export class AppModule {
  /** The app with its validated config available for injection. */
  static with(config: AuthServiceConfig) {
    return {
      module: AppModule,
      global: true,
      providers: [{ provide: AUTH_SERVICE_CONFIG, useValue: config }],
      exports: [AUTH_SERVICE_CONFIG],
    };
  }
}
