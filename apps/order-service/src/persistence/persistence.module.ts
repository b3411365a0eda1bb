import { ensureDatabase } from '@platform/postgres';
import { Global, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReadinessRegistry } from '@platform/observability';
import { DataSource } from 'typeorm';
import { ORDER_SERVICE_CONFIG, type OrderServiceConfig } from '../config/order-service.config';
import { OrderEvents1764000000000 } from './migrations/1764000000000-order-events.migration';
import { IdempotencyKeys1764000000001 } from './migrations/1764000000001-idempotency-keys.migration';
import { OrderSummaries1764000000002 } from './migrations/1764000000002-order-summaries.migration';
import { ReadModelRebuilds1764000000003 } from './migrations/1764000000003-read-model-rebuilds.migration';
import { RetentionIndexes1764000000004 } from './migrations/1764000000004-retention-indexes.migration';
import { OutboxAnnouncedByWriter1764000000005 } from './migrations/1764000000005-outbox-announced-by-writer.migration';
import { OutboxRetry1764000000006 } from './migrations/1764000000006-outbox-retry.migration';
import { OutboxTraceContext1764000000007 } from './migrations/1764000000007-outbox-trace-context.migration';
import { Catalog1764000000008 } from './migrations/1764000000008-catalog.migration';
import { Payments1764000000009 } from './migrations/1764000000009-payments.migration';
import { UnitOfWork } from './unit-of-work';

/**
 * Postgres through TypeORM: the database is created if missing and migrated at start (never
 * synchronised). TypeORM closes the pool on application shutdown. UnitOfWork shares one transaction
 * across a request.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ORDER_SERVICE_CONFIG],
      useFactory: async (config: OrderServiceConfig) => {
        await ensureDatabase(config.ORDER_DATABASE_URL);
        return {
          type: 'postgres' as const,
          url: config.ORDER_DATABASE_URL,
          entities: [],
          migrations: [
            OrderEvents1764000000000,
            IdempotencyKeys1764000000001,
            OrderSummaries1764000000002,
            ReadModelRebuilds1764000000003,
            RetentionIndexes1764000000004,
            OutboxAnnouncedByWriter1764000000005,
            OutboxRetry1764000000006,
            OutboxTraceContext1764000000007,
            Catalog1764000000008,
            Payments1764000000009,
          ],
          migrationsRun: true,
          synchronize: false,
          logging: false,
        };
      },
    }),
  ],
  providers: [UnitOfWork],
  exports: [UnitOfWork],
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
