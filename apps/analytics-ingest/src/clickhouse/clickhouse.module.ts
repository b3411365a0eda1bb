import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { Global, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry } from '@platform/observability';
import { ANALYTICS_INGEST_CONFIG, type AnalyticsIngestConfig } from '../config/analytics-ingest.config';
import { schemaStatements } from './schema';

/** The app's ClickHouse client. */
export const CLICKHOUSE = Symbol('analytics-ingest.clickhouse');

/**
 * ClickHouse over HTTP: the database and table are created at start if missing (DDL that
 * ClickHouse 18.16 and current releases both accept), /health/ready pings it, the client closes
 * after HTTP and consumption have stopped.
 */
@Global()
@Module({
  providers: [
    {
      provide: CLICKHOUSE,
      inject: [ANALYTICS_INGEST_CONFIG],
      useFactory: (config: AnalyticsIngestConfig): ClickHouseClient =>
        createClient({
          url: config.CLICKHOUSE_URL,
          username: config.CLICKHOUSE_USER,
          password: config.CLICKHOUSE_PASSWORD,
          request_timeout: 30_000,
        }),
    },
  ],
  exports: [CLICKHOUSE],
})
export class ClickHouseModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(CLICKHOUSE) private readonly client: ClickHouseClient,
    @Inject(ANALYTICS_INGEST_CONFIG) private readonly config: AnalyticsIngestConfig,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const query of schemaStatements(this.config.ANALYTICS_CLICKHOUSE_DATABASE)) {
      await this.client.command({ query });
    }
    this.readiness.register({
      name: 'clickhouse',
      check: async () => {
        const result = await this.client.ping();
        if (!result.success) throw result.error;
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
