import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { createLogger, ObservabilityModule, PinoNestLogger, type Logger } from '@platform/observability';
import { DataSource } from 'typeorm';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from './config/auth-service.config';
import { PersistenceModule } from './persistence/persistence.module';

@Module({})
class MigrateModule {
  /** Only what the database needs: no Kafka, no Redis, no HTTP, no outbox relay. */
  static with(config: AuthServiceConfig, logger: Logger): DynamicModule {
    return {
      module: MigrateModule,
      global: true,
      imports: [
        ObservabilityModule.forRoot({ serviceName: 'auth-service', logger, defaultMetrics: false }),
        PersistenceModule,
      ],
      providers: [{ provide: AUTH_SERVICE_CONFIG, useValue: config }],
      exports: [AUTH_SERVICE_CONFIG],
    };
  }
}

/**
 * `node main.js migrate`: creates the database if it is missing and applies every pending
 * migration, through the same PersistenceModule the service starts with (so there is one list of
 * migrations), then stops. Exit code 0 when the schema is current, 1 with the reason when not.
 * Running it again is harmless. The Kubernetes migration Job runs it before a rollout.
 */
export async function migrate(config: AuthServiceConfig): Promise<void> {
  const logger = createLogger({ serviceName: 'auth-service', level: config.LOG_LEVEL });
  let context: INestApplicationContext | undefined;
  try {
    const { NestFactory } = await import('@nestjs/core');
    context = await NestFactory.createApplicationContext(MigrateModule.with(config, logger), {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    });
    const dataSource = context.get(DataSource);
    if (await dataSource.showMigrations()) throw new Error('migrations are still pending after the run');
    logger.info(
      { database: dataSource.driver.database, migrations: dataSource.migrations.length },
      'database schema is current',
    );
  } catch (error) {
    logger.fatal({ err: error }, 'migration failed');
    process.exitCode = 1;
  } finally {
    await context?.close();
  }
}
