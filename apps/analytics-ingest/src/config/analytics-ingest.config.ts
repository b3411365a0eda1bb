import { DEVELOPMENT_GATEWAY_IDENTITY_KEYS } from '@platform/identity';
import { kafkaClientSetting } from '@platform/messaging';
import { env, parseEnv } from '@platform/observability';
import { z } from 'zod';

/** Every variable analytics-ingest reads, with local defaults (see .env.example). */
export const analyticsIngestConfigSchema = z.object({
  ANALYTICS_HTTP_PORT: env.port().default(3004),
  /** Port of GET /metrics, for Prometheus only (the public port answers 404 there); 0 = any free one. */
  ANALYTICS_METRICS_PORT: env.listenPort().default(9404),
  /** Interface of both ports: loopback natively (the default); containers set 0.0.0.0. */
  HTTP_HOST: env.host().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  /** After SIGTERM, keep serving this long with readiness false so load balancers move away. */
  SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  KAFKA_BROKERS: env.list().default(['127.0.0.1:9092']),
  /** The Kafka client library: kafkajs (default) or platformatic (docs/messaging.md). */
  KAFKA_CLIENT: kafkaClientSetting(),
  KAFKA_REPLICATION_FACTOR: env.positiveInt().default(1),
  ANALYTICS_CONSUMER_GROUP: z.string().min(1).max(200).default('analytics-ingest'),
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
  /** A batch is written when it has this many rows... */
  ANALYTICS_BATCH_MAX_ROWS: z.coerce.number().int().min(1).max(100_000).default(5_000),
  /** ...or when its first row has waited this long. */
  ANALYTICS_BATCH_MAX_WAIT_MS: z.coerce.number().int().min(1).max(60_000).default(500),
  /** The gateway's Ed25519 public keys (base64 SPKI DER; two, comma-separated, during a rotation): docs/security.md. */
  GATEWAY_IDENTITY_PUBLIC_KEYS: env.secret({
    developmentValue: DEVELOPMENT_GATEWAY_IDENTITY_KEYS.publicKey,
    minLength: 40,
  }),
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
