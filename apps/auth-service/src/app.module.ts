import { Module, type DynamicModule } from '@nestjs/common';
import { GATEWAY_IDENTITY_VERIFIER, gatewayIdentityProvider } from '@platform/identity';
import { MessagingModule } from '@platform/messaging';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from './config/auth-service.config';
import { OAuthModule } from './oauth/oauth.module';
import { IdentityOutboxModule } from './outbox/identity-outbox.module';
import { PersistenceModule } from './persistence/persistence.module';
import { RedisModule } from './redis/redis.module';
import { RolesModule } from './roles/roles.module';
import { SessionsModule } from './sessions/sessions.module';
import { TokensModule } from './tokens/tokens.module';
import { UsersModule } from './users/users.module';

/**
 * auth-service: users, password hashes, tokens and revocation, and the OAuth server that signs
 * users in for other clients. Capabilities are imported here.
 */
@Module({})
export class AppModule {
  /** The app with its validated config available for injection. */
  static with(config: AuthServiceConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        MessagingModule.forRoot({
          clientId: 'auth-service',
          brokers: config.KAFKA_BROKERS,
          client: config.KAFKA_CLIENT,
          replicationFactor: config.KAFKA_REPLICATION_FACTOR,
          ownsTopicsOf: 'auth-service', // creates identity.events (+ .retry, .dlq)
        }),
        PersistenceModule,
        RedisModule,
        IdentityOutboxModule,
        TokensModule,
        UsersModule,
        SessionsModule,
        RolesModule,
        OAuthModule,
      ],
      providers: [
        { provide: AUTH_SERVICE_CONFIG, useValue: config },
        gatewayIdentityProvider(
          AUTH_SERVICE_CONFIG,
          'auth',
          (c: AuthServiceConfig) => c.GATEWAY_IDENTITY_PUBLIC_KEYS,
        ),
      ],
      exports: [AUTH_SERVICE_CONFIG, GATEWAY_IDENTITY_VERIFIER],
    };
  }
}
