import { env, parseEnv } from '@platform/observability';
import { z } from 'zod';

/** Every variable dlq-consumer reads, with local defaults (see .env.example). */
export const dlqConsumerConfigSchema = z.object({
  DLQ_HTTP_PORT: env.port().default(3005),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  /** After SIGTERM, keep serving this long with readiness false so load balancers move away. */
  SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  KAFKA_BROKERS: env.list().default(['127.0.0.1:9092']),
  KAFKA_REPLICATION_FACTOR: env.positiveInt().default(1),
  MONGO_URL: env.url('mongodb:', 'mongodb+srv:').default('mongodb://127.0.0.1:27017'),
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
  /** HMAC secret of the gateway's identity headers; the default matches api-gateway's, for local runs only. */
  GATEWAY_IDENTITY_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .default('local-dev-identity-secret-change-me-0123456789'),
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
