import { DEVELOPMENT_GATEWAY_IDENTITY_KEYS } from '@platform/identity';
import { kafkaClientSetting } from '@platform/messaging';
import { env, parseEnv } from '@platform/observability';
import { z } from 'zod';

/** Every variable auth-service reads, with local defaults (see .env.example). */
export const authServiceConfigSchema = z.object({
  AUTH_HTTP_PORT: env.port().default(3001),
  /** Port of GET /metrics, for Prometheus only (the public port answers 404 there); 0 = any free one. */
  AUTH_METRICS_PORT: env.listenPort().default(9401),
  /** Interface of both ports: loopback natively (the default); containers set 0.0.0.0. */
  HTTP_HOST: env.host().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  /** After SIGTERM, keep serving this long with readiness false so load balancers move away. */
  SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  KAFKA_BROKERS: env.list().default(['127.0.0.1:9092']),
  /** The Kafka client library: kafkajs (default) or platformatic (docs/messaging.md). */
  KAFKA_CLIENT: kafkaClientSetting(),
  KAFKA_REPLICATION_FACTOR: env.positiveInt().default(1),
  AUTH_DATABASE_URL: env.secretUrl({
    developmentValue: 'postgres://postgres:postgres@127.0.0.1:5432/auth',
    protocols: ['postgres:', 'postgresql:'],
  }),
  /** Sent outbox rows are kept this long (debugging, late replays), then purged. */
  OUTBOX_RETENTION_HOURS: env.positiveInt().default(168),
  RETENTION_PURGE_INTERVAL_SECONDS: env.positiveInt().default(300),
  /** redis[s]://user:password@host:port; outside development a password of its own is required. */
  REDIS_URL: env.secretUrl({ developmentValue: 'redis://127.0.0.1:6379', protocols: ['redis:', 'rediss:'] }),
  /** Lifetime of an access JWT, seconds. */
  AUTH_ACCESS_TOKEN_TTL_SECONDS: env.positiveInt().default(900),
  /** Lifetime of a refresh token (and of its family's revocation key), seconds. */
  AUTH_REFRESH_TOKEN_TTL_SECONDS: env.positiveInt().default(30 * 24 * 3600),
  /** A signing key older than this is replaced by a new one. */
  AUTH_KEY_ROTATION_DAYS: env.positiveInt().default(30),
  /** Failed logins per account, and per client IP, before 429; within the window. */
  AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: env.positiveInt().default(5),
  AUTH_LOGIN_MAX_FAILURES_PER_IP: env.positiveInt().default(20),
  AUTH_LOGIN_FAILURE_WINDOW_SECONDS: env.positiveInt().default(900),
  /** Prefix of the throttling keys in Redis (tests use their own). */
  AUTH_THROTTLE_KEY_PREFIX: z.string().min(1).default('auth:login-failures'),
  /**
   * Largest request body accepted, e.g. `128kb` (413 above it). Large enough that an oversized
   * field is answered with a 400 naming it, small enough to parse in well under a millisecond.
   */
  AUTH_MAX_BODY_SIZE: z
    .string()
    .regex(/^\d+(b|kb|mb)?$/i)
    .default('128kb'),
  /** The gateway's Ed25519 public keys (base64 SPKI DER; two, comma-separated, during a rotation): docs/security.md. */
  GATEWAY_IDENTITY_PUBLIC_KEYS: env.secret({
    developmentValue: DEVELOPMENT_GATEWAY_IDENTITY_KEYS.publicKey,
    minLength: 40,
  }),
});

export type AuthServiceConfig = z.infer<typeof authServiceConfigSchema>;

/** Injection token of the validated config. */
export const AUTH_SERVICE_CONFIG = Symbol('AUTH_SERVICE_CONFIG');

/** Reads and validates the environment; throws ConfigError naming each bad variable. */
export function loadAuthServiceConfig(
  source: Record<string, string | undefined> = process.env,
): AuthServiceConfig {
  return parseEnv(authServiceConfigSchema, source);
}
