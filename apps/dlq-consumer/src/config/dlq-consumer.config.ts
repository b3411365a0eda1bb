import { DEVELOPMENT_GATEWAY_IDENTITY_KEYS } from '@platform/identity';
import { kafkaClientSetting } from '@platform/messaging';
import { env, parseEnv } from '@platform/observability';
import { z } from 'zod';

/** Every variable dlq-consumer reads, with local defaults (see .env.example). */
export const dlqConsumerConfigSchema = z.object({
  DLQ_HTTP_PORT: env.port().default(3005),
  /** Port of GET /metrics, for Prometheus only (the public port answers 404 there); 0 = any free one. */
  DLQ_METRICS_PORT: env.listenPort().default(9405),
  /** Interface of both ports: loopback natively (the default); containers set 0.0.0.0. */
  HTTP_HOST: env.host().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  /** After SIGTERM, keep serving this long with readiness false so load balancers move away. */
  SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  KAFKA_BROKERS: env.list().default(['127.0.0.1:9092']),
  /** The Kafka client library: kafkajs (default) or platformatic (docs/messaging.md). */
  KAFKA_CLIENT: kafkaClientSetting(),
  KAFKA_REPLICATION_FACTOR: env.positiveInt().default(1),
  /** mongodb://user:password@host:port/?authSource=...; outside development a password of its own is required. */
  MONGO_URL: env.secretUrl({
    developmentValue: 'mongodb://127.0.0.1:27017',
    protocols: ['mongodb:', 'mongodb+srv:'],
  }),
  /** The app's own database on that server. */
  DLQ_MONGO_DATABASE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be a plain database name')
    .default('dlq'),
  /** The consumer group reading every *.dlq topic. */
  DLQ_CONSUMER_GROUP: z.string().min(1).max(200).default('dlq-consumer'),
  /** Replays written to Kafka per second at most, all requests together. */
  DLQ_REPLAY_RATE_PER_SECOND: env.positiveInt().default(50),
  /** A group replay or discard touches at most this many messages per request. */
  DLQ_MAX_GROUP_ACTION: env.positiveInt().default(1_000),
  /** The gateway's Ed25519 public keys (base64 SPKI DER; two, comma-separated, during a rotation): docs/security.md. */
  GATEWAY_IDENTITY_PUBLIC_KEYS: env.secret({
    developmentValue: DEVELOPMENT_GATEWAY_IDENTITY_KEYS.publicKey,
    minLength: 40,
  }),
});

export type DlqConsumerConfig = z.infer<typeof dlqConsumerConfigSchema>;

/** Injection token of the validated config. */
export const DLQ_CONSUMER_CONFIG = Symbol('DLQ_CONSUMER_CONFIG');

/** Reads and validates the environment; throws ConfigError naming each bad variable. */
export function loadDlqConsumerConfig(
  source: Record<string, string | undefined> = process.env,
): DlqConsumerConfig {
  return parseEnv(dlqConsumerConfigSchema, source);
}
