import { ensureDatabase } from '@platform/postgres';
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReadinessRegistry } from '@platform/observability';
import { DataSource } from 'typeorm';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../config/auth-service.config';
import { RefreshTokenEntity } from '../sessions/infrastructure/refresh-token.entity';
import { SigningKeyEntity } from '../tokens/infrastructure/signing-key.entity';
import { UserEntity } from '../users/infrastructure/user.entity';
import { InitialSchema1735689600000 } from './migrations/1735689600000-initial-schema.migration';
import { OutboxRetentionIndex1764000000000 } from './migrations/1764000000000-outbox-retention-index.migration';
import { OutboxRetry1764000000001 } from './migrations/1764000000001-outbox-retry.migration';
import { OutboxTraceContext1764000000002 } from './migrations/1764000000002-outbox-trace-context.migration';

/**
 * Postgres through TypeORM: the database is created if missing and migrated at start (never
 * synchronised). TypeORM closes the pool on application shutdown.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AUTH_SERVICE_CONFIG],
      useFactory: async (config: AuthServiceConfig) => {
        await ensureDatabase(config.AUTH_DATABASE_URL);
        return {
          type: 'postgres' as const,
          url: config.AUTH_DATABASE_URL,
          entities: [UserEntity, RefreshTokenEntity, SigningKeyEntity],
          migrations: [
            InitialSchema1735689600000,
            OutboxRetentionIndex1764000000000,
            OutboxRetry1764000000001,
            OutboxTraceContext1764000000002,
          ],
          migrationsRun: true,
          synchronize: false,
          logging: false,
        };
      },
    }),
  ],
})
export class PersistenceModule implements OnModuleInit {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    this.readiness.register({ name: 'postgres', check: () => this.dataSource.query('SELECT 1') });
  }
}
