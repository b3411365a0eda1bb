import { kafkaClientSetting } from '@platform/messaging';
import { env, parseEnv } from '@platform/observability';
import { consumerGroup, gatewayIdentityEnv, kafkaEnv, metricsPort, serviceEnv } from '@platform/service-edge';
import { z } from 'zod';

/** Every variable analytics-ingest reads, with local defaults (see .env.example). */
export const analyticsIngestConfigSchema = z.object({
  ANALYTICS_HTTP_PORT: env.port().default(3004),
  ANALYTICS_METRICS_PORT: metricsPort(9404),
  ...serviceEnv,
  ...kafkaEnv,
  KAFKA_CLIENT: kafkaClientSetting(),
  ANALYTICS_CONSUMER_GROUP: consumerGroup('analytics-ingest'),
  /** A new consumer group backfills the topics' whole retention (true) or starts at their end. */
  ANALYTICS_FROM_BEGINNING: env.bool().default(true),
  CLICKHOUSE_URL: env.url('http:', 'https:').default('http://127.0.0.1:8123'),
  CLICKHOUSE_USER: z.string().min(1).default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  /** The app's own database on that server. */
  ANALYTICS_CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be a plain database name')
    .default('analytics'),
  /** Most rows in one ClickHouse insert (one call of the batch handler)... */
  ANALYTICS_BATCH_MAX_ROWS: z.coerce.number().int().min(1).max(100_000).default(5_000),
  /** ...and how long a partition's records wait for other partitions' records to join it. */
  ANALYTICS_BATCH_MAX_WAIT_MS: z.coerce.number().int().min(1).max(60_000).default(200),
  ...gatewayIdentityEnv,
});

export type AnalyticsIngestConfig = z.infer<typeof analyticsIngestConfigSchema>;

/** Injection token of the validated config. */
export const ANALYTICS_INGEST_CONFIG = Symbol('ANALYTICS_INGEST_CONFIG');

/** Reads and validates the environment; throws ConfigError naming each bad variable. */
export function loadAnalyticsIngestConfig(
  source: Record<string, string | undefined> = process.env,
): AnalyticsIngestConfig {
  return parseEnv(analyticsIngestConfigSchema, source);
}
