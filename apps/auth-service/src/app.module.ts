import { Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { MessagingModule } from '@platform/messaging';
import { ReadinessRegistry } from '@platform/observability';
import { Kafka, type Admin } from 'kafkajs';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from './config/auth-service.config';
import { IdentityOutboxModule } from './outbox/identity-outbox.module';
import { PersistenceModule } from './persistence/persistence.module';
import { RedisModule } from './redis/redis.module';
import { SessionsModule } from './sessions/sessions.module';
import { TokensModule } from './tokens/tokens.module';
import { UsersModule } from './users/users.module';

/** auth-service: users, password hashes, tokens and revocation. Capabilities are imported here. */
@Module({})
export class AppModule implements OnModuleInit, OnApplicationShutdown {
  private readonly kafkaAdmin: Admin;

  constructor(
    kafka: Kafka,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.kafkaAdmin = kafka.admin();
  }

  /** The app with its validated config available for injection. */
  static with(config: AuthServiceConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        MessagingModule.forRoot({
          clientId: 'auth-service',
          brokers: config.KAFKA_BROKERS,
          replicationFactor: config.KAFKA_REPLICATION_FACTOR,
          ownsTopicsOf: 'auth-service', // creates identity.events (+ .retry, .dlq)
        }),
        PersistenceModule,
        RedisModule,
        IdentityOutboxModule,
        TokensModule,
        UsersModule,
        SessionsModule,
      ],
      providers: [{ provide: AUTH_SERVICE_CONFIG, useValue: config }],
      exports: [AUTH_SERVICE_CONFIG],
    };
  }

  // EventProducer does not expose its connection state; a metadata round trip to the cluster
  // over a long-lived admin client is the nearest check that the producer can publish.
  onModuleInit(): void {
    this.readiness.register({
      name: 'kafka',
      check: async () => {
        await this.kafkaAdmin.connect();
        return this.kafkaAdmin.describeCluster();
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.kafkaAdmin.disconnect();
  }
}
