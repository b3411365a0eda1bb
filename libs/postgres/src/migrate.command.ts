import {
  Module,
  type DynamicModule,
  type INestApplicationContext,
  type Provider,
  type Type,
} from '@nestjs/common';
import { createLogger, ObservabilityModule, type Logger, type LoggerOptions } from '@platform/observability';
import { DataSource } from 'typeorm';

/** What `node main.js migrate` of a Postgres-owning app boots: its persistence and its config. */
export interface MigrateCommandOptions {
  serviceName: string;
  logLevel: LoggerOptions['level'];
  /** The app's persistence module (TypeORM with `migrationsRun`), the one the service starts with. */
  imports: (Type | DynamicModule)[];
  /** What those modules inject, e.g. the app's validated config. */
  providers: Provider[];
}

@Module({})
class MigrateModule {
  /** Only what the database needs: no Kafka, no Redis, no HTTP, no outbox relay. */
  static with(options: MigrateCommandOptions, logger: Logger): DynamicModule {
    return {
      module: MigrateModule,
      global: true,
      imports: [
        ObservabilityModule.forRoot({ serviceName: options.serviceName, logger, defaultMetrics: false }),
        ...options.imports,
      ],
      providers: options.providers,
      exports: options.providers,
    };
  }
}

/**
 * `node main.js migrate`: creates the database if it is missing and applies every pending
 * migration, through the same persistence module the service starts with (so there is one list
 * of migrations), then stops. Exit code 0 when the schema is current, 1 with the reason when not.
 * Running it again is harmless. The Kubernetes migration Jobs run it before a rollout.
 */
export async function runMigrateCommand(options: MigrateCommandOptions): Promise<void> {
  const logger = createLogger({ serviceName: options.serviceName, level: options.logLevel });
  let context: INestApplicationContext | undefined;
  try {
    const [{ NestFactory }, { Logger: NestPinoLogger }] = await Promise.all([
      import('@nestjs/core'),
      import('nestjs-pino'),
    ]);
    context = await NestFactory.createApplicationContext(MigrateModule.with(options, logger), {
      bufferLogs: true,
      abortOnError: false,
    });
    context.useLogger(context.get(NestPinoLogger));
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
