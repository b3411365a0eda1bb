import { DEVELOPMENT_GATEWAY_IDENTITY_KEYS } from '@platform/identity';
import { DEVELOPMENT_PAYMENT_WEBHOOK_SECRET } from '@platform/contracts';
import { kafkaClientSetting } from '@platform/messaging';
import { env, parseEnv } from '@platform/observability';
import { z } from 'zod';

/** Every variable order-service reads, with local defaults (see .env.example). */
export const orderServiceConfigSchema = z.object({
  ORDER_HTTP_PORT: env.port().default(3002),
  /** Port of GET /metrics, for Prometheus only (the public port answers 404 there); 0 = any free one. */
  ORDER_METRICS_PORT: env.listenPort().default(9402),
  /** Interface of both ports: loopback natively (the default); containers set 0.0.0.0. */
  HTTP_HOST: env.host().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  /** After SIGTERM, keep serving this long with readiness false so load balancers move away. */
  SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  KAFKA_BROKERS: env.list().default(['127.0.0.1:9092']),
  /** The Kafka client library: kafkajs (default) or platformatic (docs/messaging.md). */
  KAFKA_CLIENT: kafkaClientSetting(),
  KAFKA_REPLICATION_FACTOR: env.positiveInt().default(1),
  ORDER_DATABASE_URL: env.secretUrl({
    developmentValue: 'postgres://postgres:postgres@127.0.0.1:5432/orders',
    protocols: ['postgres:', 'postgresql:'],
  }),
  /** Sent outbox rows are kept this long (debugging, late replays), then purged. */
  OUTBOX_RETENTION_HOURS: env.positiveInt().default(168),
  /** Answered Idempotency-Keys are kept this long: a retry after that runs again. */
  ORDER_IDEMPOTENCY_KEY_RETENTION_HOURS: env.positiveInt().default(24),
  RETENTION_PURGE_INTERVAL_SECONDS: env.positiveInt().default(300),
  /** HMAC key the payment provider signs its callbacks with (its dashboard shows it): docs/security.md. */
  PAYMENT_WEBHOOK_SECRET: env.secret({ developmentValue: DEVELOPMENT_PAYMENT_WEBHOOK_SECRET, minLength: 32 }),
  /** The gateway's Ed25519 public keys (base64 SPKI DER; two, comma-separated, during a rotation): docs/security.md. */
  GATEWAY_IDENTITY_PUBLIC_KEYS: env.secret({
    developmentValue: DEVELOPMENT_GATEWAY_IDENTITY_KEYS.publicKey,
    minLength: 40,
  }),
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
