import { env, parseEnv } from '@platform/observability';
import { z } from 'zod';

/** Every variable order-service reads, with local defaults (see .env.example). */
export const orderServiceConfigSchema = z.object({
  ORDER_HTTP_PORT: env.port().default(3002),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  /** After SIGTERM, keep serving this long with readiness false so load balancers move away. */
  SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  KAFKA_BROKERS: env.list().default(['127.0.0.1:9092']),
  KAFKA_REPLICATION_FACTOR: env.positiveInt().default(1),
  ORDER_DATABASE_URL: env
    .url('postgres:', 'postgresql:')
    .default('postgres://postgres:postgres@127.0.0.1:5432/orders'),
  /** Sent outbox rows are kept this long (debugging, late replays), then purged. */
  OUTBOX_RETENTION_HOURS: env.positiveInt().default(168),
  /** Answered Idempotency-Keys are kept this long: a retry after that runs again. */
  ORDER_IDEMPOTENCY_KEY_RETENTION_HOURS: env.positiveInt().default(24),
  RETENTION_PURGE_INTERVAL_SECONDS: env.positiveInt().default(300),
  /** HMAC secret of the gateway's identity headers; the default matches api-gateway's, for local runs only. */
  GATEWAY_IDENTITY_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .default('local-dev-identity-secret-change-me-0123456789'),
});

export type OrderServiceConfig = z.infer<typeof orderServiceConfigSchema>;

/** Injection token of the validated config. */
export const ORDER_SERVICE_CONFIG = Symbol('ORDER_SERVICE_CONFIG');

/** Reads and validates the environment; throws ConfigError naming each bad variable. */
export function loadOrderServiceConfig(
  source: Record<string, string | undefined> = process.env,
): OrderServiceConfig {
  return parseEnv(orderServiceConfigSchema, source);
}
